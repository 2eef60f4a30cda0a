/**
 * Decoder edge cases on bodies written byte by byte here (independently of protobufjs's
 * encoder): the envelope, errors, and the Go JSON rules for well-known types and omitempty.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTable } from './dsl.js';
import { ApiError } from '../../machinery/errors.js';
import { decodeProtobufBody, decodeProtobufObject } from './index.js';

/** Minimal protobuf writer: a field is [number, value]; nested arrays are messages. */
type Field = readonly [number, string | number | Buffer | readonly Field[]];

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    bytes.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Buffer.from(bytes);
}

function encode(fields: readonly Field[]): Buffer {
  return Buffer.concat(fields.map(([id, value]) => {
    if (typeof value === 'number') return Buffer.concat([varint(id << 3), varint(value)]);
    const payload = typeof value === 'string' ? Buffer.from(value) : Buffer.isBuffer(value) ? value : encode(value as readonly Field[]);
    return Buffer.concat([varint((id << 3) | 2), varint(payload.length), payload]);
  }));
}

function body(apiVersion: string, kind: string, raw: readonly Field[], contentEncoding = ''): Buffer {
  const envelope = encode([[1, [[1, apiVersion], [2, kind]]], [2, encode(raw)], [3, contentEncoding], [4, '']]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope]);
}

function decodeOk(buf: Buffer): Record<string, unknown> {
  const result = decodeProtobufObject(buf);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.object;
}

const jan2026 = 1767225600; // 2026-01-01T00:00:00Z

describe('decodeProtobufObject', () => {
  it('decodes a Namespace shaped as kubectl writes it (empty time, empty spec and status)', () => {
    const object = decodeOk(body('v1', 'Namespace', [[1, [[1, 'ns1'], [8, []]]], [2, []], [3, []]]));
    assert.deepStrictEqual(object, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'ns1', creationTimestamp: null }, spec: {}, status: {} });
  });

  it('rejects a body without the k8s\\0 prefix', () => {
    const result = decodeProtobufObject(Buffer.from('{"kind":"Namespace"}'));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /k8s\\0 prefix/);
  });

  it('names the kind it cannot decode', () => {
    const result = decodeProtobufObject(body('v1', 'Binding', []));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /Binding in v1 is not supported/);
    const unknownGroup = decodeProtobufObject(body('example.com/v1', 'Widget', []));
    assert.match(unknownGroup.ok ? '' : unknownGroup.message, /Widget in example\.com\/v1/);
    const prototypeName = decodeProtobufObject(body('__proto__', 'toString', []));
    assert.equal(prototypeName.ok, false);
  });

  it('refuses compressed content and truncated messages', () => {
    const gzip = decodeProtobufObject(body('v1', 'ConfigMap', [], 'gzip'));
    assert.match(gzip.ok ? '' : gzip.message, /content encoding "gzip"/);
    const whole = body('v1', 'ConfigMap', [[1, [[1, 'c']]], [2, [[1, 'k'], [2, 'v']]]]);
    const truncated = decodeProtobufObject(whole.subarray(0, whole.length - 10));
    assert.equal(truncated.ok, false);
  });

  it('writes times as RFC 3339, fieldsV1 as JSON and owner references with pointer booleans', () => {
    const object = decodeOk(body('v1', 'ConfigMap', [[1, [
      [1, 'c'], [3, 'team-a'], [5, 'uid-1'], [7, 4],
      [8, [[1, jan2026], [2, 500_000_000]]],
      [13, [[1, 'Deployment'], [3, 'web'], [4, 'uid-0'], [5, 'apps/v1'], [6, 0]]],
      [17, [[1, 'kubectl'], [2, 'Update'], [3, 'v1'], [4, [[1, jan2026 + 61]]], [6, 'FieldsV1'], [7, [[1, '{"f:data":{}}']]]]],
    ]]]));
    assert.deepStrictEqual(object['metadata'], {
      name: 'c', namespace: 'team-a', uid: 'uid-1', generation: 4, creationTimestamp: '2026-01-01T00:00:00Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-0', controller: false }],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:01:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
    });
  });

  it('drops zero omitempty scalars but keeps non-omitempty ones, and decodes IntOrString both ways', () => {
    const port = (name: string, number: number, target: readonly Field[]): Field => [1, [[1, name], [2, 'TCP'], [3, number], [4, target], [5, 0]]];
    const object = decodeOk(body('v1', 'Service', [[1, [[1, 's']]], [2, [
      port('http', 80, [[1, 1], [3, 'web']]),
      port('', 0, [[1, 0], [2, 8080]]),
    ]]]));
    assert.deepStrictEqual(object['spec'], { ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' },
      { protocol: 'TCP', port: 0, targetPort: 8080 },
    ] });
  });

  it('inlines embedded messages (volume sources, probe handlers) and keeps quantities as strings', () => {
    const container: readonly Field[] = [[1, 'c'], [2, 'img'], [8, [[1, [[1, 'memory'], [2, [[1, '64Mi']]]]]]], [10, [[1, [[2, [[1, '/healthz'], [2, [[1, 0], [2, 8080]]]]]]], [4, 5]]]];
    const podSpec: readonly Field[] = [[1, [[1, 'data'], [2, [[2, [[1, 'Memory']]]]]]], [2, container]];
    const object = decodeOk(body('v1', 'Pod', [[1, [[1, 'p']]], [2, podSpec]]));
    assert.deepStrictEqual(object['spec'], {
      volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }],
      containers: [{ name: 'c', image: 'img', resources: { limits: { memory: '64Mi' } }, livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 } }],
    });
  });

  it('encodes Secret bytes as base64 and keeps a pointer false', () => {
    const object = decodeOk(body('v1', 'Secret', [[1, [[1, 's']]], [2, [[1, 'k'], [2, Buffer.from([0xff, 0x00])]]], [3, 'Opaque'], [5, 0]]));
    assert.deepStrictEqual(object, { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, immutable: false, data: { k: '/wA=' }, type: 'Opaque' });
  });
});

