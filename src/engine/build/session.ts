/**
 * What every stage of one build shares: the image store, the cache, the context, the
 * progress printer, the temp folder (removed at the end), and a flag that stops the other
 * stages once one has failed.
 */
import type { ImageStore } from '../image/index.js';
import type { BuildCache } from './cache.js';
import type { FileHasher } from './context/hasher.js';
import type { IgnoreMatcher } from './context/ignore.js';
import type { DockerfileProgram } from './dockerfile/index.js';
import type { LayerMaterializer } from './layers.js';
import type { ProgressSink } from './progress.js';

export interface BuildSession {
  readonly store: ImageStore;
  readonly cache: BuildCache;
  readonly program: DockerfileProgram;
  readonly contextDir: string;
  readonly ignore: IgnoreMatcher;
  readonly hasher: FileHasher;
  readonly layers: LayerMaterializer;
  readonly progress: ProgressSink;
  /** A folder for this build's scratch files, removed when it ends. */
  readonly tmpDir: string;
  /** --build-arg values. */
  readonly buildArgs: ReadonlyMap<string, string>;
  /** Names of build args some ARG declared (for the "not consumed" warning). */
  readonly consumedArgs: Set<string>;
  /** Global ARG values (defaults expanded, --build-arg applied). */
  readonly globalArgs: ReadonlyMap<string, string | undefined>;
  /** Cancels the build (Ctrl-C): running steps are killed, the others do not start. */
  readonly signal?: AbortSignal;
  /** Set when a stage fails, so the others stop at their next step. */
  failed: boolean;
  stats: { cached: number; executed: number };
}
