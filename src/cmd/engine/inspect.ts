/** `skiff inspect CTR...`: a JSON array of containers with podman's field names. */
import { ContainerRuntime, containerCommand, inspectView, parseSimpleArgs } from '../../engine/runtime/index.js';

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'type', value: true }, { name: 'format', short: 'f', value: true }]);
    if (args.positionals.length === 0) throw new Error('inspect requires at least 1 arg(s), only received 0');
    const rt = new ContainerRuntime(args.root);
    const views: unknown[] = [];
    let failed = false;
    for (const ref of args.positionals) {
      try {
        views.push(inspectView(rt.root, await rt.inspect(ref)));
      } catch (err: unknown) {
        failed = true;
        process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
    process.stdout.write(`${JSON.stringify(views, null, 4)}\n`);
    return failed ? 125 : 0;
  });
}
