/** The Namespace resource type, looked up once per call (the catalog may change). */
import type { ResourceType } from '../../api/types.js';
import type { ApiContext } from '../context.js';

export function namespaceResource(ctx: ApiContext): ResourceType | undefined {
  return ctx.catalog.get('', 'v1', 'namespaces');
}
