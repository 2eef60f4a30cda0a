/**
 * A long-lived `busybox sh` that starts helper programs (runc, ip, CNI plugins) for a
 * long-running process such as the node agent. On these machines a fork of a large Node
 * process costs ~7-20 ms of its event loop, and all of a pod burst's processes queue
 * behind that one thread; a static busybox forks in well under 1 ms, off our thread, and
 * many at once.
 *
 * Protocol: the command line goes in the slot's file SLOT.cmd, every word single-quoted by us
 * and the program an absolute path (busybox would otherwise run its own applet of that name,
 * e.g. its `ip`); one line `ID SLOT` on the shell's stdin starts it. The shell runs each in a
 * background subshell with stdin, stdout and stderr on files of ours (the slot's) and answers
 * `ID EXIT-CODE FLAGS`. A request whose words hold a newline, or a process without busybox, is
 * run by Node itself.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolRequest {
  /** The program; the helper is given absolute paths only. */
  file: string;
  args: readonly string[];
  /** Added to (not replacing) the environment. */
  env?: Readonly<Record<string, string>>;
  stdin?: string;
  cwd?: string;
  /**
   * The program reports on fd 3 with one line (conmon's sync pipe): the outcome's `sync`.
   * Through the helper, fd 3 is a pipe to a reader that answers `SID LINE`.
   */
  syncPipe?: boolean;
}

export interface ToolOutcome { code: number; stdout: string; stderr: string; sync?: string }

/**
 * The shell's loop. A request line is `ID SLOT`, the command line is in SLOT.cmd: the shell's
 * `read` takes its input one byte at a time, with a poll(2) and a read(2) for each, so a
 * command line on stdin (conmon's is ~1 KB) cost ~2000 system calls. The answer `ID CODE
 * FLAGS` says which of the slot's output files hold anything (o: stdout, e: stderr), so a
 * silent program (most runc, ip and unshare calls) costs the server no file read at all. `[`
 * and `echo` are the shell's builtins: no process more.
 */
function loopFor(dir: string): string {
  // Names with a leading underscore: the sourced command line only sets its programs' env.
  return `_D=${shellQuote(dir)}; while IFS= read -r _l; do ( _i=\${_l%% *}; _s=\${_l#* }; . "$_D/$_s.cmd"; _c=$?; _f=; [ -s "$_D/$_s.out" ] && _f=o; [ -s "$_D/$_s.err" ] && _f=\${_f}e; echo "$_i $_c $_f" ) & done; wait`;
}

