/** `skiff rmi [-f] IMAGE...`: untags and removes images, printing what happened as docker does. */
import { openImageStoreWithUsage } from '../../engine/image/index.js';
import { familiarString, parseReference } from '../../engine/reference/index.js';
import { flagBool, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff rmi [OPTIONS] IMAGE [IMAGE...]

Remove one or more images

Options:
  -f, --force   Force removal of the image (also when it has several names)
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'force', short: 'f' }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    if (args.positionals.length === 0) throw new UsageError(`"skiff rmi" requires at least 1 argument.\n${usage}`);
    const store = await openImageStoreWithUsage(args.root);
    let failed = false;
    for (const name of args.positionals) {
      try {
        const result = await store.remove(name, { force: flagBool(args, 'force') });
        for (const n of result.untagged) process.stdout.write(`Untagged: ${familiarString(parseReference(n))}\n`);
        for (const id of result.deleted) process.stdout.write(`Deleted: ${id}\n`);
      } catch (err: unknown) {
        failed = true;
        process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    return failed ? 1 : 0;
  });
}
