/** Small file-system helpers shared by the image-side engine parts. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A unique sibling name for a temp file or dir that is renamed into place when complete. */
export function tempSibling(path: string): string {
  return join(dirname(path), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Writes a whole file so readers see either the old or the new content, never a part. */
export async function atomicWriteFile(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempSibling(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err: unknown) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw new Error(`reading ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return !isErrno(err, 'ESRCH');
  }
}

/**
 * Runs `fn` holding an exclusive lock file (created with O_EXCL, holding our pid). Another
 * process waits; a lock left by a dead process is taken over. Locks are per root folder, so
 * concurrent `skiff` processes serialise their read-modify-write of shared index files.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err: unknown) {
      if (!isErrno(err, 'EEXIST')) throw err;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !processAlive(owner)) {
        await unlink(lockPath).catch(() => undefined); // stale: its owner died; a racing taker may have removed it already
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockPath} (held by pid ${owner || 'unknown'})`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
