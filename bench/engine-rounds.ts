/**
 * Side-by-side measurement: contenders take turns (A B C, then B C A, ...) so that the
 * machine's drift and other people's load fall on all of them alike, and each round's
 * figures can be compared pair by pair.
 */
import { median, spread, type Spread } from './_lib.js';

/** Order of the contenders in round `round`: rotated by one each round. */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  const n = contenders.length;
  if (n === 0) return [];
  const shift = round % n;
  return [...contenders.slice(shift), ...contenders.slice(0, shift)];
}

/** Per-contender figures of one kind (e.g. cold build ms), round by round; NaN = failed run. */
export class Samples {
  private readonly byName = new Map<string, number[]>();

  add(name: string, round: number, value: number): void {
    const values = this.byName.get(name) ?? [];
    values[round] = value;
    this.byName.set(name, values);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Successful values only. */
  values(name: string): number[] {
    return (this.byName.get(name) ?? []).filter((v) => Number.isFinite(v));
  }

  failures(name: string): number {
    return (this.byName.get(name) ?? []).filter((v) => !Number.isFinite(v)).length;
  }

  spread(name: string): Spread {
    return spread(this.values(name));
  }

  /** Ratio of medians a/b. */
  ratio(a: string, b: string): number {
    return this.spread(a).median / this.spread(b).median;
  }

  /** Median over rounds of a/b within the same round: steadier when the machine drifts. */
  pairedRatio(a: string, b: string): number {
    const av = this.byName.get(a) ?? [];
    const bv = this.byName.get(b) ?? [];
    const ratios: number[] = [];
    for (let i = 0; i < Math.min(av.length, bv.length); i++) {
      const x = av[i];
      const y = bv[i];
      if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y > 0) ratios.push(x / y);
    }
    return median(ratios);
  }
}

/** How many lines of `output` match `marker` (cache hits in a build log). */
export function countLines(output: string, marker: RegExp): number {
  return output.split('\n').filter((line) => marker.test(line)).length;
}
