/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever
 * commit crosses the threshold (1000 pages, about 250 of our writes): it copies the WAL
 * into the database file and fsyncs it, on the JS thread, and on a busy machine that one
 * commit then takes 50-150 ms while every request behind it waits. Here the store's own
 * connection never checkpoints (wal_autocheckpoint = 0); a worker thread with a second
 * connection to the same file runs PASSIVE checkpoints, which never block the writer, each
 * second. Durability is unchanged: commits still reach the WAL before they are acknowledged.
 */
import { Worker } from 'node:worker_threads';

/** The worker's whole program: a connection and a timer. Plain JS, so it needs no build step. */
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
// On Linux, pid 0 means the calling thread: only this worker yields to the event loop's thread.
try { require('node:os').setPriority(0, 10); } catch {}
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); }
});
`;

export interface Checkpointer {
  /** Runs a last checkpoint and ends the worker. */
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs = 1000, onError: (message: string) => void = () => undefined): Checkpointer {
  const driver = import.meta.resolve('better-sqlite3').replace(/^file:\/\//, '');
  // A small young generation: the worker allocates almost nothing, so its heap should stay small.
  const worker = new Worker(workerSource, { eval: true, workerData: { path, intervalMs, driver: decodeURIComponent(driver) }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  worker.unref();
  worker.on('message', (m: { error?: string }) => { if (m.error) onError(m.error); });
  worker.on('error', (err) => onError(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        worker.postMessage('stop');
        // A worker stuck in I/O is not worth hanging a shutdown for.
        const timer = setTimeout(() => void worker.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
