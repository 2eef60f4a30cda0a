/** `kubectl explain TYPE[.field...] [--recursive]`, from the server's OpenAPI v3 documents. */
import { OpenApiV3, findResource } from '../../client/index.js';
import { flagBool, flagString, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { renderExplain } from '../explain/index.js';

export const explainCommand: Command = {
  name: 'explain',
  flags: {
    recursive: { type: 'bool' },
    'api-version': { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  async run(f) {
    const [arg, ...extra] = f.args.positional;
    if (!arg) throw new UsageError('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.');
    if (extra.length > 0) throw new UsageError('We accept only this format: explain RESOURCE');
    // The resource may itself contain dots (`deployments.apps.spec`): the longest prefix
    // that names a resource wins, the rest is the field path.
    const parts = arg.split('.');
    const all = await f.discovery().allResources();
    let split = 1;
    for (let i = parts.length; i > 1; i--) {
      if (findResource(all, parts.slice(0, i).join('.'))) { split = i; break; }
    }
    const type = parts.slice(0, split).join('.');
    const fieldPath = parts.slice(split);
    const apiVersion = flagString(f.args, 'api-version');
    let [resource] = await f.discovery().resolve(type);
    if (apiVersion && resource) {
      const wanted = all.find((r) => r.groupVersion === apiVersion && r.resource === resource?.resource);
      if (!wanted) throw new Error(`couldn't find resource for "${apiVersion}, Resource=${resource.resource}"`);
      resource = wanted;
    }
    if (!resource) throw new Error(`the server doesn't have a resource type "${type}"`);
    const doc = await f.openapi().document(OpenApiV3.gvPath(resource.group, resource.version));
    const result = renderExplain({ doc, group: resource.group, version: resource.version, resource: resource.resource, fieldPath, recursive: flagBool(f.args, 'recursive') });
    f.io.out(result.text);
    if (result.error) throw result.error;
    return 0;
  },
};
