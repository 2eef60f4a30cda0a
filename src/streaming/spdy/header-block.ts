/**
 * SPDY/3 name/value header blocks (draft 3, section 2.6.10): a count, then length-prefixed
 * lowercase names and values (several values of one name joined by NUL), compressed with one
 * zlib context per direction that lives as long as the session, seeded with the SPDY/3
 * dictionary. Each block ends on a sync flush so the peer can decode it on its own.
 */
import { constants, createInflate, type Inflate } from 'node:zlib';
import { spdy3Dictionary } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

/** Header names are lowercase; a name may carry several values. */
export type SpdyHeaders = Readonly<Record<string, readonly string[]>>;

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
  const names = Object.keys(headers);
  parts.push(u32(names.length));
  for (const name of names) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from((headers[name] ?? []).join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Record<string, string[]> {
  let at = 0;
  const u32 = (): number => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const v = block.readUInt32BE(at);
    at += 4;
    return v;
  };
  const bytes = (n: number): string => {
    if (at + n > block.length) throw new SpdyProtocolError('truncated header block');
    const s = block.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  const out: Record<string, string[]> = {};
  const count = u32();
  for (let i = 0; i < count; i++) {
    const name = bytes(u32()).toLowerCase();
    const values = bytes(u32()).split('\0');
    out[name] = [...(out[name] ?? []), ...values];
  }
  return out;
}

/** First value of a header, or undefined. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0];
}

/**
 * Our side's compression context. It emits stored (uncompressed) deflate blocks: a valid zlib
 * stream any SPDY peer can inflate, produced synchronously so frames keep their order without
 * waiting on the zlib thread pool. Our header blocks are a few bytes (empty SYN_REPLYs), so
 * compressing them would save nothing.
 */
export class HeaderDeflater {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      // CMF 0x78 (deflate, 32 KiB window), FLG 0x01: no preset dictionary, check bits valid.
      parts.push(Buffer.from([0x78, 0x01]));
      this.started = true;
    }
    // One or more non-final stored blocks: BFINAL=0 BTYPE=00, then LEN and its complement.
    let at = 0;
    do {
      const piece = block.subarray(at, at + 0xffff);
      const head = Buffer.alloc(5);
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
      at += piece.length;
    } while (at < block.length);
    // End on an empty stored block, as zlib's sync flush does: inflaters (Go's among them)
    // hand out what they have when they meet it, without reading past the frame.
    if (block.length > 0) parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/**
 * The peer's compression context: one zlib inflate stream with the SPDY/3 dictionary for the
 * whole session. Blocks are inflated one after another in call order, even when calls
 * overlap: each block's output is collected from the shared stream's 'data' events, so two
 * blocks in flight at once would mix their bytes.
 */
export class HeaderInflater {
  private readonly z: Inflate = createInflate({ dictionary: spdy3Dictionary, flush: constants.Z_SYNC_FLUSH });
  private failure: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor() {
    this.z.on('error', (err: Error) => { this.failure = err; });
  }

  inflate(compressed: Buffer): Promise<Buffer> {
    const result = this.tail.then(() => this.inflateNow(compressed));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private inflateNow(compressed: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(new SpdyProtocolError(`header decompression failed: ${this.failure.message}`));
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const onData = (chunk: Buffer): void => { out.push(chunk); };
      const onError = (err: Error): void => { cleanup(); reject(new SpdyProtocolError(`header decompression failed: ${err.message}`)); };
      const cleanup = (): void => { this.z.off('data', onData); this.z.off('error', onError); };
      this.z.on('data', onData);
      this.z.once('error', onError);
      this.z.write(compressed);
      this.z.flush(constants.Z_SYNC_FLUSH, () => {
        cleanup();
        if (this.failure) reject(new SpdyProtocolError(`header decompression failed: ${this.failure.message}`));
        else resolve(Buffer.concat(out));
      });
    });
  }

  close(): void { this.z.destroy(); }
}
