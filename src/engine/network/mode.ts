/**
 * A container's network: its own namespace with only loopback (`none`), the host's
 * (`host`), or an existing namespace joined by path (`ns:/run/netns/x`) — the node agent's
 * pod sandbox puts every container of a pod in one namespace so they talk over localhost.
 */
export type NetworkMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'host' }
  | { readonly kind: 'path'; readonly path: string };

/** Parses `--network` values as podman does (`none`, `host`, `ns:PATH`); `bridge` is not offered. */
export function parseNetworkMode(value: string | undefined): NetworkMode {
  if (value === undefined || value === '' || value === 'none' || value === 'private') return { kind: 'none' };
  if (value === 'host') return { kind: 'host' };
  if (value.startsWith('ns:')) {
    const path = value.slice(3);
    if (!path.startsWith('/')) throw new Error(`invalid network namespace path "${path}": must be absolute`);
    return { kind: 'path', path };
  }
  throw new Error(`unsupported network mode "${value}": use none, host or ns:/path/to/netns`);
}

export function formatNetworkMode(mode: NetworkMode): string {
  return mode.kind === 'path' ? `ns:${mode.path}` : mode.kind;
}

/** The OCI `linux.namespaces` entry for the network, or undefined to share the host's. */
export function networkNamespace(mode: NetworkMode): { type: 'network'; path?: string } | undefined {
  switch (mode.kind) {
    case 'none': return { type: 'network' };
    case 'host': return undefined;
    case 'path': return { type: 'network', path: mode.path };
  }
}

/** A named namespace's path as `ip netns add NAME` makes it. */
export function namedNetnsPath(name: string): string {
  return `/run/netns/${name}`;
}
