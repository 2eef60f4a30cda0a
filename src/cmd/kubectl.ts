/** `skiff kubectl ...`: our kubectl, with the verbs, flags and output of kubectl 1.32. */
import { runKubectl } from '../kubectl/index.js';

export async function main(argv: string[]): Promise<number> {
  return runKubectl(argv);
}
