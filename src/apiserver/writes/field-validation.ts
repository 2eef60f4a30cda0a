/**
 * Schema checks of request bodies: wrong types are always 400 (upstream fails to decode
 * them); unknown fields depend on fieldValidation: Strict 400, Warn a Warning header, Ignore.
 */
import type { ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';
import type { ApiContext } from '../context.js';
import type { WriteOptions } from './options.js';

export function checkFields(ctx: ApiContext, rt: ResourceType, body: unknown, opts: WriteOptions): void {
  const typeErrors = ctx.openapi.typeErrors(body, rt.schemaName);
  if (typeErrors.length > 0) {
    throw errors.badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: ${typeErrors.join('; ')}`);
  }
  if (opts.fieldValidation === 'Ignore') return;
  const unknown = ctx.openapi.unknownFields(body, rt.schemaName).map((p) => p.replace(/^\./, ''));
  if (unknown.length === 0) return;
  const messages = unknown.map((p) => `unknown field "${p}"`);
  if (opts.fieldValidation === 'Strict') throw errors.badRequest(`strict decoding error: ${messages.join(', ')}`);
  opts.warnings.push(...messages);
}
