/**
 * Choosing one image from a manifest list / OCI index: the entry for this machine's OS and
 * architecture (linux/amd64 here). Among several matches, one whose variant matches wins,
 * then one without a variant; attestation manifests (`unknown/unknown`) never match.
 */
import type { Descriptor, Platform } from '../content/index.js';

export function selectPlatform(manifests: readonly Descriptor[], want: Platform): Descriptor | undefined {
  const candidates = manifests.filter((m) => m.platform?.os === want.os && m.platform.architecture === want.architecture);
  if (candidates.length === 0) return undefined;
  if (want.variant !== undefined) {
    const exact = candidates.find((m) => m.platform?.variant === want.variant);
    if (exact) return exact;
  }
  return candidates.find((m) => m.platform?.variant === undefined || m.platform.variant === '') ?? candidates[0];
}

export function describePlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}
