/** Every verb skiff kubectl knows, by the name users type. */
import type { Command } from '../command.js';
import { apiResourcesCommand, apiVersionsCommand } from './api-resources.js';
import { applyCommand } from './apply.js';
import { configCommand } from './config.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { explainCommand } from './explain.js';
import { getCommand } from './get.js';
import { annotateCommand, labelCommand } from './label.js';
import { patchCommand } from './patch.js';
import { scaleCommand } from './scale.js';
import { clusterInfoCommand, versionCommand } from './version.js';

export const commands: Record<string, Command> = {
  'api-resources': apiResourcesCommand,
  'api-versions': apiVersionsCommand,
  get: getCommand,
  explain: explainCommand,
  create: createCommand,
  apply: applyCommand,
  delete: deleteCommand,
  describe: describeCommand,
  patch: patchCommand,
  label: labelCommand,
  annotate: annotateCommand,
  scale: scaleCommand,
  version: versionCommand,
  'cluster-info': clusterInfoCommand,
  config: configCommand,
};
