/**
 * Reading and decoding request bodies: size limit (413), media type (415), JSON and YAML
 * parsing (400). Protobuf bodies go to the protobuf decoder once it exists.
 */
import type { IncomingMessage } from 'node:http';
import { parseYaml } from './lazy-yaml.js';
import { errors } from '../../machinery/errors.js';

export const maxBodyBytes = 3 * 1024 * 1024;

/** Bodies of in-process requests, handed over as objects (never encoded to JSON). */
const objectBodies = new WeakMap<IncomingMessage, unknown>();

export function attachObjectBody(req: IncomingMessage, body: unknown): void {
  objectBodies.set(req, body);
}

export async function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  if (objectBodies.has(req)) return Buffer.from(JSON.stringify(objectBodies.get(req)) ?? '');
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw errors.tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw errors.tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased (`application/json`). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Parses JSON (or YAML when `yaml` is true) and requires a JSON object at the top. */
export function decodeObject(raw: Buffer, opts: { yaml: boolean }): Record<string, unknown> {
  const value = decodeValue(raw, opts);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest('the body of the request must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function decodeValue(raw: Buffer, opts: { yaml: boolean }): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the body of the request was empty');
  try {
    return opts.yaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (err: unknown) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw errors.badRequest(`the body of the request could not be decoded: ${opts.yaml ? 'yaml' : 'json'}: ${why}`);
  }
}

/**
 * The decoded body of a create/update: an in-process request's object as it is (the
 * handlers copy it before changing it), otherwise read and decoded by content type.
 */
export async function readObjectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (objectBodies.has(req)) {
    const value = objectBodies.get(req);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.badRequest('the body of the request must be a JSON object');
    return value as Record<string, unknown>;
  }
  return decodeByContentType(await readBody(req), req.headers['content-type']);
}

/**
 * Decodes a create/update body by its content type: JSON, YAML, or Kubernetes protobuf
 * (what `kubectl create deployment|configmap|...` sends), whose decoder loads on first use.
 */
export async function decodeByContentType(raw: Buffer, contentType: string | undefined): Promise<Record<string, unknown>> {
  const type = mediaType(contentType);
  if (type === '' || type === 'application/json' || type === '*/*') return decodeObject(raw, { yaml: false });
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') return decodeObject(raw, { yaml: true });
  if (type === 'application/vnd.kubernetes.protobuf') {
    const { decodeProtobufBody } = await import('../protobuf/index.js');
    return decodeProtobufBody(raw);
  }
  throw errors.unsupportedMediaType(type);
}
