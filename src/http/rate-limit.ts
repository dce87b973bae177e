import type { SharedLimits } from '../storage/shared-limits.js';

/**
 * Fixed-window rate limits, per token and per registrar (all its tokens together). Windows are aligned on
 * multiples of the window length since the epoch (a 60 s window is a clock minute), so that every server
 * process counts into the same one: in memory when one process serves the database (SQLite), in the store
 * when several do (PostgreSQL, `SharedLimits.takeRate`). A request counts against both; over either limit it
 * is refused with 429 `registrar_rate_limit_exceeded` and Retry-After. Every response reports the binding
 * limit (the one with the fewest requests left) in X-RateLimit-Limit / -Remaining / -Reset, Reset being the
 * seconds until the window ends. Refused requests do not count.
 */

export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends. */
  reset: number;
  /** Set when the request is refused: seconds to wait. */
  retryAfter?: number;
}

type Buckets = Array<[key: string, limit: number]>;

export class RateLimiter {
  /** Requests counted per key in the current window (in memory). */
  private readonly counts = new Map<string, number>();
  private countsWindow = -1;

  constructor(
    private readonly windowMs: number,
    private readonly shared: SharedLimits | null = null,
  ) {}

  /** Counts one request against every (key, limit) pair, unless one of them is exhausted. */
  async take(buckets: Buckets, now = Date.now()): Promise<RateState> {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    const { counts, refused } = this.shared ? await this.shared.takeRate(buckets, { start, end: start + this.windowMs }) : this.takeInMemory(buckets, start);
    // Report the binding bucket: the refusing one, else the one with the fewest requests left.
    const left = buckets.map(([, limit], i) => ({ limit, remaining: Math.max(0, limit - counts[i]) }));
    const binding = refused !== null ? left[refused] : left.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    const reset = Math.max(1, Math.ceil((start + this.windowMs - now) / 1000));
    return { limit: binding.limit, remaining: refused !== null ? 0 : binding.remaining, reset, retryAfter: refused !== null ? reset : undefined };
  }

  private takeInMemory(buckets: Buckets, start: number): { counts: number[]; refused: number | null } {
    // A new window forgets the last one's counts (idle keys do not accumulate).
    if (start !== this.countsWindow) {
      this.counts.clear();
      this.countsWindow = start;
    }
    const counts = buckets.map(([key]) => this.counts.get(key) ?? 0);
    const refused = buckets.findIndex(([, limit], i) => counts[i] >= limit);
    if (refused >= 0) return { counts, refused };
    for (const [i, [key]] of buckets.entries()) this.counts.set(key, ++counts[i]);
    return { counts, refused: null };
  }
}
