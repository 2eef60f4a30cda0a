/** `kubectl api-resources` and `kubectl api-versions`, from discovery. */
import { flagArray, flagBool, flagString } from '../args.js';
import type { Command } from '../command.js';
import { formatColumns } from '../printers/index.js';

export const apiResourcesCommand: Command = {
  name: 'api-resources',
  flags: {
    output: { type: 'string', short: 'o' },
    namespaced: { type: 'bool', default: true },
    'api-group': { type: 'string' },
    verbs: { type: 'array' },
    'no-headers': { type: 'bool' },
    'sort-by': { type: 'string' },
    cached: { type: 'bool' },
    categories: { type: 'array' },
  },
  async run(f) {
    const output = flagString(f.args, 'output') ?? '';
    if (!['', 'wide', 'name'].includes(output)) throw new Error(`--output ${output} is not available`);
    const sortBy = flagString(f.args, 'sort-by') ?? '';
    if (sortBy && !['name', 'kind'].includes(sortBy)) throw new Error('--sort-by accepts only name or kind');
    const group = flagString(f.args, 'api-group');
    const namespacedChanged = f.args.changed.has('namespaced');
    const namespaced = flagBool(f.args, 'namespaced');
    const verbs = flagArray(f.args, 'verbs');
    const categories = flagArray(f.args, 'categories');
    const resources = (await f.discovery().preferredResources()).filter((r) =>
      r.verbs.length > 0
      && (group === undefined || r.group === group)
      && (!namespacedChanged || r.namespaced === namespaced)
      && verbs.every((v) => r.verbs.includes(v))
      && categories.every((c) => r.categories.includes(c)));
    const key = (r: typeof resources[number]): string => (sortBy === 'name' ? r.resource : sortBy === 'kind' ? r.kind : r.group);
    // Stable sort by group (or the --sort-by field), then name, as kubectl.
    const sorted = resources.map((r, i) => ({ r, i })).sort((a, b) => {
      const c = cmp(key(a.r), key(b.r)) || cmp(a.r.resource, b.r.resource);
      return c || a.i - b.i;
    }).map((x) => x.r);
    if (output === 'name') {
      f.io.out(sorted.map((r) => `${r.resource}${r.group ? `.${r.group}` : ''}\n`).join(''));
      return 0;
    }
    const rows: string[][] = [];
    if (!flagBool(f.args, 'no-headers')) {
      rows.push(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(output === 'wide' ? ['VERBS', 'CATEGORIES'] : [])]);
    }
    for (const r of sorted) {
      const row = [r.resource, r.shortNames.join(','), r.groupVersion, String(r.namespaced), r.kind];
      if (output === 'wide') row.push(r.verbs.join(','), r.categories.join(','));
      rows.push(row);
    }
    f.io.out(formatColumns(rows));
    return 0;
  },
};

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const apiVersionsCommand: Command = {
  name: 'api-versions',
  flags: {},
  async run(f) {
    const groups = await f.discovery().groups();
    const versions = groups.flatMap((g) => g.versions.map((v) => (g.name ? `${g.name}/${v}` : v)));
    f.io.out([...new Set(versions)].sort().map((v) => `${v}\n`).join(''));
    return 0;
  },
};
