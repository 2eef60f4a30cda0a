/** `skiff import [-c CHANGE] [-m MESSAGE] FILE|- [REPOSITORY[:TAG]]`: a rootfs tarball becomes an image. */
import { createReadStream } from 'node:fs';
import { applyChanges, importRootfs, openImageStore } from '../../engine/image/index.js';
import { parseArgs, runCommand, UsageError, flagBool, flagValue } from '../../engine/util/index.js';

const usage = `Usage: skiff import [OPTIONS] file|- [REPOSITORY[:TAG]]

Import the contents from a tarball to create a filesystem image

Options:
  -c, --change list      Apply Dockerfile instruction to the created image
  -m, --message string   Set commit message for imported image
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'change', short: 'c', value: true }, { name: 'message', short: 'm', value: true }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const [file, name] = args.positionals;
    if (file === undefined) throw new UsageError(`"skiff import" requires at least 1 argument.\n${usage}`);
    const source = file === '-' ? process.stdin : createReadStream(file);
    const message = flagValue(args, 'message');
    const image = await importRootfs(openImageStore(args.root), source, {
      names: name === undefined ? [] : [name],
      config: applyChanges({}, args.flags.get('change') ?? []),
      source: '',
      comment: message ?? `Imported from ${file}`,
    });
    process.stdout.write(`${image.id}\n`);
    return 0;
  });
}
