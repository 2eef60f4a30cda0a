/**
 * Go's text/tabwriter (left-aligned, space padding, no flags), which kubectl's describe
 * output goes through: cells are tab-terminated; a column block is a run of consecutive
 * lines that have a cell in that column, and each block is as wide as its widest cell plus
 * the padding (at least minwidth). A line's last cell is never padded.
 */

export interface TabwriterOptions { minwidth: number; padding: number }

export function goTabwrite(text: string, opts: TabwriterOptions): string {
  const hasFinalNewline = text.endsWith('\n');
  const lines = (hasFinalNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const widthOf = (s: string): number => Array.from(s).length;
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? [];
      let line = '';
      cells.forEach((cell, j) => {
        line += cell;
        if (j < cells.length - 1 && j < widths.length) line += ' '.repeat(Math.max(0, (widths[j] ?? 0) - widthOf(cell)));
      });
      out.push(line);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= (lines[cur]?.length ?? 0) - 1) continue;
      writeLines(start, cur);
      start = cur;
      let width = opts.minwidth;
      let end = cur;
      for (; end < line1; end++) {
        const cells = lines[end] ?? [];
        if (column >= cells.length - 1) break;
        width = Math.max(width, widthOf(cells[column] ?? '') + opts.padding);
      }
      widths.push(width);
      format(start, end);
      widths.pop();
      start = end;
      cur = end - 1;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (hasFinalNewline ? '\n' : '');
}
