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
  if (req.readableEnded) return Buffer.alloc(0);
  // Events rather than an async iterator: this runs for every write, and the iterator's
  // promise machinery cost more than the copying.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.resume();
        reject(errors.tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      // Closed before the end: the client went away mid-body.
      done();
      reject(new Error('the request ended before its body was complete'));
    };
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
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
