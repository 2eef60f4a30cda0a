/**
 * Dockerfile text -> a list of instruction nodes with source lines. This stage knows the
 * file's syntax only (directives, comments, line continuations, heredocs, JSON form); what
 * each instruction means is decided in instructions.ts.
 */
import { DockerfileError } from './errors.js';

export interface Heredoc {
  /** The delimiter word, e.g. EOF. COPY uses it as the file name. */
  readonly name: string;
  readonly content: string;
  /** False when the delimiter was quoted (`<<'EOF'`): no variable expansion in the body. */
  readonly expand: boolean;
  /** `<<-EOF`: leading tabs were stripped from every body line. */
  readonly chomp: boolean;
}

export interface InstructionNode {
  /** Lower-case instruction name: `from`, `run`, ... */
  readonly keyword: string;
  /** `--name=value` flags that precede the arguments, in order (raw, without the `--`). */
  readonly flags: readonly string[];
  /** The argument text after keyword and flags, continuations joined, trimmed. */
  readonly rest: string;
  /** The JSON (exec) form when `rest` is a JSON array of strings. */
  readonly json?: readonly string[];
  readonly heredocs: readonly Heredoc[];
  /** The instruction as written (continuations joined), for history and errors. */
  readonly original: string;
  readonly startLine: number;
  readonly endLine: number;
}

export interface ParsedDockerfile {
  readonly file: string;
  readonly directives: { readonly syntax?: string; readonly escape: string; readonly check?: string };
  readonly nodes: readonly InstructionNode[];
  readonly warnings: readonly string[];
}

/** Instructions whose arguments may carry heredocs (BuildKit's set). */
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);

const DIRECTIVE_RE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_RE = /<<(-?)\s*(?:(['"])([^'"\s]+)\2|([A-Za-z_][A-Za-z0-9_]*))/g;

export function parseDockerfile(text: string, file = 'Dockerfile'): ParsedDockerfile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const warnings: string[] = [];
  const directives: { syntax?: string; escape: string; check?: string } = { escape: '\\' };

  // Parser directives: only at the very top, before any comment, blank line or instruction.
  let i = 0;
  const seenDirectives = new Set<string>();
  for (; i < lines.length; i++) {
    const m = DIRECTIVE_RE.exec(lines[i]!.trim());
    if (!m) break;
    const name = m[1]!.toLowerCase();
    const value = m[2]!;
    if (seenDirectives.has(name)) throw new DockerfileError(file, i + 1, `only one ${name} parser directive can be used`);
    seenDirectives.add(name);
    if (name === 'escape') {
      if (value !== '\\' && value !== '`') throw new DockerfileError(file, i + 1, `invalid escape token '${value}': must be \` or \\`);
      directives.escape = value;
    } else if (name === 'syntax') {
      directives.syntax = value;
    } else if (name === 'check') {
      directives.check = value;
    } else {
      break; // an unknown directive is an ordinary comment, and ends the directives
    }
  }

  const escape = directives.escape;
  const nodes: InstructionNode[] = [];
  while (i < lines.length) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) { i++; continue; }

    // Join continuation lines. Comment lines and empty lines inside a continued instruction
    // are skipped, as BuildKit does (empty ones with a warning).
    const startLine = i + 1;
    let joined = '';
    let current = raw;
    for (;;) {
      const stripped = current.replace(/\s+$/, '');
      if (stripped.endsWith(escape) && !stripped.endsWith(escape + escape)) {
        joined += stripped.slice(0, -1);
        i++;
        while (i < lines.length) {
          const next = lines[i]!.trim();
          if (next.startsWith('#')) { i++; continue; }
          if (next === '') { warnings.push(`${file}:${i + 1}: empty continuation line`); i++; continue; }
          break;
        }
        if (i >= lines.length) break;
        current = lines[i]!;
        continue;
      }
      joined += stripped;
      i++;
      break;
    }
    const endLineOfText = i;

    const line = joined.trim();
    const kwMatch = /^(\S+)\s*([\s\S]*)$/.exec(line);
    if (!kwMatch) { continue; }
    const keyword = kwMatch[1]!.toLowerCase();
    let rest = kwMatch[2]!;

    // Flags: `--name=value` words right after the keyword.
    const flags: string[] = [];
    for (;;) {
      const fm = /^--([A-Za-z][A-Za-z0-9-]*(?:=(?:"[^"]*"|'[^']*'|\S)*)?)(?:\s+|$)/.exec(rest);
      if (!fm || keyword === 'onbuild') break;
      // RUN's and HEALTHCHECK CMD's arguments may legitimately start with --; only flags the
      // instruction accepts are taken (checked later), so stop at the first non-flag word.
      flags.push(fm[1]!);
      rest = rest.slice(fm[0].length);
    }
    rest = rest.trim();

    // Heredocs: bodies follow the instruction line, each ended by its delimiter alone on a line.
    const heredocs: Heredoc[] = [];
    let endLine = endLineOfText;
    if (HEREDOC_INSTRUCTIONS.has(keyword) && !rest.startsWith('[')) {
      HEREDOC_RE.lastIndex = 0;
      let hm: RegExpExecArray | null;
      while ((hm = HEREDOC_RE.exec(rest)) !== null) {
        const chomp = hm[1] === '-';
        const name = hm[3] ?? hm[4]!;
        const expand = hm[2] === undefined;
        const body: string[] = [];
        let closed = false;
        while (i < lines.length) {
          let l = lines[i]!;
          i++;
          if (chomp) l = l.replace(/^\t+/, '');
          if (l === name) { closed = true; break; }
          body.push(l);
        }
        if (!closed) throw new DockerfileError(file, startLine, `unterminated heredoc: no line "${name}" ends the here-document`);
        heredocs.push({ name, content: body.length ? body.join('\n') + '\n' : '', expand, chomp });
        endLine = i;
      }
    }

    let json: string[] | undefined;
    if (rest.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(rest);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) json = parsed as string[];
      } catch {
        json = undefined; // not JSON: the shell form, as Docker treats it
      }
    }

    nodes.push({
      keyword, flags, rest, heredocs, startLine, endLine,
      original: `${kwMatch[1]!.toUpperCase()} ${flags.map((f) => `--${f} `).join('')}${rest}`.trim(),
      ...(json ? { json } : {}),
    });
  }
  return { file, directives, nodes, warnings };
}
