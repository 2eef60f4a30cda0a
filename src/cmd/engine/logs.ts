/** `skiff logs [-f] CTR`: the container's output, stdout to stdout and stderr to stderr. */
import { ContainerRuntime, containerCommand, hasFlag, parseSimpleArgs, readLog } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'follow', short: 'f' }, { name: 'timestamps' }]);
    const ref = args.positionals[0];
    if (ref === undefined || args.positionals.length > 1) throw new Error('logs requires exactly 1 arg(s)');
    const rt = new ContainerRuntime(args.root);
    const record = await rt.inspect(ref);
    const timestamps = hasFlag(args, 'timestamps');
    await readLog(await rt.logPath(record.id), {
      follow: hasFlag(args, 'follow'),
      isDone: async () => (await rt.inspect(record.id)).state.status !== 'running',
      onEntry: (e) => { (e.stream === 'stderr' ? process.stderr : process.stdout).write(timestamps ? `${e.time} ${e.text}` : e.text); },
    });
    return 0;
  });
}
