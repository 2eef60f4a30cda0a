import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from './sqlite-store.js';
import { durabilityValue } from './durability-writer.js';
import { isReadError } from '../keys.js';

const writerScript = fileURLToPath(new URL('./durability-writer.js', import.meta.url));
// Kill after this many acknowledged creates, or earlier on a slow (busy) machine once enough
// have been acknowledged to make the check meaningful; the property is the same either way.
const killAfterAcks = 3000;
const enoughAcksWhenSlow = 200;
const slowAfterMs = 8_000;

test('every acknowledged create survives kill -9 of the writing process', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-durability-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');

  const child = spawn(process.execPath, [writerScript, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const acked: string[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const startedAt = Date.now();
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    acked.push(...lines);
    // Kill while the writer is mid-stream: it never stops on its own.
    const slow = Date.now() - startedAt > slowAfterMs && acked.length >= enoughAcksWhenSlow;
    if ((acked.length >= killAfterAcks || slow) && child.signalCode === null) child.kill('SIGKILL');
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const signal = await exited;
  clearTimeout(timeout);
  assert.equal(signal, 'SIGKILL', `writer should die by SIGKILL; stderr: ${stderr}`);
  assert.ok(acked.length >= enoughAcksWhenSlow, `writer acknowledged only ${acked.length} creates; stderr: ${stderr}`);

  const store = await openSqliteStore(path);
  t.after(() => store.close());
  const missing: string[] = [];
  for (const key of acked) {
    const kv = await store.get(key);
    if (kv === undefined || isReadError(kv) || kv.value !== durabilityValue(key)) missing.push(key);
  }
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acked.length} acknowledged keys lost`);
  const revision = await store.currentRevision();
  assert.ok(revision >= acked.length, 'revision counts at least every acknowledged write');
  // The reopened store keeps working from where the dead writer stopped.
  const next = await store.create('/durability/after-restart', 'v');
  assert.ok(next.ok && next.revision === revision + 1);
});
