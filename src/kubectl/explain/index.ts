/** `kubectl explain` rendering over OpenAPI v3 documents. */
export { renderExplain, typeGuess, ExplainError } from './render.js';
export type { ExplainRequest } from './render.js';
export { wrap, indent } from './text.js';
