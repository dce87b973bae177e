import type { SqlDb } from './db.js';
import type { NewTransfer, Transfer, TransferDomain, TransferRepo, TransferStatus } from '../transfer-repo.js';
import { TransferTable, toTransferRecord, type TransferRowBase } from './transfer-table.js';

interface TransferRow extends TransferRowBase {
  domain_id: number;
  period_value: number;
  period_unit: 'y' | 'm';
  new_expires_at: number | null;
  price: number | null;
}

interface DomainRow {
  id: number;
  name: string;
  tld: string;
  sponsor_id: number;
  created_at: number;
  expires_at: number;
  transferred_at: number | null;
  auth_hash: string | null;
  auth_set_at: number | null;
  statuses: string;
  registrant_roid: string | null;
  registrant_hash: string | null;
  registrant_set_at: number | null;
}

const instant = (ms: number | null) => (ms === null ? null : new Date(ms));

const toTransfer = (r: TransferRow): Transfer => ({
  ...toTransferRecord(r),
  domainId: r.domain_id,
  domainName: r.object_name,
  period: { value: r.period_value, unit: r.period_unit },
  newExpiresAt: r.new_expires_at === null ? null : new Date(r.new_expires_at),
  price: r.price,
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
    authHash: r.auth_hash,
    authSetAt: instant(r.auth_set_at),
    statuses: JSON.parse(r.statuses) as string[],
    registrant: r.registrant_roid !== null ? { roid: r.registrant_roid, authHash: r.registrant_hash, authSetAt: instant(r.registrant_set_at) } : null,
  };

const DOMAIN_SELECT = `
  SELECT d.id, d.name, d.tld, d.sponsor_id, d.created_at, d.expires_at, d.transferred_at, d.auth_hash, d.auth_set_at, d.statuses,
         c.roid AS registrant_roid, c.auth_hash AS registrant_hash, c.auth_set_at AS registrant_set_at
    FROM domains d LEFT JOIN contacts c ON c.id = d.registrant_id`;

/** SQLite domain transfers (the shared transfer SQL in transfer-table.ts). Times are epoch ms; domain statuses a JSON array. */
export class SqlTransferRepo implements TransferRepo {
  private readonly table: TransferTable<TransferRow>;
  private readonly domainByNameStmt;
  private readonly domainByIdStmt;
  private readonly moveDomainStmt;
  private readonly moveHostsStmt;

  constructor(db: SqlDb) {
    this.table = new TransferTable<TransferRow>(db, {
      object: 'domain',
      nameColumn: 'name',
      openColumns: ['period_value', 'period_unit', 'new_expires_at', 'price'],
      closeColumns: ['new_expires_at'],
    });
    this.domainByNameStmt = db.prepare<[string], DomainRow>(`${DOMAIN_SELECT} WHERE d.name = ?`);
    this.domainByIdStmt = db.prepare<[number], DomainRow>(`${DOMAIN_SELECT} WHERE d.id = ?`);
    this.moveDomainStmt = db.prepare(
      'UPDATE domains SET sponsor_id = ?, expires_at = COALESCE(?, expires_at), transferred_at = ?, auth_hash = NULL, auth_set_at = NULL WHERE id = ?',
    );
    this.moveHostsStmt = db.prepare('UPDATE hosts SET sponsor_id = ?, transferred_at = ? WHERE superordinate_id = ?');
  }

  async domainByName(name: string) {
    return toDomain(await this.domainByNameStmt.get(name));
  }

  async domainById(id: number) {
    return toDomain(await this.domainByIdStmt.get(id));
  }

  async latest(domainId: number) {
    const r = await this.table.latest(domainId);
    return r && toTransfer(r);
  }

  async open(t: NewTransfer) {
    const extra = [t.period.value, t.period.unit, t.newExpiresAt?.getTime() ?? null, t.price];
    return toTransfer(await this.table.open(t.domainId, t.requesterId, t.losingId, t.requestedAt, t.actionAt, extra));
  }

  async close(id: number, status: Exclude<TransferStatus, 'pending'>, actionAt: Date, newExpiresAt: Date | null) {
    return toTransfer(await this.table.close(id, status, actionAt, [newExpiresAt?.getTime() ?? null]));
  }

  async moveDomain(domainId: number, gainingId: number, expiresAt: Date | null, at: Date) {
    await this.moveDomainStmt.run(gainingId, expiresAt?.getTime() ?? null, at.getTime(), domainId);
    await this.moveHostsStmt.run(gainingId, at.getTime(), domainId);
  }

  async history(id: number) {
    return (await this.table.history(id)).map(toTransfer);
  }

  async due(now: Date, limit: number) {
    return (await this.table.due(now, limit)).map(toTransfer);
  }
}
