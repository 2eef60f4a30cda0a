/**
 * `kubectl explain` output (kubectl 1.32's plaintext template over OpenAPI v3): KIND /
 * VERSION (and GROUP for named groups), the FIELD line for a field path, DESCRIPTION (the
 * field's text followed by its type's), and FIELDS with `<type>` and `-required-`, or the
 * indented tree with --recursive.
 */
import { refName } from '../../api/openapi-types.js';
import type { OpenApiSchema } from '../../api/openapi-types.js';
import type { OpenApiDocument } from '../../client/index.js';
import { indent, wrap } from './text.js';

type Schema = OpenApiSchema & { externalDocs?: { description?: string; url?: string } };

export class ExplainError extends Error {}

interface Ctx { doc: OpenApiDocument; recursive: boolean }

function resolveRef(ref: string | undefined, doc: OpenApiDocument): Schema | undefined {
  if (!ref) return undefined;
  return doc.components?.schemas?.[refName(ref)] as Schema | undefined;
}

const hasMapItems = (s: Schema): s is Schema & { additionalProperties: Schema } =>
  typeof s.additionalProperties === 'object' && s.additionalProperties !== null;

export function typeGuess(s: Schema, doc: OpenApiDocument): string {
  if (s.items) return `[]${typeGuess(s.items as Schema, doc)}`;
  if (hasMapItems(s)) return `map[string]${typeGuess(s.additionalProperties, doc)}`;
  if (s.allOf && !s.properties && s.allOf.length === 1) return typeGuess(s.allOf[0] as Schema, doc);
  if (s.$ref) {
    const target = resolveRef(s.$ref, doc);
    if (!target || !target.type || target.type === 'object') {
      const name = refName(s.$ref);
      return name.split('.').pop() || 'Object';
    }
    return target.type;
  }
  if (s.type === 'object') return 'Object';
  return s.type ?? 'Object';
}

function enumText(s: Schema, longView: boolean, limit: number, indentAmount: number): string {
  if (!s.enum || s.enum.length === 0) return '';
  let out = longView ? 'ENUM:' : `\n${' '.repeat(indentAmount)}enum: `;
  for (let i = 0; i < s.enum.length; i++) {
    if (limit > -1 && i >= limit) { out += ', ....'; break; }
    if (i > 0 && !longView) out += ', ';
    else if (longView) out += '\n    ';
    const e = s.enum[i];
    out += e === '' ? '""' : typeof e === 'string' ? e : String(e);
  }
  return out;
}

function description(s: Schema, doc: OpenApiDocument): string {
  const r = resolveRef(s.$ref, doc) ?? s;
  let out = r.description ? `${r.description}\n` : '';
  for (const sub of r.allOf ?? []) out += description(sub as Schema, doc);
  if (r.items) out += description(r.items as Schema, doc);
  if (hasMapItems(r)) out += description(r.additionalProperties, doc);
  return out;
}

function externalDocs(s: Schema): string {
  const docs = s.externalDocs;
  if (!docs) return '';
  let out = 'EXTERNAL DOCS:\n';
  if (docs.description) out += `${indent(wrap(docs.description, 76), 4)}\n`;
  if (docs.url) out += `${indent(`URL: ${docs.url}`, 4)}\n`;
  return out;
}

function fieldDetail(parent: Schema, name: string, short: boolean, level: number, doc: OpenApiDocument): string {
  const amount = level * 2;
  const field = (parent.properties?.[name] ?? {}) as Schema;
  let out = `${indent(name, amount)}\t<${typeGuess(field, doc)}>`;
  if (parent.required?.includes(name)) out += ' -required-';
  out += enumText(field, false, 4, amount);
  out += '\n';
  if (!short) {
    out += `${indent(wrap(field.description || '<no description>', 78 - amount), amount + 2)}\n`;
    if (field.externalDocs) {
      out += `\n${indent('EXTERNAL DOCS:', amount + 2)}\n`;
      if (field.externalDocs.description) out += `${indent(wrap(field.externalDocs.description, 76 - amount), amount + 4)}\n`;
      if (field.externalDocs.url) out += `${indent(`URL: ${field.externalDocs.url}`, amount + 4)}\n`;
    }
    out += '\n';
  }
  return out;
}

