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

/** Counts live sessions per registrar, for the per-registrar session limit. */
export class SessionTable {
  private readonly byRegistrar = new Map<number, Set<Session>>();

  count(registrarId: number): number {
    return this.byRegistrar.get(registrarId)?.size ?? 0;
  }
  add(registrarId: number, s: Session): void {
    let set = this.byRegistrar.get(registrarId);
    if (!set) this.byRegistrar.set(registrarId, (set = new Set()));
    set.add(s);
  }
  /** Open sessions per logged-in registrar, by clID (metrics). */
  byClId(): Map<string, number> {
    const out = new Map<string, number>();
    for (const set of this.byRegistrar.values()) {
      const first = set.values().next().value;
      if (first?.registrar) out.set(first.registrar.clId, set.size);
    }
    return out;
  }
  remove(s: Session): void {
    if (!s.registrar) return;
    const set = this.byRegistrar.get(s.registrar.id);
    set?.delete(s);
    if (set && set.size === 0) this.byRegistrar.delete(s.registrar.id);
  }
}
