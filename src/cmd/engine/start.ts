/** `skiff start CTR...`: start created or exited containers under conmon; prints each name given. */
import { ContainerRuntime, containerCommand, forEachContainer, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'attach', short: 'a' }, { name: 'interactive', short: 'i' }]);
    if (args.positionals.length === 0) throw new Error('start requires at least 1 arg(s), only received 0');
    const rt = new ContainerRuntime(args.root);
    return forEachContainer(args.positionals, async (ref) => {
      await rt.start(ref);
      process.stdout.write(`${ref}\n`);
    });
  });
}
