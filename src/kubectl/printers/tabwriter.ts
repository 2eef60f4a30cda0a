/**
 * Column layout as kubectl's printers.GetNewTabWriter (Go text/tabwriter with minwidth 10,
 * padding 3, space padding): every cell but the last of a line is padded to the widest
 * cell of its column plus 3, and at least 6.
 */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i === row.length - 1) return;
      const w = Array.from(cell).length;
      widths[i] = Math.max(widths[i] ?? 0, w);
    });
  }
  return rows.map((row) => row.map((cell, i) => {
    if (i === row.length - 1) return cell;
    const width = Math.max((widths[i] ?? 0) + 3, 6);
    return cell + ' '.repeat(width - Array.from(cell).length);
  }).join('')).map((line) => `${line}\n`).join('');
}
