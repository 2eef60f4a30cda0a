/**
 * Per-item exponential backoff, as client-go's ItemExponentialFailureRateLimiter: the n-th
 * consecutive failure of a key waits base * 2^n, capped; forget() resets the key.
 */
export interface RateLimiter {
  /** How long to wait before the key's next retry (and counts this failure). */
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

export class ExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(private readonly baseDelayMs = 5, private readonly maxDelayMs = 1000_000) {}

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity for large n; min() keeps the cap.
    return Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
