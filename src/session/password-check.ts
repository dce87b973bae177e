import { createHmac, randomBytes } from 'node:crypto';
import { verifySecret } from '../registry/passwords.js';

/**
 * Password check for <login> that remembers recent successes. Passwords stay stored as scrypt hashes, but
 * one scrypt verification costs ≈ 70 ms of CPU and 16 MB (≈ 14 per second on 2 cores), so a registrar
 * reconnecting its pool of sessions, or thousands of sessions after a restart, would queue for minutes.
 *
 * Why remembering is safe:
 * - only successes are remembered: every wrong password still costs a full scrypt, so guessing gets no
 *   cheaper (concurrent checks of the same pair share one scrypt, which a guesser gains nothing from);
 * - the entry is HMAC-SHA256 of (stored hash, password) under a random key that lives only in this process:
 *   no password is kept, and the entries are useless outside the process;
 * - it is keyed by the stored hash, so after a password change (new salt, new hash) old entries never match;
 * - entries expire after `ttlMs` and at most `maxEntries` are kept (oldest dropped first);
 * - a remembered check answers faster, but only for the correct password, which the answer reveals anyway.
 */
export class PasswordCheck {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ttlMs = 60 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly scryptVerify: (password: string, storedHash: string) => Promise<boolean> = verifySecret,
  ) {}

  async verify(password: string, storedHash: string, now = Date.now()): Promise<boolean> {
    const k = createHmac('sha256', this.key).update(storedHash).update('\0').update(password).digest('base64');
    const until = this.verified.get(k);
    if (until !== undefined && until > now) return true;
    let pending = this.inFlight.get(k);
    if (!pending) {
      pending = this.scryptVerify(password, storedHash).finally(() => this.inFlight.delete(k));
      this.inFlight.set(k, pending);
    }
    const ok = await pending;
    if (ok) this.remember(k, now);
    return ok;
  }

  private remember(k: string, now: number): void {
    this.verified.delete(k);
    this.verified.set(k, now + this.ttlMs);
    for (const [old, until] of this.verified) {
      if (this.verified.size <= this.maxEntries && until > now) break;
      this.verified.delete(old);
    }
  }
}

/** One per process: entries are keyed by the stored hash (random salt included), so registries never share one. */
export const passwordCheck = new PasswordCheck();
