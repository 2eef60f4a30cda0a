/**
 * A streaming tar writer (ustar headers, PAX records for long names, big numbers and xattrs).
 * Output is deterministic for the same input: no user/group names, no atime/ctime, integer
 * mtimes. Used for layer diffs, COPY layers and image archives.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { BLOCK, type TarEntryType, type TarHeader } from './tar-types.js';

const flagByType: Record<TarEntryType, string> = {
  file: '0', hardlink: '1', symlink: '2', chardev: '3', blockdev: '4', directory: '5', fifo: '6',
};
const MAX_OCTAL_8 = 0o7777777;
const MAX_OCTAL_12 = 0o77777777777;

function writeString(block: Buffer, value: string, start: number, length: number): void {
  block.write(value, start, length, 'utf8');
}

function writeOctal(block: Buffer, value: number, start: number, length: number): void {
  block.write(Math.floor(value).toString(8).padStart(length - 1, '0') + '\0', start, length, 'latin1');
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  // The length prefix counts itself, so grow it until the digits are stable.
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

/** Splits a long path into ustar prefix (<=155) + name (<=100) at a slash, if possible. */
function splitUstarPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { prefix, name };
  }
  return undefined;
}

function headerBlock(h: TarHeader, nameOverride?: string, typeFlag?: string, sizeOverride?: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const split = nameOverride !== undefined ? { prefix: '', name: nameOverride } : splitUstarPath(h.path) ?? { prefix: '', name: h.path.slice(0, 100) };
  writeString(block, split.name, 0, 100);
  writeOctal(block, h.mode & 0o7777, 100, 8);
  writeOctal(block, Math.min(h.uid, MAX_OCTAL_8), 108, 8);
  writeOctal(block, Math.min(h.gid, MAX_OCTAL_8), 116, 8);
  writeOctal(block, Math.min(sizeOverride ?? h.size, MAX_OCTAL_12), 124, 12);
  writeOctal(block, Math.min(Math.max(0, h.mtime), MAX_OCTAL_12), 136, 12);
  block.fill(0x20, 148, 156);
  block.write(typeFlag ?? flagByType[h.type], 156, 1, 'latin1');
  if (h.linkName !== undefined) writeString(block, h.linkName, 157, 100);
  block.write('ustar\0', 257, 6, 'latin1');
  block.write('00', 263, 2, 'latin1');
  if (h.uname) writeString(block, h.uname, 265, 32);
  if (h.gname) writeString(block, h.gname, 297, 32);
  if (h.type === 'chardev' || h.type === 'blockdev') {
    writeOctal(block, h.devMajor ?? 0, 329, 8);
    writeOctal(block, h.devMinor ?? 0, 337, 8);
  }
  writeString(block, split.prefix, 345, 155);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

/** The header blocks (a PAX header first when needed) for one entry. */
export function encodeHeader(input: TarHeader): Buffer {
  const h: TarHeader = { ...input, path: input.type === 'directory' && !input.path.endsWith('/') ? `${input.path}/` : input.path };
  const records: Buffer[] = [];
  if (!splitUstarPath(h.path)) records.push(paxRecord('path', Buffer.from(h.path)));
  if (h.linkName !== undefined && Buffer.byteLength(h.linkName) > 100) records.push(paxRecord('linkpath', Buffer.from(h.linkName)));
  if (h.size > MAX_OCTAL_12) records.push(paxRecord('size', Buffer.from(String(h.size))));
  if (h.uid > MAX_OCTAL_8) records.push(paxRecord('uid', Buffer.from(String(h.uid))));
  if (h.gid > MAX_OCTAL_8) records.push(paxRecord('gid', Buffer.from(String(h.gid))));
  for (const key of Object.keys(h.xattrs ?? {}).sort()) records.push(paxRecord(`SCHILY.xattr.${key}`, h.xattrs![key]!));
  const main = headerBlock(h);
  if (records.length === 0) return main;
  const paxData = Buffer.concat(records);
  const paxName = `PaxHeaders/${h.path.replace(/\/$/, '')}`.slice(0, 99);
  return Buffer.concat([headerBlock({ ...h, linkName: undefined, type: 'file', mode: 0o644 } as TarHeader, paxName, 'x', paxData.length), pad(paxData), main]);
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** Writes entries one after another into a Writable, honouring backpressure. */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  private async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  /**
   * Adds one entry. `body` is required for regular files with size > 0 and must yield exactly
   * `header.size` bytes (a file that changed size while being read is an error).
   */
  async add(header: TarHeader, body?: Buffer | string | AsyncIterable<Buffer>): Promise<void> {
    await this.write(encodeHeader(header));
    if (header.type !== 'file' || header.size === 0) return;
    if (body === undefined) throw new Error(`tar: no body for ${header.path}`);
    let written = 0;
    const source: AsyncIterable<Buffer> = Buffer.isBuffer(body)
      ? (async function* () { yield body; })()
      : typeof body === 'string' ? createReadStream(body) : body;
    for await (const chunk of source) {
      written += chunk.length;
      if (written > header.size) throw new Error(`tar: ${header.path} is larger than its header says (${header.size} bytes)`);
      await this.write(chunk);
    }
    if (written !== header.size) throw new Error(`tar: ${header.path} gave ${written} bytes, header says ${header.size}`);
    const rest = written % BLOCK;
    if (rest !== 0) await this.write(Buffer.alloc(BLOCK - rest));
  }

  /** Two zero blocks end the archive; the Writable is ended too. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
    this.out.end();
  }
}

/**
 * Runs `produce` against a fresh TarWriter and returns the archive as a Readable; an error in
 * `produce` destroys the stream so consumers see it.
 */
export function tarStream(produce: (writer: TarWriter) => Promise<void>): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const writer = new TarWriter(out);
  produce(writer).then(() => writer.finish()).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