describe('decodeProtobufObject: reviews and evictions', () => {
  it('writes ExtraValue as a bare list and keeps a zero grace period (a pointer)', () => {
    const review = decodeOk(body('authorization.k8s.io/v1', 'SubjectAccessReview', [[1, []], [2, [[3, 'jane'], [5, [[1, 'scopes'], [2, [[1, 'a'], [1, 'b']]]]]]]]));
    assert.deepStrictEqual(review['spec'], { user: 'jane', extra: { scopes: ['a', 'b'] } });
    const eviction = decodeOk(body('policy/v1', 'Eviction', [[1, [[1, 'p'], [3, 'default']]], [2, [[1, 0], [5, 'All']]]]));
    assert.deepStrictEqual(eviction, { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'p', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] } });
  });
});

describe('decodeProtobufObject on damaged bodies', () => {
  it('never throws, and whatever it accepts is plain JSON', () => {
    const container: readonly Field[] = [[1, 'c'], [2, 'img'], [6, [[3, 80]]], [8, [[1, [[1, 'cpu'], [2, [[1, '1']]]]]]], [10, [[1, [[3, [[1, [[1, 1], [3, 'http']]]]]]]]]];
    const original = body('v1', 'Pod', [[1, [[1, 'p'], [8, [[1, jan2026]]], [11, [[1, 'a'], [2, 'b']]]]], [2, [[2, container], [14, [[1, 7]]]]]]);
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const damaged = Buffer.from(original);
      for (let flips = 1 + random(3); flips > 0; flips--) damaged[4 + random(damaged.length - 4)] = random(256);
      const input = random(5) === 0 ? damaged.subarray(0, random(damaged.length)) : damaged;
      const result = decodeProtobufObject(input);
      if (!result.ok) continue;
      accepted++;
      assert.deepStrictEqual(JSON.parse(JSON.stringify(result.object)), result.object);
    }
    assert.ok(accepted > 0);
  });
});

describe('message table notation', () => {
  it('parses containers, flags and qualified types', () => {
    const [info] = parseTable('core', { X: 'a=1:[]Y b=2:{meta.Z}* c=3:string! d=4:W^ uID/uid=5:string' });
    assert.deepStrictEqual(info?.fields.map((f) => [f.jsonName, f.id, f.container, f.type, f.emit]), [
      ['a', 1, 'list', 'core.Y', 'omitempty'], ['b', 2, 'map', 'meta.Z', 'pointer'],
      ['c', 3, 'single', 'string', 'always'], ['d', 4, 'single', 'core.W', 'inline'],
      ['uid', 5, 'single', 'string', 'omitempty'],
    ]);
    assert.equal(info?.fields[4]?.name, 'uID');
    assert.throws(() => parseTable('core', { X: 'a=1:{Y' }), /bad field/);
  });
});

describe('decodeProtobufBody (for the API server body reader)', () => {
  it('returns the object, or throws 415 for an unsupported kind and 400 for broken bytes', () => {
    assert.equal(decodeProtobufBody(body('v1', 'ConfigMap', [[1, [[1, 'c']]]]))['kind'], 'ConfigMap');
    assert.throws(() => decodeProtobufBody(body('v1', 'Binding', [])), (err: unknown) => err instanceof ApiError && err.code === 415 && /Binding/.test(err.message));
    assert.throws(() => decodeProtobufBody(Buffer.from('k8s\0\x0a\xff', 'latin1')), (err: unknown) => err instanceof ApiError && err.code === 400 && err.reason === 'BadRequest');
  });
});
