/**
 * A pod's sandbox: its network namespace (named skiff-<uid>) wired by the CNI plugins
 * (loopback for lo, bridge with host-local IPAM for eth0, portmap for hostPorts), or the node's own namespace
 * for hostNetwork pods. What was set up is saved in the agent's run folder (volumes.ts: a
 * tmpfs on a normal node; a sandbox does not outlive a reboot either), so teardown (also after
 * an agent restart) undoes exactly that; host-local's address files too (ipamDir).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markPhase } from './phase-trace.js';
import { bridgeConfig, ensureBridgeAddress, invokePlugin, loopbackConfig, portmapConfig, resultAddress, type PortMapping } from './cni.js';
import { createNetns, deleteNetns, netnsPathOf } from './netns.js';

export interface SandboxRecord {
  podUid: string;
  hostNetwork: boolean;
  netnsName?: string;
  netnsPath?: string;
  ip: string;
  portMappings: PortMapping[];
  bridgeResult?: Record<string, unknown>;
}

export class Sandboxes {
  /** cni0 got its gateway address (once per agent; the bridge outlives pods). */
  private bridgeAddressed = false;
  private dirMade = false;
  /** host-local's folder, chosen at first use (ipamDir). */
  private ipamChosen: string | undefined;
  /** Where records are looked for: the run folder, then where an older skiff kept them. */
  private readonly recordDirs: readonly string[];

  constructor(private readonly stateDir: string, private readonly podCidr: () => string, private readonly hostIP: string, private readonly runDir: string, private readonly clusterCidr: string, private readonly mtu?: number) {
    this.recordDirs = [...new Set([runDir, stateDir])];
  }

  private file(uid: string, dir = this.runDir): string {
    return join(dir, 'sandboxes', `${uid}.json`);
  }

  async read(uid: string): Promise<SandboxRecord | undefined> {
    // A sandbox made by a skiff that kept its record in the state folder is still torn down.
    for (const dir of this.recordDirs) {
      try {
        // Synchronous, as the engine's small files (engine/runtime/record.ts says why).
        return JSON.parse(readFileSync(this.file(uid, dir), 'utf8')) as SandboxRecord;
      } catch (err: unknown) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return undefined;
  }

  async setUp(uid: string, hostNetwork: boolean, portMappings: PortMapping[]): Promise<SandboxRecord> {
    const existing = await this.read(uid);
    if (existing) return existing;
    if (!this.dirMade) {
      mkdirSync(join(this.runDir, 'sandboxes'), { recursive: true });
      this.dirMade = true;
    }
    if (hostNetwork) {
      const record: SandboxRecord = { podUid: uid, hostNetwork: true, ip: this.hostIP, portMappings: [] };
      writeFileSync(this.file(uid), JSON.stringify(record));
      return record;
    }
    const netnsName = `skiff-${uid.replace(/-/g, '').slice(0, 16)}`;
    const netnsPath = netnsPathOf(netnsName);
    // The loopback plugin runs in the process that makes the namespace (lo up).
    await createNetns(netnsName, (launcher) => invokePlugin({ command: 'ADD', containerId: uid, netnsPath, ifName: 'lo', config: loopbackConfig(), launcher }));
    markPhase(uid, 'netns');
    const record: SandboxRecord = { podUid: uid, hostNetwork: false, netnsName, netnsPath, ip: '', portMappings };
    // Saved before the plugins run: a half-made sandbox is still torn down later.
    writeFileSync(this.file(uid), JSON.stringify(record));
    try {
      const result = await invokePlugin({ command: 'ADD', containerId: uid, netnsPath, ifName: 'eth0', config: bridgeConfig(this.podCidr(), this.ipamDir(), this.clusterCidr, this.mtu) });
      if (!this.bridgeAddressed) {
        await ensureBridgeAddress(this.podCidr());
        this.bridgeAddressed = true;
      }
      if (portMappings.length > 0) await invokePlugin({ command: 'ADD', containerId: uid, netnsPath, ifName: 'eth0', config: portmapConfig(portMappings, result) });
      record.ip = resultAddress(result) ?? '';
      record.bridgeResult = result;
      writeFileSync(this.file(uid), JSON.stringify(record));
      return record;
    } catch (err: unknown) {
      await this.tearDown(uid);
      throw err;
    }
  }

  /**
   * host-local's address files: in the run folder too, since an address is held only while
   * its pod's namespace lives and no namespace outlives a reboot (kept on a disk, addresses
   * of pods gone with a reboot stay taken). A node whose state folder already has them (an
   * older skiff, pods maybe still running) keeps using those, so no address is handed out
   * twice.
   */
  private ipamDir(): string {
    this.ipamChosen ??= this.runDir !== this.stateDir && existsSync(join(this.stateDir, 'ipam')) ? join(this.stateDir, 'ipam') : join(this.runDir, 'ipam');
    return this.ipamChosen;
  }

  /** Undoes setUp; safe to repeat. */
  async tearDown(uid: string): Promise<void> {
    const record = await this.read(uid);
    if (!record) return;
    if (!record.hostNetwork && record.netnsPath && record.netnsName) {
      if (record.portMappings.length > 0 && record.bridgeResult) {
        await invokePlugin({ command: 'DEL', containerId: uid, netnsPath: record.netnsPath, ifName: 'eth0', config: portmapConfig(record.portMappings, record.bridgeResult) });
      }
      const del = { command: 'DEL' as const, containerId: uid, ifName: 'eth0', config: bridgeConfig(this.podCidr(), this.ipamDir(), this.clusterCidr, this.mtu) };
      try {
        await invokePlugin({ ...del, netnsPath: record.netnsPath });
      } catch {
        // The namespace is gone or broken: an empty CNI_NETNS still releases the IP (CNI spec).
        await invokePlugin({ ...del, netnsPath: '' });
      }
      await deleteNetns(record.netnsName);
    }
    for (const dir of this.recordDirs) rmSync(this.file(uid, dir), { force: true });
  }
}
