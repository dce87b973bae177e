import type Database from 'better-sqlite3';
import type { NewTransfer, Transfer, TransferDomain, TransferRepo, TransferStatus } from '../transfer-repo.js';

interface TransferRow {
  id: number;
  domain_id: number;
  domain_name: string;
  status: TransferStatus;
  requester_id: number;
  requester_cl_id: string;
  losing_id: number;
  losing_cl_id: string;
  requested_at: number;
  action_at: number;
  period_value: number;
  period_unit: 'y' | 'm';
  new_expires_at: number | null;
}

interface DomainRow {
  id: number;
  name: string;
  tld: string;
  sponsor_id: number;
  created_at: number;
  expires_at: number;
  transferred_at: number | null;
  auth_pw: string | null;
  statuses: string;
  registrant_roid: string | null;
  registrant_pw: string | null;
}

const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  domainId: r.domain_id,
  domainName: r.domain_name,
  status: r.status,
  requesterId: r.requester_id,
  requesterClId: r.requester_cl_id,
  losingId: r.losing_id,
  losingClId: r.losing_cl_id,
  requestedAt: new Date(r.requested_at),
  actionAt: new Date(r.action_at),
  period: { value: r.period_value, unit: r.period_unit },
  newExpiresAt: r.new_expires_at === null ? null : new Date(r.new_expires_at),
});

const toDomain = (r: DomainRow | undefined): TransferDomain | undefined =>
  r && {
    id: r.id,
    name: r.name,
    tld: r.tld,
    sponsorId: r.sponsor_id,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    transferredAt: r.transferred_at === null ? null : new Date(r.transferred_at),
    authPw: r.auth_pw,
    statuses: JSON.parse(r.statuses) as string[],
    registrant: r.registrant_roid !== null && r.registrant_pw !== null ? { roid: r.registrant_roid, authPw: r.registrant_pw } : null,
  };

const TRANSFER_SELECT = `
  SELECT t.*, d.name AS domain_name, rq.cl_id AS requester_cl_id, ls.cl_id AS losing_cl_id
    FROM domain_transfers t
    JOIN domains d ON d.id = t.domain_id
    JOIN registrars rq ON rq.id = t.requester_id
    JOIN registrars ls ON ls.id = t.losing_id`;

const DOMAIN_SELECT = `
  SELECT d.id, d.name, d.tld, d.sponsor_id, d.created_at, d.expires_at, d.transferred_at, d.auth_pw, d.statuses,
         c.roid AS registrant_roid, c.auth_pw AS registrant_pw
    FROM domains d LEFT JOIN contacts c ON c.id = d.registrant_id`;

/** SQLite domain transfers. Times are epoch ms; domain statuses a JSON array. */
export class SqliteTransferRepo implements TransferRepo {
  private readonly domainByNameStmt;
  private readonly domainByIdStmt;
  private readonly byIdStmt;
  private readonly latestStmt;
  private readonly dueStmt;
  private readonly insertStmt;
  private readonly closeStmt;
  private readonly statusesStmt;
  private readonly setStatusesStmt;
  private readonly moveDomainStmt;
  private readonly moveHostsStmt;

  constructor(private readonly db: Database.Database) {
    this.domainByNameStmt = db.prepare<[string], DomainRow>(`${DOMAIN_SELECT} WHERE d.name = ?`);
    this.domainByIdStmt = db.prepare<[number], DomainRow>(`${DOMAIN_SELECT} WHERE d.id = ?`);
    this.byIdStmt = db.prepare<[number], TransferRow>(`${TRANSFER_SELECT} WHERE t.id = ?`);
    this.latestStmt = db.prepare<[number], TransferRow>(`${TRANSFER_SELECT} WHERE t.domain_id = ? ORDER BY t.id DESC LIMIT 1`);
    // Served by the (status, action_at) index: nothing due costs one index probe.
    this.dueStmt = db.prepare<[number, number], TransferRow>(
      `${TRANSFER_SELECT} WHERE t.status = 'pending' AND t.action_at <= ? ORDER BY t.action_at, t.id LIMIT ?`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO domain_transfers (domain_id, status, requester_id, losing_id, requested_at, action_at, period_value, period_unit, new_expires_at)
       VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.closeStmt = db.prepare(`UPDATE domain_transfers SET status = ?, action_at = ?, new_expires_at = ? WHERE id = ? AND status = 'pending'`);
    this.statusesStmt = db.prepare<[number], { statuses: string }>('SELECT statuses FROM domains WHERE id = ?');
    this.setStatusesStmt = db.prepare('UPDATE domains SET statuses = ? WHERE id = ?');
    this.moveDomainStmt = db.prepare(
      'UPDATE domains SET sponsor_id = ?, expires_at = COALESCE(?, expires_at), transferred_at = ?, auth_pw = ? WHERE id = ?',
    );
    this.moveHostsStmt = db.prepare('UPDATE hosts SET sponsor_id = ?, transferred_at = ? WHERE superordinate_id = ?');
  }

  async domainByName(name: string) {
    return toDomain(this.domainByNameStmt.get(name));
  }

  async domainById(id: number) {
    return toDomain(this.domainByIdStmt.get(id));
  }

  async latest(domainId: number) {
    const r = this.latestStmt.get(domainId);
    return r && toTransfer(r);
  }

  async open(t: NewTransfer) {
    const info = this.insertStmt.run(
      t.domainId,
      t.requesterId,
      t.losingId,
      t.requestedAt.getTime(),
      t.actionAt.getTime(),
      t.period.value,
      t.period.unit,
      t.newExpiresAt?.getTime() ?? null,
    );
    this.editStatuses(t.domainId, (s) => [...s.filter((x) => x !== 'pendingTransfer'), 'pendingTransfer']);
    return toTransfer(this.byIdStmt.get(Number(info.lastInsertRowid))!);
  }

  async close(id: number, status: Exclude<TransferStatus, 'pending'>, actionAt: Date, newExpiresAt: Date | null) {
    const info = this.closeStmt.run(status, actionAt.getTime(), newExpiresAt?.getTime() ?? null, id);
    if (info.changes !== 1) throw new Error(`transfer ${id} is not pending`);
    const t = toTransfer(this.byIdStmt.get(id)!);
    this.editStatuses(t.domainId, (s) => s.filter((x) => x !== 'pendingTransfer'));
    return t;
  }

  async moveDomain(domainId: number, gainingId: number, expiresAt: Date | null, authPw: string, at: Date) {
    this.moveDomainStmt.run(gainingId, expiresAt?.getTime() ?? null, at.getTime(), authPw, domainId);
    this.moveHostsStmt.run(gainingId, at.getTime(), domainId);
  }

  async due(now: Date, limit: number) {
    return this.dueStmt.all(now.getTime(), limit).map(toTransfer);
  }

  private editStatuses(domainId: number, edit: (s: string[]) => string[]): void {
    const r = this.statusesStmt.get(domainId);
    if (!r) throw new Error(`domain ${domainId} does not exist`);
    this.setStatusesStmt.run(JSON.stringify(edit(JSON.parse(r.statuses) as string[])), domainId);
  }
}
