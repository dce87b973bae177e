import type { SharedLimits } from '../storage/shared-limits.js';
import type { Registrar } from '../storage/core-repos.js';

/**
 * One EPP session (one TLS connection). Before login only <hello> and <login> are accepted; after it,
 * only the object and extension namespaces negotiated at login may be used.
 */
export class Session {
  registrar: Registrar | null = null;
  /** Object namespaces announced at login and offered by the server. */
  objURIs = new Set<string>();
  /** Extension namespaces announced at login and offered by the server. */
  extURIs = new Set<string>();
  failedLogins = 0;
  /** RFC 8807 <loginSec:userAgent> the client sent at login (logged with the login). */
  userAgent: { app?: string; tech?: string; os?: string } | null = null;
  closing = false;
  /** The connection has ended (set by the transport); a login still running for it must not take a place. */
  ended = false;
  readonly startedAt = Date.now();

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    /** SHA-256 fingerprint of the client certificate, when one was presented. */
    readonly certFingerprint: string | null,
    /** Whether the client certificate chains to the configured CA (and is not revoked or expired). */
    readonly certTrusted: boolean,
    readonly certError: string | null,
    /** When the client certificate expires (RFC 8807 warns of it at login); null without one. */
    readonly certNotAfter: Date | null = null,
  ) {}

  get loggedIn(): boolean {
    return this.registrar !== null;
  }
}

/**
 * A registrar's live sessions, for its session limit: counted here when one process serves the database
 * (SQLite), and across every server process when the store shares its limits (PostgreSQL); the sessions of
 * this process are also kept here for the metrics.
 */
export class SessionTable {
  private readonly byRegistrar = new Map<number, Set<Session>>();
  private readonly registrarOf = new Map<Session, number>();
  /** Places being given back to the shared count (database round trips in flight). */
  private readonly releasing = new Set<Promise<void>>();

  constructor(private readonly shared: SharedLimits | null = null) {}

  /**
   * Admits `s` as one of the registrar's sessions unless it has `max` already; true when admitted. Taken
   * before the rest of the login is checked: a login that is refused after it gives the place back (`remove`).
   */
  async admit(registrarId: number, s: Session, max: number): Promise<boolean> {
    if (this.registrarOf.has(s)) return true;
    if (this.shared) {
      if (!(await this.shared.claimSession(registrarId, s.id, max))) return false;
      // The connection ended while the place was being taken: nobody will give it back but us.
      if (s.ended) {
        await this.shared.releaseSession(s.id);
        return false;
      }
    } else if (this.count(registrarId) >= max) return false;
    let set = this.byRegistrar.get(registrarId);
    if (!set) this.byRegistrar.set(registrarId, (set = new Set()));
    set.add(s);
    this.registrarOf.set(s, registrarId);
    return true;
  }

  /** This process's sessions of the registrar. */
  count(registrarId: number): number {
    return this.byRegistrar.get(registrarId)?.size ?? 0;
  }

  /** Open sessions of this process per logged-in registrar, by clID (metrics). */
  byClId(): Map<string, number> {
    const out = new Map<string, number>();
    for (const set of this.byRegistrar.values()) {
      const first = [...set].find((s) => s.registrar);
      if (first?.registrar) out.set(first.registrar.clId, set.size);
    }
    return out;
  }

  /** Gives back the session's place (closed, or its login refused after `admit`). */
  async remove(s: Session): Promise<void> {
    const registrarId = this.registrarOf.get(s);
    if (registrarId === undefined) return;
    this.registrarOf.delete(s);
    const set = this.byRegistrar.get(registrarId);
    set?.delete(s);
    if (set && set.size === 0) this.byRegistrar.delete(registrarId);
    if (!this.shared) return;
    const release = this.shared.releaseSession(s.id);
    this.releasing.add(release);
    try {
      await release;
    } finally {
      this.releasing.delete(release);
    }
  }

  /** Resolves once every place given back so far has left the shared count (whether or not that worked). */
  async released(): Promise<void> {
    await Promise.allSettled([...this.releasing]);
  }
}
