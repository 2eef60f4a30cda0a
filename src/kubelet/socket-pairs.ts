/**
 * Connected socket pairs over a short-lived unix socket: one end is handed to a child
 * process as its stdin/stdout/stderr (the engine's exec takes stdio, not streams), the
 * other stays here as an ordinary duplex stream. Node has no socketpair(2), so this makes
 * them with a listener that is closed as soon as the pairs exist.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';

export interface SocketPair { local: Socket; remote: Socket }

export async function socketPairs(count: number): Promise<SocketPair[]> {
  const path = join(tmpdir(), `skiff-exec-${randomBytes(8).toString('hex')}.sock`);
  // The accepted end goes to the child: paused from the start, so this process never reads
  // (steals) the child's input from it; half-open, so one direction can end alone.
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  try {
    const pairs: SocketPair[] = [];
    for (let i = 0; i < count; i++) {
      // One at a time, so each accepted socket is known to belong to this connect.
      const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
      const local = connect({ path, allowHalfOpen: true });
      await new Promise<void>((resolve, reject) => {
        local.once('connect', () => resolve());
        local.once('error', reject);
      });
      pairs.push({ local, remote: await accepted });
    }
    return pairs;
  } finally {
    server.close();
    await rm(path, { force: true });
  }
}
