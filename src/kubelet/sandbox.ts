/**
 * A pod's sandbox: its network namespace (named skiff-<uid>) with eth0 on the node's bridge
 * (pod-network.ts, address from ipam.ts; portmap CNI plugin for hostPorts), or the node's own
 * namespace for hostNetwork pods. What was set up is saved under the agent's state dir, so
 * teardown (also after an agent restart) undoes exactly that. Sandboxes made by an earlier
 * agent through the bridge CNI plugin (no `veth` in their record) are torn down by it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markPhase } from './phase-trace.js';
import { bridgeConfig, ensureBridgeAddress, invokePlugin, portmapConfig, type PortMapping } from './cni.js';
import { PodIpam } from './ipam.js';
import { createNetns, deleteNetns, netnsPathOf } from './netns.js';
import { attachHostEnd, cniResult, podSideCommands, vethName } from './pod-network.js';

export interface SandboxRecord {
  podUid: string;
  hostNetwork: boolean;
  netnsName?: string;
  netnsPath?: string;
  ip: string;
  portMappings: PortMapping[];
  /** The bridge plugin's result, or (with `veth`) the same made by pod-network.ts. */
  bridgeResult?: Record<string, unknown>;
  /** The host end of eth0 when the agent made the interface itself (pod-network.ts). */
  veth?: string;
}

/** One allocator per state dir: every Sandboxes of an agent shares its view of held addresses. */
const allocators = new Map<string, PodIpam>();

function ipamFor(dir: string): PodIpam {
  let ipam = allocators.get(dir);
  if (!ipam) {
    ipam = new PodIpam(dir);
    allocators.set(dir, ipam);
  }
  return ipam;
}

export class Sandboxes {
  /** cni0 got its gateway address (once per agent; the bridge outlives pods). */
  private bridgeAddressed = false;
  private dirMade = false;
  constructor(private readonly stateDir: string, private readonly podCidr: () => string, private readonly hostIP: string) {}

  private file(uid: string): string {
    return join(this.stateDir, 'sandboxes', `${uid}.json`);
  }

  async read(uid: string): Promise<SandboxRecord | undefined> {
    try {
      // Synchronous, as the engine's small files (engine/runtime/record.ts says why).
      return JSON.parse(readFileSync(this.file(uid), 'utf8')) as SandboxRecord;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async setUp(uid: string, hostNetwork: boolean, portMappings: PortMapping[]): Promise<SandboxRecord> {
    const existing = await this.read(uid);
    if (existing) return existing;
    if (!this.dirMade) {
      mkdirSync(join(this.stateDir, 'sandboxes'), { recursive: true });
      this.dirMade = true;
    }
    if (hostNetwork) {
      const record: SandboxRecord = { podUid: uid, hostNetwork: true, ip: this.hostIP, portMappings: [] };
      writeFileSync(this.file(uid), JSON.stringify(record));
      return record;
    }
    const netnsName = `skiff-${uid.replace(/-/g, '').slice(0, 16)}`;
    const netnsPath = netnsPathOf(netnsName);
    const cidr = this.podCidr();
    const ip = await this.ipam().allocate(uid, cidr);
    const eth0 = { veth: vethName(uid), ip, cidr };
    const record: SandboxRecord = { podUid: uid, hostNetwork: false, netnsName, netnsPath, ip, portMappings, veth: eth0.veth, bridgeResult: cniResult(eth0, netnsPath) };
    // Saved before anything is made: a half-made sandbox is still torn down later.
    writeFileSync(this.file(uid), JSON.stringify(record));
    try {
      await createNetns(netnsName, podSideCommands(eth0));
      markPhase(uid, 'netns');
      await attachHostEnd(eth0.veth);
      if (!this.bridgeAddressed) {
        await ensureBridgeAddress(cidr);
        this.bridgeAddressed = true;
      }
      if (portMappings.length > 0) await invokePlugin({ command: 'ADD', containerId: uid, netnsPath, ifName: 'eth0', config: portmapConfig(portMappings, record.bridgeResult ?? {}) });
      return record;
    } catch (err: unknown) {
      await this.tearDown(uid);
      throw err;
    }
  }

  private ipam(): PodIpam {
    // host-local's folder for the network `skiff` (cni.ts): both allocators see each other.
    return ipamFor(join(this.ipamDir(), 'skiff'));
  }

  private ipamDir(): string {
    return join(this.stateDir, 'ipam');
  }

  /** Undoes setUp; safe to repeat. */
  async tearDown(uid: string): Promise<void> {
    const record = await this.read(uid);
    if (!record) return;
    if (!record.hostNetwork && record.netnsPath && record.netnsName) {
      if (record.portMappings.length > 0 && record.bridgeResult) {
        await invokePlugin({ command: 'DEL', containerId: uid, netnsPath: record.netnsPath, ifName: 'eth0', config: portmapConfig(record.portMappings, record.bridgeResult) });
      }
      if (record.veth) {
        // Both ends of eth0 go with the namespace.
        await deleteNetns(record.netnsName);
        if (record.ip) await this.ipam().release(uid, record.ip);
      } else {
        const del = { command: 'DEL' as const, containerId: uid, ifName: 'eth0', config: bridgeConfig(this.podCidr(), this.ipamDir()) };
        try {
          await invokePlugin({ ...del, netnsPath: record.netnsPath });
        } catch {
          // The namespace is gone or broken: an empty CNI_NETNS still releases the IP (CNI spec).
          await invokePlugin({ ...del, netnsPath: '' });
        }
        await deleteNetns(record.netnsName);
      }
    }
    rmSync(this.file(uid), { force: true });
  }
}
