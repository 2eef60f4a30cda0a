/**
 * A pod's /etc/resolv.conf as the kubelet writes it, by dnsPolicy:
 * - ClusterFirst (the default): the cluster DNS (10.43.0.10, which the service proxy sends to
 *   the DNS servers the nodes run), search <ns>.svc.<domain> svc.<domain> <domain> and the
 *   host's search domains, options ndots:5; a hostNetwork pod falls back to Default;
 * - ClusterFirstWithHostNet: ClusterFirst, hostNetwork or not;
 * - Default: the node's own resolv.conf (undefined here: the engine copies the host's);
 * - None: only what spec.dnsConfig says.
 * spec.dnsConfig is merged in the kubelet's way: nameservers and searches appended (without
 * repeats), options by name (the pod's value wins).
 */
import type { DnsOptions } from '../engine/runtime/etc-files.js';
import { clusterDnsIP } from './kube-dns.js';

export interface PodDnsSpec {
  metadata?: { namespace?: string };
  spec?: {
    dnsPolicy?: string;
    hostNetwork?: boolean;
    dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name?: string; value?: string }> };
  };
}

export interface PodDnsContext {
  clusterDns?: string;
  clusterDomain?: string;
  /** Search domains of the node's own resolv.conf. */
  hostSearches?: readonly string[];
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs.filter(Boolean))];

function mergeOptions(base: readonly string[], extra: ReadonlyArray<{ name?: string; value?: string }>): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0] ?? o, o);
  for (const o of extra) if (o.name) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

export function podDnsOptions(pod: PodDnsSpec, ctx: PodDnsContext = {}): DnsOptions | undefined {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const extra = pod.spec?.dnsConfig ?? {};
  const clusterFirst = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && pod.spec?.hostNetwork !== true);
  let base: DnsOptions;
  if (clusterFirst) {
    const domain = ctx.clusterDomain ?? 'cluster.local';
    const ns = pod.metadata?.namespace ?? 'default';
    base = { nameservers: [ctx.clusterDns ?? clusterDnsIP], searches: [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...(ctx.hostSearches ?? [])], options: ['ndots:5'] };
  } else if (policy === 'None') {
    base = { nameservers: [], searches: [], options: [] };
  } else {
    // Default (or ClusterFirst on the host network) without dnsConfig: the host's file as is.
    if (!extra.nameservers?.length && !extra.searches?.length && !extra.options?.length) return undefined;
    base = { nameservers: [], searches: [...(ctx.hostSearches ?? [])], options: [] };
  }
  return {
    nameservers: unique([...(base.nameservers ?? []), ...(extra.nameservers ?? [])]).slice(0, 3),
    searches: unique([...(base.searches ?? []), ...(extra.searches ?? [])]).slice(0, 32),
    options: mergeOptions(base.options ?? [], extra.options ?? []),
  };
}

/** The search domains of a resolv.conf text. */
export function resolvSearches(text: string): string[] {
  const line = text.split('\n').reverse().find((l) => /^\s*(search|domain)\s/.test(l));
  return line ? line.trim().split(/\s+/).slice(1) : [];
}
