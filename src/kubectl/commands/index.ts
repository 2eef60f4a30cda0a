/**
 * Every verb skiff kubectl knows, by the name users type. Modules load on first use, so a
 * quick `kubectl get` does not pay for describe's or apply's code.
 */
import type { Command } from '../command.js';

type Loader = () => Promise<Command>;

export const commands: Record<string, Loader> = {
  'api-resources': async () => (await import('./api-resources.js')).apiResourcesCommand,
  'api-versions': async () => (await import('./api-resources.js')).apiVersionsCommand,
  get: async () => (await import('./get.js')).getCommand,
  explain: async () => (await import('./explain.js')).explainCommand,
  create: async () => (await import('./create.js')).createCommand,
  apply: async () => (await import('./apply.js')).applyCommand,
  delete: async () => (await import('./delete.js')).deleteCommand,
  describe: async () => (await import('./describe.js')).describeCommand,
  patch: async () => (await import('./patch.js')).patchCommand,
  label: async () => (await import('./label.js')).labelCommand,
  annotate: async () => (await import('./label.js')).annotateCommand,
  scale: async () => (await import('./scale.js')).scaleCommand,
  version: async () => (await import('./version.js')).versionCommand,
  'cluster-info': async () => (await import('./version.js')).clusterInfoCommand,
  config: async () => (await import('./config.js')).configCommand,
  top: async () => (await import('./top.js')).topCommand,
};
