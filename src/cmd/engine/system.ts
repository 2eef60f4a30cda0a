/**
 * `skiff system df` and `skiff system prune [-a] [-f]`, the image part. Containers belong to
 * the runtime (src/engine/runtime): images they use are kept (see image/usage.ts), but
 * containers themselves are not shown or pruned here.
 */
import { createInterface } from 'node:readline/promises';
import { openImageStoreWithUsage, type ImageInfo, type ImageStore } from '../../engine/image/index.js';
import { familiarString, parseReference } from '../../engine/reference/index.js';
import { flagBool, formatTable, humanSize, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff system COMMAND

Manage skiff

Commands:
  df          Show disk usage of images
  prune       Remove unused data (dangling images; with -a every unused image)

Options for prune:
  -a, --all     Remove all unused images, not just dangling ones
  -f, --force   Do not prompt for confirmation
`;

/** Bytes of the distinct blobs the images use (shared layers count once). */
function uniqueBytes(images: readonly ImageInfo[]): number {
  const sizes = new Map<string, number>();
  for (const image of images) {
    sizes.set(image.id, image.manifest.config.size);
    for (const layer of image.manifest.layers) sizes.set(layer.digest, layer.size);
  }
  return [...sizes.values()].reduce((a, b) => a + b, 0);
}

async function df(store: ImageStore): Promise<number> {
  const images = await store.list();
  const total = uniqueBytes(images);
  const pct = total === 0 ? 0 : 100;
  process.stdout.write(formatTable([
    ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
    ['Images', String(images.length), '0', humanSize(total), `${humanSize(total)} (${pct}%)`],
  ]));
  return 0;
}

async function confirm(all: boolean): Promise<boolean> {
  process.stdout.write(`WARNING! This will remove:\n  - ${all ? 'all images without at least one container associated to them' : 'all dangling images'}\n\n`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question('Are you sure you want to continue? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function prune(store: ImageStore, all: boolean): Promise<number> {
  const before = uniqueBytes(await store.list());
  const lines: string[] = [];
  for (const image of await store.list()) {
    if (!all && image.names.length > 0) continue;
    if ((await store.containersUsing(image.id)).length > 0) continue;
    const result = await store.removeImage(image, { force: true });
    for (const n of result.untagged) lines.push(`untagged: ${familiarString(parseReference(n))}`);
    for (const id of result.deleted) lines.push(`deleted: ${id}`);
  }
  const gc = await store.gc();
  const reclaimed = Math.max(0, before - uniqueBytes(await store.list())) + gc.bytesFreed;
  if (lines.length > 0) process.stdout.write(`Deleted Images:\n${lines.join('\n')}\n\n`);
  process.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const [sub, ...rest] = argv;
    const args = parseArgs(rest, [{ name: 'all', short: 'a' }, { name: 'force', short: 'f' }]);
    if (sub === undefined || sub === '--help' || sub === '-h' || flagBool(args, 'help')) { process.stdout.write(usage); return sub === undefined ? 1 : 0; }
    const store = await openImageStoreWithUsage(args.root);
    if (sub === 'df') return df(store);
    if (sub === 'prune') {
      const all = flagBool(args, 'all');
      if (!flagBool(args, 'force') && !(await confirm(all))) return 0;
      return prune(store, all);
    }
    throw new UsageError(`unknown command "${sub}" for "skiff system"\n${usage}`);
  });
}
