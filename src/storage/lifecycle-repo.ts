/** RFC 3915 grace periods: a delete inside one refunds what the registrar paid for it. */
export type GraceKind = 'add' | 'renew' | 'autoRenew' | 'transfer';

export interface GracePeriod {
  kind: GraceKind;
  /** Who paid, and gets the refund. */
  registrarId: number;
  endsAt: Date;
  amount: number;
}

/** A deleted domain's way to purge: redemption, then (optionally) pendingRestore, then pendingDelete. */
export interface Deletion {
  deletedAt: Date;
  redemptionEndsAt: Date;
  purgeAt: Date;
  restoreRequestedAt: Date | null;
  /** End of the window for the restore report; a missing report sends the domain back to redemption. */
  restoreReportBy: Date | null;
  /** svTRID of the delete, for the purge notice (domain:panData paTRID). */
  deleteSvTRID: string | null;
}

export interface DueDomain {
  id: number;
  name: string;
  tld: string;
  sponsorId: number;
  expiresAt: Date;
  deleteSvTRID: string | null;
}

export interface LifecycleRepo {
  /** Grace periods still running at `now`. */
  activeGrace(domainId: number, now: Date): Promise<GracePeriod[]>;
  addGrace(domainId: number, g: GracePeriod): Promise<void>;
  /** Ends grace periods (all kinds when none given). */
  endGrace(domainId: number, kinds?: GraceKind[]): Promise<void>;
  deletion(domainId: number): Promise<Deletion | undefined>;
  setDeletion(domainId: number, d: Deletion | null): Promise<void>;
  /** Deleted domains whose pendingDelete has run out. */
  dueForPurge(now: Date, limit: number): Promise<DueDomain[]>;
  /** Live domains whose expiry has passed. */
  dueForAutoRenew(now: Date, limit: number): Promise<DueDomain[]>;
  /** Sets the expiry without touching upID/upDate (auto-renew is the registry's act, not the registrar's). */
  setExpiry(domainId: number, expiresAt: Date): Promise<void>;
  /** Removes other domains' delegations to this domain's subordinate hosts (before a purge). */
  detachSubordinateHosts(domainId: number): Promise<void>;
  /**
   * The earliest instant at which a time-driven event falls due (a pending domain or contact transfer's
   * auto-approval, a live domain's expiry, a purge), or null when none is pending.
   */
  nextDueAt(): Promise<Date | null>;
}

export interface LedgerEntry {
  id: number;
  at: Date;
  kind: string;
  object: string | null;
  amount: number;
  balanceAfter: number;
}

export interface BillingRepo {
  balance(registrarId: number): Promise<number>;
  /**
   * Adds `amount` (negative: a debit) to the balance and writes a ledger row; refuses (returns undefined,
   * changing nothing) when a debit would take the balance below zero, unless `allowNegative`.
   */
  post(registrarId: number, amount: number, kind: string, object: string | null, now: Date, allowNegative?: boolean): Promise<number | undefined>;
  ledger(registrarId: number, limit: number): Promise<LedgerEntry[]>;
}
