/**
 * Per-client rate limiting of RDAP queries (RFC 7480 §5.5): a token bucket per client address, `perSecond`
 * tokens a second up to `burst`. A query finding the bucket empty is refused (429, with the seconds until a
 * token is back for Retry-After). Real time, never the registry's clock (a test or development clock moved
 * by days must not refill every bucket). Buckets full again are dropped, so memory follows the clients of the
 * last few seconds, not every address ever seen.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `client`: 0 when granted, else the whole seconds to wait (at least 1). */
  take(client: string): number {
    const now = this.now();
    if (now - this.lastSweep > 10_000) this.sweep(now);
    const b = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [client, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(client);
    }
  }
}
