/**
 * Test seeding and read-back through the `Store` interface only (src/storage/store.ts): every write is one
 * `store.transaction` over the repositories, as the registry's own code writes, so that a second store
 * (PostgreSQL) runs the same suite. Seeded rows are what the registry itself would hold: row ids from the
 * repositories' sequences, roids as `roid()` makes them (C/D/H + id + the configured suffix), authInfo
 * passwords stored as given (the store keeps them as the client sent them), host addresses in canonical
 * form, statuses set as an update sets them (the sponsor as updater). What is seeded is the object alone:
 * no charge, no grace period, no poll message (a domain as created some time ago, its grace periods over).
 *
 * The suite runs on SQLite (`npm test`'s first pass) and on PostgreSQL (its second, REGISTRY_TEST_STORE=
 * postgres: see support/store-under-test.ts). Raw SQL in a test goes through `sqlRows` and `queryPlan`, which
 * work on both. SQLite-only tests (they test the SQLite store itself, and keep their raw SQL); they run in
 * both passes on a SQLite file of their own:
 * - statements.test.ts: the SQLite statement helpers (one compiled statement per SQL text, raw-mode row readers).
 * - wal-restart.test.ts, checkpoint-warnings.test.ts: the WAL file under sustained writes, the checkpoint
 *   worker and the warnings when it ends or fails.
 * - query-answers.test.ts: the group commit's fdatasync hooks and what a failed sync does.
 * - poll-count.test.ts: registrars.poll_pending, kept by triggers, against a COUNT(*) of poll_messages.
 * - crash-durability.test.ts and test/crash/invariants.ts: after a kill, the SQLite file itself
 *   (integrity_check, foreign_key_check, the SQL constraints, journal mode); postgres-cluster.test.ts is
 *   its PostgreSQL counterpart (two servers, one killed under load).
 * - test/crash/sync-cost.ts: the cost of SQLite's synchronous modes, on a scratch database.
 */
import { hashAuthInfo } from '../src/registry/auth-info.js';
import type Database from 'better-sqlite3';
import { parseAddress } from '../src/registry/addresses.js';
import { addYears } from '../src/registry/periods.js';
import { roid } from '../src/registry/roid.js';
import type { AuditEntry, Registrar } from '../src/storage/core-repos.js';
import type { Contact, PostalInfo, TciContactData } from '../src/storage/contact-repo.js';
import type { ContactTransfer } from '../src/storage/contact-transfer-repo.js';
import type { Domain } from '../src/storage/domain-repo.js';
import type { Host } from '../src/storage/host-repo.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { PgStore } from '../src/storage/postgres/pg-store.js';
import { translate } from '../src/storage/postgres/pg-db.js';
import type { Repos } from '../src/storage/store.js';
import type { Transfer } from '../src/storage/transfer-repo.js';
import type { TestRegistry } from './helpers.js';

/** One transaction on the test registry's store. */
function tx<T>(t: TestRegistry, fn: (r: Repos) => Promise<T>): Promise<T> {
  return t.registry.store.transaction(fn);
}

/**
 * A write made behind the server's back (as another process would make it): the server would notice a due
 * event it brings within its 10 s sweep; this tells it at once that one may have appeared.
 */
async function write<T>(t: TestRegistry, fn: (r: Repos) => Promise<T>): Promise<T> {
  const out = await tx(t, fn);
  t.registry.services.dueEvents.forget();
  return out;
}

async function registrarOf(r: Repos, clId: string): Promise<Registrar> {
  const reg = await r.registrars.byClId(clId);
  if (!reg) throw new Error(`seed: no registrar ${clId}`);
  return reg;
}

async function domainOf(r: Repos, name: string): Promise<Domain> {
  const d = await r.domains.byName(name);
  if (!d) throw new Error(`seed: no domain ${name}`);
  return d;
}

async function hostOf(r: Repos, name: string): Promise<Host> {
  const h = await r.hosts.byName(name);
  if (!h) throw new Error(`seed: no host ${name}`);
  return h;
}

