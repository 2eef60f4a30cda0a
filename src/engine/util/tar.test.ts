import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readTar, tarStream, type TarHeader } from './index.js';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c);
  return Buffer.concat(chunks);
}

const longPath = `${'d'.repeat(80)}/${'e'.repeat(80)}/${'f'.repeat(120)}.txt`;

test('writes archives GNU tar reads, and reads them back exactly', async () => {
  const entries: Array<[TarHeader, Buffer?]> = [
    [{ path: 'dir', type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 1000, size: 0 }],
    [{ path: 'dir/a.txt', type: 'file', mode: 0o4755, uid: 1000, gid: 50, mtime: 1234, size: 5 }, Buffer.from('hello')],
    [{ path: longPath, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1, size: 600 }, Buffer.alloc(600, 7)],
    [{ path: 'dir/link', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: 1, size: 0, linkName: '../x'.repeat(40) }],
    [{ path: 'dir/hard', type: 'hardlink', mode: 0o644, uid: 0, gid: 0, mtime: 1, size: 0, linkName: 'dir/a.txt' }],
    [{ path: 'dir/.wh.gone', type: 'chardev', mode: 0, uid: 0, gid: 0, mtime: 1, size: 0, devMajor: 0, devMinor: 0 }],
    [{ path: 'opaque', type: 'directory', mode: 0o700, uid: 3000000, gid: 0, mtime: 1, size: 0, xattrs: { 'trusted.overlay.opaque': Buffer.from('y') } }],
  ];
  const archive = await collect(tarStream(async (w) => { for (const [h, b] of entries) await w.add(h, b); }));
  assert.equal(archive.length % 512, 0);
  const listing = execFileSync('tar', ['-tvf', '-', '--numeric-owner'], { input: archive, encoding: 'utf8' });
  assert.match(listing, /-rwsr-xr-x 1000\/50 +5 .* dir\/a\.txt/);
  assert.ok(listing.includes(longPath), 'GNU tar sees the PAX long name');
  const back = [];
  for await (const e of readTar(Readable.from([archive.subarray(0, 700), archive.subarray(700)]))) {
    back.push({ ...e, body: (await collect(e.body())).toString() });
  }
  assert.deepEqual(back.map((e) => [e.path, e.type, e.mode, e.uid, e.gid, e.mtime, e.linkName]), entries.map(([h]) => [h.path, h.type, h.mode, h.uid, h.gid, h.mtime, h.linkName]));
  assert.equal(back[1]!.body, 'hello');
  assert.equal(back[2]!.body.length, 600);
  assert.equal(back[6]!.xattrs?.['trusted.overlay.opaque']?.toString(), 'y');
});

test('reads GNU tar output (long names, gzip) and skips unread bodies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-tar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src', 'x'.repeat(120)), { recursive: true });
  writeFileSync(join(dir, 'src', 'x'.repeat(120), 'big'), Buffer.alloc(100_000, 1));
  writeFileSync(join(dir, 'src', 'small'), 'tiny');
  symlinkSync('small', join(dir, 'src', 'ln'));
  const tgz = execFileSync('tar', ['-czf', '-', '--format=gnu', '--sort=name', '-C', join(dir, 'src'), '.']);
  const got: string[] = [];
  let small = '';
  for await (const e of readTar(Readable.from([tgz]))) {
    got.push(`${e.type}:${e.path}${e.linkName ? `->${e.linkName}` : ''}`);
    if (e.path === './small') small = (await collect(e.body())).toString();
  }
  assert.deepEqual(got, ['directory:.', 'symlink:./ln->small', 'file:./small', `directory:./${'x'.repeat(120)}`, `file:./${'x'.repeat(120)}/big`]);
  assert.equal(small, 'tiny');
});

test('rejects garbage and truncated archives', async () => {
  await assert.rejects(async () => { for await (const e of readTar(Readable.from([Buffer.alloc(512, 65)]))) void e; }, /checksum/);
  const archive = await collect(tarStream(async (w) => w.add({ path: 'f', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 2000 }, Buffer.alloc(2000))));
  await assert.rejects(async () => { for await (const e of readTar(Readable.from([archive.subarray(0, 1024)]))) void e; }, /unexpected end/);
});
