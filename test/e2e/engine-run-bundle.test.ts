/**
 * `skiff run` from its one-file bundle (scripts/bundle-run-path.mjs): the same behaviour as
 * the modules, including the paths the modules find through import.meta.url (the exit
 * command conmon runs for `run -d --rm`), and no up-front load of the image store's zlib.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { containerIds, eventually, makeEngineFixture, mountsUnder, repoRoot } from './engine-run-fixture.js';
import type { EngineFixture, SkiffResult } from './engine-run-fixture.js';

const run = promisify(execFile);
let fx: EngineFixture;
let bundle: string;

before(async () => {
  fx = await makeEngineFixture('bundle');
  bundle = join(fx.dir, 'run.bundle.mjs');
  await run(process.execPath, [join(repoRoot, 'scripts/bundle-run-path.mjs'), '--out', bundle]);
});
after(async () => { await fx?.cleanup(); });

/** `skiff run ARGS` through the bundle's main, in a new process as bin/skiff would do it. */
function runBundled(args: readonly string[]): Promise<SkiffResult> {
  const script = 'const [b, ...a] = process.argv.slice(1); import(b).then((m) => m.main(a)).then((c) => { process.exitCode = c; });';
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-e', script, bundle, '--root', fx.root, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

test('bundled run: output, exit code, errors and cleanup as with the modules', async () => {
  const r = await runBundled(['--rm', 'busybox', 'sh', '-c', 'echo hi; echo err >&2; exit 5']);
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stdout, 'hi\n');
  assert.equal(r.stderr, 'err\n');
  const missing = await runBundled(['--rm', 'no-such-image']);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /image not known: no-such-image/);
  assert.deepEqual(await containerIds(fx.root), []);
  assert.deepEqual(await mountsUnder(fx.root), []);
});

test('bundled run -d --rm: conmon runs bin/skiff rm when it exits (paths from import.meta.url hold)', async () => {
  const r = await runBundled(['-d', '--rm', 'busybox', 'sh', '-c', 'sleep 0.3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.ok(await eventually(async () => (await containerIds(fx.root)).length === 0), 'the exit command removed the container');
});

test('the bundle leaves the full image store out: no zlib or stream import up front', async () => {
  const text = await readFile(bundle, 'utf8');
  assert.doesNotMatch(text, /from "node:zlib"/);
  assert.match(text, /import\("\.\/.*engine\/image\/store\.js"\)/);
});