async function contactOf(r: Repos, handle: string): Promise<Contact> {
  const c = await r.contacts.byHandle(handle);
  if (!c) throw new Error(`seed: no contact ${handle}`);
  return c;
}

// ---------------------------------------------------------------- registrars

export const registrar = (t: TestRegistry, clId: string): Promise<Registrar> => tx(t, (r) => registrarOf(r, clId));
export const registrarId = async (t: TestRegistry, clId: string): Promise<number> => (await registrar(t, clId)).id;
export const balance = async (t: TestRegistry, clId: string): Promise<number> => (await registrar(t, clId)).balance;

/** Sets the balance (an operator's correction: no ledger row). */
export function setBalance(t: TestRegistry, clId: string, amount: number): Promise<void> {
  return write(t, async (r) => r.registrars.update((await registrarOf(r, clId)).id, { balance: amount }, t.clock.now()));
}

// ---------------------------------------------------------------- contacts

export const POSTAL: PostalInfo = { name: 'Test Person', street: ['1 Main St'], city: 'Kazan', cc: 'RU' };
/** The TCI person data seeded contacts carry unless told otherwise (the OT&E TLDs require it of their domains' contacts). */
export const TCI_PERSON: TciContactData = { person: { birthday: '1980-01-01', passport: ['1234 567890 issued by Test Office'] } };

export interface ContactSeed {
  /** Sponsor (and creator); ClientX by default. */
  clId?: string;
  /** authInfo password; `contact-pw` by default. */
  pw?: string;
  statuses?: string[];
  /** The registry clock's now by default. */
  createdAt?: Date;
  email?: string;
  postalInt?: PostalInfo;
  /** TCI extension data; TCI_PERSON by default, null for a plain RFC 5733 contact. */
  tci?: TciContactData | null;
}

/** A contact as `contact:create` makes it (int postal data, an email); returns its roid. */
export async function seedContact(t: TestRegistry, handle: string, o: ContactSeed = {}): Promise<string> {
  const hash = await hashAuthInfo(o.pw ?? 'contact-pw');
  return write(t, async (r) => {
    const sponsor = await registrarOf(r, o.clId ?? 'ClientX');
    const id = await r.contacts.nextId();
    const made = roid('C', id, t.config.roidSuffix);
    await r.contacts.insert({
      id,
      handle,
      roid: made,
      registrarId: sponsor.id,
      createdAt: o.createdAt ?? t.clock.now(),
      auth: { hash, setAt: t.clock.now() },
      postalInt: o.postalInt ?? POSTAL,
      postalLoc: null,
      voice: null,
      fax: null,
      email: o.email ?? 'contact@example.qq',
      disclose: null,
      tci: o.tci === undefined ? TCI_PERSON : o.tci,
    });
    if (o.statuses?.length) await r.contacts.update(id, { statuses: o.statuses }, sponsor.id, t.clock.now());
    return made;
  });
}

/** Replaces a contact's stored statuses, as the registry does (the sponsor as updater). */
export function setContactStatuses(t: TestRegistry, handle: string, statuses: string[]): Promise<void> {
  return write(t, async (r) => {
    const c = await contactOf(r, handle);
    await r.contacts.update(c.id, { statuses }, c.sponsorId, t.clock.now());
  });
}

export const readContact = (t: TestRegistry, handle: string): Promise<Contact | undefined> => tx(t, (r) => r.contacts.byHandle(handle));

/** Every transfer of the contact, oldest first. */
export const contactTransfers = (t: TestRegistry, contactId: number): Promise<ContactTransfer[]> => tx(t, (r) => r.contactTransfers.history(contactId));

// ---------------------------------------------------------------- domains

export interface DomainSeed {
  clId?: string;
  /** authInfo password; `domain-pw` by default. */
  pw?: string;
  statuses?: string[];
  /** The registry clock's now by default. */
  createdAt?: Date;
  /** A year after createdAt by default. */
  expiresAt?: Date;
  /** Last transfer (trDate), as a completed transfer leaves it. */
  transferredAt?: Date;
  /** The label after the first dot by default. */
  tld?: string;
  /** The registrant's contact id (handle). */
  registrant?: string;
}

