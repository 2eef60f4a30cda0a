/**
 * Upstream's event spam filter (client-go tools/record EventSourceObjectSpamFilter): a token
 * bucket per key (object, type, reason) so one busy object cannot flood the Events API.
 */
/** Upstream's spam filter defaults: a burst of 25, refilled at one event per 300 s; 4096 keys kept. */
const spamBurst = 25;
const spamRefillMs = 300_000;
const spamKeys = 4096;

/** Token buckets by key; the least recently used keys are forgotten beyond `spamKeys`. */
export class SpamFilter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  allow(key: string, now: number): boolean {
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key);
    else b = { tokens: spamBurst, at: now };
    b.tokens = Math.min(spamBurst, b.tokens + (now - b.at) / spamRefillMs);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > spamKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
