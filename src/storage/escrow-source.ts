import type { RegistrarAddress } from './core-repos.js';
import type { HostAddress } from '../registry/addresses.js';
import type { DsRecord, KeyRecord } from '../registry/dnssec.js';
import type { Disclose, Phone, PostalInfo, TciContactData } from './contact-repo.js';
import type { Tld } from './core-repos.js';
import type { DomainContactType, HostAttr } from './domain-repo.js';
import type { Deletion, GracePeriod } from './lifecycle-repo.js';
import type { TransferStatus } from './transfer-repo.js';

/**
 * What a registry data escrow deposit (src/escrow/) reads: every object as one consistent snapshot, in pages,
 * with the registrars' clIDs resolved. authInfo values are never read: RFC 9022 has no element for them.
 */

export interface EscrowRegistrar {
  id: number;
  clId: string;
  name: string;
  status: 'active' | 'suspended';
  email: string | null;
  ianaId: number | null;
  /** Postal address and phone (RFC 9022 rdeRegistrar:postalInfo, voice); null when not given. */
  address: RegistrarAddress | null;
  phone: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The last transfer request of an object (RFC 9022 trnData), whatever became of it. */
export interface EscrowTransfer {
  status: TransferStatus;
  requesterClId: string;
  requestedAt: Date;
  losingClId: string;
  actionAt: Date;
  /** Domains only: the expiry the transfer gives, when it extends the registration. */
  newExpiresAt: Date | null;
}

export interface EscrowDomain {
  id: number;
  name: string;
  tld: string;
  roid: string;
  sponsorClId: string;
  creatorClId: string;
  updaterClId: string | null;
  registrantHandle: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  expiresAt: Date;
  transferredAt: Date | null;
  /** Stored statuses (ok and inactive are computed by the writer, as <info> does). */
  statuses: string[];
  maxSigLife: number | null;
  description: string | null;
  contacts: Array<{ type: DomainContactType; handle: string }>;
  /** Delegated host objects by name (hostObj model). */
  hostObjs: string[];
  hostAttrs: HostAttr[];
  ds: DsRecord[];
  keys: KeyRecord[];
  /** Grace periods still running at the snapshot's time. */
  graces: GracePeriod[];
  deletion: Deletion | undefined;
  transfer: EscrowTransfer | undefined;
}

export interface EscrowHost {
  id: number;
  name: string;
  roid: string;
  sponsorClId: string;
  creatorClId: string;
  updaterClId: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  transferredAt: Date | null;
  statuses: string[];
  addresses: HostAddress[];
  /** Some domain delegates to it. */
  linked: boolean;
}

export interface EscrowContact {
  id: number;
  handle: string;
  roid: string;
  sponsorClId: string;
  creatorClId: string;
  updaterClId: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  transferredAt: Date | null;
  statuses: string[];
  postalInt: PostalInfo | null;
  postalLoc: PostalInfo | null;
  voice: Phone | null;
  fax: Phone | null;
  email: string;
  disclose: Disclose | null;
  tci: TciContactData | null;
  /** Some domain references it (registrant or contact). */
  linked: boolean;
  transfer: EscrowTransfer | undefined;
}

/** What a differential deposit starts from: the previous deposit of the TLD. */
export interface EscrowChangesSince {
  /** Changes stamped after this epoch (see migration "registry data escrow"). */
  epoch: number;
  /** The previous deposit's watermark: domains created after it were not in that deposit. */
  watermark: Date;
  /** The previous snapshot's registry time: grace and redemption periods ending after it changed a domain's state. */
  snapshotAt: Date;
}

export interface EscrowDeletion {
  kind: 'domain' | 'host' | 'contact';
  /** Domain name, host name or contact id. */
  name: string;
  roid: string;
}

/** A deposit made, as recorded for the next one. */
export interface EscrowDepositRecord {
  tld: string;
  depositId: string;
  type: 'FULL' | 'DIFF';
  watermark: Date;
  resend: number;
  prevId: string | null;
  epoch: number;
  snapshotAt: Date;
  baseName: string;
  /** Header counts by object URI. */
  counts: Record<string, number>;
  /** The NNDN names and IDN table ids the TLD had at the snapshot, in full (diff deposits compare them). */
  state: { nndn: string[]; idnTables: string[] };
  createdAt: Date;
}

/** One consistent read of the registry: nothing committed after it opened is seen. */
export interface EscrowSnapshot {
  /** Every change stamped up to this epoch is visible in the snapshot (the deposit records it). */
  readonly epoch: number;
  tlds(): Tld[];
  registrars(): EscrowRegistrar[];
  /** Registrars whose deposited data changed after the epoch. */
  changedRegistrars(epoch: number): Promise<EscrowRegistrar[]>;
  /**
   * The TLD's domains created at or before `createdBy`, in pages (id order), with their associations as of
   * `now`; with `since`, only those that changed after the previous deposit.
   */
  domains(tld: string, createdBy: Date, now: Date, since?: EscrowChangesSince): AsyncIterable<EscrowDomain[]>;
  hosts(sinceEpoch?: number): AsyncIterable<EscrowHost[]>;
  contacts(sinceEpoch?: number): AsyncIterable<EscrowContact[]>;
  /** Objects deleted after the epoch (domains of this TLD; hosts and contacts of any), oldest first. */
  deletions(tld: string, sinceEpoch: number): AsyncIterable<EscrowDeletion[]>;
  /**
   * Whether a domain of this name, created at or before `createdBy`, exists (it is then in the deposit: a name
   * deleted and registered again is not deleted).
   */
  domainExists(name: string, createdBy: Date): Promise<boolean>;
  /** Whether a contact of this id exists (deleted and created again: not deleted). */
  contactExists(handle: string): Promise<boolean>;
  /** Names of the TLD protected by the operator (legacy/recovery records) and not released. */
  protectedNames(tld: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The escrow's own records, and the snapshots. */
export interface EscrowStore {
  /** The latest deposit of the TLD with a watermark before `before`. */
  previousDeposit(tld: string, before: Date): Promise<EscrowDepositRecord | undefined>;
  /** How many deposits of this TLD, type and watermark were made already (the next one's resend number). */
  depositsMade(tld: string, type: 'FULL' | 'DIFF', watermark: Date): Promise<number>;
  /**
   * Moves the escrow epoch on, then opens a snapshot: every change committed before sees its stamp at or
   * below the snapshot's epoch, every later one above it.
   */
  openSnapshot(): Promise<EscrowSnapshot>;
  /**
   * Keeps any other process from making a deposit of this TLD until this store closes; refuses (throws) when
   * one is making one now. Two deposits of one TLD at once would take the same resend number.
   */
  lock(tld: string): Promise<void>;
  record(d: EscrowDepositRecord): Promise<void>;
  close(): Promise<void>;
}

/**
 * Restoring a full deposit into an empty registry (`registry escrow import`): objects written as deposited,
 * in the caller's transaction. Statuses are the stored ones (ok, linked and inactive are computed again).
 */
export interface EscrowImport {
  /** Domains, hosts and contacts in the registry now (an import needs none). */
  objectCount(): number;
  /** The TLD's stored policy (JSON), if the TLD exists. */
  tldPolicy(name: string): string | undefined;
  addTld(name: string, policy: import('../registry/policy.js').TldPolicy, now: Date): void;
  /** Adds a registrar unless one of that clID exists; true when added. */
  registrar(r: EscrowRegistrar, passwordHash: string): boolean;
  contact(c: EscrowContact): void;
  host(h: EscrowHost): void;
  domain(d: EscrowDomain): void;
  linkSubordinateHosts(): number;
  finish(): void;
}
