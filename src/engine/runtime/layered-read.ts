/**
 * Reading a file of the container's root filesystem before it is mounted, straight from the
 * overlay's layer folders (upper first, then the image layers top first). This lets the OCI
 * runtime mount the overlay itself inside the container's mount namespace, so the run path
 * spawns no mount/umount helpers and no host mount can be left behind.
 *
 * Overlay rules that would hide a lower file are honoured or refused: a whiteout (character
 * device) means the file is absent; a layer whose parent folder exists without the file might
 * be an opaque folder (an xattr we do not read here), so the answer is "unknown" and the
 * caller mounts the overlay on the host and reads through it instead, as before.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file's text, `absent`, or `unknown` (cannot be decided without mounting). */
export type LayeredRead = { text: string } | 'absent' | 'unknown';

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

// Synchronous: a few lstats and one small read of local layer folders per container start
// (see record.ts for what the asynchronous calls cost the event loop here).
function lstatOrUndefined(path: string): import('node:fs').Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err: unknown) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * `relativePath` is a path inside the container with exactly one folder level (`etc/passwd`),
 * which is all the runtime needs (user and group lookups).
 */
export async function readLayeredFile(layers: readonly string[], relativePath: string): Promise<LayeredRead> {
  const slash = relativePath.indexOf('/');
  if (slash <= 0 || relativePath.indexOf('/', slash + 1) >= 0) throw new Error(`readLayeredFile: unsupported path ${relativePath}`);
  const parent = relativePath.slice(0, slash);
  for (const [i, layer] of layers.entries()) {
    const file = lstatOrUndefined(join(layer, relativePath));
    if (file?.isFile()) return { text: readFileSync(join(layer, relativePath), 'utf8') };
    if (file?.isCharacterDevice()) return 'absent';
    // A symlink (or anything else) would need the merged view to follow.
    if (file) return 'unknown';
    // Nothing lies below the last layer, so an opaque folder there hides nothing.
    if (i === layers.length - 1) break;
    const folder = lstatOrUndefined(join(layer, parent));
    if (folder) return 'unknown';
  }
  return 'absent';
}
