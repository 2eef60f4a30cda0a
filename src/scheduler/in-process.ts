/**
 * What `skiff server` starts after its API server is ready: the scheduler and, when asked,
 * hollow nodes, sharing one REST client (admin kubeconfig, HTTPS loopback) and one informer
 * factory, so pods are watched once. stop() ends them in reverse order; idempotent.
 */
import type { Logger } from 'pino';
import { SharedInformerFactory } from '../client/informers/index.js';
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
  /** A KubeSchedulerConfiguration file. */
  readonly schedulerConfigPath?: string;
  readonly logger?: Logger;
  /**
   * Run the scheduler on a thread of its own (thread.ts; needs `transport`). Default: the
   * environment's SKIFF_SCHEDULER_THREAD (`off` keeps it on the API server's thread), else on.
   */
  readonly thread?: boolean;
}

export interface InProcessScheduling {
  /** The scheduler, when it runs on this thread. */
  readonly scheduler: Scheduler | undefined;
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

export async function startScheduling(o: InProcessOptions): Promise<InProcessScheduling> {
  // SKIFF_SCHEDULER_TRANSPORT=https keeps HTTPS even when given a transport (to compare the two).
  const overTransport = o.transport !== undefined && process.env['SKIFF_SCHEDULER_TRANSPORT'] !== 'https';
  const onThread = overTransport && (o.thread ?? process.env['SKIFF_SCHEDULER_THREAD'] !== 'off');
  const rest = o.transport && overTransport ? restClientOver(o.transport, 'skiff-scheduler') : connect(o.kubeconfigPath, 'skiff-scheduler');
  const informers = new SharedInformerFactory(rest, { onError: (err) => o.logger?.warn({ err }, 'informer error') });
  const config = o.schedulerConfigPath ? loadSchedulerConfig(o.schedulerConfigPath) : {};
  const scheduler = onThread ? undefined : new Scheduler({ rest, informers, config, ...(o.logger ? { logger: o.logger } : {}) });
  let threaded: { stop(): Promise<void> } | undefined;
  let hollowNodes: HollowNodes | undefined;
  try {
    if (o.simulateNodes && o.simulateNodes > 0) {
      hollowNodes = await startHollowNodes(rest, { ...hollowOptionsFromEnv(), ...o.hollow, count: o.simulateNodes, informers, onError: (err) => o.logger?.warn({ err }, 'hollow node error') });
    }
    if (scheduler) await scheduler.start();
    else if (o.transport) threaded = await schedulerOnThread(o.transport, { schedulerConfigPath: o.schedulerConfigPath });
  } catch (err: unknown) {
    await scheduler?.stop();
    await hollowNodes?.stop();
    await informers.stop();
    rest.close();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    scheduler, hollowNodes,
    stop() {
      stopped ??= (async () => {
        await scheduler?.stop();
        await threaded?.stop();
        await hollowNodes?.stop();
        await informers.stop();
        rest.close();
      })();
      return stopped;
    },
  };
}
