/**
 * Which URL a registry name means: Docker Hub's API lives at registry-1.docker.io; loopback
 * registries speak plain http unless told otherwise (as Docker treats 127.0.0.0/8 as
 * insecure); `--tls-verify=false` means https without certificate checks, falling back to
 * http when the registry does not speak TLS at all; `--tls-verify=true` means https, checked.
 */

export interface EndpointPlan {
  /** Base URLs to try in order (`https://host`, then maybe `http://host`). */
  bases: URL[];
  tlsVerify: boolean;
}

export function isLoopbackHost(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function planEndpoint(registry: string, tlsVerify: boolean | undefined): EndpointPlan {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  if (tlsVerify === true) return { bases: [new URL(`https://${host}`)], tlsVerify: true };
  if (isLoopbackHost(host) && tlsVerify === undefined) return { bases: [new URL(`http://${host}`)], tlsVerify: false };
  if (tlsVerify === false) return { bases: [new URL(`https://${host}`), new URL(`http://${host}`)], tlsVerify: false };
  return { bases: [new URL(`https://${host}`)], tlsVerify: true };
}
