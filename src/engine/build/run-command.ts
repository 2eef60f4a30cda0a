/**
 * RUN's command line: shell form through the stage's SHELL, exec form as is, heredocs as
 * BuildKit treats them; and the history line it leaves. Running it is in run-exec.ts, loaded
 * only when a RUN step misses the cache.
 */
import { posix } from 'node:path';
import type { Instruction } from './dockerfile/index.js';
import { shellOf } from './metadata.js';
import type { StageState } from './state.js';

export type RunInstruction = Extract<Instruction, { kind: 'run' }>;

export interface RunCommand {
  readonly argv: readonly string[];
  /** A heredoc script with a shebang, run as a file (mounted at /dev/pipes/NAME). */
  readonly script?: { readonly name: string; readonly content: string };
}

export const SCRIPT_DIR = '/dev/pipes';

export function runCommand(ins: RunInstruction, state: StageState): RunCommand {
  if (ins.exec) return { argv: [...ins.exec] };
  const shell = shellOf(state.runtime);
  const text = ins.shell ?? '';
  const [only] = ins.heredocs;
  // `RUN <<EOF` alone: the heredoc is the script.
  if (only && ins.heredocs.length === 1 && /^<<-?(['"]?)[^'"\s]+\1$/.test(text.trim())) {
    if (only.content.startsWith('#!')) return { argv: [posix.join(SCRIPT_DIR, only.name)], script: { name: only.name, content: only.content } };
    return { argv: [...shell, only.content] };
  }
  // `RUN cmd <<EOF`: the shell gets the command and the here-documents, as in a script.
  if (ins.heredocs.length > 0) {
    const bodies = ins.heredocs.map((h) => `${h.content}${h.name}\n`).join('');
    return { argv: [...shell, `${text}\n${bodies}`] };
  }
  return { argv: [...shell, text] };
}

/** BuildKit's history line: `RUN |2 A=1 B=2 /bin/sh -c make # buildkit`. */
export function runHistory(command: RunCommand, state: StageState): string {
  const args = state.argEnv();
  const prefix = args.length > 0 ? `|${args.length} ${args.join(' ')} ` : '';
  return `RUN ${prefix}${command.argv.join(' ')} # buildkit`;
}

