/** The scheduler: framework, plugins, queue, cache and the scheduling loop. */
export { Scheduler, startScheduler } from './scheduler.js';
export type { SchedulerOptions, SchedulerStats } from './scheduler.js';
export { loadSchedulerConfig, resolveProfiles, defaultPlugins } from './config/config.js';
export type { SchedulerConfiguration, ProfileConfig, ResolvedProfile, ExtensionPoint } from './config/config.js';
export { inTreeRegistry } from './plugins/registry.js';
export { Framework } from './framework/runtime.js';
export { CycleState, maxNodeScore } from './framework/types.js';
export type { Plugin, PluginFactory, Handle, Snapshot, FilterPlugin, ScorePlugin, PreFilterPlugin, PostFilterPlugin, PreScorePlugin, ReservePlugin, PermitPlugin, BindPlugin, QueueSortPlugin, ClusterEvent } from './framework/types.js';
export type { Status, Code } from './framework/status.js';
export { fitErrorMessage } from './fit-error.js';
