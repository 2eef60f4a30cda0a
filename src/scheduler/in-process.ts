/**
 * What `skiff server` starts after its API server is ready: the scheduler and, when asked,
 * hollow nodes, sharing one REST client (admin kubeconfig, HTTPS loopback) and one informer
 * factory, so pods are watched once. stop() ends them in reverse order; idempotent.
 */
import type { Logger } from 'pino';
import { SharedInformerFactory, stripManagedFields } from '../client/informers/index.js';
import { connect } from '../client/typed/index.js';
import type { Transport } from '../client/transport.js';
import { restClientOver } from '../client/transport-client.js';
import { startHollowNodes, type HollowNodes, type HollowNodeOptions } from '../simulator/index.js';
import { loadSchedulerConfig } from './config/config.js';
import { Scheduler } from './scheduler.js';
import { schedulerOnThread } from './thread.js';

export interface InProcessOptions {
  readonly kubeconfigPath: string;
  /**
   * The API server's in-process transport (RunningApiServer.inProcessTransport()): when
   * given, the scheduler and hollow nodes use it instead of HTTPS to kubeconfigPath.
   */
  readonly transport?: Transport;
  /** Hollow nodes to register (0: none). */
  readonly simulateNodes?: number;
  readonly hollow?: Omit<HollowNodeOptions, 'count' | 'informers'>;
  /**
   * An informer factory to share with other components on this thread (the controller
   * manager), so pods and nodes are watched and held once; the caller starts and stops it.
   */
  readonly informers?: SharedInformerFactory;
  /** A KubeSchedulerConfiguration file. */
  readonly schedulerConfigPath?: string;
  readonly logger?: Logger;
  /** Where the scheduler runs (needs `transport` for a thread); default SKIFF_SCHEDULER_THREAD, else auto. */
  readonly thread?: SchedulerThreadMode;
}

export interface InProcessScheduling {
  /** The scheduler, while it runs on this thread. */
  readonly scheduler: Scheduler | undefined;
  /** Whether the scheduler runs on a thread of its own now. */
  readonly onThread: boolean;
  readonly hollowNodes: HollowNodes | undefined;
  stop(): Promise<void>;
}

/**
 * Hollow node settings from the environment, for `skiff server --simulate-nodes`:
 * SKIFF_SIM_CAPACITY (`cpu=32,memory=256Gi,pods=110,example.com/gpu=4`),
 * SKIFF_SIM_LABELS (`zone=a,disk=ssd`), SKIFF_SIM_LEASE_INTERVAL_MS, SKIFF_SIM_JOB_RUN_MS.
 */
