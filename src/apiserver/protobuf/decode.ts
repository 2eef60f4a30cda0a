/**
 * Decodes a Kubernetes protobuf request body: the `k8s\0` magic, a runtime.Unknown envelope
 * naming apiVersion and kind, and the object's own message in `raw`.
 */
import type { KubeObject } from '../../api/types.js';
import { bodyKinds, schema } from './registry.js';
import { JsonConverter } from './to-json.js';

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * `unsupported`: a kind, version or encoding we have no decoder for (answer 415);
 * `malformed`: bytes that are not a valid message of the named kind (answer 400).
 */
export type DecodeFailure = 'unsupported' | 'malformed';

export type DecodeResult = { ok: true; object: KubeObject } | { ok: false; message: string; failure: DecodeFailure };

function fail(message: string, failure: DecodeFailure = 'malformed'): DecodeResult {
  return { ok: false, message, failure };
}

function whyNot(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The object a protobuf body carries, as the JSON the API would have received; never throws. */
export function decodeProtobufObject(body: Buffer): DecodeResult {
  if (body.length < magic.length || !body.subarray(0, magic.length).equals(magic)) {
    return fail('protobuf body does not start with the k8s\\0 prefix');
  }
  const { root, messages } = schema();
  let envelope: Record<string, unknown>;
  try {
    envelope = root.lookupType('runtime.Unknown').decode(body.subarray(magic.length)) as unknown as Record<string, unknown>;
  } catch (err: unknown) {
    return fail(`protobuf body is not a runtime.Unknown envelope: ${whyNot(err)}`);
  }
  const typeMeta = (envelope['typeMeta'] ?? {}) as Record<string, unknown>;
  const apiVersion = typeof typeMeta['apiVersion'] === 'string' ? typeMeta['apiVersion'] : '';
  const kind = typeof typeMeta['kind'] === 'string' ? typeMeta['kind'] : '';
  const encoding = envelope['contentEncoding'];
  if (typeof encoding === 'string' && encoding !== '') return fail(`protobuf content encoding "${encoding}" is not supported`, 'unsupported');
  // Own keys only: an apiVersion such as `__proto__` must not reach Object.prototype.
  const group = Object.hasOwn(bodyKinds, apiVersion) ? bodyKinds[apiVersion] : undefined;
  if (!group || !group.kinds.includes(kind)) {
    return fail(`protobuf decoding of ${kind || '(no kind)'} in ${apiVersion || '(no apiVersion)'} is not supported; send it as application/json`, 'unsupported');
  }
  const raw = envelope['raw'];
  const typeName = `${group.pkg}.${kind}`;
  try {
    const decoded = root.lookupType(typeName).decode(raw instanceof Uint8Array ? raw : new Uint8Array()) as unknown as Record<string, unknown>;
    const json = new JsonConverter(messages).message(typeName, decoded) as Record<string, unknown>;
    return { ok: true, object: { kind, apiVersion, ...json } };
  } catch (err: unknown) {
    return fail(`protobuf body is not a valid ${apiVersion} ${kind}: ${whyNot(err)}`);
  }
}
