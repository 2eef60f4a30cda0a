/**
 * The controller manager: one process-wide set of shared informers and every controller,
 * started only while this process holds the `skiff-controller-manager` Lease in kube-system
 * (as kube-controller-manager), so two servers on one store never both act.
 *
 * Lifecycle: startControllerManager() returns at once; election and controllers run in the
 * background. stop() stops the workers, the informers and the elector (releasing the
 * Lease); it is idempotent. If leadership is lost, controllers stop (never act on a Lease we
 * do not hold) and onLostLeadership is called.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { pino, destination } from 'pino';
import type { RestClient } from '../client/index.js';
import { SharedInformerFactory, stripManagedFields } from '../client/informers/index.js';
import type { Controller, ControllerContext } from './base/controller.js';
import { EventRecorder } from './base/events.js';
import { LeaderElector } from './base/leader-election.js';
import { controllerFactories, type ControllerName } from './registry.js';

export interface ControllerManagerOptions {
  readonly rest: RestClient;
  /** Which controllers run (default: all). */
  readonly controllers?: readonly ControllerName[];
  readonly identity?: string;
  readonly leaseDurationSeconds?: number;
  readonly retryPeriodMs?: number;
  readonly now?: () => Date;
  readonly log?: ControllerContext['log'];
  readonly onLostLeadership?: () => void;
  /**
   * Informers shared with other components of the process (e.g. the in-process scheduler's,
   * so pods and nodes are watched and decoded once). The manager starts it (idempotent) but
   * never stops it: its owner does. Without it the manager makes and owns its own.
   */
  readonly informers?: SharedInformerFactory;
  /** How long to wait for informer caches before starting controllers anyway (default 30 s). */
  readonly cacheSyncTimeoutMs?: number;
}

export interface RunningControllerManager {
  readonly identity: string;
  /** Resolves when this process leads and its controllers' caches have synced (or it stopped first). */
  readonly ready: Promise<boolean>;
  isLeader(): boolean;
  stop(): Promise<void>;
}

function defaultLog(): ControllerContext['log'] {
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? 'info', name: 'controller-manager' }, destination(2));
  return (msg, fields) => logger.info(fields ?? {}, msg);
}

export function startControllerManager(o: ControllerManagerOptions): RunningControllerManager {
  const identity = o.identity ?? `${hostname()}_${randomBytes(6).toString('hex')}`;
  const log = o.log ?? defaultLog();
  const informers = o.informers ?? new SharedInformerFactory(o.rest, { transform: stripManagedFields, onError: (err) => log('informer error', { err: err instanceof Error ? err.message : String(err) }) });
  const now = o.now ?? ((): Date => new Date());
  const recorders = new Map<string, EventRecorder>();
  const events = (component: string, kind: { apiVersion: string; kind: string }): EventRecorder => {
    const key = `${component}|${kind.apiVersion}|${kind.kind}`;
    let r = recorders.get(key);
    if (!r) recorders.set(key, (r = new EventRecorder(o.rest, { component, kind, now, onError: (err) => log('event write failed', { err: err instanceof Error ? err.message : String(err) }) })));
    return r;
  };
  const ctx: ControllerContext = { rest: o.rest, informers, now, log, events };
  const names = o.controllers ?? (Object.keys(controllerFactories) as ControllerName[]);
  const controllers: Controller[] = names.map((n) => controllerFactories[n](ctx));
  let stopped = false;
  let running: Promise<unknown> | undefined;
  const stopControllers = async (): Promise<void> => {
    for (const c of controllers) c.stop();
    for (const r of recorders.values()) r.stop();
    if (!o.informers) await informers.stop();
    await running;
  };
  const elector = new LeaderElector(ctx, {
    namespace: 'kube-system', name: 'skiff-controller-manager', identity,
    ...(o.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
    ...(o.retryPeriodMs !== undefined ? { retryPeriodMs: o.retryPeriodMs } : {}),
    onLost: () => { void stopControllers().then(() => o.onLostLeadership?.()); },
  });
  const ready = (async (): Promise<boolean> => {
    if (!(await elector.run()) || stopped) return false;
    log('controller manager leads', { identity, controllers: names });
    for (const c of controllers) c.setup();
    informers.start();
    // A resource the server does not serve would never sync and hold every controller back:
    // after a while, start anyway (those informers keep retrying in the background).
    let syncTimer: NodeJS.Timeout | undefined;
    const synced = await Promise.race([
      informers.waitForCacheSync().then(() => true),
      new Promise<boolean>((resolve) => { syncTimer = setTimeout(() => resolve(false), o.cacheSyncTimeoutMs ?? 30_000); }),
    ]);
    if (syncTimer) clearTimeout(syncTimer);
    if (!synced) log('controller manager: some caches did not sync in time; starting anyway');
    if (stopped) return false;
    running = Promise.all(controllers.map((c) => c.run()));
    return true;
  })();
  return {
    identity, ready,
    isLeader: () => elector.isLeader,
    async stop() {
      if (stopped) return;
      stopped = true;
      await elector.stop();
      await stopControllers();
      await ready.catch(() => false);
    },
  };
}
