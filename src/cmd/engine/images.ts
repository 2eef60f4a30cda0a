/** `skiff images [-a] [-q] [--no-trunc] [--digests] [REPOSITORY[:TAG]]`: lists local images as docker does. */
import { openImageStore, shortId, type ImageInfo } from '../../engine/image/index.js';
import { familiarRepository, parseReference, repositoryName } from '../../engine/reference/index.js';
import { flagBool, formatTable, humanAge, humanSize, parseArgs, runCommand, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff images [OPTIONS] [REPOSITORY[:TAG]]

List images

Options:
  -a, --all         Show all images (default hides intermediate images)
  -q, --quiet       Only show image IDs
      --no-trunc    Don't truncate output
      --digests     Show digests
  -f, --filter      Filter output: dangling=true|false, reference=PATTERN, label=KEY[=VALUE]
      --root DIR    Engine root (default $SKIFF_ROOT or /var/lib/skiff/engine)
`;

interface Filter {
  image(image: ImageInfo): boolean;
  /** Per row: the row's name, undefined for a dangling image's `<none>` row. */
  name(name: string | undefined): boolean;
}

/** Shell-style pattern (`*`, `?`) against the familiar and the full name, as docker's reference filter. */
function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(text);
}

function parseFilter(spec: string): Filter {
  const eq = spec.indexOf('=');
  const key = eq < 0 ? spec : spec.slice(0, eq);
  const value = eq < 0 ? '' : spec.slice(eq + 1);
  const all = (): boolean => true;
  switch (key) {
    case 'dangling': {
      if (value !== 'true' && value !== 'false') throw new UsageError(`invalid filter 'dangling=${value}': use true or false`);
      const want = value === 'true';
      return { image: (i) => (i.names.length === 0) === want, name: all };
    }
    case 'reference':
      return {
        image: all,
        name: (n) => {
          if (n === undefined) return false;
          const ref = parseReference(n);
          const short = familiarRepository(ref);
          return [short, `${short}:${ref.tag ?? ''}`, n, repositoryName(ref)].some((candidate) => globMatch(value, candidate));
        },
      };
    case 'label': {
      const [k, v] = value.split('=', 2) as [string, string | undefined];
      return { image: (i) => { const labels = i.config.config?.Labels ?? {}; return k in labels && (v === undefined || labels[k] === v); }, name: all };
    }
    default:
      throw new UsageError(`invalid filter '${key}' (supported: dangling, reference, label)`);
  }
}

export async function main(argv: string[]): Promise<number> {
  return runCommand(async () => {
    const args = parseArgs(argv, [{ name: 'all', short: 'a' }, { name: 'quiet', short: 'q' }, { name: 'no-trunc' }, { name: 'digests' }, { name: 'filter', short: 'f', value: true }]);
    if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
    const noTrunc = flagBool(args, 'no-trunc');
    const filter = args.positionals[0];
    const wanted = filter === undefined ? undefined : parseReference(filter, { defaultTag: false });
    const filters = (args.flags.get('filter') ?? []).map(parseFilter);
    const images = (await openImageStore(args.root).list()).filter((image) => filters.every((f) => f.image(image)));
    const rows: Array<{ repo: string; tag: string; digest: string; id: string; created: string; size: string }> = [];
    for (const image of images) {
      const id = noTrunc ? image.id : shortId(image.id);
      const common = { id, created: humanAge(image.config.created), size: humanSize(image.size), digest: image.manifestDigest };
      if (image.names.length === 0) {
        if (!wanted && filters.every((f) => f.name(undefined))) rows.push({ repo: '<none>', tag: '<none>', ...common });
        continue;
      }
      for (const name of image.names) {
        const ref = parseReference(name);
        if (!filters.every((f) => f.name(name))) continue;
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
