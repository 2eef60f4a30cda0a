/** `skiff kill [-s SIG] CTR...`: send a signal (default SIGKILL). */
import { ContainerRuntime, containerCommand, flag, forEachContainer, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'signal', short: 's', value: true }]);
    if (args.positionals.length === 0) throw new Error('kill requires at least 1 arg(s), only received 0');
    const rt = new ContainerRuntime(args.root);
    const signal = flag(args, 'signal') ?? 'SIGKILL';
    return forEachContainer(args.positionals, async (ref) => {
      await rt.kill(ref, signal);
      process.stdout.write(`${ref}\n`);
    });
  });
}
