/** Joining nodes: the K10 join token, the server's join endpoints, the agent's join. */
export { formatJoinToken, parseJoinToken, looksLikeJoinToken, caCertHash, type JoinToken } from './token.js';
export { startJoinService, caCertsPath, joinPath, type JoinService } from './service.js';
export { joinCluster, JoinError, type JoinOptions, type Joined } from './client.js';
export { ensureJoinTokenFile } from './token-file.js';
export { publishClusterNetwork, readClusterNetwork, isBackend, defaultClusterNetwork, type ClusterNetwork, type PodNetworkBackend } from './network-config.js';
