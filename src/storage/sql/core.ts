import type { PremiumName } from '../../registry/pricing.js';
import type { SqlDb } from './db.js';
import { pollEventFromStored, storedPollEvent, type PollEvent } from '../../registry/poll-events.js';
import { resolvePolicy } from '../../registry/policy.js';
import type {
  AuditEntry,
  AuditRepo,
  NewRegistrar,
  PollMessage,
  PollRepo,
  Registrar,
  RegistrarRepo,
  SettingsRepo,
  Tld,
  TldRepo,
} from '../core-repos.js';

interface RegistrarRow {
  id: number;
  cl_id: string;
  name: string;
  password_hash: string;
  status: 'active' | 'suspended';
  cert_fingerprints: string;
  allowed_ips: string | null;
  max_sessions: number;
  balance: number;
  email: string | null;
  iana_id: number | null;
  abuse_email: string | null;
  abuse_phone: string | null;
  url: string | null;
  rdap_base_url: string | null;
  password_changed_at: number;
  failed_logins: number;
  command_rate: number | null;
  postal_address: string | null;
  phone: string | null;
}

function toRegistrar(r: RegistrarRow | undefined): Registrar | undefined {
  if (!r) return undefined;
  return {
    id: r.id,
    clId: r.cl_id,
    name: r.name,
    passwordHash: r.password_hash,
    status: r.status,
    certFingerprints: JSON.parse(r.cert_fingerprints) as string[],
    allowedIps: r.allowed_ips === null ? null : (JSON.parse(r.allowed_ips) as string[]),
    maxSessions: r.max_sessions,
    balance: r.balance,
    email: r.email,
    ianaId: r.iana_id,
    abuseEmail: r.abuse_email,
    abusePhone: r.abuse_phone,
    url: r.url,
    rdapBaseUrl: r.rdap_base_url,
    passwordChangedAt: new Date(r.password_changed_at),
    failedLogins: r.failed_logins,
    commandRate: r.command_rate,
    address: r.postal_address === null ? null : (JSON.parse(r.postal_address) as Registrar['address']),
    phone: r.phone,
  };
}

export class SqlRegistrarRepo implements RegistrarRepo {
  private readonly byClIdStmt;
  private readonly byIdStmt;
  constructor(private readonly db: SqlDb) {
    this.byClIdStmt = db.prepare<[string], RegistrarRow>('SELECT * FROM registrars WHERE cl_id = ?');
    this.byIdStmt = db.prepare<[number], RegistrarRow>('SELECT * FROM registrars WHERE id = ?');
  }
  async byClId(clId: string) {
    return toRegistrar(await this.byClIdStmt.get(clId));
  }
  async byId(id: number) {
    return toRegistrar(await this.byIdStmt.get(id));
  }
  async list() {
    return (await this.db.prepare('SELECT * FROM registrars ORDER BY cl_id').all() as RegistrarRow[]).map((r) => toRegistrar(r)!);
  }
  async insert(r: NewRegistrar, now: Date) {
    const id = await this.db
      .pluck<unknown[], number>(
        `INSERT INTO registrars (cl_id, name, password_hash, cert_fingerprints, allowed_ips, max_sessions, balance, email, iana_id, abuse_email, abuse_phone, url, rdap_base_url, created_at, updated_at, password_changed_at, command_rate, postal_address, phone)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        r.clId,
        r.name,
        r.passwordHash,
        JSON.stringify(r.certFingerprints ?? []),
        r.allowedIps ? JSON.stringify(r.allowedIps) : null,
        r.maxSessions ?? 10,
        r.balance ?? 0,
        r.email ?? null,
        r.ianaId ?? null,
        r.abuseEmail ?? null,
        r.abusePhone ?? null,
        r.url ?? null,
        r.rdapBaseUrl ?? null,
        now.getTime(),
        now.getTime(),
        now.getTime(),
        r.commandRate ?? null,
        r.address ? JSON.stringify(r.address) : null,
        r.phone ?? null,
      );
    return (await this.byId(id!))!;
  }
  async update(id: number, c: Partial<Omit<Registrar, 'id' | 'clId' | 'passwordChangedAt' | 'failedLogins'>>, now: Date) {
    const cols: Record<string, unknown> = {};
    if (c.name !== undefined) cols.name = c.name;
    if (c.passwordHash !== undefined) {
      cols.password_hash = c.passwordHash;
      cols.password_changed_at = now.getTime();
    }
    if (c.status !== undefined) cols.status = c.status;
    if (c.certFingerprints !== undefined) cols.cert_fingerprints = JSON.stringify(c.certFingerprints);
    if (c.allowedIps !== undefined) cols.allowed_ips = c.allowedIps === null ? null : JSON.stringify(c.allowedIps);
    if (c.maxSessions !== undefined) cols.max_sessions = c.maxSessions;
    if (c.balance !== undefined) cols.balance = c.balance;
    if (c.email !== undefined) cols.email = c.email;
    if (c.ianaId !== undefined) cols.iana_id = c.ianaId;
    if (c.abuseEmail !== undefined) cols.abuse_email = c.abuseEmail;
    if (c.abusePhone !== undefined) cols.abuse_phone = c.abusePhone;
    if (c.url !== undefined) cols.url = c.url;
    if (c.rdapBaseUrl !== undefined) cols.rdap_base_url = c.rdapBaseUrl;
    if (c.commandRate !== undefined) cols.command_rate = c.commandRate;
    if (c.address !== undefined) cols.postal_address = c.address === null ? null : JSON.stringify(c.address);
    if (c.phone !== undefined) cols.phone = c.phone;
    cols.updated_at = now.getTime();
    const keys = Object.keys(cols);
    await this.db.prepare(`UPDATE registrars SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...cols, id });
  }
  async loginFailed(id: number) {
    await this.db.prepare('UPDATE registrars SET failed_logins = failed_logins + 1 WHERE id = ?').run(id);
  }
  async loginSucceeded(id: number) {
    const before = (await this.db.pluck<[number], number>('SELECT failed_logins FROM registrars WHERE id = ?').get(id)) ?? 0;
    if (before > 0) await this.db.prepare('UPDATE registrars SET failed_logins = 0 WHERE id = ?').run(id);
    return before;
  }
}

