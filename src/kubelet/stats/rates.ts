/**
 * Turns cumulative samples into rates: the CPU rate of a cgroup is the CPU time it used
 * between its last two samples over the time between them (metrics-server's computation),
 * and its memory is the later sample's working set. Pure, so it is tested on its own.
 */
import type { CgroupSample } from './types.js';

export interface TimedSample extends CgroupSample {
  /** Monotonic time of the reading, in nanoseconds. */
  readonly atNanos: number;
}

export interface Rate {
  readonly cpuNanoCores: number;
  readonly memoryWorkingSetBytes: number;
  readonly windowSeconds: number;
}

/** undefined when the two samples cannot give a rate (same instant, or the counter went back: a new cgroup). */
export function rateBetween(earlier: TimedSample, later: TimedSample): Rate | undefined {
  const elapsed = later.atNanos - earlier.atNanos;
  const used = later.cpuUsageNanos - earlier.cpuUsageNanos;
  if (elapsed <= 0 || used < 0) return undefined;
  return { cpuNanoCores: Math.round((used / elapsed) * 1e9), memoryWorkingSetBytes: later.memoryWorkingSetBytes, windowSeconds: elapsed / 1e9 };
}

/** Remembers the last sample per key and yields the rate since it; keys not seen in a round are forgotten. */
export class RateTracker {
  private last = new Map<string, TimedSample>();

  /** Takes one round of samples; returns the rates of keys sampled in the previous round too. */
  round(samples: ReadonlyMap<string, TimedSample>): Map<string, Rate> {
    const rates = new Map<string, Rate>();
    for (const [key, sample] of samples) {
      const before = this.last.get(key);
      const rate = before ? rateBetween(before, sample) : undefined;
      if (rate) rates.set(key, rate);
    }
    this.last = new Map(samples);
    return rates;
  }
}
