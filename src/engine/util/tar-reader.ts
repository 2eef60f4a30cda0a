/**
 * A streaming tar reader (ustar, GNU long names, PAX) written as an async generator, so the
 * caller handles one entry at a time in order and awaits its own file-system work before the
 * next header is read. We parse tar ourselves because image layers need things general tar
 * libraries hide: whiteout names, device numbers, xattrs, exact hardlink targets.
 */
import { createGunzip } from 'node:zlib';
import { BLOCK, type TarEntryType, type TarHeader } from './tar-types.js';

export interface TarReadEntry extends TarHeader {
  /** The entry's body (regular files). Reading it is optional; unread bytes are skipped. */
  body(): AsyncIterable<Buffer>;
}

export class TarFormatError extends Error {
  readonly code = 'TAR_FORMAT';
}

/** Pulls exact byte counts out of a chunked stream. */
class ChunkReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private done = false;
  constructor(private readonly source: AsyncIterator<Buffer | Uint8Array | string>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.source.next();
    if (next.done) { this.done = true; return false; }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    if (chunk.length > 0) { this.buffered.push(chunk); this.bufferedBytes += chunk.length; }
    return true;
  }

  /** Exactly n bytes, or null at a clean end of stream; throws on a truncated stream. */
  async read(n: number): Promise<Buffer | null> {
    while (this.bufferedBytes < n) {
      if (!(await this.fill())) {
        if (this.bufferedBytes === 0) return null;
        throw new TarFormatError(`unexpected end of tar stream (wanted ${n} bytes, have ${this.bufferedBytes})`);
      }
    }
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    return out;
  }

  /** Up to `max` bytes, whatever is available next (at least one), for streaming bodies. */
  async readSome(max: number): Promise<Buffer> {
    if (this.bufferedBytes === 0 && !(await this.fill())) throw new TarFormatError('unexpected end of tar stream inside an entry body');
    const first = this.buffered[0]!;
    if (first.length <= max) {
      this.buffered.shift();
      this.bufferedBytes -= first.length;
      return first;
    }
    this.buffered[0] = first.subarray(max);
    this.bufferedBytes -= max;
    return first.subarray(0, max);
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) left -= (await this.readSome(left)).length;
  }
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

function parseNumber(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  // GNU base-256: the high bit of the first byte marks a big-endian binary number.
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function verifyChecksum(block: Buffer): boolean {
  const stored = parseNumber(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum === stored;
}

const typeByFlag: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink', '3': 'chardev', '4': 'blockdev', '5': 'directory', '6': 'fifo',
};

/** PAX records: "<len> key=value\n", values are raw bytes (xattrs may be binary). */
function parsePax(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const length = parseInt(data.subarray(pos, space).toString('latin1'), 10);
    if (!Number.isFinite(length) || length <= 0) throw new TarFormatError('malformed PAX header record');
    const record = data.subarray(space + 1, pos + length - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) records.set(record.subarray(0, eq).toString('utf8'), record.subarray(eq + 1));
    pos += length;
  }
  return records;
}

async function readPadded(reader: ChunkReader, size: number): Promise<Buffer> {
  const padded = Math.ceil(size / BLOCK) * BLOCK;
  const data = await reader.read(padded);
  if (!data) throw new TarFormatError('unexpected end of tar stream in an extended header');
  return data.subarray(0, size);
}

