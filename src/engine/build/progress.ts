/**
 * Build progress as BuildKit's plain mode prints it: every step (a "vertex") gets a number
 * when it starts; its output lines carry the number and the seconds since it started; it ends
 * with CACHED, DONE <time> or ERROR. Steps of parallel stages interleave, as in BuildKit.
 */
import type { Writable } from 'node:stream';

export interface ProgressVertex {
  /** One line of a step's output (RUN stdout/stderr) or a sub-status line (`naming to ... done`). */
  log(line: string): void;
  status(text: string): void;
  cached(): void;
  done(): void;
  error(message: string): void;
}

export interface ProgressSink {
  vertex(name: string): ProgressVertex;
  warn(message: string): void;
}

/** Prints nothing (library use, benchmarks). */
export const silentProgress: ProgressSink = {
  vertex: () => ({ log() {}, status() {}, cached() {}, done() {}, error() {} }),
  warn() {},
};

export class PlainProgress implements ProgressSink {
  private next = 1;
  private last: number | undefined;

  constructor(private readonly out: Writable, private readonly clock: () => number = () => performance.now()) {}

  private line(id: number, text: string): void {
    // A blank line separates one step's block from another's, as BuildKit does.
    if (this.last !== undefined && this.last !== id) this.out.write('\n');
    this.last = id;
    this.out.write(`#${id} ${text}\n`);
  }

  vertex(name: string): ProgressVertex {
    const id = this.next++;
    const started = this.clock();
    const elapsed = (): number => (this.clock() - started) / 1000;
    let finished = false;
    this.line(id, name);
    return {
      log: (text) => { this.line(id, `${elapsed().toFixed(3)} ${text}`); },
      status: (text) => { this.line(id, text); },
      cached: () => { if (!finished) { finished = true; this.line(id, 'CACHED'); } },
      done: () => { if (!finished) { finished = true; this.line(id, `DONE ${elapsed().toFixed(1)}s`); } },
      error: (message) => { if (!finished) { finished = true; this.line(id, `ERROR: ${message}`); } },
    };
  }

  warn(message: string): void {
    if (this.last !== undefined) this.out.write('\n');
    this.last = undefined;
    this.out.write(`WARNING: ${message}\n`);
  }
}
