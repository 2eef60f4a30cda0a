/**
 * `skiff server`: the control plane in one process. Prints one line when ready (URL and
 * kubeconfig path); SIGTERM/SIGINT close it cleanly.
 */
import { Command, InvalidArgumentError } from 'commander';
import { MetricsSources, serve } from '../apiserver/index.js';
// The other components are imported only after the API server serves (below), so their
// module loading does not delay the ready line; type imports cost nothing at run time.
import type { AgentHandlerMaps } from '../kubelet/in-server.js';

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
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: unknown) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  const opts = program.opts<{ dataDir: string; bindAddress: string; port: number; agent: boolean; controllers: boolean; simulateNodes: number; schedulerConfig?: string; nodeName?: string }>();
  const started = Date.now();
  // node agent: its streaming handlers (logs, exec, port-forward) are filled once it runs
  const streaming: AgentHandlerMaps = { subresource: new Map(), upgrade: new Map() };
  // metrics API (metrics.k8s.io): the in-process agent registers its stats loop here
  const metrics = new MetricsSources();
  const server = await serve({ metrics, dataDir: opts.dataDir, bindAddress: opts.bindAddress, port: opts.port, ...tuningFromEnv(), subresourceHandlers: streaming.subresource, upgradeHandlers: streaming.upgrade });
  process.stdout.write(`skiff server ready at ${server.url} (port ${server.port}) in ${Date.now() - started} ms; kubeconfig: ${server.kubeconfigPath}\n`);
  // The rest of the control plane are API clients like any other: they start right after the
  // ready line, each loading its modules then. Stopped in reverse order.
  const components: Stoppable[] = [];
  // A stop during start-up lets the component being started finish, starts no more, then stops them all.
  let stopping = false;
  const startComponents = async (): Promise<void> => {
    // --- scheduler and simulated nodes (S-scheduler) ---
    const { startScheduling } = await import('../scheduler/in-process.js');
    if (stopping) return;
    components.push(await startScheduling({ kubeconfigPath: server.kubeconfigPath, transport: server.inProcessTransport(), simulateNodes: opts.simulateNodes, ...(opts.schedulerConfig ? { schedulerConfigPath: opts.schedulerConfig } : {}) }));
    // controller manager: in-process, leader-elected, a client of the API like any other
    if (opts.controllers && !stopping) {
      const [{ connect }, { startControllerManager }] = await Promise.all([import('../client/typed/index.js'), import('../controllers/index.js')]);
      components.push(startControllerManager({ rest: connect(server.kubeconfigPath, 'skiff-controller-manager') }));
    }
    // node agent in-process unless --no-agent (owned by src/kubelet)
    if (opts.agent && !stopping) {
      const { startAgentInServer } = await import('../kubelet/in-server.js');
      components.push(await startAgentInServer({ kubeconfigPath: server.kubeconfigPath, dataDir: opts.dataDir, nodeName: opts.nodeName, handlers: streaming, metrics }));
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
