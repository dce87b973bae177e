import { inList, type SqlDb } from './db.js';
import { resolvePolicy } from '../../registry/policy.js';
import type { Disclose, PostalInfo, TciContactData } from '../contact-repo.js';
import type { Tld } from '../core-repos.js';
import type { DomainContactType, HostAttr } from '../domain-repo.js';
import type {
  EscrowChangesSince,
  EscrowContact,
  EscrowDeletion,
  EscrowDepositRecord,
  EscrowDomain,
  EscrowHost,
  EscrowRegistrar,
  EscrowSnapshot,
  EscrowStore,
  EscrowTransfer,
} from '../escrow-source.js';
import type { GraceKind } from '../lifecycle-repo.js';
import type { TransferStatus } from '../transfer-repo.js';

/** Objects read per query: big enough that a page's association queries cost little each, small enough to stay flat. */
const PAGE = 1000;

const date = (v: number | null): Date | null => (v === null ? null : new Date(v));
const json = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
/** The ids of a page as one parameter (see `inList`). */
const idList = (rows: Array<{ id: number }>) => JSON.stringify(rows.map((r) => r.id));

/** Rows of a page grouped by their owner's id. */
function groupBy<R, K extends keyof R>(rows: R[], key: K): Map<R[K], R[]> {
  const m = new Map<R[K], R[]>();
  for (const r of rows) {
    const list = m.get(r[key]);
    if (list) list.push(r);
    else m.set(r[key], [r]);
  }
  return m;
}

/** A connection the escrow reads or writes through, and how to let it go. */
export interface EscrowConnection {
  db: SqlDb;
  close(): Promise<void>;
}

/**
 * Where a store kind plugs in (sqlite/escrow-connections.ts, postgres/escrow-connections.ts): a connection
 * outside any snapshot for the deposit records, the escrow clock's tick (a transaction of its own), and a
 * connection opened in one read-only snapshot that holds every change committed before the tick.
 */
export interface EscrowConnections {
  records: EscrowConnection;
  /** Moves `escrow_clock.epoch` on by one (committed) and answers the epoch before it. */
  tick(): Promise<number>;
  /** Takes the TLD's deposit lock until `records` closes; false when another holder has it. */
  lockTld(tld: string): Promise<boolean>;
  openSnapshot(): Promise<EscrowConnection>;
}

/**
 * The escrow's side of the database, on either store. Deposits read through a connection of their own in
 * one read-only snapshot that never blocks the server's writers (each store's connections say how the
 * snapshot is kept consistent with the tick while commands commit meanwhile).
 */
export class SqlEscrowStore implements EscrowStore {
  constructor(private readonly c: EscrowConnections) {}

  async previousDeposit(tld: string, before: Date): Promise<EscrowDepositRecord | undefined> {
    const r = await this.c.records.db
      .prepare<[string, number], DepositRow>('SELECT * FROM escrow_deposits WHERE tld = ? AND watermark < ? ORDER BY watermark DESC, id DESC LIMIT 1')
      .get(tld, before.getTime());
    return r && toRecord(r);
  }

  async depositsMade(tld: string, type: 'FULL' | 'DIFF', watermark: Date): Promise<number> {
    const sql = 'SELECT COUNT(*) FROM escrow_deposits WHERE tld = ? AND type = ? AND watermark = ?';
    return (await this.c.records.db.pluck<[string, string, number], number>(sql).get(tld, type, watermark.getTime()))!;
  }

  async lock(tld: string): Promise<void> {
    if (!(await this.c.lockTld(tld))) throw new Error(`another deposit of ${tld} is being made now (by another process): try again once it is done`);
  }

