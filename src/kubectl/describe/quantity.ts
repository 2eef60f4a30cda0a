/**
 * Just enough of resource.Quantity for describe's totals: CPU in millicores and everything
 * else in bytes/units, printed back in canonical form (`500m`, `2`, `128Mi`, `0`).
 */

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity string (`250m` -> 0.25, `1Gi` -> 1073741824); 0 when unparsable. */
export function parseQuantity(q: unknown): number {
  const m = /^([+-]?[0-9.]+)(e[+-]?\d+)?([a-zA-Z]*)$/.exec(String(q ?? '').trim());
  if (!m) return 0;
  const base = Number(`${m[1] ?? '0'}${m[2] ?? ''}`);
  const suffix = m[3] ?? '';
  const factor = binary[suffix] ?? decimal[suffix];
  return factor === undefined ? 0 : base * factor;
}

/** Canonical text for a CPU amount. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Canonical text for bytes: the largest binary suffix that divides evenly. */
export function formatBytes(bytes: number): string {
  const n = Math.round(bytes);
  if (n === 0) return '0';
  for (const [suffix, factor] of Object.entries(binary).reverse()) if (n % factor === 0) return `${n / factor}${suffix}`;
  return String(n);
}
