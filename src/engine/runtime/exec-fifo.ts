/**
 * `runc start` and `crun start` without a runtime process (each costs ~5 ms of CPU and a process start here; a
 * pod burst starts a hundred). A created runc container's init waits to open
 * <state>/<id>/exec.fifo for writing; `runc start` opens it for reading, reads the one byte
 * the init then writes (it execs the container's process right after) and removes the
 * fifo, which is all that tells runc the container is running rather than created.
 *
 * We open the fifo read-write and non-blocking: the init's open succeeds at once, and with
 * a writer end of our own a read never sees end-of-file, only data or EAGAIN, so waiting is
 * a short poll that also notices an init that died before writing.
 *
 * crun's fifo goes the other way: its init holds the read end, and `crun start` opens the
 * write end, removes the fifo and writes one byte (startCrunThroughExecFifo).
 */
import { constants } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from './errors.js';
import { processAlive } from './state.js';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Lets a created container's init run its process. False (nothing done) when there is no
 * exec fifo to open: the caller then asks the runtime itself (which gives its own error).
 */
export async function startThroughExecFifo(stateRoot: string, id: string, initPid: number, timeoutMs = 10_000): Promise<boolean> {
  const fifo = join(stateRoot, id, 'exec.fifo');
  let handle;
  try {
    handle = await open(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  try {
    const buf = Buffer.alloc(16);
    const deadline = Date.now() + timeoutMs;
    for (let wait = 0; ; wait = Math.min(20, wait + 1)) {
      try {
        if ((await handle.read(buf, 0, buf.length, null)).bytesRead > 0) break;
      } catch (err: unknown) {
        if (!isErrno(err, 'EAGAIN')) throw err;
      }
      if (!processAlive(initPid)) {
        // The init may have written its byte and run a process that already ended (`true`):
        // one last look tells a start that happened from an init that died before it.
        const last = await handle.read(buf, 0, buf.length, null).catch(() => ({ bytesRead: 0 }));
        if (last.bytesRead > 0) break;
        throw new Error('container process is already dead');
      }
      if (Date.now() > deadline) throw new Error(`container ${id} did not take the start signal within ${timeoutMs} ms`);
      await delay(wait);
    }
  } finally {
    await handle.close();
  }
  // A container that already ran and was removed (--rm) took its state folder with it.
  await unlink(fifo).catch((err: unknown) => { if (!isErrno(err, 'ENOENT')) throw err; });
  return true;
}

/** crun's start (see above); false when there is no exec fifo (the caller runs crun start). */
export async function startCrunThroughExecFifo(stateRoot: string, id: string): Promise<boolean> {
  const fifo = join(stateRoot, id, 'exec.fifo');
  let handle;
  try {
    // Non-blocking: with no reader (the init is gone) this fails at once (ENXIO) instead of waiting.
    handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return false;
    if (isErrno(err, 'ENXIO')) throw new Error('container process is already dead');
    throw err;
  }
  try {
    await unlink(fifo);
    await handle.write(Buffer.alloc(1));
  } finally {
    await handle.close();
  }
  return true;
}
