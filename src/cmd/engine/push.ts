/** `skiff push [--tls-verify=false] [--creds u:p] [-q] IMAGE [DESTINATION]`: an image to a registry, as podman push. */
import { writeFile } from 'node:fs/promises';
import { openImageStore } from '../../engine/image/index.js';
import { pushImage, registryFlags, registryFlagsUsage, registryOptions, stripTransport } from '../../engine/registry/index.js';
import { flagBool, flagValue, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff push [OPTIONS] IMAGE [DESTINATION]

Push an image to a registry (DESTINATION defaults to IMAGE's name; docker:// is accepted)

Options:
${registryFlagsUsage}      --digestfile string   write the manifest digest to this file
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [...registryFlags, { name: 'digestfile', value: true }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const [source, destination, ...extra] = args.positionals;
    if (source === undefined || extra.length > 0) throw new UsageError(`"skiff push" requires 1 or 2 arguments.\n${usage}`);
    const result = await pushImage(openImageStore(args.root), source, stripTransport(destination ?? source), registryOptions(args, process.stderr));
    const digestFile = flagValue(args, 'digestfile');
    if (digestFile !== undefined) await writeFile(digestFile, result.manifestDigest);
    return 0;
  });
}
