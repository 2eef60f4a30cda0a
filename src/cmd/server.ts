/**
 * `skiff server`: the control plane in one process. Prints one line when ready (URL and
 * kubeconfig path); SIGTERM/SIGINT close it cleanly.
 */
import { Command, InvalidArgumentError } from 'commander';
import { serve } from '../apiserver/index.js';
import { startScheduling } from '../scheduler/in-process.js'; // scheduler + hollow nodes (S-scheduler)
// controller manager wiring (owned by src/controllers)
import { connect } from '../client/typed/index.js';
import { startControllerManager } from '../controllers/index.js';

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
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: unknown) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  const opts = program.opts<{ dataDir: string; bindAddress: string; port: number; agent: boolean; controllers: boolean; simulateNodes: number; schedulerConfig?: string }>();
  const started = Date.now();
  const server = await serve({ dataDir: opts.dataDir, bindAddress: opts.bindAddress, port: opts.port, ...tuningFromEnv() });
  // --- scheduler and simulated nodes (S-scheduler) ---
  const scheduling = await startScheduling({ kubeconfigPath: server.kubeconfigPath, simulateNodes: opts.simulateNodes, ...(opts.schedulerConfig ? { schedulerConfigPath: opts.schedulerConfig } : {}) });
  // controller manager: in-process, leader-elected, a client of the API like any other
  const controllerManager = opts.controllers ? startControllerManager({ rest: connect(server.kubeconfigPath, 'skiff-controller-manager') }) : undefined;
  process.stdout.write(`skiff server ready at ${server.url} (port ${server.port}) in ${Date.now() - started} ms; kubeconfig: ${server.kubeconfigPath}\n`);
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void (controllerManager?.stop() ?? Promise.resolve()).then(() => scheduling.stop()).then(() => server.close()).then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
