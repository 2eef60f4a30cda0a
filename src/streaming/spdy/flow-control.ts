/**
 * Send-side credit under SPDY/3.1 flow control (draft 3.1, section 2.6.8): one window per
 * stream, starting at the peer's SETTINGS_INITIAL_WINDOW_SIZE (64 KiB unless it says
 * otherwise), and one for the whole session; WINDOW_UPDATE frames add to them.
 */
export const DEFAULT_WINDOW_BYTES = 64 * 1024;

export class SendWindows {
  private session = DEFAULT_WINDOW_BYTES;
  private initial = DEFAULT_WINDOW_BYTES;
  private readonly streams = new Map<number, number>();
  private waiters: Array<() => void> = [];
  private closed = false;

  open(streamId: number): void { this.streams.set(streamId, this.initial); }

  forget(streamId: number): void {
    this.streams.delete(streamId);
    this.wake();
  }

  /** Waits for credit and takes up to `want` bytes of it; 0 when the stream or session is gone. */
  async take(streamId: number, want: number): Promise<number> {
    for (;;) {
      const window = this.streams.get(streamId);
      if (this.closed || window === undefined) return 0;
      const n = Math.min(want, window, this.session);
      if (n > 0) {
        this.streams.set(streamId, window - n);
        this.session -= n;
        return n;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** WINDOW_UPDATE: stream 0 is the session's window. */
  update(streamId: number, delta: number): void {
    if (streamId === 0) this.session += delta;
    else {
      const window = this.streams.get(streamId);
      if (window !== undefined) this.streams.set(streamId, window + delta);
    }
    this.wake();
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE changes every open stream's window by the difference. */
  setInitial(value: number): void {
    const delta = value - this.initial;
    this.initial = value;
    for (const [id, window] of this.streams) this.streams.set(id, window + delta);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