function fieldList(s: Schema, level: number, history: Set<string>, ctx: Ctx): string {
  const ref = s.$ref ?? '';
  if (ref && history.has(ref)) return '';
  const next = new Set(history);
  next.add(ref);
  const r = resolveRef(ref, ctx.doc) ?? s;
  let out = '';
  for (const key of Object.keys(r.properties ?? {}).sort()) {
    out += fieldDetail(r, key, ctx.recursive, level, ctx.doc);
    if (ctx.recursive) out += fieldList(r.properties?.[key] as Schema, level + 1, next, ctx);
  }
  for (const sub of r.allOf ?? []) out += fieldList(sub as Schema, level, next, ctx);
  if (r.items) out += fieldList(r.items as Schema, level, next, ctx);
  if (hasMapItems(r)) out += fieldList(r.additionalProperties, level, next, ctx);
  return out;
}

function output(s: Schema, path: string[], history: Set<string>, ctx: Ctx): string {
  const ref = s.$ref ?? '';
  const next = new Set(history);
  next.add(ref);
  const r = resolveRef(ref, ctx.doc) ?? s;
  const [first, ...rest] = path;
  if (first === undefined) {
    let out = `DESCRIPTION:\n${indent(wrap(description(r, ctx.doc) || '<empty>', 76), 4)}\n`;
    const ext = externalDocs(r);
    if (ext) out += `\n${ext}`;
    const fields = fieldList(r, 1, new Set(), ctx);
    if (fields) out += `FIELDS:\n${fields}`;
    return out;
  }
  if (ref && history.has(ref)) return '';
  const sub = r.properties?.[first] as Schema | undefined;
  if (sub) {
    let out = '';
    if (rest.length === 0) out += `FIELD: ${first} <${typeGuess(sub, ctx.doc)}>\n${enumText(sub, true, -1, 0)}\n\n`;
    return out + output(sub, rest, new Set(), ctx);
  }
  if (r.items) return output(r.items as Schema, path, next, ctx);
  if (hasMapItems(r)) return output(r.additionalProperties, path, next, ctx);
  for (const alt of r.allOf ?? []) {
    const text = output(alt as Schema, path, next, ctx);
    if (text) return text;
  }
  return '';
}

export interface ExplainRequest {
  doc: OpenApiDocument;
  group: string;
  version: string;
  resource: string;
  fieldPath: string[];
  recursive: boolean;
}

/**
 * The explain text. A missing field still yields the KIND/VERSION header (kubectl prints it
 * before failing), with `error` set.
 */
export function renderExplain(req: ExplainRequest): { text: string; error?: ExplainError } {
  const prefix = req.group ? `/apis/${req.group}` : '/api';
  const candidates = [
    `${prefix}/${req.version}/${req.resource}`,
    `${prefix}/${req.version}/${req.resource}/{name}`,
    `${prefix}/${req.version}/namespaces/{namespace}/${req.resource}`,
    `${prefix}/${req.version}/namespaces/{namespace}/${req.resource}/{name}`,
  ];
  let gvk: { group: string; version: string; kind: string } | undefined;
  outer: for (const p of candidates) {
    const item = req.doc.paths?.[p];
    if (!item) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (op?.['x-kubernetes-group-version-kind']) { gvk = op['x-kubernetes-group-version-kind']; break outer; }
    }
  }
  if (!gvk) throw new ExplainError(`GVR (${req.group}/${req.version}, Resource=${req.resource}) not found in OpenAPI schema`);
  let out = gvk.group ? `GROUP:      ${gvk.group}\n` : '';
  out += `KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
  const found = gvk;
  const schema = Object.values(req.doc.components?.schemas ?? {}).find((s) =>
    (s['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === found.group && g.version === found.version && g.kind === found.kind));
  if (!schema) return { text: out, error: new ExplainError(`GVK ${gvk.group}/${gvk.version}, Kind=${gvk.kind} not found in OpenAPI schema`) };
  const body = output(schema as Schema, req.fieldPath, new Set(), { doc: req.doc, recursive: req.recursive });
  if (!body) return { text: out, error: new ExplainError(`field "${req.fieldPath[req.fieldPath.length - 1] ?? ''}" does not exist`) };
  return { text: `${out}${body}\n` };
}
