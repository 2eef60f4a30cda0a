/**
 * A SPDY/3.1 session over any byte Duplex (a TCP/TLS socket after an HTTP upgrade, or a
 * WebSocket carrying SPDY bytes). It reads frames in order — awaiting the shared zlib
 * context for header blocks, and a slow stream reader for data, which is how back-pressure
 * reaches the peer (TCP stops being read) — answers PINGs, honours GOAWAY and resets, and
 * lets the owner accept peer streams or open its own.
 *
 * Flow control: SPDY/3.1 windows are kept only when the owner asks (`flowControl`). Go's
 * spdystream (kubectl, kubelet) never sends WINDOW_UPDATE and ignores ours, so with such a
 * peer a sender that waited for window credit would stall after 64 KiB; back-pressure then
 * comes from not reading the transport, as on the Go side. With windows, a slow stream no
 * longer holds up the others: its credit simply stops coming back.
 */
import type { Duplex } from 'node:stream';
import { encodeFrame, FLAG_FIN, FLAG_UNIDIRECTIONAL, FrameReader, GoAwayStatus, RstStatus, SettingsId, SpdyProtocolError, type Frame } from './frames.js';
import { decodeHeaderBlock, encodeHeaderBlock, HeaderDeflater, HeaderInflater, type SpdyHeaders } from './header-block.js';
import { SpdyStream, type StreamHost } from './stream.js';
import { SendWindows } from './flow-control.js';

/** DATA frames are cut to this size so one stream cannot hold the connection for long. */
const DATA_FRAME_BYTES = 32 * 1024;
/** After our GOAWAY, how long the peer may take to close the connection itself. */
const CLOSE_GRACE_MS = 2000;

export interface SpdySessionOptions {
  /** The server opens even-numbered streams and answers odd-numbered PINGs; the client the reverse. */
  readonly role: 'server' | 'client';
  /**
   * Decides on a stream the peer opened, before the SYN_REPLY: return a reason to refuse it
   * (it is reset), or undefined to accept it. Without it every stream is accepted.
   */
  readonly check?: (headers: SpdyHeaders, streamId: number) => string | undefined;
  /** An accepted peer stream, after its SYN_REPLY went out. */
  readonly onStream?: (stream: SpdyStream) => void;
  /** Refused streams and protocol errors, for the owner's log. */
  readonly onWarning?: (message: string) => void;
  /** Keep SPDY/3.1 windows both ways; only for peers that do too (not Go's spdystream). */
  readonly flowControl?: boolean;
}

export class SpdySession implements StreamHost {
  private readonly reader = new FrameReader();
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly replyWaiters = new Map<number, { resolve: (s: SpdyStream) => void; reject: (e: Error) => void }>();
  private readonly pingWaiters = new Map<number, () => void>();
  private drainWaiters: Array<() => void> = [];
  private nextStreamId: number;
  private nextPingId: number;
  private lastPeerStreamId = 0;
  private goneAway = false;
  private ended = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private readonly windows: SendWindows | undefined;
  /** Settles when the transport is gone and every stream torn down. */
  readonly closed: Promise<void>;

  constructor(private readonly transport: Duplex, private readonly opts: SpdySessionOptions) {
    this.nextStreamId = opts.role === 'server' ? 2 : 1;
    this.nextPingId = opts.role === 'server' ? 2 : 1;
    this.windows = opts.flowControl ? new SendWindows() : undefined;
    transport.on('drain', () => this.releaseDrainWaiters());
    transport.on('error', (err: Error) => this.opts.onWarning?.(`transport error: ${err.message}`));
    this.closed = this.run();
  }

  get streamCount(): number { return this.streams.size; }

