import type { AuditRepo, PollRepo, RegistrarRepo, SettingsRepo, TldRepo } from './core-repos.js';
import type { ContactRepo } from './contact-repo.js';
import type { ContactTransferRepo } from './contact-transfer-repo.js';
import type { DomainRepo } from './domain-repo.js';
import type { HostRepo } from './host-repo.js';
import type { HttpRepo } from './http-repo.js';
import type { BillingRepo, LifecycleRepo } from './lifecycle-repo.js';
import type { TransferRepo } from './transfer-repo.js';
import type { TmchRepo } from './tmch-repo.js';
import type { ZoneRepo } from './zone-repo.js';
import type { MaintenanceRepo } from './maintenance-repo.js';
import type { SharedLimits } from './shared-limits.js';

/** Every repository, as one transaction sees them. */
export interface Repos {
  registrars: RegistrarRepo;
  tlds: TldRepo;
  poll: PollRepo;
  audit: AuditRepo;
  settings: SettingsRepo;
  contacts: ContactRepo;
  hosts: HostRepo;
  domains: DomainRepo;
  lifecycle: LifecycleRepo;
  billing: BillingRepo;
  transfers: TransferRepo;
  contactTransfers: ContactTransferRepo;
  /** The HTTP registrar API's own records (tokens, idempotency, request log, sandbox, protected names). */
  http: HttpRepo;
  /** Zone publication bookkeeping (serials, last publication per TLD). */
  zone: ZoneRepo;
  /** The Trademark Clearinghouse's lists and the launch registrations to report (RFC 9361). */
  tmch: TmchRepo;
  /** Operator maintenance (OT&E resets). */
  maintenance: MaintenanceRepo;
}

/**
 * The registry's storage. Handlers only see `Repos` inside `transaction`, so a PostgreSQL store for
 * multi-node deployments can implement this interface without touching them. SQLite is the embedded default.
 */
/** How a transaction is run. */
export interface TransactionOptions {
  /**
   * Transactions naming the same queue run one after the other, across every server process (a registrar's
   * commands: they all write its balance row). PostgreSQL would otherwise abort all but one of them and run
   * them again; queued, they wait their turn instead. SQLite runs one transaction at a time anyway.
   */
  queue?: string;
  /**
   * The transaction changes nothing but audit rows (a query): it may be answered before its commit is on
   * disk, as SQLite's store answers such batches, since no change it made can be lost (PostgreSQL:
   * synchronous_commit off for it alone; what it read was durable before it could be read).
   */
  auditOnly?: boolean;
}

/** Blocks of svTRID numbers: `reserve` resolves to the first of `blockSize` numbers no other process gets. */
export interface SvTridBlocks {
  readonly blockSize: number;
  reserve(): Promise<number>;
}

export interface Store {
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. Its effect is as if
   * transactions ran one at a time (SQLite: they do; PostgreSQL: SERIALIZABLE, run again when that fails).
   */
  transaction<T>(fn: (repos: Repos) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * Runs `fn` in a read-only transaction: one consistent snapshot of what is committed when it starts. It
   * never writes (a write throws), never waits for or joins the writers' transactions, and resolves only once
   * every change it could have read is durable (as a query's answer does), so a reader is never shown a
   * change a power loss could still take back. For doors that only publish data (RDAP).
   */
  read<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  /**
   * The limits a server process shares with the others serving this database (sessions, failed logins, HTTP
   * request counts), its heartbeat every `heartbeatMs`; null where one process serves it (SQLite), which
   * counts them in memory.
   */
  sharedLimits(heartbeatMs: number): SharedLimits | null;
  /**
   * Server transaction ids numbered registry-wide, in blocks a process reserves (PostgreSQL: a sequence);
   * null where one process serves the database (SQLite), which numbers its own.
   */
  readonly svTrids: SvTridBlocks | null;
  close(): Promise<void>;
}
