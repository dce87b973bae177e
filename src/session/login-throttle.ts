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
 * Both tables are bounded (`maxEntries` each, oldest dropped first).
 *
 * `acquire` also bounds the attempts of one (address, clID) in flight: `free` side by side while it has fewer
 * failures than that (a registrar's sessions log in together), then one at a time, each after its delay, so
 * that an attacker's parallel connections do not multiply the guesses the delay allows.
 */
export class LoginThrottle {
  private readonly perClId = new Map<string, Count>();
  private readonly perAddress = new Map<string, Count>();

  constructor(
    private readonly free = 5,
    private readonly baseMs = 250,
    private readonly maxMs = 8000,
    private readonly windowMs = 15 * 60_000,
    private readonly freeClIds = 20,
    private readonly maxEntries = 100_000,
  ) {}

  private readonly gates = new Map<string, Gate>();

  /**
   * Waits for a turn of the (address, clID): at most `free` attempts in flight while it has fewer than `free`
   * failures counted (a registrar's sessions log in side by side), one at a time from then on; then waits
   * the delay. Returns the release to call once this attempt is answered.
   */
  async acquire(address: string, clID: string): Promise<() => void> {
    const k = key(address, clID);
    let gate = this.gates.get(k);
    if (!gate) this.gates.set(k, (gate = { inFlight: 0, waiting: [] }));
    const g = gate;
    const limit = () => ((this.live(this.perClId, k, Date.now())?.n ?? 0) < this.free ? this.free : 1);
    // A waiter is counted in by the release that wakes it; one that need not wait counts itself in.
    if (g.inFlight >= limit() || g.waiting.length > 0) await new Promise<void>((resolve) => g.waiting.push(resolve));
    else g.inFlight++;
    const delay = this.delayFor(address, clID);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      g.inFlight--;
      while (g.waiting.length > 0 && g.inFlight < limit()) {
        g.inFlight++;
        g.waiting.shift()!();
      }
      if (g.inFlight === 0 && g.waiting.length === 0 && this.gates.get(k) === g) this.gates.delete(k);
    };
  }

  /** How long an attempt to log in as `clID` from `address` waits before it is checked. */
  delayFor(address: string, clID: string, now = Date.now()): number {
    const own = this.live(this.perClId, key(address, clID), now);
    const sprayed = this.live(this.perAddress, address, now);
    return Math.max(this.backoff(own?.n ?? 0, this.free), this.backoff(sprayed?.n ?? 0, this.freeClIds));
  }

  failed(address: string, clID: string, now = Date.now()): void {
    const k = key(address, clID);
    const own = this.live(this.perClId, k, now);
    this.touch(this.perClId, k, (own?.n ?? 0) + 1, now);
    // A clID counts once towards its address's spraying count while its own count lives.
    const sprayed = this.live(this.perAddress, address, now);
    this.touch(this.perAddress, address, (sprayed?.n ?? 0) + (own ? 0 : 1), now);
  }

  succeeded(address: string, clID: string, now = Date.now()): void {
    const k = key(address, clID);
    if (!this.live(this.perClId, k, now)) return;
    this.perClId.delete(k);
    // A registrar that mistyped and then logged in was not spraying.
    const sprayed = this.live(this.perAddress, address, now);
    if (sprayed && sprayed.n > 0) sprayed.n--;
  }

  private backoff(n: number, free: number): number {
    return n < free ? 0 : Math.min(this.maxMs, this.baseMs * 2 ** (n - free));
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

/** The attempts of one (address, clID): how many are being checked, and those waiting for a turn. */
interface Gate {
  inFlight: number;
  waiting: Array<() => void>;
}

interface Count {
  n: number;
  last: number;
}

function key(address: string, clID: string): string {
  return `${address}\n${clID}`;
}
