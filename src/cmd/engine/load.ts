/** `skiff load [-i FILE] [-q]`: images from a docker-archive or oci-archive (plain or gzip). */
import { createReadStream } from 'node:fs';
import { loadImages } from '../../engine/archive/index.js';
import { openImageStore } from '../../engine/image/index.js';
import { familiarString, parseReference } from '../../engine/reference/index.js';
import { flagBool, flagValue, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff load [OPTIONS]

Load an image from a tar archive or STDIN

Options:
  -i, --input string   Read from tar archive file, instead of STDIN
  -q, --quiet          Suppress the load output
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'input', short: 'i', value: true }, { name: 'quiet', short: 'q' }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const input = flagValue(args, 'input');
    if (input === undefined && process.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is empty');
    const loaded = await loadImages(openImageStore(args.root), input === undefined ? process.stdin : createReadStream(input));
    if (!flagBool(args, 'quiet')) {
      for (const { image, names } of loaded) {
        if (names.length === 0) process.stdout.write(`Loaded image ID: ${image.id}\n`);
        for (const name of names) process.stdout.write(`Loaded image: ${familiarString(parseReference(name))}\n`);
      }
    }
    return 0;
  });
}
