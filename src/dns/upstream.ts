/**
 * Forwarding of names outside the cluster zone to the node's resolvers (from
 * /etc/resolv.conf, or given): the query bytes are sent as they came over UDP, one socket
 * per query, each upstream tried in turn until one answers in time.
 */
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';

export interface Upstream { host: string; port: number }

/** The nameservers of a resolv.conf text, minus any the caller serves itself (no loops). */
export function nameserversOf(resolvConf: string, exclude: readonly string[] = []): Upstream[] {
  const out: Upstream[] = [];
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m?.[1] && !exclude.includes(m[1])) out.push({ host: m[1], port: 53 });
  }
  return out;
}

export async function readNameservers(path = '/etc/resolv.conf', exclude: readonly string[] = []): Promise<Upstream[]> {
  try {
    return nameserversOf(await readFile(path, 'utf8'), exclude);
  } catch (err: unknown) {
    throw new Error(`cannot read upstream resolvers from ${path}`, { cause: err });
  }
}

/** `host:port` or `host` (port 53); IPv6 as `[addr]:port`. */
export function parseUpstream(s: string): Upstream {
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(s);
  if (v6?.[1]) return { host: v6[1], port: Number(v6[2] ?? 53) };
  if (isIPv6(s)) return { host: s, port: 53 };
  const [host = '', port] = s.split(':');
  return { host, port: port ? Number(port) : 53 };
}

function askOne(u: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(u.host) ? 'udp6' : 'udp4');
    const done = (fn: () => void): void => { clearTimeout(timer); sock.close(); fn(); };
    const timer = setTimeout(() => done(() => reject(new Error(`upstream ${u.host}:${u.port} did not answer in ${timeoutMs} ms`))), timeoutMs);
    sock.on('message', (msg) => {
      // Only the reply to this query's id counts.
      if (msg.length >= 2 && query.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0)) done(() => resolve(msg));
    });
    sock.on('error', (e) => done(() => reject(e)));
    sock.send(query, u.port, u.host);
  });
}

/** The first upstream answer; rejects when none answers. */
export async function forward(upstreams: readonly Upstream[], query: Buffer, timeoutMs = 2000): Promise<Buffer> {
  let last: unknown = new Error('no upstream resolvers');
  for (const u of upstreams) {
    try {
      return await askOne(u, query, timeoutMs);
    } catch (err: unknown) {
      last = err;
    }
  }
  throw new Error('forwarding failed', { cause: last });
}
