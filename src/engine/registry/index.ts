/** The registry client: pull and push over the OCI distribution API (Docker registry v2). */
export { pullImage } from './pull.js';
export type { PullOptions, PullResult, RegistryOptions } from './pull.js';
export { pushImage } from './push.js';
export type { PushOptions, PushResult } from './push.js';
export { RegistryClient, pullScope, pushScope } from './client.js';
export type { ClientOptions, ClientRequest } from './client.js';
export { Repository, MANIFEST_ACCEPT } from './repository.js';
export type { FetchedManifest } from './repository.js';
export { RegistryError } from './errors.js';
export { parseCredsFlag, lookupCredentials, authFilePaths } from './credentials.js';
export type { Credentials } from './credentials.js';
export { textProgress, silentProgress } from './progress.js';
export type { ProgressSink, ProgressEvent, BlobKind } from './progress.js';
export { selectPlatform } from './platform.js';
export { BlobSources } from './sources.js';
export { DEFAULT_CHUNK_SIZE } from './upload.js';
export { registryFlags, registryFlagsUsage, registryOptions, stripTransport } from './cli-options.js';
