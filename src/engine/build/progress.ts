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

/**
 * A compact view for terminals: one line per finished step (`=> [build 2/3] RUN make  1.2s`,
 * `=> CACHED [...]`) and a status line for what is running, redrawn in place; RUN output is
 * shown only when the step fails.
 */
export class TtyProgress implements ProgressSink {
  private readonly running = new Map<number, { name: string; started: number; lines: string[] }>();
  private next = 1;
  private statusShown = false;

  constructor(private readonly out: Writable & { columns?: number }, private readonly clock: () => number = () => performance.now()) {}

  private clearStatus(): void {
    if (this.statusShown) this.out.write('\r\x1b[K');
    this.statusShown = false;
  }

  private drawStatus(): void {
    this.clearStatus();
    const first = [...this.running.values()][0];
    if (!first) return;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const more = this.running.size > 1 ? ` (+${this.running.size - 1} more)` : '';
    this.out.write(`\x1b[2m${`=> ${first.name}${more}`.slice(0, width)}\x1b[0m`);
    this.statusShown = true;
  }

  private finish(id: number, text: string): void {
    this.clearStatus();
    this.out.write(`${text}\n`);
    this.running.delete(id);
    this.drawStatus();
  }

  vertex(name: string): ProgressVertex {
    const id = this.next++;
    const entry = { name, started: this.clock(), lines: [] as string[] };
    this.running.set(id, entry);
    this.drawStatus();
    const seconds = (): string => `${((this.clock() - entry.started) / 1000).toFixed(1)}s`;
    return {
      log: (line) => { entry.lines.push(line); if (entry.lines.length > 20) entry.lines.shift(); },
      status: () => {},
      cached: () => this.finish(id, `\x1b[34m=> CACHED ${name}\x1b[0m`),
      done: () => this.finish(id, `=> ${name}  ${seconds()}`),
      error: (message) => this.finish(id, `\x1b[31m=> ERROR ${name}: ${message}\x1b[0m${entry.lines.map((l) => `\n > ${l}`).join('')}`),
    };
  }

  warn(message: string): void {
    this.clearStatus();
    this.out.write(`\x1b[33mWARNING: ${message}\x1b[0m\n`);
    this.drawStatus();
  }
}
