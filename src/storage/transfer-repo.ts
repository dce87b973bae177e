/** RFC 5731 §3.2.4 / RFC 5730 trStatus values. */
export type TransferStatus = 'pending' | 'clientApproved' | 'clientRejected' | 'clientCancelled' | 'serverApproved' | 'serverCancelled';

/** What every transfer request has, whatever the object (domain or contact): the parties and the dates. */
export interface TransferRecord {
  id: number;
  status: TransferStatus;
  requesterId: number;
  requesterClId: string;
  /** The sponsor when the request was made. */
  losingId: number;
  losingClId: string;
  requestedAt: Date;
  /** acDate: when a pending transfer is auto-approved, or when it was approved, rejected or cancelled. */
  actionAt: Date;
}

/** One domain transfer request and what became of it. */
export interface Transfer extends TransferRecord {
  domainId: number;
  /** The domain's name (lower-case A-labels). */
  domainName: string;
  /** The period as the request gave it (or the policy default, in years). */
  period: { value: number; unit: 'y' | 'm' };
  /** exDate: the expiry the transfer gives (projected while pending); null when it does not extend the registration. */
  newExpiresAt: Date | null;
  /** The price quoted at the request (minor units), which the approval charges; null: requested before prices were kept. */
  price: number | null;
}

export interface NewTransfer {
  domainId: number;
  requesterId: number;
  losingId: number;
  requestedAt: Date;
  actionAt: Date;
  period: { value: number; unit: 'y' | 'm' };
  newExpiresAt: Date | null;
  price: number | null;
}

/** What the transfer rules read of a domain (its own SQL: the domain repository is not shared). */
export interface TransferDomain {
  id: number;
  name: string;
  tld: string;
  sponsorId: number;
  createdAt: Date;
  expiresAt: Date;
  transferredAt: Date | null;
  /** The authInfo's salted hash and when it was set (null: none set). */
  authHash: string | null;
  authSetAt: Date | null;
  statuses: string[];
  /** The registrant's roid and authInfo (an authInfo may name the registrant's by roid). */
  registrant: { roid: string; authHash: string | null; authSetAt: Date | null } | null;
}

/**
 * Domain transfers: the transfer rows, and the domain changes a transfer makes (the pendingTransfer status,
 * the sponsor change of the domain and its subordinate hosts), all in the caller's transaction.
 */
export interface TransferRepo {
  domainByName(name: string): Promise<TransferDomain | undefined>;
  domainById(id: number): Promise<TransferDomain | undefined>;
  /** The domain's most recent transfer, whatever its status. */
  latest(domainId: number): Promise<Transfer | undefined>;
  /** Every transfer of the domain, oldest first (what tests read back; no command needs it). */
  history(domainId: number): Promise<Transfer[]>;
  /** Records a pending transfer and adds `pendingTransfer` to the domain's statuses. */
  open(t: NewTransfer): Promise<Transfer>;
  /** Ends a pending transfer with `status` at `actionAt`, and removes `pendingTransfer` from the domain's statuses. */
  close(id: number, status: Exclude<TransferStatus, 'pending'>, actionAt: Date, newExpiresAt: Date | null): Promise<Transfer>;
  /**
   * Moves the domain to the gaining registrar: sponsor, expiry (unless null) and trDate, and unsets its
   * authInfo (RFC 9154); its subordinate hosts change sponsor too, with the same trDate. Does not touch
   * upID/upDate.
   */
  moveDomain(domainId: number, gainingId: number, expiresAt: Date | null, at: Date): Promise<void>;
  /** Pending transfers whose acDate is at or before `now`, oldest first (one indexed query). */
  due(now: Date, limit: number): Promise<Transfer[]>;
}
