/**
 * Pod networking through the CNI plugins of Debian's containernetworking-plugins, invoked
 * as the CNI spec says (network config on stdin, CNI_* in the environment, result JSON on
 * stdout): loopback for lo, bridge (cni0) with host-local IPAM from the node's /24 for
 * eth0, portmap only for pods with hostPorts.
 *
 * Safety (HOST-NOTES): the bridge runs with isGateway false, so the plugin never turns on
 * ip_forward; the agent gives cni0 the gateway address itself. No masquerade either. The
 * agent also installs unreachable routes for the cluster and service CIDRs, so a packet
 * for an unknown pod or service IP is refused here instead of following the default route.
 */
import { runTool, runToolOutcome } from '../engine/runtime/index.js';

export const cniBinDir = '/usr/lib/cni';
export const bridgeName = 'cni0';
const cniVersion = '1.0.0';

export interface PortMapping { hostPort: number; containerPort: number; protocol: string; hostIP?: string }

export interface CniCall {
  command: 'ADD' | 'DEL';
  containerId: string;
  netnsPath: string;
  ifName: string;
  config: Record<string, unknown>;
  /**
   * A command the plugin runs under (it execs the plugin), e.g. the `unshare --net=PATH` that
   * makes the namespace: one process start instead of two. The plugin is invoked as the CNI
   * spec says either way (config on stdin, CNI_* in its environment).
   */
  launcher?: readonly string[];
}

export async function invokePlugin(call: CniCall): Promise<Record<string, unknown>> {
  const type = String(call.config.type);
  const plugin = `${cniBinDir}/${type}`;
  const [launcherFile, ...launcherArgs] = call.launcher ?? [];
  const out = await runToolOutcome({
    file: launcherFile ?? plugin, args: launcherFile ? [...launcherArgs, plugin] : [], stdin: JSON.stringify(call.config),
    env: { CNI_COMMAND: call.command, CNI_CONTAINERID: call.containerId, CNI_NETNS: call.netnsPath, CNI_IFNAME: call.ifName, CNI_PATH: cniBinDir },
  });
  if (out.code === 0) return out.stdout.trim() === '' ? {} : (JSON.parse(out.stdout) as Record<string, unknown>);
  // A failing plugin writes an error object ({code, msg, details}) on stdout.
  let message = out.stderr.trim() || out.stdout.trim();
  try {
    const parsed = JSON.parse(out.stdout) as { msg?: string; details?: string };
    if (parsed.msg) message = parsed.details ? `${parsed.msg}: ${parsed.details}` : parsed.msg;
  } catch {
    // Not JSON: keep the raw text.
  }
  throw new Error(`CNI plugin ${type} ${call.command} failed: ${message}`);
}

/** The Service CIDR (as k3s'): ClusterIPs, the cluster DNS's 10.43.0.10 among them. */
export const serviceCIDR = '10.43.0.0/16';

/**
 * `clusterCidr`: the whole pod network (skiff server --cluster-cidr, as k3s' default
 * 10.42.0.0/16); `mtu`: the pods' interfaces' (the VXLAN backend's; unset: the plugin's 1500).
 */
export function bridgeConfig(podCidr: string, ipamDataDir: string, clusterCidr: string, mtu?: number): Record<string, unknown> {
  const gateway = podCidr.replace(/\.0\/24$/, '.1');
  // What a pod reaches through its node: the other pods and the Services.
  const podRoutes = [clusterCidr, serviceCIDR];
  return {
    cniVersion, name: 'skiff', type: 'bridge', bridge: bridgeName, isGateway: false, ipMasq: false, hairpinMode: true,
    ...(mtu !== undefined ? { mtu } : {}),
    // Routes to the rest of the pod network (other nodes, via host-gw) and to Service IPs go
    // through the node; no default route, so a pod never sends off-cluster traffic anywhere.
    ipam: { type: 'host-local', ranges: [[{ subnet: podCidr, gateway }]], routes: podRoutes.map((dst) => ({ dst, gw: gateway })), dataDir: ipamDataDir },
  };
}

export function loopbackConfig(): Record<string, unknown> {
  return { cniVersion, name: 'skiff-lo', type: 'loopback' };
}

export function portmapConfig(mappings: readonly PortMapping[], prevResult: Record<string, unknown>): Record<string, unknown> {
  return {
    cniVersion, name: 'skiff', type: 'portmap', capabilities: { portMappings: true }, snat: false,
    runtimeConfig: { portMappings: mappings.map((m) => ({ hostPort: m.hostPort, containerPort: m.containerPort, protocol: m.protocol.toLowerCase(), ...(m.hostIP ? { hostIP: m.hostIP } : {}) })) },
    prevResult,
  };
}

/** The pod's IPv4 address from a bridge ADD result. */
export function resultAddress(result: Record<string, unknown>): string | undefined {
  const ips = result.ips as Array<{ address?: string }> | undefined;
  return ips?.[0]?.address?.split('/')[0];
}

async function ip(args: string[]): Promise<string> {
  const { stdout } = await runTool('ip', args);
  return stdout;
}

/**
 * Makes cni0 (if missing) with the node's gateway address, up, before any pod: the cluster
 * DNS serves on that address from the start. The bridge plugin adopts the existing bridge.
 */
export async function ensureBridge(podCidr: string): Promise<void> {
  await ip(['link', 'add', bridgeName, 'type', 'bridge']).catch((err: unknown) => {
    // There already (an earlier agent, or the bridge plugin for a first pod): fine.
    if (!/File exists/.test(String((err as Error).message))) throw err;
  });
  await ensureBridgeAddress(podCidr);
  await ip(['link', 'set', bridgeName, 'up']);
}

/** Gives cni0 the node's gateway address (idempotent). */
export async function ensureBridgeAddress(podCidr: string): Promise<void> {
  const gateway = `${podCidr.replace(/\.0\/24$/, '.1')}/24`;
  const shown = await ip(['-o', '-4', 'addr', 'show', 'dev', bridgeName]);
  if (!shown.includes(` ${gateway} `)) await ip(['addr', 'replace', gateway, 'dev', bridgeName]);
}

/** Unreachable routes for the cluster and service CIDRs in the agent's namespace. */
export async function installUnreachableRoutes(clusterCidr: string): Promise<void> {
  for (const cidr of [clusterCidr, serviceCIDR]) await ip(['route', 'replace', 'unreachable', cidr]);
}
