/** `skiff pull [--tls-verify=false] [--creds u:p] [-q] REF`: an image from a registry, as podman pull. */
import { openImageStore } from '../../engine/image/index.js';
import { pullImage, registryFlags, registryFlagsUsage, registryOptions, stripTransport } from '../../engine/registry/index.js';
import { flagBool, flagValue, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff pull [OPTIONS] IMAGE

Pull an image from a registry

Options:
${registryFlagsUsage}      --platform os/arch    the platform to pick from a multi-platform image (default: this machine's)
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [...registryFlags, { name: 'platform', value: true }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    if (args.positionals.length !== 1) throw new UsageError(`"skiff pull" requires exactly 1 argument.\n${usage}`);
    const platformFlag = flagValue(args, 'platform');
    let platform: { os: string; architecture: string; variant?: string } | undefined;
    if (platformFlag !== undefined) {
      const [os, architecture, variant] = platformFlag.split('/');
      if (!os || !architecture) throw new UsageError(`invalid --platform "${platformFlag}": want os/arch[/variant]`);
      platform = { os, architecture, ...(variant ? { variant } : {}) };
    }
    const result = await pullImage(openImageStore(args.root), stripTransport(args.positionals[0]!), {
      ...registryOptions(args, process.stderr),
      ...(platform ? { platform } : {}),
    });
    process.stdout.write(`${result.image.id.replace(/^sha256:/, '')}\n`);
    return 0;
  });
}
