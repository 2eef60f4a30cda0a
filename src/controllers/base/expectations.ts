/**
 * Expectations (upstream controller_utils.go): after a controller asks for N creates or
 * deletes, its informer cache lags behind; until the cache has seen them (or a TTL passes),
 * sync must not act again on the stale count, or it would create twice.
 */
interface Expectation { add: number; del: number; setAt: number }

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly ttlMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  /** True when the controller may act: nothing outstanding, or the expectation expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.setAt > this.ttlMs;
  }

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, setAt: this.now() });
  }

  expectDeletions(key: string, n: number): void {
    this.byKey.set(key, { add: 0, del: n, setAt: this.now() });
  }

  /** The cache saw a create (or a create failed, so it will never be seen). */
  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.del--;
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
