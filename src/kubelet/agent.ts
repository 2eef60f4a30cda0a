/**
 * The node agent: registers this machine as a Node (with its Lease), runs the pods the
 * scheduler binds to it as engine containers in CNI-networked sandboxes, and serves their
 * logs and exec sessions through handlers the API server calls (when in the same process).
 *
 * Lifecycle: start() once; stop() ends the loops, watches and timers it started and is
 * idempotent. Containers keep running after stop() (conmon watches them); the next agent
 * adopts them.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../api/types.js';
import type { SubresourceHandler, UpgradeHandler } from '../apiserver/index.js';
import { StatusError } from '../client/errors.js';
import { SharedInformerFactory, keyOf, type Informer } from '../client/informers/index.js';
import type { RestClient } from '../client/rest.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import { WorkQueue, runWorkers } from '../client/workqueue/index.js';
import { ContainerRuntime, useToolHelper, type ContainerRecord } from '../engine/runtime/index.js';
import { cachedImageProvider } from '../engine/image/index.js';
import type { ImageProvider } from '../engine/types.js';
import { ensureBridge, installUnreachableRoutes } from './cni.js';
import { defaultClusterNetwork, readClusterNetwork } from '../join/network-config.js';
import type { EnvSources } from './env.js';
import { EventRecorder } from './events.js';
import { ImageManager } from './images.js';
import { startAgentImageMirror, type AgentImageMirror } from './image-mirror.js';
import { defaultNodeName, machineFacts, primaryAddress } from './machine.js';
import { NodeRegistration } from './node-status.js';
import { PodRoutes } from './routes.js';
import type { Pod } from './pod-types.js';
import { PodWorkers } from './pod-worker.js';
import { Probes } from './probes.js';
import { Sandboxes } from './sandbox.js';
import { markPhase } from './phase-trace.js';
import { execHandler, logHandler } from './streaming.js';
import { attachHandler } from './attach.js';
import { portForwardHandler } from './portforward.js';
import { labelPodUid } from './container-config.js';
import { tearDownVolumes } from './volumes.js';
import { StatsCollector, engineContainers, startStatsPush } from './stats/index.js';
import { apiTokenSource } from './tokens.js';

export interface AgentOptions {
  rest: RestClient;
  /** Default: the hostname, lower-cased. */
  nodeName?: string;
  /** The engine root (images and containers); default as the engine's. */
  engineRoot: string;
  /** The agent's own state: sandboxes, IPAM, volumes, logs. */
  stateDir: string;
  /** Pod workers running at once (default 32). */
  workers?: number;
  /**
   * Serve this node's images to the other nodes on this port of its address (0: a free
   * port), advertised in the Node's skiff.dev/image-mirror annotation. Undefined: serve
   * none; pulls still try the other nodes' mirrors before the registry.
   */
  mirrorPort?: number;
  onError?: (err: unknown) => void;
  /**
   * Containers that name no seccompProfile (nor does their pod) run with the runtime's
   * default profile instead of Unconfined: the kubelet's seccompDefault (--seccomp-default).
   */
  seccompDefault?: boolean;
  /** How usage figures reach the metrics API: pushed to the server (default), or read in-process by a server that registers `agent.stats`. */
  statsReporting?: 'push' | 'in-process';
}

const configMaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const secrets = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

