/**
 * Test support: runs an image's default command (ENTRYPOINT + CMD, Env, WorkingDir, User) in
 * a real container with the builder's own runner, so build tests can check what an image
 * does without the engine's runtime. Not part of the public face (index.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openImageStore } from '../image/index.js';
import { mountOverlay } from './runner/overlay.js';
import { runInBundle } from './runner/runc.js';
import { resolveUser } from './users.js';

export async function runImageForTest(root: string, reference: string): Promise<{ exitCode: number; lines: string[] }> {
  const image = await openImageStore(root).prepare(reference);
  const dir = await mkdtemp(join(root, 'test-run-'));
  const lines: string[] = [];
  try {
    const mounted = await mountOverlay(dir, image.lowerDirs);
    try {
      const c = image.config;
      const user = await resolveUser(mounted.path, c.User ?? '');
      const args = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
      const exitCode = await runInBundle(dir, { args, env: c.Env ?? [], cwd: c.WorkingDir || '/', ...user }, (line) => lines.push(line));
      return { exitCode, lines };
    } finally {
      await mounted.unmount();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
