/**
 * resource.Quantity: the fixed-point numbers of resource requests and limits (`100m`,
 * `1Gi`, `2`, `1e3`). A quantity remembers the family of suffix it was written with
 * (binary, decimal or exponent) and prints itself in the canonical form upstream prints:
 * the largest suffix of that family that keeps the mantissa an integer, so `1.5` reads back
 * as `1500m`, `1.5Gi` as `1536Mi` and `1000k` as `1M`.
 *
 * The value is kept exactly as a bigint count of nano-units; precision below 1n is rounded
 * away from zero on parse, as upstream rounds up to nano precision.
 */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parse result: the quantity, or the message the API server returns as a 400. */
export type ParsedQuantity = { readonly ok: true; readonly value: Quantity } | { readonly ok: false; readonly error: string };

const nanosPerUnit = 1_000_000_000n;
const decimalSuffixes: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByPower = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const largestDecimalExponent = 18;
/** Exponents beyond this are refused rather than expanded into enormous integers. */
const maxExponent = 1000;

// sign, digits with an optional fraction, then a suffix (letters, or e/E with a signed exponent).
const quantityPattern = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

export class Quantity {
  private constructor(
    /** The exact value in units of 10^-9. */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  static parse(text: string): ParsedQuantity {
    return parseQuantity(text);
  }

  /** Parses a quantity the program itself wrote; a bad one is a bug, so it throws. */
  static must(text: string): Quantity {
    const parsed = parseQuantity(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  }

  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }

  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * nanosPerUnit, format);
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(nanos, format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  /** The value in whole units, rounded away from zero (upstream's Value()). */
  value(): number {
    return Number(divideAwayFromZero(this.nanos, nanosPerUnit));
  }

  /** The value in thousandths, rounded away from zero (upstream's MilliValue(): CPU in millicores). */
  milliValue(): number {
    return Number(divideAwayFromZero(this.nanos, 1_000_000n));
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.nanos === other.nanos;
  }

  /** Sums keep the format of the left operand, as upstream's Add does. */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /** The canonical form, as the API server writes it back. */
  toString(): string {
    if (this.nanos === 0n) return '0';
    if (this.format === 'BinarySI' && this.fitsBinary()) return formatBinary(this.nanos / nanosPerUnit);
    return formatDecimal(this.nanos, this.format === 'DecimalExponent' ? 'DecimalExponent' : 'DecimalSI');
  }

  toJSON(): string {
    return this.toString();
  }

  /** Binary suffixes only print whole numbers of at least 1Ki; anything else falls back to decimal. */
  private fitsBinary(): boolean {
    const magnitude = this.nanos < 0n ? -this.nanos : this.nanos;
    return magnitude >= 1024n * nanosPerUnit && this.nanos % nanosPerUnit === 0n;
  }
}

export function parseQuantity(text: string): ParsedQuantity {
  const match = quantityPattern.exec(text);
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match ?? [];
  if (!match || (whole === '' && fraction === '')) {
    return { ok: false, error: `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got "${text}")` };
  }
  const unit = interpretSuffix(suffix);
  if (!unit) return { ok: false, error: `unable to parse quantity's suffix "${suffix}" in "${text}"` };
  if (Math.abs(unit.exponent) > maxExponent) return { ok: false, error: `quantity "${text}" is out of range` };
  // digits = whole.fraction as an integer scaled by 10^-fraction.length
  const digits = BigInt(`${whole}${fraction}` || '0');
  let numerator = digits * nanosPerUnit;
  let denominator = 10n ** BigInt(fraction.length);
  if (unit.base === 2) numerator *= 2n ** BigInt(unit.exponent);
  else if (unit.exponent >= 0) numerator *= 10n ** BigInt(unit.exponent);
  else denominator *= 10n ** BigInt(-unit.exponent);
  let nanos = divideAwayFromZero(numerator, denominator);
  if (sign === '-') nanos = -nanos;
  return { ok: true, value: Quantity.fromNanos(nanos, unit.format) };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const decimal = decimalSuffixes[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = binarySuffixes[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number.parseInt(suffix.slice(1), 10), format: 'DecimalExponent' };
  }
  return undefined;
}

/** mantissa × 10^exponent with the exponent a multiple of three and the mantissa an integer. */
function formatDecimal(nanos: bigint, format: 'DecimalSI' | 'DecimalExponent'): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const extra = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(extra);
  exponent -= extra;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  if (exponent > largestDecimalExponent) {
    // No SI suffix beyond E: keep E and let the mantissa grow.
    mantissa *= 10n ** BigInt(exponent - largestDecimalExponent);
    exponent = largestDecimalExponent;
  }
  return `${mantissa}${decimalSuffixByExponent.get(exponent) ?? ''}`;
}

function formatBinary(units: bigint): string {
  let mantissa = units;
  let power = 0;
  while (power < binarySuffixByPower.length - 1 && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power++;
  }
  return `${mantissa}${binarySuffixByPower[power] ?? ''}`;
}

function divideAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  if (quotient * denominator === numerator) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}