export function hollowOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<HollowNodeOptions, 'count' | 'informers'> {
  const pairs = (v: string | undefined): Record<string, string> | undefined => {
    if (!v) return undefined;
    const out: Record<string, string> = {};
    for (const part of v.split(',')) {
      const i = part.indexOf('=');
      if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    return out;
  };
  const num = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const capacity = pairs(env['SKIFF_SIM_CAPACITY']);
  const labels = pairs(env['SKIFF_SIM_LABELS']);
  const lease = num(env['SKIFF_SIM_LEASE_INTERVAL_MS']);
  const jobRun = num(env['SKIFF_SIM_JOB_RUN_MS']);
  return { ...(capacity ? { capacity } : {}), ...(labels ? { labels } : {}), ...(lease !== undefined ? { leaseIntervalMs: lease } : {}), ...(jobRun !== undefined ? { jobRunMs: jobRun } : {}) };
}

/**
 * Where the scheduler runs: `on` a thread of its own, `off` the API server's thread, `auto`
 * (the default) the API server's thread until the cluster has more than
 * `threadAboveNodes` nodes, then its own thread. A cycle is cheap on a small cluster (every
 * node is a few hundred nanoseconds of filter and score) and a thread costs ~14 MiB at idle;
 * on a large one the cycles (hundreds of sampled nodes per pod) and the informers' decoding
 * would take the API server's thread from requests.
 */
export type SchedulerThreadMode = 'on' | 'off' | 'auto';

/** Nodes above which `auto` moves the scheduler to its thread: upstream samples nodes from 100 on. */
export const threadAboveNodes = 100;

function threadModeFromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerThreadMode {
  const v = env['SKIFF_SCHEDULER_THREAD'];
  return v === 'on' || v === 'off' ? v : 'auto';
}

export async function startScheduling(o: InProcessOptions): Promise<InProcessScheduling> {
  // SKIFF_SCHEDULER_TRANSPORT=https keeps HTTPS even when given a transport (to compare the two).
  const transport = o.transport !== undefined && process.env['SKIFF_SCHEDULER_TRANSPORT'] !== 'https' ? o.transport : undefined;
  const mode = transport ? o.thread ?? threadModeFromEnv() : 'off';
  const rest = transport ? restClientOver(transport, 'skiff-scheduler') : connect(o.kubeconfigPath, 'skiff-scheduler');
  const ownInformers = o.informers === undefined;
  const informers = o.informers ?? new SharedInformerFactory(rest, { transform: stripManagedFields, onError: (err) => o.logger?.warn({ err }, 'informer error') });
  const stopInformers = async (): Promise<void> => { if (ownInformers) await informers.stop(); };
  const config = o.schedulerConfigPath ? loadSchedulerConfig(o.schedulerConfigPath) : {};
  let scheduler = mode === 'on' ? undefined : new Scheduler({ rest, informers, config, ...(o.logger ? { logger: o.logger } : {}) });
  let threaded: { stop(): Promise<void> } | undefined;
  let hollowNodes: HollowNodes | undefined;
  let stopped: Promise<void> | undefined;
  let watcher: NodeJS.Timeout | undefined;
  let moving: Promise<void> | undefined;
  const toThread = async (): Promise<void> => {
    if (!transport || !scheduler || stopped) return;
    // Never two schedulers at once: this one stops (its bindings in flight finish) first.
    const was = scheduler;
    scheduler = undefined;
    await was.stop();
    // Without hollow nodes nothing else on this thread reads the pods and nodes it watched.
    if (!hollowNodes) await stopInformers();
    if (stopped) return;
    threaded = await schedulerOnThread(transport, { schedulerConfigPath: o.schedulerConfigPath });
    o.logger?.info({ nodes: threadAboveNodes }, 'scheduler moved to its own thread');
  };
  try {
    if (o.simulateNodes && o.simulateNodes > 0) {
      hollowNodes = await startHollowNodes(rest, { ...hollowOptionsFromEnv(), ...o.hollow, count: o.simulateNodes, informers, onError: (err) => o.logger?.warn({ err }, 'hollow node error') });
    }
    if (scheduler) await scheduler.start();
    else if (transport) threaded = await schedulerOnThread(transport, { schedulerConfigPath: o.schedulerConfigPath });
    if (mode === 'auto') {
      const check = (): void => {
        if (scheduler && scheduler.cache.nodes.length > threadAboveNodes) {
          clearInterval(watcher);
          moving = toThread().catch((err: unknown) => o.logger?.error({ err }, 'the scheduler could not move to its own thread'));
        }
      };
      watcher = setInterval(check, 1000);
      watcher.unref();
      check();
    }
  } catch (err: unknown) {
    clearInterval(watcher);
    await scheduler?.stop();
    await hollowNodes?.stop();
    await stopInformers();
    rest.close();
    throw err;
  }
  return {
    get scheduler() { return scheduler; },
    get onThread() { return threaded !== undefined; },
    hollowNodes,
    stop() {
      stopped ??= (async () => {
        clearInterval(watcher);
        await moving;
        await scheduler?.stop();
        await threaded?.stop();
        await hollowNodes?.stop();
        await stopInformers();
        rest.close();
      })();
      return stopped;
    },
  };
}
