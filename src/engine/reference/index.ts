/** Image references: parse Docker-style names, normalise, and print them back short. */
export {
  DEFAULT_DOMAIN, ReferenceError, parseReference, formatReference, repositoryName, familiarRepository,
  familiarString, normalizeReference, looksLikeImageId,
} from './reference.js';
export type { ImageReference } from './reference.js';
