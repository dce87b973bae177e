import type { SqlDb } from './db.js';
import type { BillingRepo, Deletion, DueDomain, GraceKind, GracePeriod, LedgerEntry, LifecycleRepo } from '../lifecycle-repo.js';

const d = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export class SqlLifecycleRepo implements LifecycleRepo {
  private readonly activeStmt;
  private readonly deletionStmt;
  private readonly purgeStmt;
  private readonly renewStmt;
  private readonly nextDueStmt;
  constructor(private readonly db: SqlDb) {
    // Four index probes (each subquery reads the first row of an index in order), whatever the registry's size.
    this.nextDueStmt = db.prepare<[], { at: number | null }>(
      `SELECT MIN(at) AS at FROM (
         SELECT (SELECT action_at FROM domain_transfers WHERE status = 'pending' ORDER BY action_at LIMIT 1) AS at
         UNION ALL SELECT (SELECT action_at FROM contact_transfers WHERE status = 'pending' ORDER BY action_at LIMIT 1)
         UNION ALL SELECT (SELECT expires_at FROM domains WHERE deleted_at IS NULL ORDER BY expires_at LIMIT 1)
         UNION ALL SELECT (SELECT purge_at FROM domains WHERE purge_at IS NOT NULL ORDER BY purge_at LIMIT 1)) AS due`,
    );
    this.activeStmt = db.prepare<[number, number], { kind: GraceKind; registrar_id: number; ends_at: number; amount: number }>(
      'SELECT kind, registrar_id, ends_at, amount FROM domain_grace_periods WHERE domain_id = ? AND ends_at > ? ORDER BY ends_at',
    );
    this.deletionStmt = db.prepare<[number], Record<string, number | string | null>>(
      `SELECT deleted_at, redemption_ends_at, purge_at, restore_requested_at, restore_report_by, delete_sv_trid
       FROM domains WHERE id = ? AND deleted_at IS NOT NULL`,
    );
    this.purgeStmt = db.prepare(
      `SELECT id, name, tld, sponsor_id, expires_at, delete_sv_trid FROM domains
       WHERE purge_at IS NOT NULL AND purge_at <= ? ORDER BY purge_at LIMIT ?`,
    );
    this.renewStmt = db.prepare(
      `SELECT id, name, tld, sponsor_id, expires_at, delete_sv_trid FROM domains
       WHERE expires_at <= ? AND deleted_at IS NULL ORDER BY expires_at LIMIT ?`,
    );
  }

  async activeGrace(domainId: number, now: Date): Promise<GracePeriod[]> {
    return (await this.activeStmt.all(domainId, now.getTime())).map((r) => ({ kind: r.kind, registrarId: r.registrar_id, endsAt: new Date(r.ends_at), amount: r.amount }));
  }
  async addGrace(domainId: number, g: GracePeriod) {
    await this.db
      .prepare('INSERT INTO domain_grace_periods (domain_id, kind, registrar_id, ends_at, amount) VALUES (?, ?, ?, ?, ?)')
      .run(domainId, g.kind, g.registrarId, g.endsAt.getTime(), g.amount);
  }
  async endGrace(domainId: number, kinds?: GraceKind[]) {
    if (!kinds) await this.db.prepare('DELETE FROM domain_grace_periods WHERE domain_id = ?').run(domainId);
    else for (const k of kinds) await this.db.prepare('DELETE FROM domain_grace_periods WHERE domain_id = ? AND kind = ?').run(domainId, k);
  }
  async deletion(domainId: number): Promise<Deletion | undefined> {
    const r = await this.deletionStmt.get(domainId);
    if (!r) return undefined;
    return {
      deletedAt: new Date(r.deleted_at as number),
      redemptionEndsAt: new Date(r.redemption_ends_at as number),
      purgeAt: new Date(r.purge_at as number),
      restoreRequestedAt: d(r.restore_requested_at as number | null),
      restoreReportBy: d(r.restore_report_by as number | null),
      deleteSvTRID: r.delete_sv_trid as string | null,
    };
  }
  async setDeletion(domainId: number, x: Deletion | null) {
    await this.db
      .prepare(
        `UPDATE domains SET deleted_at = ?, redemption_ends_at = ?, purge_at = ?, restore_requested_at = ?, restore_report_by = ?, delete_sv_trid = ?
         WHERE id = ?`,
      )
      .run(
        x?.deletedAt.getTime() ?? null,
        x?.redemptionEndsAt.getTime() ?? null,
        x?.purgeAt.getTime() ?? null,
        x?.restoreRequestedAt?.getTime() ?? null,
        x?.restoreReportBy?.getTime() ?? null,
        x?.deleteSvTRID ?? null,
        domainId,
      );
  }
  private due(rows: unknown[]): DueDomain[] {
    return (rows as Array<{ id: number; name: string; tld: string; sponsor_id: number; expires_at: number; delete_sv_trid: string | null }>).map((r) => ({
      id: r.id,
      name: r.name,
      tld: r.tld,
      sponsorId: r.sponsor_id,
      expiresAt: new Date(r.expires_at),
      deleteSvTRID: r.delete_sv_trid,
    }));
  }
  async nextDueAt(): Promise<Date | null> {
    const at = (await this.nextDueStmt.get())?.at ?? null;
    return at === null ? null : new Date(at);
  }
  async dueForPurge(now: Date, limit: number) {
    return this.due(await this.purgeStmt.all(now.getTime(), limit));
  }
  async dueForAutoRenew(now: Date, limit: number) {
    return this.due(await this.renewStmt.all(now.getTime(), limit));
  }
  async setExpiry(domainId: number, expiresAt: Date) {
    await this.db.prepare('UPDATE domains SET expires_at = ? WHERE id = ?').run(expiresAt.getTime(), domainId);
  }
  async detachSubordinateHosts(domainId: number) {
    await this.db.prepare('DELETE FROM domain_nameservers WHERE host_id IN (SELECT id FROM hosts WHERE superordinate_id = ?)').run(domainId);
  }
}

export class SqlBillingRepo implements BillingRepo {
  constructor(private readonly db: SqlDb) {}
  async balance(registrarId: number) {
    return (await this.db.prepare('SELECT balance FROM registrars WHERE id = ?').get(registrarId) as { balance: number } | undefined)?.balance ?? 0;
  }
  async post(registrarId: number, amount: number, kind: string, object: string | null, now: Date, allowNegative = false) {
    const info = (await this.db
      .prepare(`UPDATE registrars SET balance = balance + ? WHERE id = ? AND (? = 1 OR ? >= 0 OR balance + ? >= 0)`)
      .run(amount, registrarId, allowNegative ? 1 : 0, amount, amount));
    if (info.changes !== 1) return undefined;
    const balance = await this.balance(registrarId);
    await this.db
      .prepare('INSERT INTO billing_ledger (registrar_id, at, kind, object, amount, balance_after) VALUES (?, ?, ?, ?, ?, ?)')
      .run(registrarId, now.getTime(), kind, object, amount, balance);
    return balance;
  }
  async ledger(registrarId: number, limit: number): Promise<LedgerEntry[]> {
    const rows = (await this.db
      .prepare('SELECT id, at, kind, object, amount, balance_after FROM billing_ledger WHERE registrar_id = ? ORDER BY id DESC LIMIT ?')
      .all(registrarId, limit)) as Array<{ id: number; at: number; kind: string; object: string | null; amount: number; balance_after: number }>;
    return rows.map((r) => ({ id: r.id, at: new Date(r.at), kind: r.kind, object: r.object, amount: r.amount, balanceAfter: r.balance_after }));
  }
}

