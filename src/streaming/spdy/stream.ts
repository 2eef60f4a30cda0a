/**
 * One SPDY stream as a Node Duplex: what the peer sends arrives on the readable side (its FIN
 * ends it), what is written goes out as DATA frames (end() sends FIN). A stream that is
 * destroyed before both sides finished is reset (RST_STREAM CANCEL), as Go's spdystream does.
 */
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.js';
import type { SpdyHeaders } from './header-block.js';

/** What a stream needs from its session. */
export interface StreamHost {
  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void>;
  sendReset(streamId: number, status: number): void;
  forget(stream: SpdyStream): void;
}

/** Data the peer sent that the reader has not taken yet, before the session stops reading. */
const READ_BUFFER_BYTES = 256 * 1024;

export class SpdyStream extends Duplex {
  /** Set when the peer reset the stream (RST_STREAM status). */
  resetStatus: number | undefined;
  private localDone = false;
  private remoteDone = false;
  /** Deliveries waiting for the reader to want more (several when windows let data run ahead). */
  private readWaiters: Array<() => void> = [];

  constructor(
    private readonly host: StreamHost,
    readonly id: number,
    /** The headers of the SYN_STREAM that opened it. */
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: READ_BUFFER_BYTES, writableHighWaterMark: 64 * 1024 });
  }

  /** Both directions are finished: the session no longer needs to know the stream. */
  get fullyClosed(): boolean { return this.localDone && this.remoteDone; }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.host.sendData(this.id, chunk, false).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localDone = true;
    this.host.sendData(this.id, Buffer.alloc(0), true).then(() => {
      if (this.fullyClosed) this.host.forget(this);
      cb();
    }, cb);
  }

  override _read(): void {
    const waiters = this.readWaiters;
    this.readWaiters = [];
    for (const w of waiters) w();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.resetStatus === undefined && !this.fullyClosed) this.host.sendReset(this.id, RstStatus.Cancel);
    this.host.forget(this);
    this._read();
    cb(err);
  }

  // ---- called by the session ----

  /** Hands received data to the reader; the promise settles when the session may read on. */
  deliver(data: Buffer): Promise<void> | undefined {
    if (this.destroyed || this.remoteDone) return undefined;
    if (this.push(data)) return undefined;
    return new Promise((resolve) => { this.readWaiters.push(resolve); });
  }

  /** The peer sent FIN. */
  finishRemote(): void {
    if (this.remoteDone) return;
    this.remoteDone = true;
    if (!this.destroyed) this.push(null);
    if (this.fullyClosed) this.host.forget(this);
  }

  /** The stream was opened unidirectional by the peer or with our FIN: we may not send on it. */
  finishLocal(): void { this.localDone = true; }

  /** RST_STREAM from the peer, or the session went away: no frames for it any more. */
  abort(status: number): void {
    if (this.destroyed) return;
    this.resetStatus = status;
    this.emit('reset', status);
    this.destroy();
  }
}
