/**
 * Layers of a stage being built: unpacking them into snapshots only when a step needs the
 * files (a RUN, a COPY that looks at its destination, a COPY --from this stage), so a fully
 * cached build never touches a layer. Also merged read-only views of a layer stack.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor } from '../content/index.js';
import type { ImageStore } from '../image/index.js';
import { chainIds } from '../snapshot/index.js';
import { isErrno } from '../util/index.js';
import { mountOverlay, unmount, type MountedRootfs } from './runner/overlay.js';

export interface LayerRef {
  readonly descriptor: Descriptor;
  readonly diffId: string;
}

export class LayerMaterializer {
  private readonly unpacking = new Map<string, Promise<string>>();
  private readonly views = new Map<string, Promise<string>>();
  private readonly mounts: MountedRootfs[] = [];
  /** Folders that already hold a layer's files in overlay form (a RUN's upper dir), by diffID. */
  private readonly provided = new Map<string, string>();

  constructor(private readonly store: ImageStore, private readonly tmpRoot: string) {}

  /**
   * Records that `dir` holds the layer's files as an unpacked snapshot would (a RUN's upper
   * dir: overlayfs whiteouts and opaque markers). Later steps of this build use it as the
   * lower dir instead of unpacking the layer again, as containerd's overlay snapshotter
   * commits an upper dir in place. It lives in the build's temp folder.
   */
  provide(diffId: string, dir: string): void {
    this.provided.set(diffId, dir);
  }

  /** Unpacked folders of the layers (bottom first in, top first out: overlayfs order). */
  async lowerDirs(layers: readonly LayerRef[]): Promise<string[]> {
    const chains = chainIds(layers.map((l) => l.diffId));
    const dirs: string[] = [];
    for (const [i, layer] of layers.entries()) {
      const chain = chains[i]!;
      const ready = this.provided.get(layer.diffId);
      if (ready !== undefined) {
        dirs.push(ready);
        continue;
      }
      let pending = this.unpacking.get(chain);
      if (!pending) {
        const below = [...dirs].reverse();
        pending = this.store.snapshots.unpack(chain, this.store.content.read(layer.descriptor.digest), below, layer.diffId).then((r) => r.path);
        this.unpacking.set(chain, pending);
        pending.catch(() => this.unpacking.delete(chain));
      }
      dirs.push(await pending);
    }
    return dirs.reverse();
  }

  /**
   * A folder showing the merged files of the layers, read-only in spirit (callers only read):
   * an empty folder for none, the snapshot itself for one, an overlay mount for more.
   */
  async view(layers: readonly LayerRef[]): Promise<string> {
    const key = chainIds(layers.map((l) => l.diffId)).at(-1) ?? 'scratch';
    let pending = this.views.get(key);
    if (!pending) {
      pending = (async () => {
        const dirs = await this.lowerDirs(layers);
        if (dirs.length === 1) return dirs[0]!;
        const dir = await mkdtemp(join(this.tmpRoot, 'view-'));
        if (dirs.length === 0) {
          await mkdir(join(dir, 'rootfs'));
          return join(dir, 'rootfs');
        }
        const mounted = await mountOverlay(dir, dirs, { readOnly: true });
        this.mounts.push(mounted);
        return mounted.path;
      })();
      this.views.set(key, pending);
    }
    return pending;
  }

  /** Unmounts every view (the temp folders go with the build's temp root). */
  async close(): Promise<void> {
    const mounts = this.mounts.splice(0);
    if (mounts.length === 0) return;
    // One umount for all of them: starting processes is the expensive part.
    try {
      await unmount(mounts.map((m) => m.path));
    } catch (err: unknown) {
      throw new Error('unmounting build views failed', { cause: err });
    }
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
 * Temp folders of builds whose process died (killed mid-build): their mounts are detached
 * (deepest first) and the folders removed, so a crash leaves nothing behind for long.
 */
export async function removeAbandonedBuildDirs(tmpRoot: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmpRoot);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  const dead = names.filter((n) => {
    const pid = Number(n.split('-')[0]);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
  });
  if (dead.length === 0) return;
  const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '));
  for (const name of dead) {
    const dir = join(tmpRoot, name);
    const inside = mounts.filter((m) => m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
    for (const m of inside) await unmount(m, { lazy: true });
    await rm(dir, { recursive: true, force: true });
  }
}
