import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCrunThroughExecFifo, startThroughExecFifo } from './exec-fifo.js';

/** A state root for the test (removed after it) and a function making <root>/<id>/exec.fifo. */
async function stateRoot(t: { after(fn: () => unknown): void }): Promise<{ root: string; fifo(id: string): Promise<string> }> {
  const root = await mkdtemp(join(tmpdir(), 'skiff-fifo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  return {
    root,
    async fifo(id) {
      await mkdir(join(root, id));
      const path = join(root, id, 'exec.fifo');
      execFileSync('mkfifo', [path]);
      return path;
    },
  };
}

test('exec fifo: the waiting writer (as runc init) goes on, the fifo is removed; no fifo, or a dead init, is told', async (t) => {
  const { root, fifo: makeFifo } = await stateRoot(t);
  const fifo = await makeFifo('c1');
  // The "init": blocks opening the fifo for writing, writes one byte, then reports it got through.
  const init = spawn('sh', ['-c', `printf 0 > '${fifo}' && echo through`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (init.exitCode === null) init.kill('SIGKILL'); });
  let out = '';
  init.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => init.on('exit', resolve));
  assert.equal(await startThroughExecFifo(root, 'c1', init.pid ?? 0), true);
  assert.equal(await exited, 0);
  assert.equal(out, 'through\n');
  assert.equal(existsSync(fifo), false, 'the fifo is removed: runc reads the container as running');

  assert.equal(await startThroughExecFifo(root, 'missing', process.pid), false, 'no fifo: the caller runs the runtime');

  await makeFifo('c2');
  const gone = spawn('true');
  await new Promise((resolve) => gone.on('exit', resolve));
  await assert.rejects(startThroughExecFifo(root, 'c2', gone.pid ?? 0), /already dead/);
});

test('exec fifo, crun\'s way: the init holds the read end; start writes one byte and removes the fifo', async (t) => {
  const { root, fifo: makeFifo } = await stateRoot(t);
  const fifo = await makeFifo('c1');
  // As crun create leaves it: the init's read end open (non-blocking), waiting for the byte.
  const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  t.after(() => reader.close().catch(() => undefined));
  assert.equal(await startCrunThroughExecFifo(root, 'c1'), true);
  const got = await reader.read(Buffer.alloc(4), 0, 4, null);
  assert.equal(got.bytesRead, 1, 'the init got its byte');
  assert.equal(existsSync(fifo), false);
  assert.equal(await startCrunThroughExecFifo(root, 'missing'), false);
  // No reader left (the init died): told at once, not a wait.
  await makeFifo('c2');
  await assert.rejects(startCrunThroughExecFifo(root, 'c2'), /already dead/);
});
