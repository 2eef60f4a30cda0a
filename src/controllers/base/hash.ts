/**
 * The pod-template-hash: FNV-1a 32 of the template (keys sorted, so equal templates hash
 * equally whatever their key order) and the collision count, written in the alphabet
 * upstream uses for generated names (no vowels, no look-alike characters).
 */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncode(n: number): string {
  return String(n).split('').map((d) => alphabet[d.charCodeAt(0) % alphabet.length] ?? 'b').join('');
}

export function templateHash(template: unknown, collisionCount = 0): string {
  const text = stableJson(template) + (collisionCount > 0 ? `#${collisionCount}` : '');
  return safeEncode(fnv1a32(text));
}

export { stableJson };
