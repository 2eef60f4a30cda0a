/** KubeSchedulerConfiguration: loading and resolving profiles. */
export { loadSchedulerConfig, resolveProfiles, defaultPlugins, extensionPoints } from './config.js';
export type { SchedulerConfiguration, ProfileConfig, ResolvedProfile, ExtensionPoint, PluginRef, PluginSet } from './config.js';
