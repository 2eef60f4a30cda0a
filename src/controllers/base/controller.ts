/**
 * What every controller shares: a work queue of keys fed by informer handlers, workers that
 * call sync(key), and errors logged and retried with backoff. Handlers only enqueue keys;
 * sync re-reads the world from listers (level-triggered).
 *
 * Lifecycle: run() once after the informers it uses are registered; stop() shuts the queue
 * down (workers finish their current key) and is idempotent.
 */
import type { KubeObject } from '../../api/types.js';
import { keyOf, type SharedInformerFactory } from '../../client/informers/index.js';
import type { RestClient } from '../../client/index.js';
import { ExponentialRateLimiter, runWorkers, WorkQueue } from '../../client/workqueue/index.js';
import type { Recorder } from './events.js';

/** What a controller is given: the API, shared informers, a clock and a logger. */
export interface ControllerContext {
  readonly rest: RestClient;
  readonly informers: SharedInformerFactory;
  readonly now: () => Date;
  readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  /** The event recorder for a component (`replicaset-controller`, ...), shown as FROM by kubectl. */
  readonly events: (component: string, kind: { apiVersion: string; kind: string }) => Recorder;
}

export interface Controller {
  readonly name: string;
  /** Registers informers and handlers; called before the factory starts. */
  setup(): void;
  /** Runs workers until stop(); resolves when they have ended. */
  run(): Promise<void>;
  stop(): void;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export abstract class QueueController implements Controller {
  abstract readonly name: string;
  protected readonly queue = new WorkQueue({ rateLimiter: new ExponentialRateLimiter(5, 60_000) });

  constructor(protected readonly ctx: ControllerContext, private readonly workers = 2) {}

  abstract setup(): void;
  protected abstract sync(key: string): Promise<void>;

  enqueue(obj: KubeObject): void {
    this.queue.add(keyOf(obj));
  }

  async run(): Promise<void> {
    // Each sync starts on a fresh turn of the event loop. Over the in-process transport a
    // request can complete without any I/O, so a sync that re-adds its own key (a 409 retried
    // at once) would otherwise spin in microtasks and starve the watch that would end it.
    await runWorkers(this.queue, this.workers, async (key) => { await yieldToEventLoop(); await this.sync(key); }, (key, err) => {
      this.ctx.log(`${this.name}: sync ${key} failed`, { err: err instanceof Error ? err.message : String(err) });
    });
  }

  stop(): void {
    this.queue.shutDown();
  }
}
