/**
 * How a store key becomes an etcd key and back, and how etcd's int64 revisions (strings on
 * the wire) become numbers. etcd keys are bytes ordered bytewise; UTF-8 bytes order like code
 * points, so a range over the encoded prefix is the same range the SQLite backend serves.
 */
import type { IKeyValue } from 'etcd3';
import type { KeyValue } from '../types.js';

export class EtcdKeyspace {
  private readonly root: Buffer;

  /** Every key of the store lives under `root` in etcd, so several stores can share one etcd. */
  constructor(root: string) {
    this.root = Buffer.from(root, 'utf8');
  }

  encode(key: string): Buffer {
    return Buffer.concat([this.root, Buffer.from(key, 'utf8')]);
  }

  decode(key: Buffer): string {
    return key.subarray(this.root.length).toString('utf8');
  }

  /** The etcd [key, range_end) pair covering every store key that starts with prefix. */
  prefixRange(prefix: string): { key: Buffer; rangeEnd: Buffer } {
    const key = this.encode(prefix);
    return { key, rangeEnd: byteRangeEnd(key) };
  }

  toKeyValue(kv: IKeyValue): KeyValue {
    return {
      key: this.decode(kv.key),
      value: kv.value.toString('utf8'),
      createRevision: revisionNumber(kv.create_revision),
      modRevision: revisionNumber(kv.mod_revision),
    };
  }
}

/**
 * The smallest byte string greater than every string starting with `bytes`: drop trailing
 * 0xff bytes and bump the last one. All 0xff (or empty) means "to the end": etcd's "\0".
 */
export function byteRangeEnd(bytes: Buffer): Buffer {
  const end = Buffer.from(bytes);
  for (let i = end.length - 1; i >= 0; i--) {
    const byte = end[i] as number;
    if (byte < 0xff) {
      end[i] = byte + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** etcd revisions are int64; ours stay far below 2^53, so a number is exact. */
export function revisionNumber(value: string | number | undefined): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`etcd revision ${String(value)} is not a safe integer`);
  return n;
}
