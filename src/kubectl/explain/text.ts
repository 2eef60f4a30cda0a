/**
 * Text helpers with the exact behaviour of the template functions kubectl's explain uses:
 * sprig's `wrap` (Apache commons WordUtils.wrap without breaking long words) and `indent` (every line, blank ones too, gets the padding).
 */

export function wrap(str: string, width: number): string {
  // Existing line breaks end a line: each line is wrapped on its own.
  return str.split('\n').map((line) => wrapLine(line, width)).join('\n');
}

function wrapLine(str: string, width: number): string {
  if (str === '') return '';
  const len = str.length;
  let offset = 0;
  let out = '';
  while (len - offset > width) {
    if (str[offset] === ' ') { offset++; continue; }
    let at = str.lastIndexOf(' ', width + offset);
    if (at >= offset) {
      out += `${str.slice(offset, at)}\n`;
      offset = at + 1;
    } else {
      at = str.indexOf(' ', width + offset);
      if (at >= 0) {
        out += `${str.slice(offset, at)}\n`;
        offset = at + 1;
      } else {
        out += str.slice(offset);
        offset = len;
      }
    }
  }
  return out + str.slice(offset);
}

export function indent(str: string, n: number): string {
  const pad = ' '.repeat(n);
  return pad + str.replace(/\n/g, `\n${pad}`);
}
