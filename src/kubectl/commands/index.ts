/** Every verb skiff kubectl knows, by the name users type. */
import type { Command } from '../command.js';
import { apiResourcesCommand, apiVersionsCommand } from './api-resources.js';
import { getCommand } from './get.js';
import { clusterInfoCommand, versionCommand } from './version.js';

export const commands: Record<string, Command> = {
  'api-resources': apiResourcesCommand,
  'api-versions': apiVersionsCommand,
  get: getCommand,
  version: versionCommand,
  'cluster-info': clusterInfoCommand,
};
