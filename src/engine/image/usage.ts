/**
 * Which containers use an image, asked of the runtime (src/engine/runtime) when it is built
 * in. The runtime is expected to export
 *   containersUsingImage(root: string, imageId: string): Promise<string[]>
 * (container IDs). Until it does, no image counts as in use. Loaded lazily, so commands that
 * never delete images do not pay for loading the runtime.
 */
type UsageFn = (root: string, imageId: string) => Promise<string[]>;

const runtimeModule = '../runtime/index.js';

export async function runtimeUsageCheck(root: string): Promise<((imageId: string) => Promise<string[]>) | undefined> {
  let mod: { containersUsingImage?: unknown };
  try {
    mod = (await import(runtimeModule)) as { containersUsingImage?: unknown };
  } catch (err: unknown) {
    // Only the runtime being absent is fine; a runtime that fails to load is an error.
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('runtime/index.js')) return undefined;
    throw err;
  }
  if (typeof mod.containersUsingImage !== 'function') return undefined;
  const fn = mod.containersUsingImage as UsageFn;
  return (imageId) => fn(root, imageId);
}

/** Opens the image store with the runtime's usage check wired in (for rmi and prune). */
export async function openImageStoreWithUsage(root: string): Promise<import('./store.js').ImageStore> {
  const { openImageStore } = await import('./store.js');
  const containersUsing = await runtimeUsageCheck(root);
  return openImageStore(root, containersUsing ? { containersUsing } : {});
}
