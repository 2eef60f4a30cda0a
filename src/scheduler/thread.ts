/**
 * The scheduler of `skiff server` on a thread of its own (worker_threads), as kube-scheduler is
 * a process of its own: its informers' decoding and the scheduling cycles (filter and score
 * over hundreds of nodes per pod) then run beside the API server instead of between its
 * requests, so on 2 cores the two share the machine rather than one thread. It reaches the
 * API through the server's in-process transport carried over a MessagePort
 * (src/client/thread-transport.ts): same identity, admission and watch code, no TLS.
 *
 * This file is both halves: schedulerOnThread() in the server, and the worker's entry below.
 */
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Transport } from '../client/transport.js';
import { serveTransportOnPort, transportOverPort } from '../client/thread-transport.js';
import { threadReady, threadStopper, type ComponentThreadMessage } from '../client/component-thread.js';

export interface SchedulerThreadOptions {
  /** A KubeSchedulerConfiguration file. */
  readonly schedulerConfigPath?: string | undefined;
}
interface WorkerInput { schedulerThread: true; api: MessagePort; schedulerConfigPath?: string | undefined }
type FromWorker = ComponentThreadMessage;

/** Starts the scheduler on its own thread over `transport`; resolves once its caches synced. */
export async function schedulerOnThread(transport: Transport, o: SchedulerThreadOptions = {}): Promise<{ stop(): Promise<void> }> {
  const channel = new MessageChannel();
  serveTransportOnPort(channel.port1, transport);
  const input: WorkerInput = { schedulerThread: true, api: channel.port2, ...(o.schedulerConfigPath ? { schedulerConfigPath: o.schedulerConfigPath } : {}) };
  const worker = new Worker(new URL(import.meta.url), { workerData: input, transferList: [channel.port2] });
  worker.once('exit', () => channel.port1.close());
  await threadReady(worker, 'scheduler');
  return { stop: threadStopper(worker) };
}

async function runInWorker(o: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const [{ restClientOver }, { Scheduler }, { loadSchedulerConfig }] = await Promise.all([
    import('../client/transport-client.js'), import('./scheduler.js'), import('./config/config.js'),
  ]);
  const rest = restClientOver(transportOverPort(o.api), 'skiff-scheduler');
  try {
    const config = o.schedulerConfigPath ? loadSchedulerConfig(o.schedulerConfigPath) : {};
    const scheduler = new Scheduler({ rest, config });
    await scheduler.start();
    port.on('message', (m: unknown) => {
      if (m !== 'stop') return;
      void scheduler.stop().catch(() => undefined).then(() => {
        rest.close();
        port.postMessage({ kind: 'stopped' } satisfies FromWorker);
      });
    });
    port.postMessage({ kind: 'ready' } satisfies FromWorker);
  } catch (err: unknown) {
    rest.close();
    port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
  }
}

if (!isMainThread && (workerData as { schedulerThread?: unknown } | null)?.schedulerThread === true) void runInWorker(workerData as WorkerInput);