  /** Opens a stream and waits for the peer's SYN_REPLY. */
  openStream(headers: SpdyHeaders, opts: { fin?: boolean } = {}): Promise<SpdyStream> {
    if (this.goneAway || this.ended) return Promise.reject(new Error('SPDY session is closing'));
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers);
    if (opts.fin) stream.finishLocal();
    this.streams.set(id, stream);
    this.windows?.open(id);
    const replied = new Promise<SpdyStream>((resolve, reject) => this.replyWaiters.set(id, { resolve, reject }));
    this.write({ type: 'syn_stream', streamId: id, associatedId: 0, priority: 0, flags: opts.fin ? FLAG_FIN : 0, headerBlock: this.deflater.compress(encodeHeaderBlock(headers)) });
    return replied;
  }

  /** Sends a PING and resolves with the round trip in milliseconds. */
  ping(): Promise<number> {
    const id = this.nextPingId;
    this.nextPingId = (this.nextPingId + 2) % 0x80000000;
    const start = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      if (this.ended) { reject(new Error('SPDY session closed')); return; }
      this.pingWaiters.set(id, () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
      this.write({ type: 'ping', id });
    });
  }

  /**
   * Says GOAWAY, resets what is still open and ends the transport; a peer that does not hang
   * up in turn is cut off after a short grace. Idempotent.
   */
  close(): void {
    if (this.ended || this.closeTimer) return;
    if (!this.goneAway) this.write({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status: GoAwayStatus.Ok });
    this.goneAway = true;
    for (const s of [...this.streams.values()]) s.destroy();
    this.transport.end();
    this.closeTimer = setTimeout(() => this.transport.destroy(), CLOSE_GRACE_MS);
    this.closeTimer.unref();
  }

  // ---- StreamHost ----

  async sendData(streamId: number, data: Buffer, fin: boolean): Promise<void> {
    let at = 0;
    do {
      let size = Math.min(DATA_FRAME_BYTES, data.length - at);
      if (this.windows && size > 0) {
        size = await this.windows.take(streamId, size);
        if (size === 0) throw new Error(`SPDY stream ${streamId} is closed`);
      }
      const piece = data.subarray(at, at + size);
      at += size;
      const last = at >= data.length;
      if (this.ended) throw new Error('SPDY session closed');
      if (!this.write({ type: 'data', streamId, flags: fin && last ? FLAG_FIN : 0, data: piece })) await this.drained();
    } while (at < data.length);
  }

  sendReset(streamId: number, status: number): void {
    if (!this.ended) this.write({ type: 'rst_stream', streamId, status });
  }

  forget(stream: SpdyStream): void {
    if (this.streams.get(stream.id) !== stream) return;
    this.streams.delete(stream.id);
    this.windows?.forget(stream.id);
  }

  // ---- reading ----

  private async run(): Promise<void> {
    try {
      for await (const chunk of this.transport) {
        this.reader.push(chunk as Buffer);
        for (let f = this.reader.next(); f; f = this.reader.next()) await this.handle(f);
      }
    } catch (err: unknown) {
      if (err instanceof SpdyProtocolError) {
        this.opts.onWarning?.(`SPDY protocol error: ${err.message}`);
        this.write({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status: GoAwayStatus.ProtocolError });
        this.transport.end();
      } else if (!this.goneAway) {
        this.opts.onWarning?.(`SPDY transport failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      this.teardown();
    }
  }

  private async handle(f: Frame): Promise<void> {
    switch (f.type) {
      case 'syn_stream': return this.onSynStream(f, decodeHeaderBlock(await this.inflater.inflate(f.headerBlock)));
      case 'syn_reply': {
        await this.inflater.inflate(f.headerBlock);
        const waiter = this.replyWaiters.get(f.streamId);
        this.replyWaiters.delete(f.streamId);
        const stream = this.streams.get(f.streamId);
        if (waiter && stream) waiter.resolve(stream);
        if (stream && f.flags & FLAG_FIN) stream.finishRemote();
        return;
      }
      case 'headers': {
        await this.inflater.inflate(f.headerBlock);
        if (f.flags & FLAG_FIN) this.streams.get(f.streamId)?.finishRemote();
        return;
      }
      case 'data': {
        // Data for a stream we no longer know (reset, or finished) is dropped, as spdystream does.
        const stream = this.streams.get(f.streamId);
        // With windows, the session's credit goes back at once (each stream's window bounds
        // what it buffers) and a stream's when its reader has room, so one slow reader holds
        // up only its own sender.
        if (this.windows && f.data.length > 0) this.credit(0, f.data.length);
        if (!stream) return;
        if (f.data.length > 0) {
          const room = stream.deliver(f.data);
          if (!this.windows) await room;
          else if (room) void room.then(() => this.credit(f.streamId, f.data.length));
          else this.credit(f.streamId, f.data.length);
        }
        if (f.flags & FLAG_FIN) stream.finishRemote();
        return;
      }
      case 'rst_stream': {
        const waiter = this.replyWaiters.get(f.streamId);
        this.replyWaiters.delete(f.streamId);
        waiter?.reject(new Error(`stream ${f.streamId} was reset by the peer (status ${f.status})`));
        this.streams.get(f.streamId)?.abort(f.status);
        return;
      }
      case 'ping': {
        const ours = (f.id & 1) === (this.opts.role === 'server' ? 0 : 1);
        if (!ours) { this.write(f); return; }
        this.pingWaiters.get(f.id)?.();
        this.pingWaiters.delete(f.id);
        return;
      }
      case 'goaway':
        // The peer opens nothing more; what is open may finish.
        this.goneAway = true;
        return;
      case 'settings': {
        const initial = f.entries.find((e) => e.id === SettingsId.InitialWindowSize);
        if (initial) this.windows?.setInitial(initial.value);
        return;
      }
      case 'window_update':
        this.windows?.update(f.streamId, f.delta);
        return;
      case 'unknown':
        return;
    }
  }

  private onSynStream(f: Extract<Frame, { type: 'syn_stream' }>, headers: SpdyHeaders): void {
    const peerParity = this.opts.role === 'server' ? 1 : 0;
    if ((f.streamId & 1) !== peerParity || f.streamId <= this.lastPeerStreamId) {
      this.opts.onWarning?.(`invalid stream id ${f.streamId}`);
      this.write({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.ProtocolError });
      return;
    }
    this.lastPeerStreamId = f.streamId;
    if (this.goneAway) {
      this.write({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.RefusedStream });
      return;
    }
    const refusal = this.opts.check?.(headers, f.streamId);
    if (refusal !== undefined) {
      this.opts.onWarning?.(`stream ${f.streamId} refused: ${refusal}`);
      this.write({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.RefusedStream });
      return;
    }
    const stream = new SpdyStream(this, f.streamId, headers);
    this.streams.set(f.streamId, stream);
    this.windows?.open(f.streamId);
    if (f.flags & FLAG_UNIDIRECTIONAL) stream.finishLocal();
    this.write({ type: 'syn_reply', streamId: f.streamId, flags: 0, headerBlock: this.deflater.compress(encodeHeaderBlock({})) });
    if (f.flags & FLAG_FIN) stream.finishRemote();
    this.opts.onStream?.(stream);
  }

  // ---- writing and teardown ----

  private write(f: Frame): boolean {
    if (this.ended || this.transport.writableEnded || this.transport.destroyed) return true;
    return this.transport.write(encodeFrame(f));
  }

  /** Gives back window: the session's (stream 0), or an open stream's. */
  private credit(streamId: number, bytes: number): void {
    if (streamId === 0 || this.streams.has(streamId)) this.write({ type: 'window_update', streamId, delta: bytes });
  }

  private drained(): Promise<void> {
    if (this.ended || !this.transport.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private teardown(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.closeTimer);
    for (const s of [...this.streams.values()]) s.abort(RstStatus.Cancel);
    this.streams.clear();
    for (const w of this.replyWaiters.values()) w.reject(new Error('SPDY session closed'));
    this.replyWaiters.clear();
    this.releaseDrainWaiters();
    this.windows?.close();
    this.inflater.close();
    if (!this.transport.destroyed) this.transport.destroy();
  }
}
