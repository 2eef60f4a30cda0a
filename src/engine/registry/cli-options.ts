/** Flags pull and push share, as podman spells them, turned into RegistryOptions. */
import { flagBool, flagValue, type FlagSpec, type ParsedArgs, UsageError } from '../util/index.js';
import { parseCredsFlag } from './credentials.js';
import type { RegistryOptions } from './pull.js';
import { textProgress, silentProgress } from './progress.js';

export const registryFlags: FlagSpec[] = [
  { name: 'tls-verify', value: false },
  { name: 'creds', value: true },
  { name: 'authfile', value: true },
  { name: 'quiet', short: 'q' },
];

export const registryFlagsUsage = `      --authfile string     path of the authentication file (default: <root>/auth.json, then ~/.docker/config.json)
      --creds user:pass     credentials to use for the registry
  -q, --quiet               suppress output information
      --tls-verify          require HTTPS and verify certificates (default: true; loopback registries use http unless set)
`;

/** `docker://host/x:1` (podman's transport prefix) -> `host/x:1`. */
export function stripTransport(ref: string): string {
  if (ref.startsWith('docker://')) return ref.slice('docker://'.length);
  if (/^[a-z-]+:\/\//.test(ref) || /^(oci|oci-archive|docker-archive|dir|containers-storage):/.test(ref)) {
    throw new UsageError(`unsupported transport in "${ref}": only docker:// (a registry) is supported`);
  }
  return ref;
}

export function registryOptions(args: ParsedArgs, stderr: { write(text: string): unknown; isTTY?: boolean }): RegistryOptions {
  const tls = args.flags.get('tls-verify')?.at(-1);
  if (tls !== undefined && !['true', 'false'].includes(tls)) throw new UsageError(`invalid value "${tls}" for --tls-verify: want true or false`);
  const creds = flagValue(args, 'creds');
  const authfile = flagValue(args, 'authfile');
  return {
    ...(tls !== undefined ? { tlsVerify: tls === 'true' } : {}),
    ...(creds !== undefined ? { credentials: parseCredsFlag(creds) } : {}),
    ...(authfile !== undefined ? { env: { ...process.env, REGISTRY_AUTH_FILE: authfile } } : {}),
    progress: flagBool(args, 'quiet') ? silentProgress : textProgress(stderr),
  };
}
