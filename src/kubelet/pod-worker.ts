/**
 * The pod workers: a level-triggered sync per pod key (informer events and timed re-checks
 * enqueue it). A sync brings the pod's sandbox, volumes and containers to its spec and
 * writes the status when it changed; a pod with a deletionTimestamp is stopped gracefully
 * (SIGTERM, the grace period, SIGKILL), cleaned up (containers, volumes, netns, IP) and then
 * deleted for good with gracePeriodSeconds 0, as the kubelet does.
 */
import { StatusError } from '../client/errors.js';
import type { Informer } from '../client/informers/index.js';
import { splitKey } from '../client/informers/cache.js';
import { ResourceClient } from '../client/typed/index.js';
import type { WorkQueue } from '../client/workqueue/index.js';
import type { ContainerRecord } from '../engine/runtime/index.js';
import type { PortMapping } from './cni.js';
import { syncContainer, type ContainerSyncContext } from './container-sync.js';
import { computePodStatus, type ObservedContainer } from './pod-status.js';
import { kubeTime, type ContainerSpec, type ContainerStateView, type Pod } from './pod-types.js';
import { markPhase } from './phase-trace.js';
import { runHook, type Probes } from './probes.js';
import { containerSpecNamed, initContainerRestartPolicy, initStepDone, stopSidecarsWhenAppsFinished, terminationGroups } from './sidecars.js';
import type { Sandboxes } from './sandbox.js';
import { containerID, stateOf, type TrackedContainer, type TrackedPod } from './tracked.js';
import { refreshProjectedVolumes, setUpVolumes, tearDownVolumes, VolumeSetupError } from './volumes.js';

export interface PodWorkerDeps extends Omit<ContainerSyncContext, 'requeueAfter'> {
  pods: ResourceClient<Pod>;
  informer: Informer<Pod>;
  queue: WorkQueue;
  sandboxes: Sandboxes;
  probes: Probes;
  /** Engine containers found at start-up, by pod uid, not yet claimed by a pod. */
  adoptable: Map<string, ContainerRecord[]>;
  onError(err: unknown): void;
}

const pollMs = 1000;
const volumeRefreshMs = 5000;

