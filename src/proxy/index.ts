/** The service proxy: Services + EndpointSlices -> one nftables table, applied atomically. */
export { ServiceProxy } from './proxier.js';
export type { ServiceProxyOptions } from './proxier.js';
export { renderRuleset, fragmentOf, deleteTableText, tableName, chainNames, endpointChain, affinitySet } from './ruleset.js';
export type { RulesetOptions, Rendered, RenderState, Fragment } from './ruleset.js';
export { servicePortEntries, endpointsFor, groupSlices, compareIp, serviceNameLabel } from './model.js';
export type { ServicePortEntry, ServiceEndpoint, ServiceObject, EndpointSliceObject, Protocol } from './model.js';
export { informerSource, StaticSource, servicesGvr, endpointSlicesGvr } from './source.js';
export type { ServiceSource } from './source.js';
export { applyRuleset, listTable, runNft } from './nft.js';
export type { NftTarget } from './nft.js';