/** A domain (lower-case A-label name) as `domain:create` makes it, without charge or grace period; returns its row id. */
export async function seedDomain(t: TestRegistry, name: string, o: DomainSeed = {}): Promise<number> {
  const hash = await hashAuthInfo(o.pw ?? 'domain-pw');
  return write(t, async (r) => {
    const sponsor = await registrarOf(r, o.clId ?? 'ClientX');
    const registrant = o.registrant === undefined ? undefined : await r.domains.contactByHandle(o.registrant);
    if (o.registrant !== undefined && !registrant) throw new Error(`seed: no contact ${o.registrant}`);
    const id = await r.domains.nextId();
    const createdAt = o.createdAt ?? t.clock.now();
    await r.domains.insert({
      id,
      name,
      tld: o.tld ?? name.slice(name.indexOf('.') + 1),
      roid: roid('D', id, t.config.roidSuffix),
      registrarId: sponsor.id,
      registrantId: registrant?.id ?? null,
      createdAt,
      expiresAt: o.expiresAt ?? addYears(createdAt, 1),
      auth: { hash, setAt: t.clock.now() },
      maxSigLife: null,
      description: null,
    });
    if (o.statuses?.length) await r.domains.update(id, { statuses: o.statuses }, sponsor.id, t.clock.now());
    if (o.transferredAt) {
      await r.transfers.moveDomain(id, sponsor.id, null, o.transferredAt);
      // A completed transfer unsets the authInfo (RFC 9154); the seed's sponsor has set a new one since.
      await r.domains.update(id, { auth: { hash, setAt: t.clock.now() } }, sponsor.id, t.clock.now());
    }
    return id;
  });
}

/** Replaces a domain's stored statuses, as the registry does (the sponsor as updater). */
export function setDomainStatuses(t: TestRegistry, name: string, statuses: string[]): Promise<void> {
  return write(t, async (r) => {
    const d = await domainOf(r, name);
    await r.domains.update(d.id, { statuses }, d.sponsorId, t.clock.now());
  });
}

/** Delegates the domain to these host objects (as a domain update adding them would). */
export function delegate(t: TestRegistry, domain: string, ...hosts: string[]): Promise<void> {
  return write(t, async (r) => {
    const d = await domainOf(r, domain);
    for (const h of hosts) await r.domains.addNameserver(d.id, (await hostOf(r, h)).id);
  });
}

/** Removes every delegation of the domain to host objects. */
export function undelegate(t: TestRegistry, domain: string): Promise<void> {
  return write(t, async (r) => {
    const d = await domainOf(r, domain);
    for (const h of await r.domains.nameservers(d.id)) await r.domains.removeNameserver(d.id, h.id);
  });
}

export const readDomain = (t: TestRegistry, name: string): Promise<Domain | undefined> => tx(t, (r) => r.domains.byName(name));

/** Names of the host objects the domain is delegated to, in name order. */
export const nameservers = (t: TestRegistry, domain: string): Promise<string[]> =>
  tx(t, async (r) => (await r.domains.nameservers((await domainOf(r, domain)).id)).map((h) => h.name));

/** Every transfer of the domain, oldest first. */
export const domainTransfers = (t: TestRegistry, domainId: number): Promise<Transfer[]> => tx(t, (r) => r.transfers.history(domainId));

/** The hosts under the domain (its subordinate hosts), in name order. */
export const subordinateHosts = (t: TestRegistry, domainId: number): Promise<Host[]> =>
  tx(t, async (r) => {
    const hosts: Host[] = [];
    for (const n of await r.domains.subordinateHosts(domainId)) hosts.push(await hostOf(r, n));
    return hosts;
  });

// ---------------------------------------------------------------- hosts

export interface HostSeed {
  clId?: string;
  /** The superordinate domain: its name, or its row id. */
  superordinate?: string | number;
  /** IPv6 when it holds a colon, IPv4 otherwise; stored in canonical form. */
  addrs?: string[];
  statuses?: string[];
  /** The registry clock's now by default. */
  createdAt?: Date;
}

