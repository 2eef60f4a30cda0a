/** `skiff save [-o FILE] [--format docker-archive|oci-archive] IMAGE...`: images to a tar archive. */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { saveImages, type ArchiveFormat } from '../../engine/archive/index.js';
import { openImageStore } from '../../engine/image/index.js';
import { flagBool, flagValue, parseArgs, runCommand, tempSibling, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff save [OPTIONS] IMAGE [IMAGE...]

Save one or more images to a tar archive (streamed to STDOUT by default)

Options:
  -o, --output string   Write to a file, instead of STDOUT
      --format string   docker-archive (default) or oci-archive
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'output', short: 'o', value: true }, { name: 'format', value: true }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    if (args.positionals.length === 0) throw new UsageError(`"skiff save" requires at least 1 argument.\n${usage}`);
    const format = flagValue(args, 'format') ?? 'docker-archive';
    if (format !== 'docker-archive' && format !== 'oci-archive') throw new UsageError(`unsupported format "${format}": use docker-archive or oci-archive`);
    const output = flagValue(args, 'output');
    if (output === undefined && process.stdout.isTTY) throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    const archive = await saveImages(openImageStore(args.root), args.positionals, format as ArchiveFormat);
    if (output === undefined) {
      await pipeline(archive, process.stdout);
      return 0;
    }
    // Written beside the target and renamed, so a failed save leaves no partial archive.
    const tmp = tempSibling(output);
    try {
      await pipeline(archive, createWriteStream(tmp));
      await rename(tmp, output);
    } finally {
      await rm(tmp, { force: true });
    }
    return 0;
  });
}
