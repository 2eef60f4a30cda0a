/**
 * The image mirror between nodes: each node serves its engine store read-only over the OCI
 * distribution API (MirrorServer), and pulls images other nodes have from them before
 * trying a registry (findPeerWithImage + pullFromPeer). Node discovery is the agent's
 * (src/kubelet/image-mirror.ts); nothing here knows of the orchestrator.
 */
export { MirrorServer } from './server.js';
export type { MirrorServerOptions } from './server.js';
export { findPeerWithImage, pullFromPeer } from './pull.js';
export type { MirrorPeer, PeerHit, PeerPullResult } from './pull.js';
export { mirrorRepositoryPath, repositoryFromMirrorPath, storeName } from './names.js';