/** A host (lower-case A-label name) as `host:create` makes it; returns its row id. */
export function seedHost(t: TestRegistry, name: string, o: HostSeed = {}): Promise<number> {
  return write(t, async (r) => {
    const sponsor = await registrarOf(r, o.clId ?? 'ClientX');
    const sup = o.superordinate === undefined ? null : typeof o.superordinate === 'number' ? o.superordinate : (await domainOf(r, o.superordinate)).id;
    const id = await r.hosts.nextId();
    await r.hosts.insert({ id, name, roid: roid('H', id, t.config.roidSuffix), registrarId: sponsor.id, createdAt: o.createdAt ?? t.clock.now(), superordinateId: sup });
    for (const a of o.addrs ?? []) {
      const p = parseAddress(a, a.includes(':') ? 'v6' : 'v4');
      if (!p.ok) throw new Error(`seed: ${a}: ${p.reason}`);
      await r.hosts.addAddress(id, p.address);
    }
    if (o.statuses?.length) await r.hosts.update(id, { statuses: o.statuses }, sponsor.id, t.clock.now());
    return id;
  });
}

/** Replaces a host's stored statuses, as the registry does (the sponsor as updater). */
export function setHostStatuses(t: TestRegistry, name: string, statuses: string[]): Promise<void> {
  return write(t, async (r) => {
    const h = await hostOf(r, name);
    await r.hosts.update(h.id, { statuses }, h.sponsorId, t.clock.now());
  });
}

export const readHost = (t: TestRegistry, name: string): Promise<Host | undefined> => tx(t, (r) => r.hosts.byName(name));

/** The host's superordinate domain's name (null for an external host); undefined when there is no such host. */
export const superordinateOf = (t: TestRegistry, host: string): Promise<string | null | undefined> =>
  tx(t, async (r) => {
    const h = await r.hosts.byName(host);
    if (!h) return undefined;
    return h.superordinateId === null ? null : ((await r.transfers.domainById(h.superordinateId))?.name ?? null);
  });

// ---------------------------------------------------------------- audit and settings

/** Every audit row, newest first. */
export const auditRows = (t: TestRegistry): Promise<Array<AuditEntry & { id: number }>> => tx(t, (r) => r.audit.recent(null, Number.MAX_SAFE_INTEGER));

export const setting = (t: TestRegistry, key: string): Promise<string | undefined> => tx(t, (r) => r.settings.get(key));

// ---------------------------------------------------------------- what only a given store can do

/**
 * Rows of one SQL query on the registry's own database, whichever the store (the shared SQL dialect of
 * src/storage/sql/db.ts, `?` parameters): for the checks of what is stored (a hash, never the secret).
 */
export async function sqlRows(t: TestRegistry, sql: string, ...params: unknown[]): Promise<Array<Record<string, unknown>>> {
  const store = t.registry.store;
  if (store instanceof SqliteStore) return store.db.prepare(sql).all(...params) as Array<Record<string, unknown>>;
  if (store instanceof PgStore) return (await store.pool.query(translate(sql).text, params)).rows as Array<Record<string, unknown>>;
  throw new Error('sqlRows: unknown store');
}

/**
 * The plan the registry's database makes for a query (no parameters), as text: SQLite's EXPLAIN QUERY PLAN,
 * or PostgreSQL's EXPLAIN with sequential scans priced out (a test's few rows would make any table a scan).
 */
export async function queryPlan(t: TestRegistry, sql: string): Promise<string> {
  const store = t.registry.store;
  if (store instanceof SqliteStore) return (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((p) => p.detail).join('\n');
  if (!(store instanceof PgStore)) throw new Error('queryPlan: unknown store');
  const c = await store.pool.connect();
  try {
    await c.query('SET enable_seqscan = off');
    const rows = (await c.query(`EXPLAIN ${sql}`)).rows as Array<{ 'QUERY PLAN': string }>;
    await c.query('RESET enable_seqscan');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    c.release();
  }
}

/** The SQLite handle when the registry runs on the SQLite store (for the SQLite-only checks listed above). */
export function sqliteDb(t: TestRegistry): Database.Database | undefined {
  const store = t.registry.store;
  return store instanceof SqliteStore ? store.db : undefined;
}

