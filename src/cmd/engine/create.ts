/** `skiff create [flags] IMAGE [CMD...]`: make a container without starting it; prints its ID. */
import { ContainerRuntime, containerCommand, parseRunFlags } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const flags = parseRunFlags(argv, { allowDetach: false });
    if (flags.help) { process.stdout.write('Usage: skiff create [flags as skiff run] IMAGE [CMD...]\n'); return 0; }
    const record = await new ContainerRuntime(flags.root).create(flags.create);
    process.stdout.write(`${record.id}\n`);
    return 0;
  });
}
