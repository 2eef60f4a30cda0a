/**
 * Pod network namespaces, made and removed with as few processes as we can: on this machine
 * every process the agent starts costs ~7-13 ms of its event loop (fork of a large process),
 * which is what limits a burst of pod starts.
 *  - create: one `unshare --net=/run/netns/NAME ip link set lo up` makes the namespace, pins
 *    it (bind mount on the file) and brings lo up, instead of `ip netns add` plus the CNI
 *    loopback plugin. The first one on a machine goes through `ip netns add`, which makes
 *    /run/netns the shared mount point the bind mounts need.
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
 * Runs `ip` commands (batch lines, stopping at the first that fails) in one process, not one
 * per command; `command` is what starts it (`ip -n NAME`, or `unshare ... ip`).
 */
export async function ipBatch(command: readonly [string, ...string[]], lines: readonly string[]): Promise<void> {
  const [file, ...args] = command;
  const out = await runToolOutcome({ file, args: [...args, '-batch', '-'], stdin: lines.map((l) => `${l}\n`).join('') });
  if (out.code !== 0) throw new Error(`${command.join(' ')} -batch: ${out.stderr.trim() || `exit code ${out.code}`}`);
}

/**
 * Makes the namespace with lo up; returns its path. `setUp`: further `ip` commands (batch
 * lines) run in it by the same process, e.g. the pod's interface and routes (pod-network.ts).
 */
export async function createNetns(name: string, setUp: readonly string[] = []): Promise<string> {
  const path = netnsPathOf(name);
  const inside = ['link set lo up', ...setUp];
  dirReady ||= await netnsDirIsMountPoint();
  if (!dirReady) {
    await run('ip', ['netns', 'add', name]);
    await ipBatch(['ip', '-n', name], inside).catch(async (err: unknown) => {
      await deleteNetns(name);
      throw err;
    });
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
    if (setUp.length === 0) await run('unshare', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
    else await ipBatch(['unshare', `--net=${path}`, 'ip'], inside);
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
