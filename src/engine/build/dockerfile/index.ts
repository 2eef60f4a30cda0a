/** The Dockerfile front end: text -> nodes (parser.ts) -> stages of typed instructions (instructions.ts). */
export { parseDockerfile } from './parser.js';
export type { Heredoc, InstructionNode, ParsedDockerfile } from './parser.js';
export { buildProgram, toInstruction, splitRawWords, parseGoDuration } from './instructions.js';
export type { Instruction, InstructionKind, Stage, DockerfileProgram, ArgDefinition, KeyValue } from './instructions.js';
export { processWord, processWords, expandOnly, SubstitutionError } from './shell-lex.js';
export type { VariableLookup, LexOptions } from './shell-lex.js';
export { DockerfileError } from './errors.js';

import { parseDockerfile } from './parser.js';
import { buildProgram, type DockerfileProgram } from './instructions.js';

/** Parses a whole Dockerfile; throws DockerfileError (with the line) on any syntax problem. */
export function loadDockerfile(text: string, file = 'Dockerfile'): DockerfileProgram {
  return buildProgram(parseDockerfile(text, file));
}
