/**
 * One container of a pod brought to where its spec and restartPolicy say it should be:
 * started if it never was, restarted after an exit when the policy wants it (immediately the
 * first time, then after a back-off of 10 s doubling to 5 min: CrashLoopBackOff), left
 * terminated otherwise. Image, config and start failures become the waiting reasons
 * Kubernetes shows (ErrImagePull/ImagePullBackOff, CreateContainerConfigError, ...).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord, ContainerRuntime } from '../engine/runtime/index.js';
import { containerCreateOptions } from './container-config.js';
import { containerEnv, EnvConfigError, type EnvSources } from './env.js';
import type { EventRecorder } from './events.js';
import { ImagePullError, type ImageManager } from './images.js';
import type { ContainerSpec, Pod } from './pod-types.js';
import { markPhase } from './phase-trace.js';
import { nextBackoffSeconds, shouldRestart } from './pod-status.js';
import { runHook } from './probes.js';
import { containerSeccomp, SeccompProfileError, seccompProfileDir, type EngineSeccomp } from './seccomp.js';
import { effectiveCapabilities, runAsNonRootRefusal } from './security.js';
import { stateOf, type TrackedContainer, type TrackedPod } from './tracked.js';
import { containerMounts, podDir, VolumeSetupError } from './volumes.js';

export interface ContainerSyncContext {
  runtime: ContainerRuntime;
  images: ImageManager;
  events: EventRecorder;
  sources: EnvSources;
  stateDir: string;
  /** Where memory-backed volumes go (volumes.ts); the state folder when the node has no run folder apart. */
  runDir: string;
  nodeName: string;
  hostIP: string;
  machine: { cpus: number; memoryBytes: number };
  /** Containers that name no seccompProfile get the runtime's default one (kubelet's seccompDefault); else Unconfined. */
  seccompDefault: boolean;
  /** Asks for another sync of this pod in `ms`. */
  requeueAfter(ms: number): void;
}

const tenMinutesMs = 10 * 60_000;

export function newTrackedContainer(c: ContainerSpec): TrackedContainer {
  return { name: c.name, attempt: 0, backoffSeconds: 0, backoffUntil: 0, image: c.image ?? '', imageID: '', retryAt: 0, retrySeconds: 0 };
}

function fieldPath(c: ContainerSpec): string {
  return `spec.containers{${c.name}}`;
}

async function inspectOrUndefined(runtime: ContainerRuntime, id: string): Promise<ContainerRecord | undefined> {
  try {
    return await runtime.inspect(id);
  } catch (err: unknown) {
    if ((err as { code?: string }).code === 'CONTAINER_NOT_FOUND' || /no such container|not found/i.test(String((err as Error).message))) return undefined;
    throw err;
  }
}

/** Returns the container's current engine record (if any) after acting. */
export async function syncContainer(ctx: ContainerSyncContext, pod: Pod, tracked: TrackedPod, c: ContainerSpec, restartPolicy = pod.spec.restartPolicy ?? 'Always'): Promise<ContainerRecord | undefined> {
  let t = tracked.containers.get(c.name);
  if (!t) {
    t = newTrackedContainer(c);
    tracked.containers.set(c.name, t);
  }
  const rec = t.id ? await inspectOrUndefined(ctx.runtime, t.id) : undefined;
  if (t.id && !rec) t.id = undefined;
  if (rec?.state.status === 'running') return rec;
  if (rec && rec.state.status === 'exited') {
    if (!shouldRestart(restartPolicy, rec.state.exitCode)) return rec;
    const now = Date.now();
    if (t.handledExitOf !== rec.id) {
      t.handledExitOf = rec.id;
      const ranMs = Date.parse(rec.state.finishedAt ?? '') - Date.parse(rec.state.startedAt ?? '');
      if (ranMs > tenMinutesMs) t.backoffSeconds = 0;
      t.backoffUntil = now + t.backoffSeconds * 1000;
      if (t.backoffSeconds > 0) ctx.events.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${tracked.uid})`, fieldPath(c));
      t.waitingBackoff = t.backoffSeconds;
      t.backoffSeconds = nextBackoffSeconds(t.backoffSeconds);
    }
    if (now < t.backoffUntil) {
      t.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${t.waitingBackoff ?? 10}s restarting failed container=${c.name} pod=${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${tracked.uid})` };
      ctx.requeueAfter(t.backoffUntil - now);
      return rec;
    }
    // Restart: this container becomes the previous one (its log stays for --previous).
    if (t.previousId) await ctx.runtime.remove(t.previousId, { force: true }).catch(() => undefined);
    t.previousId = rec.id;
    t.lastTerminated = stateOf(rec).terminated;
    t.id = undefined;
    t.attempt += 1;
  }
  if (!t.id) {
    if (Date.now() < t.retryAt) {
      ctx.requeueAfter(t.retryAt - Date.now());
      return undefined;
    }
    return startContainer(ctx, pod, tracked, c, t);
  }
  return rec;
}

