/**
 * Fixed-window rate limits, per token and per registrar (all its tokens together), in memory: one server
 * process serves the API. A request counts against both; over either limit it is refused with 429
 * `registrar_rate_limit_exceeded` and Retry-After. Every response reports the binding limit (the one with
 * the fewest requests left) in X-RateLimit-Limit / -Remaining / -Reset, Reset being the seconds until that
 * window ends. Refused requests do not count.
 */

export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends. */
  reset: number;
  /** Set when the request is refused: seconds to wait. */
  retryAfter?: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs: number) {}

  /** Counts one request against every (key, limit) pair, unless one of them is exhausted. */
  take(buckets: Array<[key: string, limit: number]>, now = Date.now()): RateState {
    this.prune(now);
    const states = buckets.map(([key, limit]) => {
      let w = this.windows.get(key);
      if (!w || now - w.start >= this.windowMs) {
        w = { start: now, count: 0 };
        this.windows.set(key, w);
      }
      return { w, limit };
    });
    const refused = states.find((s) => s.w.count >= s.limit);
    if (!refused) for (const s of states) s.w.count++;
    // Report the binding bucket: the refusing one, else the one with the fewest requests left.
    const binding = refused ?? states.reduce((a, b) => (b.limit - b.w.count < a.limit - a.w.count ? b : a));
    const reset = Math.max(1, Math.ceil((binding.w.start + this.windowMs - now) / 1000));
    return {
      limit: binding.limit,
      remaining: Math.max(0, binding.limit - binding.w.count),
      reset,
      retryAfter: refused ? reset : undefined,
    };
  }

  private lastPrune = 0;
  /** Drops finished windows now and then, so idle keys do not accumulate. */
  private prune(now: number): void {
    if (now - this.lastPrune < this.windowMs) return;
    this.lastPrune = now;
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
