/**
 * The lifecycle of a component on a worker thread of its own (the node agent,
 * src/kubelet/agent-thread.ts; the scheduler, src/scheduler/thread.ts): the worker answers
 * `ready` (with what the caller needs) or `failed` once, and on `stop` ends its work and
 * answers `stopped`.
 */
import type { Worker } from 'node:worker_threads';

export type ComponentThreadMessage<R extends object = object> = ({ kind: 'ready' } & R) | { kind: 'failed'; message: string } | { kind: 'stopped' };

/**
 * Resolves with the worker's `ready` message; rejects (and ends the worker) when it fails,
 * errs or exits first. `describe` names the component in the errors.
 */
export async function threadReady<R extends object>(worker: Worker, describe: string): Promise<{ kind: 'ready' } & R> {
  try {
    return await new Promise<{ kind: 'ready' } & R>((resolve, reject) => {
      worker.on('message', (m: ComponentThreadMessage<R>) => {
        if (m.kind === 'ready') resolve(m);
        else if (m.kind === 'failed') reject(new Error(`the ${describe} did not start: ${m.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the ${describe} thread exited (${code}) before it ran`)));
    });
  } catch (err: unknown) {
    await worker.terminate();
    throw err;
  }
}

/**
 * stop() for a component thread: asks it to stop, ends the thread once it answers
 * `stopped`, or after 10 s without an answer. Idempotent.
 */
export function threadStopper(worker: Worker): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 10_000);
      worker.once('exit', () => { clearTimeout(timer); resolve(); });
      worker.on('message', (m: ComponentThreadMessage) => { if (m.kind === 'stopped') void worker.terminate(); });
      worker.postMessage('stop');
    });
    return stopped;
  };
}
