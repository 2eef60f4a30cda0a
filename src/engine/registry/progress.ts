/**
 * Progress of a pull or push, as events, and the text podman prints for them:
 * `Copying blob sha256:<hex> done` per blob (or `skipped: already exists`, `mounted from
 * <repo>`). On a terminal one status line also shows bytes moved, redrawn in place.
 */
import { humanSize } from '../util/index.js';

export type BlobKind = 'blob' | 'config';

export type ProgressEvent =
  | { type: 'start' | 'done'; kind: BlobKind; digest: string; total: number }
  | { type: 'bytes'; kind: BlobKind; digest: string; bytes: number; total: number }
  | { type: 'skipped'; kind: BlobKind; digest: string }
  | { type: 'mounted'; kind: BlobKind; digest: string; from: string }
  | { type: 'resumed'; kind: BlobKind; digest: string; offset: number };

export interface ProgressSink {
  event(e: ProgressEvent): void;
  /** A line of its own (`Trying to pull ...`, `Writing manifest to image destination`). */
  message(text: string): void;
}

export const silentProgress: ProgressSink = { event() {}, message() {} };

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

const REDRAW_MS = 100;

export function textProgress(out: Output): ProgressSink {
  const tty = out.isTTY === true;
  const moving = new Map<string, { kind: BlobKind; bytes: number; total: number }>();
  let statusShown = false;
  let lastDraw = 0;
  const clearStatus = (): void => {
    if (statusShown) out.write('\r\x1b[K');
    statusShown = false;
  };
  const drawStatus = (force: boolean): void => {
    if (!tty || moving.size === 0) return;
    const now = Date.now();
    if (!force && now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    const parts = [...moving].map(([digest, m]) => `${m.kind} ${short(digest)} ${humanSize(m.bytes)} / ${humanSize(m.total)}`);
    out.write(`\r\x1b[KCopying ${parts.join(', ')}`);
    statusShown = true;
  };
  const line = (text: string): void => {
    clearStatus();
    out.write(`${text}\n`);
    drawStatus(true);
  };
  return {
    message: line,
    event(e) {
      const label = `Copying ${e.kind} ${e.digest}`;
      switch (e.type) {
        case 'start':
          moving.set(e.digest, { kind: e.kind, bytes: 0, total: e.total });
          drawStatus(true);
          break;
        case 'bytes': {
          const m = moving.get(e.digest);
          if (m) m.bytes = e.bytes;
          drawStatus(false);
          break;
        }
        case 'resumed':
          line(`${label} resuming at byte ${e.offset}`);
          break;
        case 'done':
          moving.delete(e.digest);
          line(`${label} done`);
          break;
        case 'skipped':
          line(`${label} skipped: already exists`);
          break;
        case 'mounted':
          line(`${label} mounted from ${e.from}`);
          break;
      }
    },
  };
}

function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
