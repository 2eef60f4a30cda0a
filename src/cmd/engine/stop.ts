/** `skiff stop [-t N] CTR...`: StopSignal, then SIGKILL after N seconds (default 10). */
import { ContainerRuntime, containerCommand, flag, forEachContainer, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'time', short: 't', value: true }]);
    if (args.positionals.length === 0) throw new Error('stop requires at least 1 arg(s), only received 0');
    const seconds = Number(flag(args, 'time') ?? '10');
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`invalid --time "${flag(args, 'time')}"`);
    const rt = new ContainerRuntime(args.root);
    return forEachContainer(args.positionals, async (ref) => {
      await rt.stop(ref, { timeoutSeconds: seconds });
      process.stdout.write(`${ref}\n`);
    });
  });
}