/** A word for the shell, taken literally. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

interface Pending { resolve: (o: ToolOutcome) => void; reject: (err: unknown) => void; slot: string; reusable: boolean; hasInput: boolean; sync?: string }

export class ToolHelper {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private buffered = '';
  private filesDir: string | undefined;
  /**
   * Slots whose files (SLOT.in/.out/.err) are free to be used again: `>` truncates them, so
   * a finished request's files need no unlink and the next one no create. A request with a
   * sync pipe (conmon) gets a slot of its own that is then removed: a daemon it leaves may
   * still hold its output files open.
   */
  private readonly freeSlots: string[] = [];

  /** `baseDir`: where the folder for the programs' input and output files is made. */
  constructor(private readonly busybox: string, private readonly baseDir = tmpdir()) {}

  private dir(): string {
    if (!this.filesDir) {
      mkdirSync(this.baseDir, { recursive: true });
      const made = mkdtempSync(join(this.baseDir, 'skiff-tools-'));
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
      this.filesDir = made;
    }
    return this.filesDir;
  }

  /** True when the request can go through the shell (no newline in any word). */
  static fits(req: ToolRequest): boolean {
    const words = [req.file, ...req.args, ...Object.entries(req.env ?? {}).flat(), req.cwd ?? ''];
    return req.file.startsWith('/') && words.every((w) => !w.includes('\n') && !w.includes('\0')) && Object.keys(req.env ?? {}).every((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
  }

  private shell(): ChildProcessWithoutNullStreams {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const child = spawn(this.busybox, ['sh', '-c', loopFor(this.dir())], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => this.onAnswer(text));
    child.stderr.resume();
    child.on('exit', () => this.failAll(new Error('the tool helper shell exited')));
    child.on('error', (err) => this.failAll(err));
    child.stdin.on('error', (err) => this.failAll(err));
    this.child = child;
    this.setRef(false);
    return child;
  }

  /** The shell never keeps the process alive on its own: only while requests wait. */
  private setRef(on: boolean): void {
    const c = this.child;
    if (!c) return;
    for (const h of [c, c.stdout, c.stdin, c.stderr] as Array<{ ref?: () => void; unref?: () => void }>) (on ? h.ref : h.unref)?.call(h);
  }

  private failAll(err: unknown): void {
    this.child = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(err);
  }

  private onAnswer(text: string): void {
    this.buffered += text;
    for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (line.startsWith('S')) {
        // `SID LINE`: what the program wrote on fd 3; its exit answer follows.
        const space = line.indexOf(' ');
        const waiting = this.pending.get(Number(line.slice(1, space)));
        if (waiting && space > 0) waiting.sync = line.slice(space + 1);
        continue;
      }
      const [idText = '', codeText = '', flags = ''] = line.split(' ');
      const id = Number(idText);
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      if (this.pending.size === 0) this.setRef(false);
      this.collect(p, Number(codeText), flags);
    }
  }

  private collect(p: Pending, code: number, flags: string): void {
    const base = join(this.dir(), p.slot);
    try {
      // Synchronous: small files in our own folder, a few per pod (see runtime/record.ts for
      // what the asynchronous calls cost the event loop here).
      const stdout = flags.includes('o') ? readFileSync(`${base}.out`, 'utf8') : '';
      const stderr = flags.includes('e') ? readFileSync(`${base}.err`, 'utf8') : '';
      p.resolve({ code: Number.isFinite(code) ? code : 255, stdout, stderr, ...(p.sync !== undefined ? { sync: p.sync } : {}) });
    } catch (err: unknown) {
      p.reject(err);
    } finally {
      if (p.reusable) this.freeSlots.push(p.slot);
      // unlink, not rm: rm's recursive walk costs an lstat more each.
      else {
        for (const x of ['cmd', 'out', 'err', ...(p.hasInput ? ['in'] : [])]) {
          try {
            unlinkSync(`${base}.${x}`);
          } catch {
            // Already gone.
          }
        }
      }
    }
  }

  /** Ends the shell (it finishes what it runs, then exits); a later run starts another. */
  close(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.ref(); // held until it has exited
      c.stdin.end();
    });
  }

  async run(req: ToolRequest): Promise<ToolOutcome> {
    const id = this.nextId++;
    const reusable = req.syncPipe !== true;
    const slot = (reusable ? this.freeSlots.pop() : undefined) ?? String(id);
    const base = join(this.dir(), slot);
    const hasInput = req.stdin !== undefined;
    if (hasInput) writeFileSync(`${base}.in`, req.stdin ?? '');
    const words = [
      ...(req.cwd ? [`cd ${shellQuote(req.cwd)} &&`] : []),
      ...Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`),
      shellQuote(req.file), ...req.args.map(shellQuote),
      // fd 3 first, while fd 1 is still the pipe to the reader below.
      ...(req.syncPipe ? ['3>&1'] : []),
      `<${hasInput ? shellQuote(`${base}.in`) : '/dev/null'}`, `>${shellQuote(`${base}.out`)}`, `2>${shellQuote(`${base}.err`)}`,
      // The reader takes the one line (an empty one if the program closed fd 3 without it).
      ...(req.syncPipe ? [`| { IFS= read -r l; echo "S${id} $l"; }`] : []),
    ];
    writeFileSync(`${base}.cmd`, `${words.join(' ')}\n`);
    return new Promise<ToolOutcome>((resolve, reject) => {
      const child = this.shell();
      this.pending.set(id, { resolve, reject, slot, reusable, hasInput });
      this.setRef(true);
      child.stdin.write(`${id} ${slot}\n`);
    });
  }
}
