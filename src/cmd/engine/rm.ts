/** `skiff rm [-f] CTR...`: remove containers (running ones only with -f). */
import { ContainerRuntime, containerCommand, forEachContainer, hasFlag, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'force', short: 'f' }, { name: 'all', short: 'a' }]);
    const rt = new ContainerRuntime(args.root);
    const refs = hasFlag(args, 'all') ? (await rt.list({ all: true })).map((r) => r.id) : args.positionals;
    if (refs.length === 0 && !hasFlag(args, 'all')) throw new Error('rm requires at least 1 arg(s), only received 0');
    return forEachContainer(refs, async (ref) => {
      await rt.remove(ref, { force: hasFlag(args, 'force') });
      process.stdout.write(`${ref}\n`);
    });
  });
}
