/**
 * Slow-start batches (upstream slowStartBatch): run `count` calls in batches of 1, 2, 4, ...
 * and stop at the first batch with a failure, so a quota or admission error costs one call,
 * not a thousand. Returns how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, initialBatch: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  let batch = Math.min(remaining, initialBatch);
  while (batch > 0) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
    batch = Math.min(remaining, batch * 2);
  }
  return { successes };
}
