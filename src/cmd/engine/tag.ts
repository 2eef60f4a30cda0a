/** `skiff tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`: gives an image another name. */
import { openImageStore } from '../../engine/image/index.js';
import { flagBool, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]

Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, []);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const [source, ...targets] = args.positionals;
    if (source === undefined || targets.length === 0) throw new UsageError(`"skiff tag" requires at least 2 arguments.\n${usage}`);
    const store = openImageStore(args.root);
    for (const target of targets) await store.tag(source, target);
    return 0;
  });
}