/** Yields the archive's entries in order; gzip input is detected and decompressed. */
export async function* readTar(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<TarReadEntry> {
  const reader = new ChunkReader(maybeGunzip(source)[Symbol.asyncIterator]());
  let globalPax = new Map<string, Buffer>();
  let pax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (!block || block.every((b) => b === 0)) return;
    if (!verifyChecksum(block)) throw new TarFormatError('invalid tar header checksum (not a tar archive, or corrupted)');
    const flag = String.fromCharCode(block[156]!);
    const size = parseNumber(block, 124, 12);
    if (flag === 'x' || flag === 'g') {
      const records = parsePax(await readPadded(reader, size));
      if (flag === 'g') globalPax = new Map([...globalPax, ...records]); else pax = records;
      continue;
    }
    if (flag === 'L' || flag === 'K') {
      const value = (await readPadded(reader, size)).toString('utf8').replace(/\0+$/, '');
      if (flag === 'L') longName = value; else longLink = value;
      continue;
    }
    const magic = block.subarray(257, 263).toString('latin1');
    const isUstar = magic === 'ustar\0';
    const prefix = isUstar ? cString(block, 345, 155) : '';
    const merged = new Map([...globalPax, ...pax]);
    const str = (key: string): string | undefined => merged.get(key)?.toString('utf8');
    const num = (key: string): number | undefined => { const v = str(key); return v === undefined ? undefined : Number(v); };
    let path = str('path') ?? longName ?? (prefix ? `${prefix}/${cString(block, 0, 100)}` : cString(block, 0, 100));
    const type = typeByFlag[flag];
    const linkName = str('linkpath') ?? longLink ?? cString(block, 157, 100);
    const entrySize = num('size') ?? size;
    pax = new Map(); longName = undefined; longLink = undefined;
    const xattrs: Record<string, Buffer> = {};
    for (const [key, value] of merged) {
      if (key.startsWith('SCHILY.xattr.')) xattrs[key.slice('SCHILY.xattr.'.length)] = value;
    }
    let remaining = entrySize;
    const padding = (BLOCK - (entrySize % BLOCK)) % BLOCK;
    if (type === undefined) { // unknown entry kinds (e.g. GNU sparse, volume labels) are skipped
      await reader.skip(entrySize + padding);
      continue;
    }
    if (type === 'directory' && path.endsWith('/')) path = path.replace(/\/+$/, '');
    const entry: TarReadEntry = {
      path, type,
      mode: parseNumber(block, 100, 8) & 0o7777,
      uid: num('uid') ?? parseNumber(block, 108, 8),
      gid: num('gid') ?? parseNumber(block, 116, 8),
      mtime: num('mtime') ?? parseNumber(block, 136, 12),
      size: type === 'file' ? entrySize : 0,
      ...(type === 'hardlink' || type === 'symlink' ? { linkName } : {}),
      ...(type === 'chardev' || type === 'blockdev' ? { devMajor: parseNumber(block, 329, 8), devMinor: parseNumber(block, 337, 8) } : {}),
      uname: str('uname') ?? cString(block, 265, 32),
      gname: str('gname') ?? cString(block, 297, 32),
      ...(Object.keys(xattrs).length > 0 ? { xattrs } : {}),
      body: async function* () {
        while (remaining > 0) {
          const chunk = await reader.readSome(remaining);
          remaining -= chunk.length;
          yield chunk;
        }
      },
    };
    yield entry;
    await reader.skip(remaining + padding);
    remaining = 0;
  }
}

/**
 * Passes the bytes through, gunzipping them first when they start with the gzip magic. The
 * source is always read to its end, even past the end of the gzip data, so a digest-checking
 * source gets to check (trailing bytes are otherwise ignored, as gzip tools do).
 */
export async function* maybeGunzip(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const toBuffer = (c: Buffer | Uint8Array | string): Buffer => (typeof c === 'string' ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c));
  const head = toBuffer(first.value);
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield head;
    for (let n = await it.next(); !n.done; n = await it.next()) yield toBuffer(n.value);
    return;
  }
  // Bigger output chunks than the 16 KiB default: fewer, larger writes when unpacking.
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const output: Buffer[] = [];
  let failure: Error | undefined;
  let ended = false;
  const settled: Array<() => void> = [];
  const wake = (): void => { for (const fn of settled.splice(0)) fn(); };
  gunzip.on('data', (chunk: Buffer) => output.push(chunk));
  gunzip.on('error', (err: Error) => { failure = err; wake(); });
  gunzip.on('end', () => { ended = true; wake(); });
  const feed = (chunk: Buffer): Promise<void> => new Promise((resolve) => {
    settled.push(resolve);
    gunzip.write(chunk, () => wake());
  });
  let chunk: Buffer | undefined = head;
  while (chunk !== undefined) {
    await feed(chunk);
    if (failure) throw failure;
    while (output.length > 0) yield output.shift()!;
    const n = await it.next();
    chunk = n.done ? undefined : toBuffer(n.value);
  }
  if (!ended) {
    await new Promise<void>((resolve) => { settled.push(resolve); gunzip.end(); });
  }
  if (failure) throw failure;
  while (output.length > 0) yield output.shift()!;
}
