/** A token bucket per caller: `perMinute` requests a minute, bursting up to the same number. */
export function createRateLimiter(perMinute: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    /** Takes one request's token; returns 0 when allowed, else the milliseconds to wait. */
    take(key: string, nowMs: number): number {
      const bucket = buckets.get(key) ?? { tokens: perMinute, at: nowMs };
      bucket.tokens = Math.min(perMinute, bucket.tokens + (nowMs - bucket.at) * ratePerMs);
      bucket.at = nowMs;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / ratePerMs);
    },
  };
}
