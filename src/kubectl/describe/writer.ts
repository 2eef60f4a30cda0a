/**
 * kubectl's describe output plumbing: a prefix writer (two spaces per level) over Go's
 * tabwriter (minwidth 0, padding 2), where flush() ends the current alignment blocks.
 */
import { goTabwrite } from '../printers/gotabwriter.js';

export class DescribeWriter {
  private done = '';
  private pending = '';

  write(level: number, text: string): void {
    this.pending += '  '.repeat(level) + text;
  }

  /** Go's Fprintln: no prefix, a newline after. */
  line(text: string): void {
    this.pending += `${text}\n`;
  }

  flush(): void {
    this.done += goTabwrite(this.pending, { minwidth: 0, padding: 2 });
    this.pending = '';
  }

  toString(): string {
    this.flush();
    return this.done;
  }
}
