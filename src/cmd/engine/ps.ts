/** `skiff ps [-a] [-q] [--no-trunc]`: containers as Docker lists them (running only without -a). */
import { ContainerRuntime, containerCommand, hasFlag, parseSimpleArgs, psHeader, psRow, shortContainerId } from '../../engine/runtime/index.js';

/** Docker's tabwriter layout: each column as wide as its widest cell plus 3 spaces. */
function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length + 3); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('').trimEnd() + '\n').join('');
}

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const args = parseSimpleArgs(argv, [{ name: 'all', short: 'a' }, { name: 'quiet', short: 'q' }, { name: 'no-trunc' }]);
    const records = await new ContainerRuntime(args.root).list({ all: hasFlag(args, 'all') });
    const noTrunc = hasFlag(args, 'no-trunc');
    if (hasFlag(args, 'quiet')) {
      process.stdout.write(records.map((r) => `${noTrunc ? r.id : shortContainerId(r.id)}\n`).join(''));
      return 0;
    }
    const now = Date.now();
    const rows = records.map((r) => {
      const row = psRow(r, now);
      if (noTrunc) row[0] = r.id;
      return row;
    });
    process.stdout.write(table([psHeader, ...rows]));
    return 0;
  });
}