/**
 * The TLD list one connection (SQLite) or one store (PostgreSQL, shared by its transactions) keeps between
 * commands, and the version of the stored rows it was read at.
 */
export class TldCache {
  cached: { version: number; list: Tld[]; byName: Map<string, Tld> } | null = null;
  /**
   * The TLD objects made from each stored policy text: a connection that only reads (RDAP's) sees another
   * connection's commit before nearly every read, and re-reading the rows then costs a query, not a parse
   * of every policy; the objects stay the same while the text does (caches keyed by them keep working).
   */
  parsed = new Map<string, { text: string; tld: Tld }>();
}

/**
 * TLDs are read by nearly every command (a check classifies each name against all of them), and change
 * almost never: the list is read once and kept, frozen so that no caller can change it, until this
 * connection writes a TLD or the stored version moves: on SQLite `PRAGMA data_version` (another connection
 * committed anything, e.g. the CLI adding a TLD while the server runs); on PostgreSQL the `tld_version` row
 * a trigger moves on every change to `tlds`, read in the command's own snapshot (another process's change
 * is seen by its next command, as the rows are). TLDs are written only by the CLI and fixture loading, each
 * in a transaction of its own.
 */
export class SqlTldRepo implements TldRepo {
  private readonly listStmt;
  private readonly versionStmt;
  constructor(
    private readonly db: SqlDb,
    private readonly cache = new TldCache(),
  ) {
    this.listStmt = db.prepare<[], { name: string; policy: string }>('SELECT name, policy FROM tlds ORDER BY name');
    this.versionStmt = db.pluck<[], number>(db.dialect === 'sqlite' ? 'PRAGMA data_version' : 'SELECT version FROM tld_version WHERE id = 1');
  }
  private async current(): Promise<{ list: Tld[]; byName: Map<string, Tld> }> {
    const version = (await this.versionStmt.get())!;
    const c = this.cache;
    if (c.cached?.version !== version) {
      const parsed = new Map<string, { text: string; tld: Tld }>();
      const list = (await this.listStmt.all()).map((r) => {
        const known = c.parsed.get(r.name);
        const tld = known?.text === r.policy ? known.tld : deepFreeze({ name: r.name, policy: resolvePolicy(JSON.parse(r.policy)) });
        parsed.set(r.name, { text: r.policy, tld });
        return tld;
      });
      c.parsed = parsed;
      c.cached = { version, list, byName: new Map(list.map((t) => [t.name, t])) };
    }
    return c.cached;
  }
  async get(name: string): Promise<Tld | undefined> {
    return (await this.current()).byName.get(name);
  }
  async list(): Promise<Tld[]> {
    return [...(await this.current()).list];
  }
  /** Checks the policy as it is written (resolvePolicy throws naming the first bad value, e.g. an unknown script), never when it is used. */
  async upsert(tld: Tld, now: Date) {
    const policy = resolvePolicy(tld.policy);
    await this.db
      .prepare('INSERT INTO tlds (name, policy, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET policy = excluded.policy')
      .run(tld.name, JSON.stringify(policy), now.getTime());
    this.cache.cached = null;
  }
  async domainCount(name: string) {
    return (await this.db.prepare('SELECT count(*) AS n FROM domains WHERE tld = ?').get(name) as { n: number }).n;
  }
  async remove(name: string) {
    await this.db.prepare('DELETE FROM tlds WHERE name = ?').run(name);
    this.cache.cached = null;
  }
  async premium(tld: string, label: string) {
    const r = (await this.db.prepare('SELECT * FROM premium_names WHERE tld = ? AND label = ?').get(tld, label)) as PremiumRow | undefined;
    return r && premiumOf(r);
  }
  async premiumList(tld: string) {
    return (await this.db.prepare('SELECT * FROM premium_names WHERE tld = ? ORDER BY label').all(tld) as PremiumRow[]).map(premiumOf);
  }
  async replacePremium(tld: string, list: PremiumName[]) {
    await this.db.prepare('DELETE FROM premium_names WHERE tld = ?').run(tld);
    const insert = this.db.prepare('INSERT INTO premium_names (tld, label, class, create_price, renew_price, transfer_price, restore_price) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const p of list) await insert.run(tld, p.label, p.class, p.prices.create, p.prices.renew, p.prices.transfer, p.prices.restore);
  }
}

interface PremiumRow {
  label: string;
  class: string;
  create_price: number;
  renew_price: number;
  transfer_price: number;
  restore_price: number;
}
const premiumOf = (r: PremiumRow): PremiumName => ({
  label: r.label,
  class: r.class,
  prices: { create: r.create_price, renew: r.renew_price, transfer: r.transfer_price, restore: r.restore_price },
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export class SqlPollRepo implements PollRepo {
  private readonly countStmt;
  private readonly firstStmt;
  private readonly insertStmt;
  constructor(private readonly db: SqlDb) {
    // Kept by triggers (migration 9): one row read, however long the queue.
    this.countStmt = db.pluck<[number], number>('SELECT poll_pending FROM registrars WHERE id = ?');
    this.firstStmt = db.prepare<[number], { id: number; registrar_id: number; queued_at: number; message: string; kind: string; data: string }>(
      'SELECT id, registrar_id, queued_at, message, kind, data FROM poll_messages WHERE registrar_id = ? AND acked_at IS NULL ORDER BY id LIMIT 1',
    );
    this.insertStmt = db.pluck<unknown[], number>('INSERT INTO poll_messages (registrar_id, queued_at, message, kind, data) VALUES (?, ?, ?, ?, ?) RETURNING id');
  }
  async enqueue(registrarId: number, message: string, event: PollEvent, now: Date) {
    const { kind, data } = storedPollEvent(event);
    return (await this.insertStmt.get(registrarId, now.getTime(), message, kind, data))!;
  }
  async count(registrarId: number) {
    return (await this.countStmt.get(registrarId)) ?? 0;
  }
  async head(registrarId: number) {
    const count = await this.count(registrarId);
    const r = count > 0 ? await this.firstStmt.get(registrarId) : undefined;
    const first: PollMessage | undefined = r && {
      id: r.id,
      registrarId: r.registrar_id,
      queuedAt: new Date(r.queued_at),
      message: r.message,
      event: pollEventFromStored(r.kind, r.data),
    };
    return { count, first };
  }
  async ack(registrarId: number, id: number, now: Date) {
    const info = await this.db
      .prepare('UPDATE poll_messages SET acked_at = ? WHERE id = ? AND registrar_id = ? AND acked_at IS NULL')
      .run(now.getTime(), id, registrarId);
    return info.changes === 1;
  }
}

export class SqlAuditRepo implements AuditRepo {
  private readonly insertStmt;
  /** Audit rows inserted on this connection: the store tells a batch of queries from one that changed data. */
  rowsWritten = 0;
  constructor(private readonly db: SqlDb) {
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (at, registrar_id, session_id, source, command, object, cl_trid, sv_trid, code, message, duration_us)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }
  async record(e: AuditEntry) {
    // Positional parameters: binding by name cost ≈ 2 µs more a row, and this runs once per command.
    await this.insertStmt.run(e.at.getTime(), e.registrarId, e.sessionId, e.source, e.command, e.object, e.clTRID, e.svTRID, e.code, e.message, e.durationUs);
    this.rowsWritten++;
  }
  async recent(registrarId: number | null, limit: number) {
    const rows = (await this.db
      .prepare(
        `SELECT id, at, registrar_id AS "registrarId", session_id AS "sessionId", source, command, object, cl_trid AS "clTRID",
                sv_trid AS "svTRID", code, message, duration_us AS "durationUs"
         FROM audit_log WHERE (CAST(? AS BIGINT) IS NULL OR registrar_id = ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(registrarId, registrarId, limit)) as Array<AuditEntry & { id: number; at: number }>;
    return rows.map((r) => ({ ...r, at: new Date(r.at as unknown as number) }));
  }
}

export class SqlSettingsRepo implements SettingsRepo {
  constructor(private readonly db: SqlDb) {}
  async get(key: string) {
    const r = (await this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key)) as { value: string } | undefined;
    return r?.value;
  }
  async set(key: string, value: string) {
    await this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
