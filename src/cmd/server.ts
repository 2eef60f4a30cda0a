/**
 * `skiff server`: the control plane in one process. Prints one line when ready (URL and
 * kubeconfig path); SIGTERM/SIGINT close it cleanly.
 */
import { Command, InvalidArgumentError } from 'commander';
import { MetricsSources, serve } from '../apiserver/index.js';
// The other components are imported only after the API server serves (below), so their
// module loading does not delay the ready line; type imports cost nothing at run time.
import type { AgentHandlerMaps } from '../kubelet/in-server.js';
import type { JoinService } from '../join/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

interface Stoppable { stop(): Promise<void> | void }

function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 picks a free port)');
  return n;
}

/** Test-only tuning: faster bookmarks and compaction (SKIFF_BOOKMARK_INTERVAL_MS, SKIFF_COMPACT_INTERVAL_MS, SKIFF_COMPACT_RETAIN). */
function tuningFromEnv(): { bookmarkIntervalMs?: number; compaction?: { intervalMs: number; retain: number } } {
  const num = (name: string): number | undefined => {
    const v = process.env[name];
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const bookmark = num('SKIFF_BOOKMARK_INTERVAL_MS');
  const compactEvery = num('SKIFF_COMPACT_INTERVAL_MS');
  return {
    ...(bookmark ? { bookmarkIntervalMs: bookmark } : {}),
    ...(compactEvery ? { compaction: { intervalMs: compactEvery, retain: num('SKIFF_COMPACT_RETAIN') ?? 10_000 } } : {}),
  };
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('skiff server')
    .description('Run the skiff control plane (API server, store, controllers) and, unless --no-agent, a node agent')
    .option('--data-dir <dir>', 'where state, certificates and the kubeconfig live', '/var/lib/skiff/server')
    .option('--bind-address <addr>', 'address to listen on', '0.0.0.0')
    .option('--port <port>', 'HTTPS port (0 picks a free one)', portNumber, 6443)
    .option('--no-agent', 'do not run a node agent in this process')
    // --- scheduler and simulated nodes (S-scheduler) ---
    .option('--simulate-nodes <n>', 'register N simulated (hollow) nodes that run pods without containers', (v: string) => { if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a count'); return Number(v); }, 0)
    .option('--scheduler-config <file>', 'a KubeSchedulerConfiguration file (profiles, plugins, weights)')
    .option('--no-controllers', 'do not run the controller manager in this process')
    .option('--node-name <name>', 'name of this process\'s node agent (default: the hostname)') // node agent
    // --- joining nodes, pod network, node services (src/join, nodeipam, kubelet routes, dns) ---
    .option('--cluster-cidr <cidr>', 'pod CIDR of the cluster; each node gets a /24 of it', '10.42.0.0/16')
    .option('--flannel-backend <backend>', 'how pods reach pods on other nodes: host-gw (routes via node addresses on one L2 segment) or vxlan (an overlay)', (v: string) => { if (v !== 'host-gw' && v !== 'vxlan') throw new InvalidArgumentError('must be host-gw or vxlan'); return v; }, 'host-gw')
    .option('--service-proxy', 'run the service proxy and cluster DNS with the in-process agent (the default)')
    .option('--no-service-proxy', 'do not run the service proxy and cluster DNS with the in-process agent')
    .option('--mirror-port <port>', 'port on which the in-process agent serves its images to other nodes (0 picks a free one, -1 serves none)', '5001')
    .option('--seccomp-default', 'the in-process agent runs containers that name no seccompProfile with the runtime\'s default profile instead of Unconfined (the kubelet\'s seccompDefault)')
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: unknown) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  const opts = program.opts<{ dataDir: string; bindAddress: string; port: number; agent: boolean; controllers: boolean; simulateNodes: number; schedulerConfig?: string; nodeName?: string; clusterCidr: string; flannelBackend: 'host-gw' | 'vxlan'; serviceProxy?: boolean; mirrorPort: string; seccompDefault?: boolean }>();
  const started = Date.now();
  // node agent: its streaming handlers (logs, exec, port-forward) are filled once it runs
  const streaming: AgentHandlerMaps = { subresource: new Map(), upgrade: new Map() };
  // Node join endpoints (/cacerts, /v1-skiff/join: src/join), answering once the join service runs.
  let joinService: JoinService | undefined;
  const preAuthHandler = (req: IncomingMessage, res: ServerResponse, p: string): Promise<boolean> => joinService?.handle(req, res, p) ?? Promise.resolve(false);
  process.env.SKIFF_CLUSTER_CIDR = opts.clusterCidr; // read by the node IPAM controller
  // metrics API (metrics.k8s.io): the in-process agent registers its stats loop here
  const metrics = new MetricsSources();
  const server = await serve({ metrics, dataDir: opts.dataDir, bindAddress: opts.bindAddress, port: opts.port, ...tuningFromEnv(), subresourceHandlers: streaming.subresource, upgradeHandlers: streaming.upgrade, preAuthHandler });
  process.stdout.write(`skiff server ready at ${server.url} (port ${server.port}) in ${Date.now() - started} ms; kubeconfig: ${server.kubeconfigPath}\n`);
  // The rest of the control plane are API clients like any other: they start right after the
  // ready line, each loading its modules then. Stopped in reverse order.
  const components: Stoppable[] = [];
  // A stop during start-up lets the component being started finish, starts no more, then stops them all.
  let stopping = false;
  const startComponents = async (): Promise<void> => {
    // --- service-account tokens: TokenRequest (serviceaccounts/token) and their verification,
    // with DATA_DIR/pki/sa.key, for pods on any node (the in-process agent or joined ones) ---
    {
      const { tokenRequestHandler, useServiceAccountKeyFile } = await import('../apiserver/auth/sa-token.js');
      await useServiceAccountKeyFile(join(opts.dataDir, 'pki'));
      streaming.subresource.set('/serviceaccounts/token', tokenRequestHandler());
    }
    // --- node join token (DATA_DIR/token) and endpoints ---
    {
      const [{ connect }, { startJoinService }] = await Promise.all([import('../client/typed/index.js'), import('../join/index.js')]);
      const rest = connect(server.kubeconfigPath, 'skiff-join');
      components.push({ stop: () => rest.close() });
      joinService = await startJoinService({ dataDir: opts.dataDir, rest, network: { backend: opts.flannelBackend, clusterCIDR: opts.clusterCidr }, onError: (err) => process.stderr.write(`skiff server: join: ${err instanceof Error ? err.message : String(err)}\n`) });
      process.stdout.write(`skiff server: node join token in ${join(opts.dataDir, 'token')}\n`);
    }
    // --- scheduler and simulated nodes (S-scheduler) ---
    const [{ startScheduling }, { restClientOver }, { SharedInformerFactory, stripManagedFields }] = await Promise.all([import('../scheduler/in-process.js'), import('../client/transport-client.js'), import('../client/informers/index.js')]);
    if (stopping) return;
    // Hollow nodes and the controllers share their informers: every pod is watched and held
    // once on this thread, not once each (with 30000 pods that is hundreds of MB).
    const controlPlaneRest = restClientOver(server.inProcessTransport(), 'skiff-controller-manager');
    const shared = opts.controllers && opts.simulateNodes > 0
      ? new SharedInformerFactory(controlPlaneRest, { transform: stripManagedFields, onError: (err) => process.stderr.write(`skiff server: informer: ${err instanceof Error ? err.message : String(err)}\n`) })
      : undefined;
    if (shared) components.push({ stop: () => shared.stop() });
    components.push(await startScheduling({ kubeconfigPath: server.kubeconfigPath, transport: server.inProcessTransport(), simulateNodes: opts.simulateNodes, ...(shared ? { informers: shared } : {}), ...(opts.schedulerConfig ? { schedulerConfigPath: opts.schedulerConfig } : {}) }));
    // controller manager: in-process, leader-elected, a client of the API like any other
    if (opts.controllers && !stopping) {
      const { startControllerManager } = await import('../controllers/index.js');
      components.push(startControllerManager({ rest: controlPlaneRest, ...(shared ? { informers: shared } : {}) }));
    }
    // node agent in-process unless --no-agent (owned by src/kubelet)
    if (opts.agent && !stopping) {
      const { startAgentInServer } = await import('../kubelet/in-server.js');
      const { parseMirrorPort } = await import('../kubelet/image-mirror.js');
      components.push(await startAgentInServer({ kubeconfigPath: server.kubeconfigPath, dataDir: opts.dataDir, nodeName: opts.nodeName, handlers: streaming, metrics, mirrorPort: parseMirrorPort(opts.mirrorPort), seccompDefault: opts.seccompDefault === true, transport: server.inProcessTransport() }));
      // service proxy and cluster DNS beside it, unless --no-service-proxy
      if (opts.serviceProxy !== false && !stopping) {
        const [{ connect }, { startNodeServices }, { defaultNodeName }] = await Promise.all([import('../client/typed/index.js'), import('../dns/index.js'), import('../kubelet/machine.js')]);
        const rest = connect(server.kubeconfigPath, 'skiff-node-services');
        const services = await startNodeServices({ rest, nodeName: opts.nodeName ?? defaultNodeName(), clusterCIDR: opts.clusterCidr, onError: (err) => process.stderr.write(`skiff server: node services: ${err instanceof Error ? err.message : String(err)}\n`) });
        components.push({ async stop() { await services.stop(); rest.close(); } });
      }
    }
  };
  const componentsStarted = startComponents().catch((err: unknown) => {
    process.stderr.write(`skiff server: a component failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  });
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      stopping = true;
      void (async () => {
        await componentsStarted;
        for (const c of [...components].reverse()) await c.stop();
        await server.close();
      })().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