function apiSources(rest: RestClient): EnvSources {
  const cm = new ResourceClient(rest, configMaps);
  const sec = new ResourceClient(rest, secrets);
  const getData = async (client: ResourceClient, namespace: string, name: string): Promise<KubeObject | undefined> => {
    try {
      return await client.get(namespace, name);
    } catch (err: unknown) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  };
  return {
    async configMap(namespace, name) {
      const obj = await getData(cm, namespace, name) as { data?: Record<string, string>; binaryData?: Record<string, string> } | undefined;
      if (!obj) return undefined;
      const binary = Object.fromEntries(Object.entries(obj.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      return { ...binary, ...(obj.data ?? {}) };
    },
    async secret(namespace, name) {
      const obj = await getData(sec, namespace, name) as { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
      if (!obj) return undefined;
      return { ...Object.fromEntries(Object.entries(obj.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...(obj.stringData ?? {}) };
    },
  };
}

export class NodeAgent {
  readonly nodeName: string;
  readonly hostIP: string;
  /** The whole pod network (the cluster's network ConfigMap; 10.42.0.0/16 by default), read at start. */
  clusterCidr = defaultClusterNetwork.clusterCIDR;
  private readonly onError: (err: unknown) => void;
  private readonly runtime: ContainerRuntime;
  private readonly images: ImageProvider;
  private readonly registration: NodeRegistration;
  private readonly informers: SharedInformerFactory;
  private readonly queue = new WorkQueue();
  private readonly events: EventRecorder;
  private readonly probes: Probes;
  private workers: PodWorkers | undefined;
  private informer: Informer<Pod> | undefined;
  private running: Promise<void> | undefined;
  /** host-gw routes to the other nodes' pod CIDRs (src/kubelet/routes.ts). */
  private routes: PodRoutes | undefined;
  private stopped: Promise<void> | undefined;
  /** Usage of this node and its pods (cgroups, /proc), for the metrics API. */
  readonly stats: StatsCollector;
  private statsPush: { stop(): void } | undefined;
  private imageMirror: AgentImageMirror | undefined;

  constructor(private readonly o: AgentOptions) {
    this.nodeName = o.nodeName ?? defaultNodeName();
    this.hostIP = primaryAddress();
    this.onError = o.onError ?? (() => undefined);
    // One image provider for the runtime and the image manager, keeping answers across pods.
    this.images = cachedImageProvider(o.engineRoot);
    this.runtime = new ContainerRuntime(o.engineRoot, { images: this.images });
    this.registration = new NodeRegistration(o.rest, { name: this.nodeName, address: this.hostIP, storageDir: o.stateDir }, this.onError);
    this.informers = new SharedInformerFactory(o.rest, { onError: this.onError });
    this.events = new EventRecorder(o.rest, this.nodeName, this.onError);
    this.probes = new Probes(this.runtime, this.events, (key) => this.workers?.tracked.get(key)?.sandbox?.ip ?? '', (key) => this.queue.add(key));
    this.stats = new StatsCollector({ nodeName: this.nodeName, listContainers: engineContainers(this.runtime), onError: this.onError });
  }

  async start(): Promise<void> {
    await mkdir(this.o.stateDir, { recursive: true });
    // runc, ip and the CNI plugins start from a busybox shell, not a fork of this big process;
    // its programs' input and output files are transient, so they live in the run folder.
    useToolHelper(this.runDir());
    // Read once: the pod routes need its backend, the sandboxes and the node's refusal routes its CIDR.
    const network = await readClusterNetwork(this.o.rest);
    this.clusterCidr = network.clusterCIDR;
    await installUnreachableRoutes(this.clusterCidr);
    this.registration.clusterCidr = this.clusterCidr;
    await this.registration.register();
    this.registration.start();
    this.imageMirror = await startAgentImageMirror({ rest: this.o.rest, nodeName: this.nodeName, engineRoot: this.o.engineRoot, host: this.hostIP, port: this.o.mirrorPort, onError: this.onError });
    await ensureBridge(this.registration.podCidr);
    this.routes = new PodRoutes({ rest: this.o.rest, nodeName: this.nodeName, backend: network.backend, onError: this.onError });
    await this.routes.start();
    const adoptable = await this.engineContainersByPod();
    const facts = machineFacts(this.o.stateDir);
    this.informer = this.informers.forResource<Pod>(coreResources.pods, { fieldSelector: `spec.nodeName=${this.nodeName}` });
    this.workers = new PodWorkers({
      runtime: this.runtime, images: new ImageManager(this.o.engineRoot, { peerPull: this.imageMirror.peerPull, onError: this.onError, prepared: this.images }), events: this.events, sources: { ...apiSources(this.o.rest), tokens: apiTokenSource(this.o.rest) },
      stateDir: this.o.stateDir, runDir: this.runDir(), nodeName: this.nodeName, hostIP: this.hostIP, machine: { cpus: facts.cpus, memoryBytes: facts.memoryBytes }, seccompDefault: this.o.seccompDefault === true,
      pods: new ResourceClient<Pod>(this.o.rest, coreResources.pods), informer: this.informer, queue: this.queue,
      sandboxes: new Sandboxes(this.o.stateDir, () => this.registration.podCidr, this.hostIP, this.runDir(), this.clusterCidr, this.routes.podMtu), probes: this.probes, adoptable, onError: this.onError,
    });
    this.informer.addEventHandler({
      onAdd: (p) => { markPhase(p.metadata?.uid ?? '', 'seen'); this.queue.add(keyOf(p)); },
      onUpdate: (_old, p) => this.queue.add(keyOf(p)),
      onDelete: (p) => this.queue.add(keyOf(p)),
    });
    this.informers.start();
    await this.informer.waitForSync();
    this.running = runWorkers(this.queue, this.o.workers ?? 32, (key) => this.workers!.sync(key), (_key, err) => this.onError(err));
    await this.removeOrphans(adoptable);
    await this.stats.start();
    if (this.o.statsReporting !== 'in-process') this.statsPush = startStatsPush({ rest: this.o.rest, nodeName: this.nodeName, summary: () => this.stats.summary(), onError: this.onError });
  }

  /**
   * The node's run folder for pod files that live only while the pod runs (memory-backed
   * volumes, sandbox records, the tool helper's files): agent/ in the engine's run root, or the state folder when the engine keeps
   * everything in its root.
   */
  private runDir(): string {
    return this.runtime.runRoot === this.runtime.root ? this.o.stateDir : join(this.runtime.runRoot, 'agent');
  }

  /** Engine containers this agent made before (pod uid label), grouped by pod. */
  private async engineContainersByPod(): Promise<Map<string, ContainerRecord[]>> {
    const byPod = new Map<string, ContainerRecord[]>();
    for (const r of await this.runtime.list({ all: true })) {
      const uid = r.config.labels[labelPodUid];
      if (uid) byPod.set(uid, [...(byPod.get(uid) ?? []), r]);
    }
    return byPod;
  }

  /** Containers and sandboxes of pods that no longer exist on this node. */
  private async removeOrphans(adoptable: Map<string, ContainerRecord[]>): Promise<void> {
    const live = new Set(this.informer!.lister.list().map((p) => p.metadata?.uid ?? ''));
    const sandboxes = new Sandboxes(this.o.stateDir, () => this.registration.podCidr, this.hostIP, this.runDir(), this.clusterCidr);
    for (const [uid, records] of [...adoptable]) {
      if (live.has(uid)) continue;
      adoptable.delete(uid);
      for (const r of records) await this.runtime.remove(r.id, { force: true }).catch(this.onError);
      await tearDownVolumes(this.o.stateDir, uid, this.runDir()).catch(this.onError);
      await sandboxes.tearDown(uid).catch(this.onError);
    }
  }

  /** The port this node's streaming endpoint serves on, for the Node's status (kubeletEndpoint). */
  async setKubeletPort(port: number): Promise<void> {
    await this.registration.setKubeletPort(port);
  }

  /** The API server's handlers for pods/log (plain), pods/exec and pods/portforward (upgrade). */
  handlers(): { subresource: Map<string, SubresourceHandler>; upgrade: Map<string, UpgradeHandler> } {
    const deps = { runtime: this.runtime, byUid: (uid: string) => this.workers?.byUid(uid) };
    return {
      subresource: new Map([['/pods/log', logHandler(deps)]]),
      upgrade: new Map([
        ['/pods/exec', execHandler(deps, this.onError)],
        ['/pods/attach', attachHandler(deps, this.onError)],
        ['/pods/portforward', portForwardHandler((message) => this.onError(new Error(message)))],
      ]),
    };
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.registration.stop();
      this.stats.stop();
      this.statsPush?.stop();
      this.probes.stopAll();
      this.queue.shutDown();
      await this.running;
      await this.imageMirror?.stop();
      await this.informers.stop();
      await this.routes?.stop();
    })();
    return this.stopped;
  }
}

export async function startAgent(o: AgentOptions): Promise<NodeAgent> {
  const agent = new NodeAgent(o);
  await agent.start();
  return agent;
}

export function defaultAgentStateDir(dataDir: string): string {
  return join(dataDir, 'agent');
}
