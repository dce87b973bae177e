import type { SharedLimits } from '../storage/shared-limits.js';

/**
 * Slows down failed logins, never locks an account: certification suites send a correct login after failed
 * ones and expect it to succeed, and an attacker must not be able to lock a registrar out.
 *
 * Registrars behind one address (a NAT, a hosting provider, loopback) must not slow each other down, so
 * failures are counted per (source address, claimed clID). Each count lives for `windowMs` (15 min) after
 * its last failure. With n failures counted, a further attempt for that clID from that address waits
 *   min(maxMs, baseMs × 2^(n − free))   when n ≥ free        (defaults: 8 s, 250 ms, 5)
 * before it is checked, i.e. 0.25, 0.5, 1, 2, 4, 8, 8, … s after the 5th, 6th, 7th … failure.
 * Against clID spraying, every address also counts the distinct clIDs that failed from it: with d of them,
 * every attempt from that address, whatever its clID, waits min(maxMs, baseMs × 2^(d − freeClIds)) when
 * d ≥ freeClIds (default 20). The longer of the two waits applies. A successful login clears its own
 * (address, clID) count, and takes its clID off the address's count.
 * Both tables are bounded (`maxEntries` each, oldest dropped first). The counts are kept in memory when one
 * process serves the database (SQLite), and by the store when several do (PostgreSQL: `SharedLimits`), so
 * that failures through one server slow the attempts through the others.
 *
 * `acquire` also bounds the attempts of one (address, clID) in flight: `free` side by side while it has fewer
 * failures than that (a registrar's sessions log in together), then one at a time, each after its delay, so
 * that an attacker's parallel connections do not multiply the guesses the delay allows (in each process).
 */
export class LoginThrottle {
  private readonly counts: FailureCounts;

  constructor(
    private readonly free = 5,
    private readonly baseMs = 250,
    private readonly maxMs = 8000,
    private readonly windowMs = 15 * 60_000,
    private readonly freeClIds = 20,
    maxEntries = 100_000,
    shared: SharedLimits | null = null,
  ) {
    this.counts = shared ? sharedCounts(shared, windowMs) : new MemoryCounts(windowMs, maxEntries);
  }

  /** The default policy, its counts shared by the server processes when the store shares its limits. */
  static over(shared: SharedLimits | null): LoginThrottle {
    return new LoginThrottle(undefined, undefined, undefined, undefined, undefined, undefined, shared);
  }

  private readonly gates = new Map<string, Gate>();

  /**
   * Waits for a turn of the (address, clID): at most `free` attempts in flight while it has fewer than `free`
   * failures counted (a registrar's sessions log in side by side), one at a time from then on; then waits
   * the delay. Returns the release to call once this attempt is answered.
   */
  async acquire(address: string, clID: string): Promise<() => void> {
    const k = key(address, clID);
    let gate = this.gates.get(k);
    if (!gate) this.gates.set(k, (gate = { inFlight: 0, waiting: [], failures: 0 }));
    const g = gate;
    const limit = () => (g.failures < this.free ? this.free : 1);
    // A waiter is counted in by the release that wakes it; one that need not wait counts itself in.
    if (g.inFlight >= limit() || g.waiting.length > 0) await new Promise<void>((resolve) => g.waiting.push(resolve));
    else g.inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      g.inFlight--;
      while (g.waiting.length > 0 && g.inFlight < limit()) {
        g.inFlight++;
        g.waiting.shift()!();
      }
      if (g.inFlight === 0 && g.waiting.length === 0 && this.gates.get(k) === g) this.gates.delete(k);
    };
    try {
      const c = await this.counts.get(address, clID, Date.now());
      g.failures = c.own;
      const delay = this.delay(c);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    } catch (e) {
      release();
      throw e;
    }
    return release;
  }

  /** How long an attempt to log in as `clID` from `address` waits before it is checked. */
  async delayFor(address: string, clID: string, now = Date.now()): Promise<number> {
    return this.delay(await this.counts.get(address, clID, now));
  }

  async failed(address: string, clID: string, now = Date.now()): Promise<void> {
    const g = this.gates.get(key(address, clID));
    if (g) g.failures++;
    await this.counts.failed(address, clID, now);
  }

  async succeeded(address: string, clID: string, now = Date.now()): Promise<void> {
    const g = this.gates.get(key(address, clID));
    if (g) g.failures = 0;
    await this.counts.succeeded(address, clID, now);
  }

  private delay(c: { own: number; clIds: number }): number {
    return Math.max(this.backoff(c.own, this.free), this.backoff(c.clIds, this.freeClIds));
  }

  private backoff(n: number, free: number): number {
    return n < free ? 0 : Math.min(this.maxMs, this.baseMs * 2 ** (n - free));
  }
}

/** Failed logins per (address, clID), and per address the clIDs counted, each living `windowMs` after its last failure. */
interface FailureCounts {
  get(address: string, clID: string, now: number): Promise<{ own: number; clIds: number }>;
  failed(address: string, clID: string, now: number): Promise<void>;
  succeeded(address: string, clID: string, now: number): Promise<void>;
}

function sharedCounts(shared: SharedLimits, windowMs: number): FailureCounts {
  return {
    get: (address, clID, now) => shared.loginFailures(address, clID, now - windowMs),
    failed: (address, clID, now) => shared.loginFailed(address, clID, now, now - windowMs),
    succeeded: (address, clID) => shared.loginSucceeded(address, clID),
  };
}

/** The counts of the one process serving the database. */
class MemoryCounts implements FailureCounts {
  private readonly perClId = new Map<string, Count>();
  private readonly perAddress = new Map<string, Count>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  async get(address: string, clID: string, now: number): Promise<{ own: number; clIds: number }> {
    return { own: this.live(this.perClId, key(address, clID), now)?.n ?? 0, clIds: this.live(this.perAddress, address, now)?.n ?? 0 };
  }

  async failed(address: string, clID: string, now: number): Promise<void> {
    const k = key(address, clID);
    const own = this.live(this.perClId, k, now);
    this.touch(this.perClId, k, (own?.n ?? 0) + 1, now);
    // A clID counts once towards its address's spraying count while its own count lives.
    const sprayed = this.live(this.perAddress, address, now);
    this.touch(this.perAddress, address, (sprayed?.n ?? 0) + (own ? 0 : 1), now);
  }

  async succeeded(address: string, clID: string, now: number): Promise<void> {
    const k = key(address, clID);
    if (!this.live(this.perClId, k, now)) return;
    this.perClId.delete(k);
    // A registrar that mistyped and then logged in was not spraying.
    const sprayed = this.live(this.perAddress, address, now);
    if (sprayed && sprayed.n > 0) sprayed.n--;
  }

  private live(table: Map<string, Count>, k: string, now: number): Count | undefined {
    const c = table.get(k);
    return c && now - c.last <= this.windowMs ? c : undefined;
  }

  /** Stores the count at the end of the table, which thus stays oldest first: expired and excess entries go from the front. */
  private touch(table: Map<string, Count>, k: string, n: number, now: number): void {
    table.delete(k);
    table.set(k, { n, last: now });
    for (const [old, c] of table) {
      if (table.size <= this.maxEntries && now - c.last <= this.windowMs) break;
      table.delete(old);
    }
  }
}

/** The attempts of one (address, clID): how many are being checked, those waiting for a turn, its failures as last read. */
interface Gate {
  inFlight: number;
  waiting: Array<() => void>;
  failures: number;
}

interface Count {
  n: number;
  last: number;
}

function key(address: string, clID: string): string {
  return `${address}\n${clID}`;
}
