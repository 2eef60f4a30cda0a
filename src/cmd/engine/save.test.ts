import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = join(repo, 'bin', 'skiff');

function skiff(root: string, args: string[], input?: Buffer): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args, '--root', root], { encoding: 'utf8', ...(input ? { input } : {}) });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('save -o / load -i / load from stdin, both formats; skopeo reads what save wrote; system df and prune', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-save-cmd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'a');
  execFileSync(join(repo, 'scripts', 'make-busybox-image.sh'), ['--root', root], { cwd: repo });
  const id = skiff(root, ['images', '-q', '--no-trunc']).out.trim();
  for (const format of ['docker-archive', 'oci-archive']) {
    const file = join(dir, `${format}.tar`);
    const saved = skiff(root, ['save', '--format', format, '-o', file, 'busybox']);
    assert.equal(saved.code, 0, saved.err);
    const selector = format === 'oci-archive' ? `${format}:${file}:docker.io/library/busybox:latest` : `${format}:${file}`;
    const inspected = JSON.parse(execFileSync('skopeo', ['inspect', selector], { encoding: 'utf8' })) as { Env: string[] };
    assert.ok(inspected.Env.some((e) => e.startsWith('PATH=')));
    const fresh = join(dir, `fresh-${format}`);
    assert.deepEqual(skiff(fresh, ['load', '-i', file]), { code: 0, out: 'Loaded image: busybox:latest\n', err: '' });
    assert.equal(skiff(fresh, ['images', '-q', '--no-trunc']).out.trim(), id);
  }
  const viaStdin = join(dir, 'stdin');
  const load = skiff(viaStdin, ['load'], execFileSync('gzip', ['-c', join(dir, 'docker-archive.tar')]));
  assert.equal(load.out, 'Loaded image: busybox:latest\n', load.err);
  assert.equal(skiff(root, ['save', '-o', join(dir, 'x.tar'), 'nope']).code, 1);
  assert.equal(existsSync(join(dir, 'x.tar')), false, 'a failed save leaves no file');

  const df = skiff(viaStdin, ['system', 'df']).out;
  assert.match(df, /^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE\nImages +1 +0 +\S+ +\S+ \(100%\)\n$/);
  skiff(viaStdin, ['tag', 'busybox', 'other']);
  assert.match(skiff(viaStdin, ['system', 'prune', '-f']).out, /^Total reclaimed space: 0B\n$/, 'nothing dangling');
  const pruned = skiff(viaStdin, ['system', 'prune', '-a', '-f']).out;
  assert.match(pruned, /^Deleted Images:\nuntagged: busybox:latest\nuntagged: other:latest\ndeleted: sha256:[0-9a-f]{64}\n\nTotal reclaimed space: \d/);
  assert.equal(skiff(viaStdin, ['images', '-q']).out, '');
});
