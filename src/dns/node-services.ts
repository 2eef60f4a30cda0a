/**
 * Services on a node, as the agent starts them: the service proxy (nftables in the agent's
 * namespace, or a named one) and the cluster DNS server on the node's pod gateway address
 * (the first address of Node.spec.podCIDR, which the agent puts on cni0), published as the
 * kube-dns Service's endpoint for this node. Until the gateway address exists (cni0 appears
 * with the first pod) the DNS server retries binding every few seconds.
 *
 * Lifecycle: stop() is idempotent; it leaves the nft table in place unless removeRules.
 */
import type { Registry } from 'prom-client';
import type { RestClient } from '../client/index.js';
import { SharedInformerFactory } from '../client/informers/index.js';
import { coreResources, ResourceClient } from '../client/typed/index.js';
import type { KubeObject } from '../api/types.js';
import { informerSource, ServiceProxy } from '../proxy/index.js';
import { clusterDnsIP, ensureKubeDns } from './kube-dns.js';
import { DnsServer } from './server.js';
import { readNameservers, type Upstream } from './upstream.js';

export interface NodeServicesOptions {
  rest: RestClient;
  nodeName: string;
  clusterCIDR?: string;
  /** Named netns to program nftables in; default the agent's own. */
  netns?: string;
  /** Where DNS serves; default the gateway of the Node's podCIDR. */
  dnsAddress?: string;
  dnsPort?: number;
  upstreams?: Upstream[];
  registry?: Registry;
  retryMs?: number;
  onError?: (err: unknown) => void;
}

export interface NodeServices {
  readonly proxy: ServiceProxy;
  /** The DNS server once it serves. */
  dns(): DnsServer | undefined;
  stop(opts?: { removeRules?: boolean }): Promise<void>;
}

async function podGateway(rest: RestClient, nodeName: string): Promise<string | undefined> {
  const node = await new ResourceClient<KubeObject>(rest, coreResources.nodes).get(undefined, nodeName);
  const cidr = (node['spec'] as { podCIDR?: string } | undefined)?.podCIDR;
  const m = cidr ? /^(\d+\.\d+\.\d+)\.0\/\d+$/.exec(cidr) : null;
  return m?.[1] ? `${m[1]}.1` : undefined;
}

export async function startNodeServices(o: NodeServicesOptions): Promise<NodeServices> {
  const onError = o.onError ?? (() => undefined);
  const factory = new SharedInformerFactory(o.rest, { onError });
  const source = informerSource(factory);
  const proxy = new ServiceProxy({
    source, nodeName: o.nodeName, clusterCIDR: o.clusterCIDR ?? '10.42.0.0/16', onError,
    ...(o.netns ? { target: { netns: o.netns } } : {}), ...(o.registry ? { registry: o.registry } : {}),
  });
  factory.start();
  await proxy.start();

  let dns: DnsServer | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tryDns = async (): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    try {
      const host = o.dnsAddress ?? await podGateway(o.rest, o.nodeName);
      if (!host) throw new Error(`node ${o.nodeName} has no podCIDR yet`);
      const upstreams = o.upstreams ?? await readNameservers('/etc/resolv.conf', [host, clusterDnsIP]);
      const server = new DnsServer({ source, host, port: o.dnsPort ?? 53, upstreams, onError, ...(o.registry ? { registry: o.registry } : {}) });
      try {
        await server.start();
      } catch (err: unknown) {
        await server.stop();
        throw err;
      }
      if (stopped) { await server.stop(); return; }
      dns = server;
      void publish(host, server.port);
    } catch (err: unknown) {
      onError(new Error('cluster DNS not serving yet; retrying', { cause: err }));
      if (!stopped && !dns) timer = setTimeout(() => void tryDns(), o.retryMs ?? 3000);
    }
  };
  // The kube-dns endpoint for this node, retried until the API takes it.
  const publish = async (host: string, port: number): Promise<void> => {
    while (!stopped) {
      try {
        await ensureKubeDns(o.rest, [{ ip: host, nodeName: o.nodeName }], { port });
        return;
      } catch (err: unknown) {
        onError(new Error('cannot publish the kube-dns endpoint; retrying', { cause: err }));
        await new Promise((r) => setTimeout(r, o.retryMs ?? 3000));
      }
    }
  };
  await tryDns();

  return {
    proxy,
    dns: () => dns,
    async stop(opts = {}) {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      await dns?.stop();
      await proxy.stop(opts);
      await factory.stop();
    },
  };
}
