/**
 * Reading a container's log (conmon's k8s-file format, one line per chunk):
 *   2026-11-29T02:53:00.187049692+00:00 stdout F hello
 * `F` ends a line, `P` is a partial line continued by the next entry. Follow mode polls the
 * file until the container has exited and everything written has been read.
 */
import { open } from 'node:fs/promises';
import { isErrno } from './errors.js';

export interface LogEntry {
  time: string;
  stream: 'stdout' | 'stderr';
  /** The text, with the newline restored for full lines. */
  text: string;
}

export function parseLogLine(line: string): LogEntry | undefined {
  const first = line.indexOf(' ');
  const second = line.indexOf(' ', first + 1);
  const third = line.indexOf(' ', second + 1);
  if (first < 0 || second < 0) return undefined;
  const stream = line.slice(first + 1, second);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = third < 0 ? line.slice(second + 1) : line.slice(second + 1, third);
  const content = third < 0 ? '' : line.slice(third + 1);
  return { time: line.slice(0, first), stream, text: tag.startsWith('P') ? content : `${content}\n` };
}

export interface ReadLogOptions {
  follow?: boolean;
  /** For follow: true once the container has stopped (then reading ends at end of file). */
  isDone?: () => Promise<boolean>;
  pollMs?: number;
  onEntry: (entry: LogEntry) => void;
}

export async function readLog(path: string, options: ReadLogOptions): Promise<void> {
  let handle: import('node:fs/promises').FileHandle | undefined;
  let position = 0;
  let pending = '';
  const buffer = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      if (!handle) {
        try {
          handle = await open(path, 'r');
        } catch (err: unknown) {
          if (!isErrno(err, 'ENOENT')) throw err;
        }
      }
      let readAny = false;
      if (handle) {
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) break;
          readAny = true;
          position += bytesRead;
          pending += buffer.subarray(0, bytesRead).toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            const entry = parseLogLine(line);
            if (entry) options.onEntry(entry);
          }
        }
      }
      if (!options.follow) return;
      // Check for the end only after a read found nothing new, so the tail is never lost.
      if (!readAny && (await options.isDone?.())) {
        if (handle) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead > 0) continue;
        }
        return;
      }
      if (!readAny) await new Promise((r) => setTimeout(r, options.pollMs ?? 50));
    }
  } finally {
    await handle?.close();
  }
}