  async openSnapshot(): Promise<EscrowSnapshot> {
    // Every change committed before the tick carries a stamp at or below `epoch`; every later one above it.
    const epoch = await this.c.tick();
    const conn = await this.c.openSnapshot();
    try {
      return await SqlEscrowSnapshot.open(conn, epoch);
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  async record(d: EscrowDepositRecord): Promise<void> {
    const db = this.c.records.db;
    await db
      .prepare(
        `INSERT INTO escrow_deposits (tld, deposit_id, type, watermark, resend, prev_id, epoch, snapshot_at, base_name, counts, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.tld,
        d.depositId,
        d.type,
        d.watermark.getTime(),
        d.resend,
        d.prevId,
        d.epoch,
        d.snapshotAt.getTime(),
        d.baseName,
        JSON.stringify(d.counts),
        JSON.stringify(d.state),
        d.createdAt.getTime(),
      );
    // Deletions every TLD's latest deposit has seen are no longer needed by any differential deposit.
    await db
      .prepare('DELETE FROM escrow_deletions WHERE epoch <= (SELECT MIN(latest) FROM (SELECT MAX(epoch) AS latest FROM escrow_deposits GROUP BY tld) AS per_tld)')
      .run();
  }

  close(): Promise<void> {
    return this.c.records.close();
  }
}

interface DepositRow {
  tld: string;
  deposit_id: string;
  type: 'FULL' | 'DIFF';
  watermark: number;
  resend: number;
  prev_id: string | null;
  epoch: number;
  snapshot_at: number;
  base_name: string;
  counts: string;
  state: string;
  created_at: number;
}

function toRecord(r: DepositRow): EscrowDepositRecord {
  return {
    tld: r.tld,
    depositId: r.deposit_id,
    type: r.type,
    watermark: new Date(r.watermark),
    resend: r.resend,
    prevId: r.prev_id,
    epoch: r.epoch,
    snapshotAt: new Date(r.snapshot_at),
    baseName: r.base_name,
    counts: JSON.parse(r.counts) as Record<string, number>,
    state: JSON.parse(r.state) as EscrowDepositRecord['state'],
    createdAt: new Date(r.created_at),
  };
}

interface TransferRow {
  owner: number;
  status: TransferStatus;
  requester_id: number;
  losing_id: number;
  requested_at: number;
  action_at: number;
  new_expires_at?: number | null;
}

class SqlEscrowSnapshot implements EscrowSnapshot {
  private readonly db: SqlDb;
  private readonly clIds = new Map<number, string>();
  /** Read when the snapshot opens (a few rows, asked for throughout a deposit). */
  private tldList: Tld[] = [];
  private allRegistrars: EscrowRegistrar[] = [];

  private constructor(
    private readonly conn: EscrowConnection,
    readonly epoch: number,
  ) {
    this.db = conn.db;
  }

  static async open(conn: EscrowConnection, epoch: number): Promise<SqlEscrowSnapshot> {
    const s = new SqlEscrowSnapshot(conn, epoch);
    // On SQLite the snapshot starts at the first read of the transaction.
    for (const r of await s.db.prepare<[], { id: number; cl_id: string }>('SELECT id, cl_id FROM registrars').all()) s.clIds.set(r.id, r.cl_id);
    s.tldList = (await s.db.prepare<[], { name: string; policy: string }>('SELECT name, policy FROM tlds ORDER BY name').all()).map((r) => ({
      name: r.name,
      policy: resolvePolicy(JSON.parse(r.policy)),
    }));
    s.allRegistrars = await s.registrarRows('');
    return s;
  }

  private clId(id: number): string {
    const c = this.clIds.get(id);
    if (c === undefined) throw new Error(`registrar ${id} is missing from the snapshot`);
    return c;
  }

  private clIdOrNull(id: number | null): string | null {
    return id === null ? null : this.clId(id);
  }

  tlds(): Tld[] {
    return this.tldList;
  }

  private async registrarRows(where: string, ...params: unknown[]): Promise<EscrowRegistrar[]> {
    const rows = (await this.db
      .prepare(`SELECT id, cl_id, name, status, email, iana_id, postal_address, phone, created_at, updated_at FROM registrars ${where} ORDER BY cl_id`)
      .all(...params)) as Array<{ id: number; cl_id: string; name: string; status: 'active' | 'suspended'; email: string | null; iana_id: number | null; postal_address: string | null; phone: string | null; created_at: number; updated_at: number }>;
    return rows.map((r) => ({
      id: r.id,
      clId: r.cl_id,
      name: r.name,
      status: r.status,
      email: r.email,
      ianaId: r.iana_id,
      address: r.postal_address === null ? null : (JSON.parse(r.postal_address) as EscrowRegistrar['address']),
      phone: r.phone,
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    }));
  }

  registrars(): EscrowRegistrar[] {
    return this.allRegistrars;
  }

  changedRegistrars(epoch: number): Promise<EscrowRegistrar[]> {
    return this.registrarRows('WHERE escrow_epoch > ?', epoch);
  }

  private async transfers(table: 'domain_transfers' | 'contact_transfers', owner: 'domain_id' | 'contact_id', ids: string): Promise<Map<number, EscrowTransfer>> {
    const exp = table === 'domain_transfers' ? ', t.new_expires_at' : '';
    const rows = (await this.db
      .prepare(
        `SELECT t.${owner} AS owner, t.status, t.requester_id, t.losing_id, t.requested_at, t.action_at${exp}
           FROM ${table} t
          WHERE t.id IN (SELECT max(id) FROM ${table} WHERE ${owner} IN ${inList(this.db, 'int')} GROUP BY ${owner})`,
      )
      .all(ids)) as TransferRow[];
    return new Map(
      rows.map((r) => [
        r.owner,
        {
          status: r.status,
          requesterClId: this.clId(r.requester_id),
          requestedAt: new Date(r.requested_at),
          losingClId: this.clId(r.losing_id),
          actionAt: new Date(r.action_at),
          newExpiresAt: date(r.new_expires_at ?? null),
        },
      ]),
    );
  }

  async *domains(tld: string, createdBy: Date, now: Date, since?: EscrowChangesSince): AsyncIterable<EscrowDomain[]> {
    // A differential deposit: changed rows, domains created after the previous watermark (left out of it), and
    // domains whose grace, redemption or restore-report period ended since the previous snapshot (their
    // RFC 3915 state changed without a write).
    const changed = since
      ? `AND (d.escrow_epoch > @epoch OR d.created_at > @prevWatermark
              OR EXISTS (SELECT 1 FROM domain_grace_periods g WHERE g.domain_id = d.id AND g.ends_at > @prevAt AND g.ends_at <= @now)
              OR (d.redemption_ends_at > @prevAt AND d.redemption_ends_at <= @now)
              OR (d.restore_report_by > @prevAt AND d.restore_report_by <= @now))`
      : '';
    const page = this.db.prepare(
      `SELECT d.id, d.name, d.tld, d.roid, d.sponsor_id, d.creator_id, d.updater_id, c.handle AS registrant, d.created_at, d.updated_at,
              d.expires_at, d.transferred_at, d.statuses, d.max_sig_life, d.description, d.deleted_at, d.redemption_ends_at, d.purge_at,
              d.restore_requested_at, d.restore_report_by, d.delete_sv_trid
         FROM domains d LEFT JOIN contacts c ON c.id = d.registrant_id
        WHERE d.tld = @tld AND d.id > @after AND d.created_at <= @createdBy ${changed}
        ORDER BY d.id LIMIT ${PAGE}`,
    );
    const contactsOf = this.db.prepare(
      `SELECT dc.domain_id, dc.type, c.handle FROM domain_contacts dc JOIN contacts c ON c.id = dc.contact_id
        WHERE dc.domain_id IN ${inList(this.db, 'int')}
        ORDER BY dc.domain_id, CASE dc.type WHEN 'admin' THEN 0 WHEN 'tech' THEN 1 ELSE 2 END, c.handle`,
    );
    const nsOf = this.db.prepare(
      `SELECT n.domain_id, h.name FROM domain_nameservers n JOIN hosts h ON h.id = n.host_id
        WHERE n.domain_id IN ${inList(this.db, 'int')} ORDER BY n.domain_id, h.name`,
    );
    const attrsOf = this.db.prepare(`SELECT domain_id, name, addrs FROM domain_host_attrs WHERE domain_id IN ${inList(this.db, 'int')} ORDER BY domain_id, name`);
    const dsOf = this.db.prepare(`SELECT * FROM domain_ds WHERE domain_id IN ${inList(this.db, 'int')} ORDER BY domain_id, rowid`);
    const keysOf = this.db.prepare(`SELECT domain_id, flags, protocol, alg, pub_key FROM domain_keys WHERE domain_id IN ${inList(this.db, 'int')} ORDER BY domain_id, rowid`);
    const gracesOf = this.db.prepare(
      `SELECT domain_id, kind, registrar_id, ends_at, amount FROM domain_grace_periods WHERE domain_id IN ${inList(this.db, 'int')} AND ends_at > ? ORDER BY domain_id, ends_at`,
    );
    const params = {
      tld,
      after: 0,
      createdBy: createdBy.getTime(),
      ...(since ? { epoch: since.epoch, prevWatermark: since.watermark.getTime(), prevAt: since.snapshotAt.getTime(), now: now.getTime() } : {}),
    };
    for (;;) {
      const rows = (await page.all(params)) as DomainRow[];
      if (rows.length === 0) return;
      params.after = rows[rows.length - 1].id;
      const ids = idList(rows);
      const contacts = groupBy((await contactsOf.all(ids)) as Array<{ domain_id: number; type: DomainContactType; handle: string }>, 'domain_id');
      const ns = groupBy((await nsOf.all(ids)) as Array<{ domain_id: number; name: string }>, 'domain_id');
      const attrs = groupBy((await attrsOf.all(ids)) as Array<{ domain_id: number; name: string; addrs: string }>, 'domain_id');
      const ds = groupBy((await dsOf.all(ids)) as DsRow[], 'domain_id');
      const keys = groupBy((await keysOf.all(ids)) as Array<{ domain_id: number; flags: number; protocol: number; alg: number; pub_key: string }>, 'domain_id');
      const graces = groupBy((await gracesOf.all(ids, now.getTime())) as Array<{ domain_id: number; kind: GraceKind; registrar_id: number; ends_at: number; amount: number }>, 'domain_id');
      const transfers = await this.transfers('domain_transfers', 'domain_id', ids);
      yield rows.map((r) => ({
        id: r.id,
        name: r.name,
        tld: r.tld,
        roid: r.roid,
        sponsorClId: this.clId(r.sponsor_id),
        creatorClId: this.clId(r.creator_id),
        updaterClId: this.clIdOrNull(r.updater_id),
        registrantHandle: r.registrant,
        createdAt: new Date(r.created_at),
        updatedAt: date(r.updated_at),
        expiresAt: new Date(r.expires_at),
        transferredAt: date(r.transferred_at),
        statuses: JSON.parse(r.statuses) as string[],
        maxSigLife: r.max_sig_life,
        description: r.description,
        contacts: (contacts.get(r.id) ?? []).map((c) => ({ type: c.type, handle: c.handle })),
        hostObjs: (ns.get(r.id) ?? []).map((h) => h.name),
        hostAttrs: (attrs.get(r.id) ?? []).map((a) => ({ name: a.name, addrs: JSON.parse(a.addrs) as HostAttr['addrs'] })),
        ds: (ds.get(r.id) ?? []).map((x) => ({
          keyTag: x.key_tag,
          alg: x.alg,
          digestType: x.digest_type,
          digest: x.digest,
          ...(x.key_pub !== null ? { key: { flags: x.key_flags!, protocol: x.key_protocol!, alg: x.key_alg!, pubKey: x.key_pub } } : {}),
        })),
        keys: (keys.get(r.id) ?? []).map((k) => ({ flags: k.flags, protocol: k.protocol, alg: k.alg, pubKey: k.pub_key })),
        graces: (graces.get(r.id) ?? []).map((g) => ({ kind: g.kind, registrarId: g.registrar_id, endsAt: new Date(g.ends_at), amount: g.amount })),
        deletion:
          r.deleted_at === null
            ? undefined
            : {
                deletedAt: new Date(r.deleted_at),
                redemptionEndsAt: new Date(r.redemption_ends_at!),
                purgeAt: new Date(r.purge_at!),
                restoreRequestedAt: date(r.restore_requested_at),
                restoreReportBy: date(r.restore_report_by),
                deleteSvTRID: r.delete_sv_trid,
              },
        transfer: transfers.get(r.id),
      }));
    }
  }

  async *hosts(sinceEpoch?: number): AsyncIterable<EscrowHost[]> {
    const page = this.db.prepare(
      `SELECT id, name, roid, sponsor_id, creator_id, updater_id, created_at, updated_at, transferred_at, statuses FROM hosts
        WHERE id > ? ${sinceEpoch === undefined ? '' : 'AND escrow_epoch > ?'} ORDER BY id LIMIT ${PAGE}`,
    );
    const addrsOf = this.db.prepare(`SELECT host_id, ip, addr FROM host_addresses WHERE host_id IN ${inList(this.db, 'int')} ORDER BY host_id, ip, rowid`);
    const linkedOf = this.db.pluck(`SELECT DISTINCT host_id FROM domain_nameservers WHERE host_id IN ${inList(this.db, 'int')}`);
    let after = 0;
    for (;;) {
      const rows = (await (sinceEpoch === undefined ? page.all(after) : page.all(after, sinceEpoch))) as HostRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      const ids = idList(rows);
      const addrs = groupBy((await addrsOf.all(ids)) as Array<{ host_id: number; ip: 'v4' | 'v6'; addr: string }>, 'host_id');
      const linked = new Set((await linkedOf.all(ids)) as number[]);
      yield rows.map((r) => ({
        id: r.id,
        name: r.name,
        roid: r.roid,
        sponsorClId: this.clId(r.sponsor_id),
        creatorClId: this.clId(r.creator_id),
        updaterClId: this.clIdOrNull(r.updater_id),
        createdAt: new Date(r.created_at),
        updatedAt: date(r.updated_at),
        transferredAt: date(r.transferred_at),
        statuses: JSON.parse(r.statuses) as string[],
        addresses: (addrs.get(r.id) ?? []).map((a) => ({ ip: a.ip, addr: a.addr })),
        linked: linked.has(r.id),
      }));
    }
  }

  async *contacts(sinceEpoch?: number): AsyncIterable<EscrowContact[]> {
    const page = this.db.prepare(
      `SELECT id, handle, roid, sponsor_id, creator_id, updater_id, created_at, updated_at, transferred_at, statuses, postal_int, postal_loc,
              voice, voice_x, fax, fax_x, email, disclose, tci
         FROM contacts WHERE id > ? ${sinceEpoch === undefined ? '' : 'AND escrow_epoch > ?'} ORDER BY id LIMIT ${PAGE}`,
    );
    const linkedOf = this.db.pluck(
      `SELECT contact_id FROM domain_contacts WHERE contact_id IN ${inList(this.db, 'int', '@ids')}
       UNION SELECT registrant_id FROM domains WHERE registrant_id IN ${inList(this.db, 'int', '@ids')}`,
    );
    const phone = (number: string | null, x: string | null) => (number === null ? null : x === null ? { number } : { number, x });
    let after = 0;
    for (;;) {
      const rows = (await (sinceEpoch === undefined ? page.all(after) : page.all(after, sinceEpoch))) as ContactRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      const ids = idList(rows);
      const linked = new Set((await linkedOf.all({ ids })) as number[]);
      const transfers = await this.transfers('contact_transfers', 'contact_id', ids);
      yield rows.map((r) => ({
        id: r.id,
        handle: r.handle,
        roid: r.roid,
        sponsorClId: this.clId(r.sponsor_id),
        creatorClId: this.clId(r.creator_id),
        updaterClId: this.clIdOrNull(r.updater_id),
        createdAt: new Date(r.created_at),
        updatedAt: date(r.updated_at),
        transferredAt: date(r.transferred_at),
        statuses: JSON.parse(r.statuses) as string[],
        postalInt: json<PostalInfo>(r.postal_int),
        postalLoc: json<PostalInfo>(r.postal_loc),
        voice: phone(r.voice, r.voice_x),
        fax: phone(r.fax, r.fax_x),
        email: r.email,
        disclose: json<Disclose>(r.disclose),
        tci: json<TciContactData>(r.tci),
        linked: linked.has(r.id),
        transfer: transfers.get(r.id),
      }));
    }
  }

  async *deletions(tld: string, sinceEpoch: number): AsyncIterable<EscrowDeletion[]> {
    const page = this.db.prepare(
      `SELECT id, kind, name, roid FROM escrow_deletions WHERE id > ? AND epoch > ? AND (kind <> 'domain' OR tld = ?) ORDER BY id LIMIT ${PAGE}`,
    );
    let after = 0;
    for (;;) {
      const rows = (await page.all(after, sinceEpoch, tld)) as Array<EscrowDeletion & { id: number }>;
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      yield rows.map((r) => ({ kind: r.kind, name: r.name, roid: r.roid }));
    }
  }

  async domainExists(name: string, createdBy: Date): Promise<boolean> {
    return (await this.db.prepare('SELECT 1 FROM domains WHERE name = ? AND created_at <= ?').get(name, createdBy.getTime())) !== undefined;
  }

  async contactExists(handle: string): Promise<boolean> {
    return (await this.db.prepare('SELECT 1 FROM contacts WHERE handle = ?').get(handle)) !== undefined;
  }

  async protectedNames(tld: string): Promise<string[]> {
    return this.db.pluck<[string], string>("SELECT name FROM protected_names WHERE decided_at IS NULL AND name LIKE '%.' || CAST(? AS TEXT) ORDER BY name").all(tld);
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

interface DomainRow {
  id: number;
  name: string;
  tld: string;
  roid: string;
  sponsor_id: number;
  creator_id: number;
  updater_id: number | null;
  registrant: string | null;
  created_at: number;
  updated_at: number | null;
  expires_at: number;
  transferred_at: number | null;
  statuses: string;
  max_sig_life: number | null;
  description: string | null;
  deleted_at: number | null;
  redemption_ends_at: number | null;
  purge_at: number | null;
  restore_requested_at: number | null;
  restore_report_by: number | null;
  delete_sv_trid: string | null;
}

interface DsRow {
  domain_id: number;
  key_tag: number;
  alg: number;
  digest_type: number;
  digest: string;
  key_flags: number | null;
  key_protocol: number | null;
  key_alg: number | null;
  key_pub: string | null;
}

interface HostRow {
  id: number;
  name: string;
  roid: string;
  sponsor_id: number;
  creator_id: number;
  updater_id: number | null;
  created_at: number;
  updated_at: number | null;
  transferred_at: number | null;
  statuses: string;
}

interface ContactRow {
  id: number;
  handle: string;
  roid: string;
  sponsor_id: number;
  creator_id: number;
  updater_id: number | null;
  created_at: number;
  updated_at: number | null;
  transferred_at: number | null;
  statuses: string;
  postal_int: string | null;
  postal_loc: string | null;
  voice: string | null;
  voice_x: string | null;
  fax: string | null;
  fax_x: string | null;
  email: string;
  disclose: string | null;
  tci: string | null;
}
