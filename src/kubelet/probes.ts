/**
 * Container probes (startup, readiness, liveness; exec, httpGet, tcpSocket) with their
 * timings and thresholds. Results land on the tracked container (started, ready) and
 * trigger a pod sync when they change; a liveness (or startup) failure past its threshold
 * kills the container, which the pod worker then restarts per the restart policy.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { ContainerRuntime } from '../engine/runtime/index.js';
import type { EventRecorder } from './events.js';
import type { ContainerSpec, LifecycleHandler, Pod, Probe } from './pod-types.js';
import type { TrackedContainer } from './tracked.js';

type Kind = 'startup' | 'readiness' | 'liveness';

interface ProbeLoop { containerId: string; timers: NodeJS.Timeout[] }

function resolvePort(port: number | string, c: ContainerSpec): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = c.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`port "${port}" not found in container ${c.name}`);
  return named.containerPort;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

export async function runProbe(probe: Probe, c: ContainerSpec, target: { podIP: string; containerId: string; runtime: ContainerRuntime }): Promise<{ ok: boolean; message: string }> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.exec) {
      const code = await withTimeout(target.runtime.exec(target.containerId, { args: probe.exec.command ?? [], stdio: 'ignore' }), timeoutMs, 'command');
      return { ok: code === 0, message: `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${code}` };
    }
    if (probe.httpGet) {
      const g = probe.httpGet;
      const port = resolvePort(g.port, c);
      const host = g.host ?? target.podIP;
      const path = g.path ?? '/';
      const code = await withTimeout(new Promise<number>((resolve, reject) => {
        const req = request({ host, port, path, method: 'GET', headers: { 'User-Agent': 'kube-probe/1.32', ...Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value])) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }), timeoutMs, `Get "http://${host}:${port}${path}"`);
      return { ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` };
    }
    if (probe.tcpSocket) {
      const port = resolvePort(probe.tcpSocket.port, c);
      const host = probe.tcpSocket.host ?? target.podIP;
      await withTimeout(new Promise<void>((resolve, reject) => {
        const s = connect({ host, port }, () => { s.destroy(); resolve(); });
        s.on('error', reject);
      }), timeoutMs, `dial tcp ${host}:${port}`);
      return { ok: true, message: '' };
    }
    return { ok: true, message: '' };
  } catch (err: unknown) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** A lifecycle hook (postStart, preStop): a probe-like handler or a sleep, bounded by `timeoutSeconds`. */
export async function runHook(hook: LifecycleHandler, c: ContainerSpec, target: { podIP: string; containerId: string; runtime: ContainerRuntime }, timeoutSeconds: number): Promise<{ ok: boolean; message: string }> {
  if (hook.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(hook.sleep!.seconds, timeoutSeconds) * 1000));
    return { ok: true, message: '' };
  }
  const result = await runProbe({ ...hook, timeoutSeconds }, c, target);
  // An HTTP hook only fails on a transport error or a 4xx/5xx answer, as with probes.
  return result;
}

export class Probes {
  private readonly loops = new Map<string, ProbeLoop>();

  constructor(private readonly runtime: ContainerRuntime, private readonly events: EventRecorder, private readonly podIP: (key: string) => string, private readonly resync: (key: string) => void) {}

  /** Starts the probes of a running container once (again after each restart). */
  ensure(key: string, pod: Pod, c: ContainerSpec, containerId: string, t: TrackedContainer): void {
    const loopKey = `${key}/${c.name}`;
    const existing = this.loops.get(loopKey);
    if (existing?.containerId === containerId) return;
    if (existing) existing.timers.forEach(clearTimeout);
    const loop: ProbeLoop = { containerId, timers: [] };
    this.loops.set(loopKey, loop);
    const kinds: Array<[Kind, Probe | undefined]> = [['startup', c.startupProbe], ['readiness', c.readinessProbe], ['liveness', c.livenessProbe]];
    for (const [kind, probe] of kinds) if (probe) this.schedule(loop, kind, probe, key, pod, c, t, (probe.initialDelaySeconds ?? 0) * 1000, { successes: 0, failures: 0 });
  }

  private schedule(loop: ProbeLoop, kind: Kind, probe: Probe, key: string, pod: Pod, c: ContainerSpec, t: TrackedContainer, delayMs: number, counts: { successes: number; failures: number }): void {
    const timer = setTimeout(() => {
      loop.timers = loop.timers.filter((x) => x !== timer);
      void this.tick(loop, kind, probe, key, pod, c, t, counts);
    }, delayMs);
    timer.unref();
    loop.timers.push(timer);
  }

  private async tick(loop: ProbeLoop, kind: Kind, probe: Probe, key: string, pod: Pod, c: ContainerSpec, t: TrackedContainer, counts: { successes: number; failures: number }): Promise<void> {
    if (this.loops.get(`${key}/${c.name}`) !== loop) return;
    const period = (probe.periodSeconds ?? 10) * 1000;
    // Readiness and liveness wait for the startup probe to succeed.
    if (kind !== 'startup' && c.startupProbe && t.started !== true) {
      this.schedule(loop, kind, probe, key, pod, c, t, period, counts);
      return;
    }
    const result = await runProbe(probe, c, { podIP: this.podIP(key), containerId: loop.containerId, runtime: this.runtime });
    if (this.loops.get(`${key}/${c.name}`) !== loop) return;
    if (result.ok) {
      counts.successes += 1;
      counts.failures = 0;
    } else {
      counts.failures += 1;
      counts.successes = 0;
      this.events.record(pod, 'Warning', 'Unhealthy', `${kind[0]!.toUpperCase()}${kind.slice(1)} probe failed: ${result.message}`, `spec.containers{${c.name}}`);
    }
    const failureThreshold = probe.failureThreshold ?? 3;
    const successThreshold = probe.successThreshold ?? 1;
    if (kind === 'readiness') {
      const ready = counts.successes >= successThreshold ? true : counts.failures >= failureThreshold ? false : t.ready;
      if (ready !== t.ready) {
        t.ready = ready;
        this.resync(key);
      }
    } else if (kind === 'startup' && counts.successes >= successThreshold) {
      t.started = true;
      this.resync(key);
      return;
    }
    if (kind !== 'readiness' && counts.failures >= failureThreshold) {
      this.events.record(pod, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`, `spec.containers{${c.name}}`);
      this.loops.delete(`${key}/${c.name}`);
      await this.runtime.stop(loop.containerId, { timeoutSeconds: pod.spec.terminationGracePeriodSeconds ?? 30 }).catch(() => undefined);
      this.resync(key);
      return;
    }
    this.schedule(loop, kind, probe, key, pod, c, t, period, counts);
  }

  stopPod(key: string): void {
    for (const [k, loop] of this.loops) {
      if (k.startsWith(`${key}/`)) {
        loop.timers.forEach(clearTimeout);
        this.loops.delete(k);
      }
    }
  }

  stopAll(): void {
    for (const loop of this.loops.values()) loop.timers.forEach(clearTimeout);
    this.loops.clear();
  }
}
