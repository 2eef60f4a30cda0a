/**
 * /etc/hosts, /etc/hostname and /etc/resolv.conf for a container, written into its folder
 * and bind-mounted, so the image's own files stay untouched (as Docker and podman do).
 */
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname as hostHostname } from 'node:os';
import type { NetworkMode } from '../network/index.js';
import type { ContainerPaths } from './paths.js';

export interface DnsOptions {
  nameservers?: string[];
  searches?: string[];
  options?: string[];
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

export function hostsFile(hostname: string): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `127.0.1.1\t${hostname}`,
    '',
  ].join('\n');
}

export function resolvConf(dns: DnsOptions): string {
  const lines: string[] = [];
  if (dns.searches?.length) lines.push(`search ${dns.searches.join(' ')}`);
  for (const ns of dns.nameservers ?? []) lines.push(`nameserver ${ns}`);
  if (dns.options?.length) lines.push(`options ${dns.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** The hostname a container gets: the host's on the host network, else the given one. */
export function containerHostname(network: NetworkMode, wanted: string): string {
  return network.kind === 'host' ? hostHostname() : wanted;
}

export async function writeEtcFiles(paths: ContainerPaths, network: NetworkMode, hostname: string, dns: DnsOptions | undefined): Promise<void> {
  const hosts = network.kind === 'host' ? await readOr('/etc/hosts', hostsFile(hostname)) : hostsFile(hostname);
  const resolv = dns ? resolvConf(dns) : await readOr('/etc/resolv.conf', '');
  // Synchronous: see record.ts.
  writeFileSync(paths.hosts, hosts);
  writeFileSync(paths.hostname, `${hostname}\n`);
  writeFileSync(paths.resolvConf, resolv);
}
