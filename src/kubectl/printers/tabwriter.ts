/**
 * Column layout as kubectl's printers.GetNewTabWriter (Go text/tabwriter with minwidth 10,
 * padding 3, space padding): every cell but the last of a line is padded to the widest
 * cell of its column plus 3, and at least 6.
 */
export function formatColumns(rows: readonly (readonly string[])[], remembered?: number[]): string {
  // kubectl's tabwriter (liggitt/tabwriter with RememberWidths) keeps column widths across
  // flushes of one stream, so `get -w` rows stay aligned with the table printed first.
  const widths: number[] = remembered ? remembered.map((w) => w - 3) : [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i === row.length - 1) return;
      const w = Array.from(cell).length;
      widths[i] = Math.max(widths[i] ?? 0, w);
    });
  }
  if (remembered) widths.forEach((w, i) => { remembered[i] = Math.max(w + 3, 6); });
  return rows.map((row) => row.map((cell, i) => {
    if (i === row.length - 1) return cell;
    const width = Math.max((widths[i] ?? 0) + 3, 6);
    return cell + ' '.repeat(width - Array.from(cell).length);
  }).join('')).map((line) => `${line}\n`).join('');
}
