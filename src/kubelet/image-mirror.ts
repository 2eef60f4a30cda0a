/**
 * The agent's half of the image mirror between nodes (k3s's embedded registry mirror in
 * spirit): `NodeImageMirror` serves this node's engine store (src/mirror) on the node's
 * address and advertises it in the Node annotation skiff.dev/image-mirror; `PeerImages`
 * finds the other Ready nodes that advertise one, asks them for an image, and pulls from
 * the first that has it — before the registry is tried (images.ts).
 *
 * Who may read: only addresses of the cluster's nodes (their InternalIPs) and loopback;
 * the list is re-read from the API when an unknown address asks (at most once a second).
 *
 * Lifecycle: NodeImageMirror.start() once; stop() closes the server, removes the
 * annotation (best effort) and is idempotent.
 */
import type { KubeObject } from '../api/types.js';
import type { RestClient } from '../client/rest.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import { openImageStore, type ImageStore } from '../engine/image/index.js';
import { MirrorServer, findPeerWithImage, pullFromPeer, type MirrorPeer } from '../mirror/index.js';
import type { PeerPull } from './images.js';

export const imageMirrorAnnotation = 'skiff.dev/image-mirror';

interface NodeView extends KubeObject {
  status?: { addresses?: Array<{ type?: string; address?: string }>; conditions?: Array<{ type?: string; status?: string }> };
}

const isReady = (n: NodeView): boolean => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The mirrors other Ready nodes advertise (pure; `self` is left out). */
export function peerMirrors(nodes: readonly KubeObject[], self: string): MirrorPeer[] {
  const peers: MirrorPeer[] = [];
  for (const n of nodes as readonly NodeView[]) {
    const name = n.metadata?.name ?? '';
    const url = n.metadata?.annotations?.[imageMirrorAnnotation];
    if (name === self || !url || !isReady(n) || !/^https?:\/\//.test(url)) continue;
    peers.push({ name, url });
  }
  return peers;
}

/** Where an image came from when a peer had it: `node NAME (URL)`, as the Pulled event shows it. */
export interface PeerPulled { source: string; peer: MirrorPeer; manifestDigest: string }

export class PeerImages {
  private readonly nodes: ResourceClient<NodeView>;

  constructor(rest: RestClient, private readonly self: string, private readonly store: ImageStore, private readonly probeTimeoutMs = 2000) {
    this.nodes = new ResourceClient<NodeView>(rest, coreResources.nodes);
  }

  /** Pulls `image` from the first other node that has it; undefined when none does. */
  async pull(image: string): Promise<PeerPulled | undefined> {
    const peers = peerMirrors((await this.nodes.list(undefined)).items, this.self);
    const hit = await findPeerWithImage(peers, image, { timeoutMs: this.probeTimeoutMs });
    if (!hit) return undefined;
    const result = await pullFromPeer(this.store, image, hit);
    return { source: `node ${hit.peer.name} (${hit.peer.url})`, peer: hit.peer, manifestDigest: result.manifestDigest };
  }
}

export interface NodeImageMirrorOptions {
  rest: RestClient;
  nodeName: string;
  store: ImageStore;
  /** The node's address: the server listens there, and it is what the annotation names. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  onError?: (err: unknown) => void;
}

export class NodeImageMirror {
  private readonly server: MirrorServer;
  private readonly nodes: ResourceClient<NodeView>;
  private allowed = new Set<string>();
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly o: NodeImageMirrorOptions) {
    this.nodes = new ResourceClient<NodeView>(o.rest, coreResources.nodes);
    this.server = new MirrorServer({
      store: o.store, host: o.host, port: o.port, allow: (addr) => this.allow(addr),
      ...(o.onError ? { onError: o.onError } : {}),
    });
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<void> {
    await this.refreshAllowed();
    await this.server.start();
    try {
      await this.nodes.patch(undefined, this.o.nodeName, 'merge', { metadata: { annotations: { [imageMirrorAnnotation]: this.server.url } } });
    } catch (err: unknown) {
      await this.server.stop();
      throw err;
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.server.stop();
      await this.nodes.patch(undefined, this.o.nodeName, 'merge', { metadata: { annotations: { [imageMirrorAnnotation]: null } } }).catch(this.o.onError ?? (() => undefined));
    })();
    return this.stopped;
  }

  /**
   * Loopback and node InternalIPs. An unknown address re-reads the Nodes first (a node that
   * just joined), at most once a second, so strangers cannot make us list Nodes in a loop.
   */
  private async allow(addr: string): Promise<boolean> {
    if (addr === '127.0.0.1' || addr === '::1' || this.allowed.has(addr)) return true;
    if (Date.now() - this.refreshedAt > 1000) {
      this.refreshing ??= this.refreshAllowed().finally(() => { this.refreshing = undefined; });
      await this.refreshing.catch(this.o.onError ?? (() => undefined));
    }
    return this.allowed.has(addr);
  }

  private async refreshAllowed(): Promise<void> {
    this.refreshedAt = Date.now();
    const ips = new Set<string>();
    for (const n of (await this.nodes.list(undefined)).items) {
      for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP' && a.address) ips.add(a.address);
    }
    this.allowed = ips;
  }
}

export interface AgentImageMirror {
  /** For ImageManager: pull from another node first. */
  peerPull: PeerPull;
  /** What this node advertises, when it serves. */
  url: string | undefined;
  stop(): Promise<void>;
}

/**
 * The agent's wiring in one call: always pull from peers; serve this node's store too when
 * a port is given (a port already taken is reported and the node serves nothing, rather
 * than fail the agent).
 */
export async function startAgentImageMirror(o: { rest: RestClient; nodeName: string; engineRoot: string; host: string; port: number | undefined; onError: (err: unknown) => void }): Promise<AgentImageMirror> {
  const store = openImageStore(o.engineRoot);
  const peers = new PeerImages(o.rest, o.nodeName, store);
  let mirror: NodeImageMirror | undefined;
  if (o.port !== undefined) {
    const candidate = new NodeImageMirror({ rest: o.rest, nodeName: o.nodeName, store, host: o.host, port: o.port, onError: o.onError });
    try {
      await candidate.start();
      mirror = candidate;
    } catch (err: unknown) {
      o.onError(new Error(`image mirror on ${o.host}:${o.port} not started: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  }
  return { peerPull: (image) => peers.pull(image), url: mirror?.url, stop: async () => { await mirror?.stop(); } };
}

/** `--mirror-port`: a port, 0 for a free one, -1 to serve none (undefined). */
export function parseMirrorPort(value: string): number | undefined {
  const port = Number(value);
  if (!Number.isInteger(port) || port < -1 || port > 65535) throw new Error(`--mirror-port: want a port number, 0 or -1, got "${value}"`);
  return port === -1 ? undefined : port;
}
