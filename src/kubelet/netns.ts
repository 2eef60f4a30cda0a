/**
 * Pod network namespaces, made and removed with as few processes as we can: every process
 * the agent starts costs it CPU, which is what limits a burst of pod starts.
 *  - create: one `unshare --net=/run/netns/NAME PLUGIN` makes the namespace, pins it (bind
 *    mount on the file) and runs the CNI loopback plugin's ADD in it, which brings lo up.
 *    The first one on a machine goes through `ip netns add`, which makes /run/netns the
 *    shared mount point the bind mounts need.
 *  - delete: the deletes waiting at the same moment go to one `ip -batch` process.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, runToolOutcome } from '../engine/runtime/index.js';

const run = runTool;
export const netnsDir = '/run/netns';

export function netnsPathOf(name: string): string {
  return join(netnsDir, name);
}

/** /run/netns is a mount point once `ip netns add` ran on this machine (since boot). */
async function netnsDirIsMountPoint(): Promise<boolean> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[4] === netnsDir);
}

let dirReady = false;

/**
 * Makes the namespace; returns its path. `inside`, when given, runs a command in the new
 * namespace by the process that makes it (`launcher` is the prefix that makes and enters
 * it; empty when the namespace already exists, on the first one of a machine), e.g. the CNI
 * loopback plugin's ADD. On failure the namespace is removed again.
 */
export async function createNetns(name: string, inside?: (launcher: readonly string[]) => Promise<unknown>): Promise<string> {
  const path = netnsPathOf(name);
  dirReady ||= await netnsDirIsMountPoint();
  if (!dirReady) {
    await run('ip', ['netns', 'add', name]);
    if (inside) {
      await inside([]).catch(async (err: unknown) => {
        await deleteNetns(name);
        throw err;
      });
    }
    return path;
  }
  try {
    await writeFile(path, '', { flag: 'wx' });
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Left by an agent that stopped half-way: start over with a fresh namespace.
    await deleteNetns(name);
    await writeFile(path, '', { flag: 'wx' });
  }
  try {
    if (inside) await inside(['unshare', `--net=${path}`]);
    else await run('unshare', [`--net=${path}`, 'true']);
  } catch (err: unknown) {
    await deleteNetns(name);
    throw err;
  }
  return path;
}

async function deleteOne(name: string): Promise<void> {
  try {
    await run('ip', ['netns', 'delete', name]);
  } catch (err: unknown) {
    // Already gone is what we wanted.
    if (!/No such file|Cannot remove/.test(String((err as Error).message))) throw err;
  }
}

interface PendingDelete { name: string; done: (err?: unknown) => void }
let waiting: PendingDelete[] = [];
let batchRunning = false;

async function runDeleteBatches(): Promise<void> {
  batchRunning = true;
  try {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      if (batch.length > 1) {
        // -force: go on past a namespace already gone; each result is checked below.
        await runToolOutcome({ file: 'ip', args: ['-force', '-batch', '-'], stdin: batch.map((d) => `netns delete ${d.name}\n`).join('') }).catch(() => undefined);
      }
      await Promise.all(batch.map(async (d) => {
        try {
          // A single delete, or one the batch could not do: on its own (with its own error).
          if (existsSync(netnsPathOf(d.name))) await deleteOne(d.name);
          d.done();
        } catch (err: unknown) {
          d.done(err);
        }
      }));
    }
  } finally {
    batchRunning = false;
  }
}

/** Removes the namespace (unmount and unlink); a missing one is not an error. */
export function deleteNetns(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    waiting.push({ name, done: (err) => (err === undefined ? resolve() : reject(err)) });
    if (!batchRunning) void runDeleteBatches();
  });
}
