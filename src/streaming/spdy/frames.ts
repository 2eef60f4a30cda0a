/**
 * SPDY/3.1 frames: the wire layout (SPDY Protocol draft 3.1, section 2.2) as plain values,
 * an encoder, and an incremental reader that cuts a byte stream (a socket, or WebSocket
 * messages that split frames anywhere) into frames. Header blocks stay compressed here;
 * header-block.ts owns the zlib contexts, which span the whole session.
 */

export const SPDY_VERSION = 3;

export const FrameType = {
  SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9,
} as const;

/** FLAG_FIN on DATA, SYN_STREAM, SYN_REPLY and HEADERS. */
export const FLAG_FIN = 0x01;
/** FLAG_UNIDIRECTIONAL on SYN_STREAM: the receiver never sends on it. */
export const FLAG_UNIDIRECTIONAL = 0x02;

export const RstStatus = {
  ProtocolError: 1, InvalidStream: 2, RefusedStream: 3, UnsupportedVersion: 4, Cancel: 5,
  InternalError: 6, FlowControlError: 7, StreamInUse: 8, StreamAlreadyClosed: 9, FrameTooLarge: 11,
} as const;

export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

export const SettingsId = { MaxConcurrentStreams: 4, InitialWindowSize: 7 } as const;

/** The largest payload a frame's 24-bit length can carry. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export interface SettingsEntry { readonly flags: number; readonly id: number; readonly value: number }

export type Frame =
  | { readonly type: 'data'; readonly streamId: number; readonly flags: number; readonly data: Buffer }
  | { readonly type: 'syn_stream'; readonly streamId: number; readonly associatedId: number; readonly priority: number; readonly flags: number; readonly headerBlock: Buffer }
  | { readonly type: 'syn_reply'; readonly streamId: number; readonly flags: number; readonly headerBlock: Buffer }
  | { readonly type: 'rst_stream'; readonly streamId: number; readonly status: number }
  | { readonly type: 'settings'; readonly flags: number; readonly entries: readonly SettingsEntry[] }
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'goaway'; readonly lastGoodStreamId: number; readonly status: number }
  | { readonly type: 'headers'; readonly streamId: number; readonly flags: number; readonly headerBlock: Buffer }
  | { readonly type: 'window_update'; readonly streamId: number; readonly delta: number }
  /** A control frame of a type we do not know; the spec says to ignore it. */
  | { readonly type: 'unknown'; readonly frameType: number; readonly flags: number; readonly payload: Buffer };

/** A frame the peer sent that cannot be parsed: the session answers with GOAWAY PROTOCOL_ERROR. */
export class SpdyProtocolError extends Error {}

const STREAM_ID_MASK = 0x7fffffff;

function control(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY control frame payload of ${payload.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** The bytes of one frame; header blocks must already be compressed. */
export function encodeFrame(f: Frame): Buffer {
  switch (f.type) {
    case 'data': {
      if (f.data.length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY data frame of ${f.data.length} bytes is too large`);
      const head = words(f.streamId & STREAM_ID_MASK, ((f.flags & 0xff) << 24 | f.data.length) >>> 0);
      return Buffer.concat([head, f.data]);
    }
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(f.streamId & STREAM_ID_MASK, 0);
      fixed.writeUInt32BE(f.associatedId & STREAM_ID_MASK, 4);
      fixed.writeUInt8((f.priority & 0x7) << 5, 8);
      return control(FrameType.SynStream, f.flags, Buffer.concat([fixed, f.headerBlock]));
    }
    case 'syn_reply': return control(FrameType.SynReply, f.flags, Buffer.concat([words(f.streamId & STREAM_ID_MASK), f.headerBlock]));
    case 'headers': return control(FrameType.Headers, f.flags, Buffer.concat([words(f.streamId & STREAM_ID_MASK), f.headerBlock]));
    case 'rst_stream': return control(FrameType.RstStream, 0, words(f.streamId & STREAM_ID_MASK, f.status));
    case 'settings': {
      const body = [words(f.entries.length)];
      for (const e of f.entries) body.push(words(((e.flags & 0xff) << 24 | e.id & 0xffffff) >>> 0, e.value));
      return control(FrameType.Settings, f.flags, Buffer.concat(body));
    }
    case 'ping': return control(FrameType.Ping, 0, words(f.id));
    case 'goaway': return control(FrameType.GoAway, 0, words(f.lastGoodStreamId & STREAM_ID_MASK, f.status));
    case 'window_update': return control(FrameType.WindowUpdate, 0, words(f.streamId & STREAM_ID_MASK, f.delta & STREAM_ID_MASK));
    case 'unknown': return control(f.frameType, f.flags, f.payload);
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame of ${payload.length} bytes is too short`);
}

function decodeControl(type: number, flags: number, p: Buffer): Frame {
  switch (type) {
    case FrameType.SynStream:
      need(p, 10, 'SYN_STREAM');
      return { type: 'syn_stream', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, associatedId: p.readUInt32BE(4) & STREAM_ID_MASK, priority: p.readUInt8(8) >> 5, flags, headerBlock: p.subarray(10) };
    case FrameType.SynReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: p.subarray(4) };
    case FrameType.Headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: p.subarray(4) };
    case FrameType.RstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.Settings: {
      need(p, 4, 'SETTINGS');
      const count = p.readUInt32BE(0);
      need(p, 4 + count * 8, 'SETTINGS');
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < count; i++) {
        const word = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', flags, entries };
    }
    case FrameType.Ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FrameType.GoAway:
      // SPDY/2 GOAWAY had no status; accept the short form too.
      need(p, 4, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & STREAM_ID_MASK, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case FrameType.WindowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: p.readUInt32BE(0) & STREAM_ID_MASK, delta: p.readUInt32BE(4) & STREAM_ID_MASK };
    default:
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
}

/** Cuts a byte stream into frames: push() what arrives, then take frames with next() until undefined. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Bytes received that are not yet part of a whole frame. */
  get pendingBytes(): number { return this.buffered; }

  next(): Frame | undefined {
    if (this.buffered < 8) return undefined;
    const head = this.peek(8);
    const length = head.readUInt32BE(4) & 0xffffff;
    if (this.buffered < 8 + length) return undefined;
    const whole = this.take(8 + length);
    const flags = whole.readUInt8(4);
    const payload = whole.subarray(8);
    const first = whole.readUInt32BE(0);
    if ((first & 0x80000000) === 0) return { type: 'data', streamId: first & STREAM_ID_MASK, flags, data: payload };
    const version = (first >>> 16) & 0x7fff;
    if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    return decodeControl(first & 0xffff, flags, payload);
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    this.chunks = [Buffer.concat(this.chunks)];
    return (this.chunks[0] as Buffer).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
