/**
 * Throttles failed logins by source address, never by account: certification suites send a correct
 * login after failed ones and expect it to succeed, and an attacker must not be able to lock a
 * registrar out. After `free` failures within `windowMs`, each further login attempt from that address
 * waits 2^(n-free) × baseMs, capped at maxMs, before it is answered.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { n: number; last: number }>();

  constructor(
    private readonly free = 5,
    private readonly baseMs = 250,
    private readonly maxMs = 8000,
    private readonly windowMs = 15 * 60_000,
  ) {}

  delayFor(address: string, now = Date.now()): number {
    const f = this.failures.get(address);
    if (!f || now - f.last > this.windowMs || f.n < this.free) return 0;
    return Math.min(this.maxMs, this.baseMs * 2 ** (f.n - this.free));
  }

  failed(address: string, now = Date.now()): void {
    const f = this.failures.get(address);
    if (!f || now - f.last > this.windowMs) this.failures.set(address, { n: 1, last: now });
    else {
      f.n++;
      f.last = now;
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private prune(now: number): void {
    for (const [k, v] of this.failures) if (now - v.last > this.windowMs) this.failures.delete(k);
  }
}
