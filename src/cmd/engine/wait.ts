/** `skiff wait CTR...`: block until each container stops; print its exit code. */
import { ContainerRuntime, containerCommand, forEachContainer, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, []);
    if (args.positionals.length === 0) throw new Error('wait requires at least 1 arg(s), only received 0');
    const rt = new ContainerRuntime(args.root);
    return forEachContainer(args.positionals, async (ref) => {
      const done = await rt.wait(ref);
      process.stdout.write(`${done.state.exitCode}\n`);
    });
  });
}
