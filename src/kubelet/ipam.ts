/**
 * Pod IP addresses from the node's pod CIDR, handed out in this process instead of by the
 * host-local CNI plugin (a Go program per ADD and per DEL: ~4-5 ms of CPU each here, a
 * large share of a pod burst's CPU). The files are host-local's: one per address held,
 * named by the address and holding `<pod uid>\r\n<ifname>`, in the same folder, so the two
 * never hand out one address twice (each file is created exclusively) and host-local can
 * still release an address this allocator gave (or the other way round) after an upgrade.
 *
 * Addresses go round-robin from the last one given, as host-local does, so an address just
 * released (its old namespace may still be going away in the kernel) is not given at once.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The first and last assignable host of an IPv4 CIDR and its gateway (network + 1). */
export interface PodRange { prefix: number; gateway: string; first: number; last: number }

function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address "${ip}"`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function podRange(cidr: string): PodRange {
  const [addr = '', prefixText = ''] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`unsupported pod CIDR "${cidr}"`);
  const size = 2 ** (32 - prefix);
  const network = ipToNumber(addr) - (ipToNumber(addr) % size);
  // Network, gateway and broadcast addresses are never a pod's.
  return { prefix, gateway: numberToIp(network + 1), first: network + 2, last: network + size - 2 };
}

const ifName = 'eth0';

export class PodIpam {
  /** Address -> pod uid (undefined: held, owner not read yet) for every file in the folder. */
  private loading: Promise<Map<string, string | undefined>> | undefined;
  private lastGiven = 0;

  /** `dir`: host-local's folder for the network (its dataDir joined with the network name). */
  constructor(private readonly dir: string) {}

  private load(): Promise<Map<string, string | undefined>> {
    // One read of the folder however many pods ask at once.
    this.loading ??= this.readFolder().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private async readFolder(): Promise<Map<string, string | undefined>> {
    await mkdir(this.dir, { recursive: true });
    const held = new Map<string, string | undefined>();
    for (const name of await readdir(this.dir)) if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) held.set(name, undefined);
    const last = await readFile(join(this.dir, 'last_reserved_ip.0'), 'utf8').catch(() => '');
    if (/^\d+\.\d+\.\d+\.\d+$/.test(last.trim())) this.lastGiven = ipToNumber(last.trim());
    return held;
  }

  /** A free address of `cidr` for the pod, held (on disk) until release(). */
  async allocate(uid: string, cidr: string): Promise<string> {
    const range = podRange(cidr);
    const held = await this.load();
    const count = range.last - range.first + 1;
    const start = this.lastGiven >= range.first && this.lastGiven <= range.last ? this.lastGiven - range.first + 1 : 0;
    for (let i = 0; i < count; i++) {
      const ip = numberToIp(range.first + ((start + i) % count));
      if (held.has(ip)) continue;
      // Claimed before the write: pods allocating at the same moment each try another address.
      held.set(ip, uid);
      this.lastGiven = ipToNumber(ip);
      try {
        // Synchronous, as the engine's small files (engine/runtime/record.ts says why).
        writeFileSync(join(this.dir, ip), `${uid}\r\n${ifName}`, { flag: 'wx' });
        return ip;
      } catch (err: unknown) {
        // Taken by another allocator (host-local, another agent process) since we looked.
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          held.set(ip, undefined);
          continue;
        }
        held.delete(ip);
        throw err;
      }
    }
    // Addresses released by someone else (host-local) are not in our map: look once more.
    this.loading = undefined;
    if ((await this.load()).size < count) return this.allocate(uid, cidr);
    throw new Error(`no free address left in the pod CIDR ${cidr}`);
  }

  /** Gives back the pod's address; one held by another pod (or gone) is left alone. */
  async release(uid: string, ip: string): Promise<void> {
    const held = await this.load();
    const path = join(this.dir, ip);
    let owner = held.get(ip);
    if (owner === undefined) {
      // After a restart the owner is read from the file (host-local's format).
      let text = '';
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        // Gone: nothing to release.
      }
      owner = text.split(/\r?\n/)[0]?.trim();
    }
    if (owner !== uid) return;
    try {
      unlinkSync(path);
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    held.delete(ip);
  }
}