function hostPorts(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec.containers) for (const p of c.ports ?? []) if (p.hostPort) out.push({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' });
  return out;
}

export class PodWorkers {
  /** By pod key (namespace/name). */
  readonly tracked = new Map<string, TrackedPod>();

  constructor(private readonly d: PodWorkerDeps) {}

  byUid(uid: string): TrackedPod | undefined {
    for (const t of this.tracked.values()) if (t.uid === uid) return t;
    return undefined;
  }

  async sync(key: string): Promise<void> {
    const pod = this.d.informer.lister.get(splitKey(key).namespace, splitKey(key).name);
    let tracked = this.tracked.get(key);
    if (tracked && (!pod || pod.metadata?.uid !== tracked.uid)) {
      // Removed without us (force delete), or replaced by a new pod of the same name.
      await this.cleanUp(tracked);
      this.tracked.delete(key);
      tracked = undefined;
    }
    if (!pod) return;
    tracked ??= this.track(key, pod);
    if (pod.metadata?.deletionTimestamp) {
      // A failed termination is tried again by a later sync (the queue's retry), not kept.
      tracked.terminating ??= this.terminate(pod, tracked).catch((err: unknown) => {
        tracked.terminating = undefined;
        markPhase(tracked.uid, `terminate failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      });
      await tracked.terminating;
      return;
    }
    const apiPhase = pod.status?.phase;
    if ((apiPhase === 'Succeeded' || apiPhase === 'Failed') && tracked.lastStatus !== '') return;
    // Re-checks are gathered and one timer set at the end: the queue keeps only the first.
    let nextCheckMs = Infinity;
    const requeueAfter = (ms: number): void => { nextCheckMs = Math.min(nextCheckMs, Math.max(10, ms)); };
    const ctx: ContainerSyncContext = { ...this.d, requeueAfter };
    let podWaiting: { reason: string; message: string } | undefined;
    if (!tracked.sandbox) markPhase(tracked.uid, 'sync');
    try {
      tracked.sandbox ??= await this.d.sandboxes.setUp(tracked.uid, pod.spec.hostNetwork === true, hostPorts(pod));
      if (!tracked.volumes) {
        markPhase(tracked.uid, 'sandbox');
        tracked.volumes = await setUpVolumes(this.d.stateDir, pod, this.d.sources, this.d.runDir);
        tracked.volumesRefreshedAt = Date.now();
        markPhase(tracked.uid, 'volumes');
      } else if (Date.now() - (tracked.volumesRefreshedAt ?? 0) > volumeRefreshMs) {
        // Updated ConfigMaps and Secrets reach mounted files (the kubelet's periodic sync).
        tracked.volumesRefreshedAt = Date.now();
        await refreshProjectedVolumes(this.d.stateDir, pod, this.d.sources, this.d.runDir).catch((err: unknown) => {
          this.d.events.record(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed: ${err instanceof Error ? err.message : String(err)}`);
        });
      }
    } catch (err: unknown) {
      const message = err instanceof Error ? err.message : String(err);
      const failedMount = err instanceof VolumeSetupError;
      this.d.events.record(pod, 'Warning', failedMount ? 'FailedMount' : 'FailedCreatePodSandBox', failedMount ? `MountVolume.SetUp failed: ${message}` : `Failed to create pod sandbox: ${message}`);
      podWaiting = { reason: 'ContainerCreating', message };
      requeueAfter(2000);
    }
    // Init containers first, one at a time, each to a successful exit (sidecars: until
    // started, see sidecars.ts); then the app containers.
    const initObserved: ObservedContainer[] = [];
    let initialized = podWaiting === undefined;
    for (const c of pod.spec.initContainers ?? []) {
      if (!initialized) {
        initObserved.push(this.observe(key, pod, tracked, c, undefined, { reason: podWaiting ? 'ContainerCreating' : 'PodInitializing' }));
        continue;
      }
      const seen = this.observe(key, pod, tracked, c, await syncContainer(ctx, pod, tracked, c, initContainerRestartPolicy(pod, c, tracked)), undefined);
      initObserved.push(seen);
      if (!initStepDone(pod, c, seen, tracked)) initialized = false;
    }
    const observed: ObservedContainer[] = [];
    for (const c of pod.spec.containers) {
      if (!initialized) {
        observed.push(this.observe(key, pod, tracked, c, undefined, { reason: podWaiting ? 'ContainerCreating' : 'PodInitializing' }));
        continue;
      }
      observed.push(this.observe(key, pod, tracked, c, await syncContainer(ctx, pod, tracked, c), undefined));
    }
    if (initialized && await stopSidecarsWhenAppsFinished(this.d.runtime, pod, tracked, observed)) requeueAfter(50);
    const status = computePodStatus(pod, { podIP: tracked.sandbox?.ip, hostIP: this.d.hostIP, startTime: (pod.status?.startTime as string | undefined) ?? tracked.startTime, sandboxReady: tracked.sandbox !== undefined, containers: observed, initContainers: initObserved, now: kubeTime() });
    const text = JSON.stringify(status);
    if (text !== tracked.lastStatus) {
      await this.d.pods.patch(tracked.namespace, tracked.name, 'merge', { status }, { subresource: 'status' });
      tracked.lastStatus = text;
      markPhase(tracked.uid, `status:${status.phase ?? ''}`);
    }
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      // A finished pod keeps its containers (for logs) but gives back its namespace and IP.
      this.d.probes.stopPod(key);
      await this.d.sandboxes.tearDown(tracked.uid);
    } else nextCheckMs = Math.min(nextCheckMs, pollMs);
    if (nextCheckMs !== Infinity) this.d.queue.addAfter(key, nextCheckMs);
  }

  /** The status view of one container after its sync (or while it must wait). */
  private observe(key: string, pod: Pod, tracked: TrackedPod, c: ContainerSpec, rec: ContainerRecord | undefined, mustWait: { reason: string } | undefined): ObservedContainer {
    const t = tracked.containers.get(c.name);
    const base = { name: c.name, image: t?.image || c.image || '', imageID: t?.imageID ?? '', restartCount: t?.attempt ?? 0 };
    if (rec?.state.status === 'exited' && t?.waiting?.reason === 'CrashLoopBackOff') {
      return { ...base, containerID: containerID(rec.id), state: { waiting: t.waiting }, lastState: stateOf(rec), ready: false, started: false };
    }
    const state: ContainerStateView = rec ? stateOf(rec) : { waiting: mustWait ?? t?.waiting ?? { reason: 'ContainerCreating' } };
    const running = Boolean(state.running);
    if (running && t && rec) this.d.probes.ensure(key, pod, c, rec.id, t);
    const started = running && (t?.started ?? c.startupProbe === undefined);
    return {
      ...base, ...(rec ? { containerID: containerID(rec.id) } : {}),
      state, lastState: t?.lastTerminated ? { terminated: t.lastTerminated } : {},
      ready: running && started && (c.readinessProbe ? t?.ready === true : true), started,
    };
  }

  private track(key: string, pod: Pod): TrackedPod {
    const uid = pod.metadata?.uid ?? '';
    const tracked: TrackedPod = { uid, namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', containers: new Map(), startTime: kubeTime(), lastStatus: '' };
    this.adopt(tracked);
    this.tracked.set(key, tracked);
    return tracked;
  }

  /** Picks up containers a previous agent process started for this pod. */
  private adopt(tracked: TrackedPod): void {
    const found = this.d.adoptable.get(tracked.uid);
    if (!found) return;
    this.d.adoptable.delete(tracked.uid);
    const byName = new Map<string, ContainerRecord[]>();
    for (const r of found) {
      const name = r.config.labels['io.kubernetes.container.name'] ?? '';
      byName.set(name, [...(byName.get(name) ?? []), r]);
    }
    for (const [name, list] of byName) {
      list.sort((a, b) => Number(b.config.labels['io.kubernetes.container.restartCount'] ?? 0) - Number(a.config.labels['io.kubernetes.container.restartCount'] ?? 0));
      const [current, previous] = list;
      if (!current) continue;
      tracked.containers.set(name, {
        name, id: current.id, ...(previous ? { previousId: previous.id, lastTerminated: stateOf(previous).terminated } : {}),
        attempt: Number(current.config.labels['io.kubernetes.container.restartCount'] ?? 0), backoffSeconds: 0, backoffUntil: 0,
        image: current.image, imageID: current.imageId, retryAt: 0, retrySeconds: 0,
      });
    }
  }

  private async terminate(pod: Pod, tracked: TrackedPod): Promise<void> {
    const key = `${tracked.namespace}/${tracked.name}`;
    this.d.probes.stopPod(key);
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    const began = Date.now();
    const stopOne = async (t: TrackedContainer, left: number): Promise<void> => {
      if (!t.id) return;
      const rec = await this.d.runtime.inspect(t.id).catch(() => undefined);
      if (rec?.state.status !== 'running') return;
      this.d.events.record(pod, 'Normal', 'Killing', `Stopping container ${t.name}`, `spec.containers{${t.name}}`);
      const spec = containerSpecNamed(pod, t.name);
      let remaining = left;
      if (spec?.lifecycle?.preStop) {
        // preStop runs first, inside the grace period; SIGTERM follows it.
        const hookBegan = Date.now();
        const result = await runHook(spec.lifecycle.preStop, spec, { podIP: tracked.sandbox?.ip ?? '', containerId: t.id, runtime: this.d.runtime }, left);
        if (!result.ok) this.d.events.record(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message}`, `spec.containers{${t.name}}`);
        remaining = Math.max(2, left - Math.floor((Date.now() - hookBegan) / 1000));
      }
      await this.d.runtime.stop(t.id, { timeoutSeconds: remaining });
    };
    // App containers first, then sidecars one by one, last started first (sidecars.ts).
    for (const group of terminationGroups(pod, [...tracked.containers.keys()])) {
      const left = Math.max(2, grace - Math.floor((Date.now() - began) / 1000));
      await Promise.all(group.map((name) => tracked.containers.get(name)).map((t) => (t ? stopOne(t, left) : undefined)));
    }
    await this.cleanUp(tracked);
    try {
      await this.d.pods.delete(tracked.namespace, tracked.name, { gracePeriodSeconds: 0, preconditions: { uid: tracked.uid } });
    } catch (err: unknown) {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
    this.tracked.delete(key);
    this.d.events.forget(tracked.uid);
  }

  /** Removes everything the pod had on this node: containers, volumes, sandbox. */
  async cleanUp(tracked: TrackedPod): Promise<void> {
    this.d.probes.stopPod(`${tracked.namespace}/${tracked.name}`);
    for (const t of tracked.containers.values()) {
      for (const id of [t.id, t.previousId]) {
        if (id) {
          await this.d.runtime.remove(id, { force: true }).catch((err: unknown) => {
            markPhase(tracked.uid, `remove failed: ${err instanceof Error ? err.message : String(err)}`);
            this.d.onError(err);
          });
        }
      }
    }
    await tearDownVolumes(this.d.stateDir, tracked.uid, this.d.runDir);
    await this.d.sandboxes.tearDown(tracked.uid);
  }
}
