/** `skiff exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] CTR CMD...`: exit code passed through. */
import { ContainerRuntime, containerCommand, execInContainer, flag, hasFlag, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [
      { name: 'interactive', short: 'i' }, { name: 'tty', short: 't' }, { name: 'env', short: 'e', value: true },
      { name: 'user', short: 'u', value: true }, { name: 'workdir', short: 'w', value: true }, { name: 'detach', short: 'd' },
    ], { stopAfterPositionals: 1 });
    const [ref, ...command] = args.positionals;
    if (ref === undefined || command.length === 0) throw new Error('exec requires at least 2 arg(s)');
    const rt = new ContainerRuntime(args.root);
    const record = await rt.inspect(ref);
    const user = flag(args, 'user');
    const workdir = flag(args, 'workdir');
    return execInContainer(rt.root, record, {
      args: command,
      tty: hasFlag(args, 'tty'),
      env: args.flags.get('env') ?? [],
      ...(user !== undefined ? { user } : {}),
      ...(workdir !== undefined ? { workingDir: workdir } : {}),
      stdio: hasFlag(args, 'interactive') || hasFlag(args, 'tty') ? 'inherit' : ['ignore', 'inherit', 'inherit'],
    });
  });
}