async function startContainer(ctx: ContainerSyncContext, pod: Pod, tracked: TrackedPod, c: ContainerSpec, t: TrackedContainer): Promise<ContainerRecord | undefined> {
  const fp = fieldPath(c);
  const fail = (reason: string, message: string, retryReason?: string): undefined => {
    t.retrySeconds = nextBackoffSeconds(t.retrySeconds);
    t.retryAt = Date.now() + t.retrySeconds * 1000;
    t.waiting = { reason: t.retrySeconds > 10 && retryReason ? retryReason : reason, message };
    ctx.events.record(pod, 'Warning', 'Failed', message.startsWith('Error') ? message : `Error: ${message}`, fp);
    ctx.requeueAfter(t.retrySeconds * 1000);
    return undefined;
  };
  let image;
  try {
    image = await ctx.images.ensure(c, () => ctx.events.record(pod, 'Normal', 'Pulling', `Pulling image "${c.image ?? ''}"`, fp));
  } catch (err: unknown) {
    if (err instanceof ImagePullError) {
      return fail(err.reason, err.message, err.reason === 'ErrImagePull' ? 'ImagePullBackOff' : undefined);
    }
    throw err;
  }
  if (image.warning) ctx.events.record(pod, 'Warning', 'Failed', image.warning, fp);
  // From another node's image mirror, the event names it (upstream's message has no source).
  const from = image.source && image.source !== 'registry' ? ` from ${image.source}` : '';
  if (image.pulled) ctx.events.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${c.image ?? ''}"${from} in ${(image.pullMs / 1000).toFixed(3)}s`, fp);
  else if (t.attempt === 0 && !t.imageID) ctx.events.record(pod, 'Normal', 'Pulled', `Container image "${c.image ?? ''}" already present on machine`, fp);
  markPhase(tracked.uid, 'image');
  t.image = image.reference;
  t.imageID = image.imageID;
  let env: string[];
  let mounts;
  try {
    env = await containerEnv(pod, c, { podIP: tracked.sandbox?.ip, hostIP: ctx.hostIP, nodeName: ctx.nodeName }, ctx.sources, ctx.machine);
    mounts = containerMounts(tracked.volumes ?? new Map(), c.volumeMounts ?? [], pod);
  } catch (err: unknown) {
    if (err instanceof EnvConfigError || err instanceof VolumeSetupError) return fail('CreateContainerConfigError', err.message);
    throw err;
  }
  let seccomp: EngineSeccomp;
  try {
    seccomp = await containerSeccomp(pod, c, { seccompDefault: ctx.seccompDefault, profileDir: seccompProfileDir(ctx.stateDir), capabilities: effectiveCapabilities(c) });
  } catch (err: unknown) {
    // containerd's words: the profile is read when the container is created.
    if (err instanceof SeccompProfileError) return fail('CreateContainerError', `failed to generate seccomp spec opts: ${err.message}`);
    throw err;
  }
  // The logs lie in the pod's folder itself (<container>_<attempt>.log: container names have
  // no '_'), not in folders of their own: making a folder costs ~0.8 ms of CPU on some file
  // systems (this machine's /tmp), and the pod folder is there already (volumes).
  const logDir = podDir(ctx.stateDir, tracked.uid);
  mkdirSync(logDir, { recursive: true });
  let created: ContainerRecord;
  try {
    created = await ctx.runtime.create(containerCreateOptions({ pod, container: c, imageRef: image.reference, env, mounts, seccomp, nodeMemoryBytes: ctx.machine.memoryBytes, netnsPath: tracked.sandbox?.netnsPath, attempt: t.attempt, logPath: join(logDir, `${c.name}_${t.attempt}.log`) }));
  } catch (err: unknown) {
    return fail('CreateContainerError', err instanceof Error ? err.message : String(err));
  }
  // runAsNonRoot is checked against the user the container would really run as (the image's
  // when the spec names none), which only the created record knows.
  const refusal = runAsNonRootRefusal(pod, c, created.config.user);
  if (refusal) {
    await ctx.runtime.remove(created.id, { force: true }).catch(() => undefined);
    return fail('CreateContainerConfigError', refusal);
  }
  t.id = created.id;
  markPhase(tracked.uid, 'created');
  ctx.events.record(pod, 'Normal', 'Created', `Created container ${c.name}`, fp);
  try {
    const started = await ctx.runtime.start(created.id);
    markPhase(tracked.uid, 'started');
    t.waiting = undefined;
    t.retrySeconds = 0;
    t.ready = undefined;
    t.started = undefined;
    if (started.state.status === 'exited' && started.state.exitCode >= 125 && started.state.error) {
      ctx.events.record(pod, 'Warning', 'Failed', `Error: failed to start container "${c.name}": ${started.state.error}`, fp);
    } else ctx.events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, fp);
    if (c.lifecycle?.postStart && started.state.status === 'running') {
      // The hook runs before the container counts as started; a failure kills it (then the
      // restart policy applies), as the kubelet does.
      const result = await runHook(c.lifecycle.postStart, c, { podIP: tracked.sandbox?.ip ?? '', containerId: created.id, runtime: ctx.runtime }, 30);
      if (!result.ok) {
        ctx.events.record(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${result.message}`, fp);
        await ctx.runtime.stop(created.id, { timeoutSeconds: pod.spec.terminationGracePeriodSeconds ?? 30 });
        return inspectOrUndefined(ctx.runtime, created.id);
      }
    }
    return started;
  } catch (err: unknown) {
    ctx.events.record(pod, 'Warning', 'Failed', `Error: failed to start container "${c.name}": ${err instanceof Error ? err.message : String(err)}`, fp);
    return inspectOrUndefined(ctx.runtime, created.id);
  }
}
