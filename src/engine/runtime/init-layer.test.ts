import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureInitLayer, isInitLayer, missingMountPoints, mountPointsFor } from './init-layer.js';
import { containerPaths, recordPaths, runRootOf } from './paths.js';

/** Two image layers (top first) inside a snapshot-like folder each: snapshots/<n>/fs. */
function image(t: { after(fn: () => void): void }): { top: string; bottom: string } {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-init-layer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const top = join(dir, 'a'.repeat(64), 'fs');
  const bottom = join(dir, 'b'.repeat(64), 'fs');
  mkdirSync(top, { recursive: true });
  mkdirSync(bottom, { recursive: true });
  return { top, bottom };
}

const put = (layer: string, path: string): void => {
  mkdirSync(dirname(join(layer, path)), { recursive: true });
  writeFileSync(join(layer, path), '');
};

test('mount points: the /etc files and system folders, a volume by its source kind, nothing inside /dev or another volume', (t) => {
  const { top } = image(t);
  put(top, 'token-file');
  const points = mountPointsFor([
    { source: join(top, 'token-file'), destination: '/run/app.conf', readOnly: true },
    { source: join(top, 'no-such-folder'), destination: '/data/', readOnly: false },
    { source: top, destination: '/data/inner', readOnly: false },
    { source: top, destination: '/dev/termination-log', readOnly: false },
  ]);
  const byPath = new Map(points.map((p) => [p.path, p.kind]));
  assert.equal(byPath.get('/etc/hosts'), 'file');
  assert.equal(byPath.get('/proc'), 'dir');
  assert.equal(byPath.get('/run/app.conf'), 'file');
  assert.equal(byPath.get('/data'), 'dir', 'a missing source is made as a folder at start');
  assert.equal(byPath.has('/data/inner'), false, 'made inside the /data volume, not the rootfs');
  assert.equal(byPath.has('/dev/termination-log'), false, 'made in the /dev tmpfs');
});

test('missing mount points: only paths no layer has, under folders; symlinks and files on the way are left alone', (t) => {
  const { top, bottom } = image(t);
  mkdirSync(join(bottom, 'etc'));
  put(bottom, 'etc/hosts');
  mkdirSync(join(bottom, 'var'));
  symlinkSync('../run', join(top, 'link-run'));
  put(top, 'plain');
  const missing = missingMountPoints([top, bottom], [
    { path: '/etc/hosts', kind: 'file' },
    { path: '/etc/hostname', kind: 'file' },
    { path: '/var/run/secrets/kubernetes.io/serviceaccount', kind: 'dir' },
    { path: '/link-run/x', kind: 'dir' },
    { path: '/plain/x', kind: 'dir' },
  ]);
  assert.deepEqual(missing.map((m) => `${m.kind}:${m.path}`), [
    'file:etc/hostname',
    'dir:var/run', 'dir:var/run/secrets', 'dir:var/run/secrets/kubernetes.io', 'dir:var/run/secrets/kubernetes.io/serviceaccount',
  ]);
});

test('init layer: made once beside the top layer, the image folders on the way keep their mode; none when nothing is missing', (t) => {
  const { top, bottom } = image(t);
  mkdirSync(join(bottom, 'etc'));
  chmodSync(join(bottom, 'etc'), 0o750);
  const points = [{ path: '/etc/hosts', kind: 'file' as const }, { path: '/srv/data', kind: 'dir' as const }];
  const layer = ensureInitLayer([top, bottom], points);
  assert.ok(layer && isInitLayer(layer));
  assert.equal(dirname(layer), dirname(top));
  assert.ok(lstatSync(join(layer, 'etc/hosts')).isFile());
  assert.equal(lstatSync(join(layer, 'etc')).mode & 0o7777, 0o750, 'the image /etc mode, since this copy is the one the container sees');
  assert.ok(lstatSync(join(layer, 'srv/data')).isDirectory());
  assert.equal(ensureInitLayer([top, bottom], points), layer);
  assert.deepEqual(readdirSync(dirname(top)).sort(), ['fs', layer.slice(dirname(top).length + 1)], 'no temp folder left');
  put(top, 'etc/hostname');
  assert.equal(ensureInitLayer([top, bottom], [{ path: '/etc/hostname', kind: 'file' }]), undefined);
});

test('paths: a container with a run root keeps its bundle, pid and exit files there, its record and layer in the engine root', () => {
  const together = containerPaths('/e', 'c1');
  assert.equal(together.runDir, together.dir);
  assert.equal(together.spec, '/e/containers/c1/config.json');
  const apart = recordPaths('/e', { id: 'c1', runRoot: '/run/x' });
  assert.equal(apart.record, '/e/containers/c1/container.json');
  assert.equal(apart.upper, '/e/containers/c1/upper');
  assert.equal(apart.spec, '/run/x/containers/c1/config.json');
  assert.equal(apart.exitFile, '/run/x/containers/c1/persist/c1');
  assert.equal(apart.pidFile, '/run/x/containers/c1/pid');
  assert.equal(apart.rootfs, '/run/x/containers/c1/rootfs', 'a host mount point lives as long as the run');
  assert.equal(runRootOf('/e', {}), '/e', 'records made before run roots keep everything in the engine root');
});
