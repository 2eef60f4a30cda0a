/**
 * The Dockerfile builder: `build(options)` turns a Dockerfile and a context folder into a
 * tagged image in the engine's image store, with a content-keyed step cache under
 * <root>/build-cache/. The front end (parsing) is in ./dockerfile.
 */
export { build, MAX_LAYERS } from './builder.js';
export type { BuildOptions, BuildResult } from './builder.js';
export { BuildError } from './errors.js';
export { pruneBuildCache } from './cache.js';
export { PlainProgress, TtyProgress, silentProgress } from './progress.js';
export type { ProgressSink, ProgressVertex } from './progress.js';
export { IgnoreMatcher } from './context/ignore.js';
export { loadDockerfile, DockerfileError } from './dockerfile/index.js';
