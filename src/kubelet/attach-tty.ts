/**
 * A real terminal for `kubectl exec -t`: runc's `exec --tty` makes the container's pty
 * itself but wants a terminal on its own stdin (or a console socket, whose fd Node cannot
 * receive). So runc runs under util-linux `script`, which gives it a host pty; runc puts
 * that in raw mode and copies between it and the container's pty. The first size is set
 * on that pty before runc starts (runc sizes the container's pty from it, just after the
 * process started: a command that asks at once may still see 0x0); later resizes set it
 * again with `stty -F`, and the kernel's SIGWINCH makes runc pass them on.
 */
import { execFile } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TerminalSize { rows: number; cols: number }

/** The channel-4 message kubectl sends: {"Width":80,"Height":24}. */
export function parseResize(data: Buffer): TerminalSize | undefined {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    const cols = Number(v.Width);
    const rows = Number(v.Height);
    return Number.isInteger(cols) && Number.isInteger(rows) && cols >= 0 && rows >= 0 ? { rows, cols } : undefined;
  } catch {
    return undefined;
  }
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `wrap` for the engine's exec: `script -qefc "stty ...; exec runc exec --tty ..." /dev/null`. */
export function underPty(size: TerminalSize | undefined): (file: string, args: string[]) => { file: string; args: string[] } {
  return (file, args) => {
    const stty = size && size.rows > 0 && size.cols > 0 ? `stty rows ${size.rows} cols ${size.cols} 2>/dev/null; ` : '';
    return { file: 'script', args: ['-q', '-e', '-f', '-c', `${stty}exec ${[file, ...args].map(shellQuote).join(' ')}`, '/dev/null'] };
  };
}

async function childrenOf(pid: number | string): Promise<string[]> {
  return (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
}

/**
 * Resizes the pty `script` gave to its child (the runtime), found through the child's stdin,
 * and the container's own pty, through the stdin of the runtime's child (the process in the
 * container, opened by its /proc path: the container's /dev/pts is not the host's). runc
 * passes the first on by itself; crun does not, so the second is set here.
 */
export async function resizePty(scriptPid: number, size: TerminalSize): Promise<void> {
  if (size.rows <= 0 || size.cols <= 0) return;
  const dims = ['rows', String(size.rows), 'cols', String(size.cols)];
  for (const pid of await childrenOf(scriptPid)) {
    const tty = await readlink(`/proc/${pid}/fd/0`).catch(() => '');
    if (!/^\/dev\/pts\/\d+$/.test(tty)) continue;
    await run('stty', ['-F', tty, ...dims]);
    for (const inContainer of await childrenOf(pid)) {
      const own = await readlink(`/proc/${inContainer}/fd/0`).catch(() => '');
      if (/^\/dev\/pts\/\d+$/.test(own)) await run('stty', ['-F', `/proc/${inContainer}/fd/0`, ...dims]).catch(() => undefined);
    }
    return;
  }
}
