/** `skiff images [-a] [-q] [--no-trunc] [--digests] [REPOSITORY[:TAG]]`: lists local images as docker does. */
import { openImageStore, shortId } from '../../engine/image/index.js';
import { familiarRepository, parseReference, repositoryName } from '../../engine/reference/index.js';
import { flagBool, formatTable, humanAge, humanSize, parseArgs, runCommand } from '../../engine/util/index.js';

const usage = `Usage: skiff images [OPTIONS] [REPOSITORY[:TAG]]

List images

Options:
  -a, --all         Show all images (default hides intermediate images)
  -q, --quiet       Only show image IDs
      --no-trunc    Don't truncate output
      --digests     Show digests
      --root DIR    Engine root (default $SKIFF_ROOT or /var/lib/skiff/engine)
`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'all', short: 'a' }, { name: 'quiet', short: 'q' }, { name: 'no-trunc' }, { name: 'digests' }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const noTrunc = flagBool(args, 'no-trunc');
    const filter = args.positionals[0];
    const wanted = filter === undefined ? undefined : parseReference(filter, { defaultTag: false });
    const images = await openImageStore(args.root).list();
    const rows: Array<{ repo: string; tag: string; digest: string; id: string; created: string; size: string }> = [];
    for (const image of images) {
      const id = noTrunc ? image.id : shortId(image.id);
      const common = { id, created: humanAge(image.config.created), size: humanSize(image.size), digest: image.manifestDigest };
      if (image.names.length === 0) {
        if (!wanted) rows.push({ repo: '<none>', tag: '<none>', ...common });
        continue;
      }
      for (const name of image.names) {
        const ref = parseReference(name);
        if (wanted && (repositoryName(ref) !== repositoryName(wanted) || (wanted.tag !== undefined && wanted.tag !== ref.tag))) continue;
        rows.push({ repo: familiarRepository(ref), tag: ref.tag ?? '<none>', ...common });
      }
    }
    if (flagBool(args, 'quiet')) {
      process.stdout.write([...new Set(rows.map((r) => r.id))].map((id) => `${id}\n`).join(''));
      return 0;
    }
    const digests = flagBool(args, 'digests');
    const header = ['REPOSITORY', 'TAG', ...(digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
    process.stdout.write(formatTable([header, ...rows.map((r) => [r.repo, r.tag, ...(digests ? [r.digest] : []), r.id, r.created, r.size])]));
    return 0;
  });
}
