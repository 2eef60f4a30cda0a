/**
 * ADD of a local tar archive (plain, gzip, bzip2 or xz): its entries are unpacked under the
 * destination folder, keeping their owners and modes, as Docker does. Entries that would land
 * outside the destination (`..`, absolute names, paths through a symlink the archive made) and
 * hardlinks pointing out of it are refused.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readTar, type TarWriter } from '../../util/index.js';
import type { RootFs } from '../context/scoped.js';
import { writeParents } from './write.js';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz';

export class ArchiveEscapeError extends Error {}

function tarChecksumOk(block: Buffer): boolean {
  if (block.length < 512) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  const stored = parseInt(block.subarray(148, 156).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  return stored === sum;
}

function decompressed(abs: string, compression: Compression): Readable {
  const file = createReadStream(abs);
  if (compression === 'none') return file;
  if (compression === 'gzip') return file.pipe(createGunzip());
  const tool = spawn(compression === 'bzip2' ? 'bzip2' : 'xz', ['-dc'], { stdio: ['pipe', 'pipe', 'ignore'] });
  file.pipe(tool.stdin);
  tool.stdin.on('error', () => undefined); // the reader may stop early (detection)
  const out = tool.stdout;
  out.on('close', () => { if (tool.exitCode === null) tool.kill(); });
  return out;
}

async function firstBytes(stream: Readable, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= count) break;
    }
  } catch {
    return Buffer.alloc(0); // not decompressible: not an archive of that kind
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, count);
}

/** The compression of a tar archive at `abs`, or undefined when the file is not a tar archive. */
export async function detectArchive(abs: string): Promise<Compression | undefined> {
  const handle = await open(abs, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  let compression: Compression = 'none';
  if (head[0] === 0x1f && head[1] === 0x8b) compression = 'gzip';
  else if (head.subarray(0, 3).toString('latin1') === 'BZh') compression = 'bzip2';
  else if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) compression = 'xz';
  const block = compression === 'none' ? head : await firstBytes(decompressed(abs, compression), 512);
  return tarChecksumOk(block) ? compression : undefined;
}

function inside(destDir: string, name: string, what: string): string {
  if (name.startsWith('/')) throw new ArchiveEscapeError(`${what} "${name}" is an absolute path; refusing to unpack it outside ${destDir}`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ArchiveEscapeError(`${what} "${name}" contains ".."; refusing to unpack it outside ${destDir}`);
  return posix.join(destDir, ...parts);
}

/** Unpacks the archive's entries under `destDir` (absolute, in the image) into the layer. */
export async function writeArchiveLayer(writer: TarWriter, abs: string, compression: Compression, destDir: string, image: RootFs, owner?: { uid: number; gid: number }): Promise<void> {
  const own = new Set<string>();
  const symlinks = new Set<string>();
  await writeParents(writer, [posix.join(destDir, 'x')], own, image);
  for await (const entry of readTar(compression === 'gzip' || compression === 'none' ? createReadStream(abs) : decompressed(abs, compression))) {
    const target = inside(destDir, entry.path, 'archive entry');
    if (target === destDir) continue;
    for (let dir = posix.dirname(target); dir !== destDir && dir !== '/'; dir = posix.dirname(dir)) {
      if (symlinks.has(dir)) throw new ArchiveEscapeError(`archive entry "${entry.path}" passes through the symlink "${posix.relative(destDir, dir)}" it made; refusing to follow it`);
    }
    symlinks.delete(target);
    await writeParents(writer, [target], own, image);
    const { body, ...rest } = entry;
    // ADD --chown owns the unpacked files too; otherwise they keep the archive's owners.
    const header = owner ? { ...rest, uid: owner.uid, gid: owner.gid, uname: '', gname: '' } : rest;
    const path = target.slice(1);
    if (entry.type === 'hardlink') {
      await writer.add({ ...header, path, linkName: inside(destDir, entry.linkName ?? '', 'hardlink target').slice(1) });
    } else {
      await writer.add({ ...header, path }, entry.type === 'file' ? body() : undefined);
    }
    if (entry.type === 'symlink') symlinks.add(target);
    if (entry.type === 'directory') own.add(target);
  }
}
