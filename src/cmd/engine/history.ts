/** `skiff history [--no-trunc] [-q] IMAGE`: an image's build history, newest first, as docker prints it. */
import { openImageStore, shortId } from '../../engine/image/index.js';
import { ellipsis, flagBool, formatTable, humanAge, humanSize, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff history [OPTIONS] IMAGE

Show the history of an image

Options:
      --no-trunc   Don't truncate output
  -q, --quiet      Only show image IDs
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'no-trunc' }, { name: 'quiet', short: 'q' }, { name: 'human', short: 'H', value: true }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const name = args.positionals[0];
    if (name === undefined) throw new UsageError(`"skiff history" requires exactly 1 argument.\n${usage}`);
    const noTrunc = flagBool(args, 'no-trunc');
    const image = await openImageStore(args.root).resolve(name);
    const history = image.config.history ?? [];
    // Non-empty history entries use up the layers in order; the sizes come from the manifest.
    let layerIndex = 0;
    const rows = history.map((h) => {
      const size = h.empty_layer ? 0 : image.manifest.layers[layerIndex++]?.size ?? 0;
      const createdBy = (h.created_by ?? '').replace(/\s+/g, ' ');
      return { created: humanAge(h.created), createdBy: noTrunc ? createdBy : ellipsis(createdBy, 45), size: humanSize(size), comment: h.comment ?? '' };
    }).reverse();
    const ids = rows.map((_, i) => (i === 0 ? (noTrunc ? image.id : shortId(image.id)) : '<missing>'));
    if (flagBool(args, 'quiet')) {
      process.stdout.write(ids.map((id) => `${id}\n`).join(''));
      return 0;
    }
    const table = [['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], ...rows.map((r, i) => [ids[i]!, r.created, r.createdBy, r.size, r.comment])];
    process.stdout.write(formatTable(table));
    return 0;
  });
}
