/**
 * Dockerfile-style `--change` instructions for `import` (CMD, ENTRYPOINT, ENV, WORKDIR, USER,
 * EXPOSE, LABEL, VOLUME, STOPSIGNAL), applied to an image's runtime config.
 */
import type { ImageRuntimeConfig } from '../types.js';

function jsonOrShell(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed as string[];
    } catch {
      // not JSON after all: shell form, as Docker falls back to
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

/** `a=b c="d e"` or the legacy `a b` form. */
function keyValues(value: string): Array<[string, string]> {
  const tokens = value.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  if (tokens.length > 0 && !tokens[0]!.includes('=')) {
    return [[tokens[0]!, value.trim().slice(tokens[0]!.length).trim()]];
  }
  return tokens.map((t) => {
    const eq = t.indexOf('=');
    return [t.slice(0, eq), t.slice(eq + 1).replace(/^"(.*)"$|^'(.*)'$/, '$1$2')];
  });
}

export function applyChanges(config: ImageRuntimeConfig, changes: readonly string[]): ImageRuntimeConfig {
  const out: ImageRuntimeConfig = { ...config };
  for (const change of changes) {
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw new Error(`invalid change "${change}": want INSTRUCTION ARGUMENTS`);
    const instruction = m[1]!.toUpperCase();
    const value = m[2]!;
    switch (instruction) {
      case 'CMD': out.Cmd = jsonOrShell(value); break;
      case 'ENTRYPOINT': out.Entrypoint = jsonOrShell(value); break;
      case 'WORKDIR': out.WorkingDir = value.trim(); break;
      case 'USER': out.User = value.trim(); break;
      case 'STOPSIGNAL': out.StopSignal = value.trim(); break;
      case 'ENV': {
        const env = [...(out.Env ?? [])];
        for (const [k, v] of keyValues(value)) {
          const i = env.findIndex((e) => e.startsWith(`${k}=`));
          if (i >= 0) env[i] = `${k}=${v}`; else env.push(`${k}=${v}`);
        }
        out.Env = env;
        break;
      }
      case 'LABEL': out.Labels = { ...(out.Labels ?? {}), ...Object.fromEntries(keyValues(value)) }; break;
      case 'EXPOSE': {
        const ports = { ...(out.ExposedPorts ?? {}) };
        for (const p of value.trim().split(/\s+/)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
        out.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const volumes = { ...(out.Volumes ?? {}) };
        const list = value.trim().startsWith('[') ? (JSON.parse(value) as string[]) : value.trim().split(/\s+/);
        for (const v of list) volumes[v] = {};
        out.Volumes = volumes;
        break;
      }
      default:
        throw new Error(`${instruction} is not supported by --change (use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)`);
    }
  }
  return out;
}
