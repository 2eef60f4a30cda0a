/**
 * Resource quantities (`500m`, `1Gi`, `2e3`) read as numbers, precise enough to compare
 * requests with limits. Returns undefined for text that is not a quantity.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
/** Decimal suffixes as powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|n|u|m|k|M|G|T|P|E|)$/;

export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * (BINARY[suffix] ?? 1);
  return scale(n, /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DECIMAL[suffix] ?? 0);
}

/** n * 10^exp, dividing for negative exponents so `100n` is exactly 1e-7. */
function scale(n: number, exp: number): number {
  return exp < 0 ? n / 10 ** -exp : n * 10 ** exp;
}
