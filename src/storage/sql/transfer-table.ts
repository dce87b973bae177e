import type { SqlDb } from './db.js';
import type { TransferRecord, TransferStatus } from '../transfer-repo.js';

/** The columns every transfer table has (domain_transfers, contact_transfers), with both registrars' clIDs. */
export interface TransferRowBase {
  id: number;
  /** The transferred object's row id (`<object>_id`) and its name or id as shown in trnData. */
  object_id: number;
  object_name: string;
  status: TransferStatus;
  requester_id: number;
  requester_cl_id: string;
  losing_id: number;
  losing_cl_id: string;
  requested_at: number;
  action_at: number;
}

/** The object-independent part of a transfer row. */
export const toTransferRecord = (r: TransferRowBase): TransferRecord => ({
  id: r.id,
  status: r.status,
  requesterId: r.requester_id,
  requesterClId: r.requester_cl_id,
  losingId: r.losing_id,
  losingClId: r.losing_cl_id,
  requestedAt: new Date(r.requested_at),
  actionAt: new Date(r.action_at),
});

export interface TransferTableSpec {
  /** The object type: the table is `<object>_transfers`, its `<object>_id` references `<object>s`. */
  object: 'domain' | 'contact';
  /** The column of `<object>s` read as `object_name` with every transfer row (the name or id shown in trnData). */
  nameColumn: string;
  /** Object-specific columns `open` writes, in the order of the values it is given. */
  openColumns?: string[];
  /** Object-specific columns `close` writes, in the order of the values it is given. */
  closeColumns?: string[];
}

type SqlValue = number | string | null;

/**
 * The SQL every object's transfer table shares (the same shape for domains and contacts): reading the latest
 * and the due rows, opening and closing a transfer, and the pendingTransfer status it puts on the object
 * (`<object>s.statuses`, a JSON array) while it is pending. Each repository adds its object's own columns
 * and changes. Times are epoch ms. All in the caller's transaction.
 */
export class TransferTable<R extends TransferRowBase> {
  private readonly byIdStmt;
  private readonly latestStmt;
  private readonly historyStmt;
  private readonly dueStmt;
  private readonly insertStmt;
  private readonly closeStmt;
  private readonly statusesStmt;
  private readonly setStatusesStmt;
  private readonly object: string;

  constructor(db: SqlDb, spec: TransferTableSpec) {
    const { object } = spec;
    this.object = object;
    const table = `${object}_transfers`;
    const objects = `${object}s`;
    const openColumns = spec.openColumns ?? [];
    const closeColumns = spec.closeColumns ?? [];
    const select = `
      SELECT t.*, t.${object}_id AS object_id, o.${spec.nameColumn} AS object_name, rq.cl_id AS requester_cl_id, ls.cl_id AS losing_cl_id
        FROM ${table} t
        JOIN ${objects} o ON o.id = t.${object}_id
        JOIN registrars rq ON rq.id = t.requester_id
        JOIN registrars ls ON ls.id = t.losing_id`;
    this.byIdStmt = db.prepare<[number], R>(`${select} WHERE t.id = ?`);
    this.latestStmt = db.prepare<[number], R>(`${select} WHERE t.${object}_id = ? ORDER BY t.id DESC LIMIT 1`);
    this.historyStmt = db.prepare<[number], R>(`${select} WHERE t.${object}_id = ? ORDER BY t.id`);
    // Served by the (status, action_at) index: nothing due costs one index probe.
    this.dueStmt = db.prepare<[number, number], R>(`${select} WHERE t.status = 'pending' AND t.action_at <= ? ORDER BY t.action_at, t.id LIMIT ?`);
    const insertColumns = [`${object}_id`, 'status', 'requester_id', 'losing_id', 'requested_at', 'action_at', ...openColumns];
    this.insertStmt = db.pluck<SqlValue[], number>(
      `INSERT INTO ${table} (${insertColumns.join(', ')}) VALUES (?, 'pending', ${insertColumns.slice(2).map(() => '?').join(', ')}) RETURNING id`,
    );
    const closeSet = ['status = ?', 'action_at = ?', ...closeColumns.map((c) => `${c} = ?`)].join(', ');
    this.closeStmt = db.prepare(`UPDATE ${table} SET ${closeSet} WHERE id = ? AND status = 'pending'`);
    this.statusesStmt = db.prepare<[number], { statuses: string }>(`SELECT statuses FROM ${objects} WHERE id = ?`);
    this.setStatusesStmt = db.prepare(`UPDATE ${objects} SET statuses = ? WHERE id = ?`);
  }

  /** The object's most recent transfer, whatever its status. */
  async latest(objectId: number): Promise<R | undefined> {
    return await this.latestStmt.get(objectId);
  }

  /** Every transfer of the object, oldest first. */
  async history(objectId: number): Promise<R[]> {
    return await this.historyStmt.all(objectId);
  }

  /** Pending transfers whose acDate is at or before `now`, oldest first. */
  async due(now: Date, limit: number): Promise<R[]> {
    return await this.dueStmt.all(now.getTime(), limit);
  }

  /** Records a pending transfer (with the object's own column values) and adds `pendingTransfer` to the object's statuses. */
  async open(objectId: number, requesterId: number, losingId: number, requestedAt: Date, actionAt: Date, extra: SqlValue[] = []): Promise<R> {
    const id = (await this.insertStmt.get(objectId, requesterId, losingId, requestedAt.getTime(), actionAt.getTime(), ...extra))!;
    await this.editStatuses(objectId, (s) => [...s.filter((x) => x !== 'pendingTransfer'), 'pendingTransfer']);
    return (await this.byIdStmt.get(id))!;
  }

  /** Ends a pending transfer with `status` at `actionAt` (and the object's own column values); removes `pendingTransfer`. */
  async close(id: number, status: Exclude<TransferStatus, 'pending'>, actionAt: Date, extra: SqlValue[] = []): Promise<R> {
    const info = await this.closeStmt.run(status, actionAt.getTime(), ...extra, id);
    if (info.changes !== 1) throw new Error(`${this.object} transfer ${id} is not pending`);
    const row = (await this.byIdStmt.get(id))!;
    await this.editStatuses(row.object_id, (s) => s.filter((x) => x !== 'pendingTransfer'));
    return row;
  }

  private async editStatuses(objectId: number, edit: (s: string[]) => string[]): Promise<void> {
    const r = await this.statusesStmt.get(objectId);
    if (!r) throw new Error(`${this.object} ${objectId} does not exist`);
    await this.setStatusesStmt.run(JSON.stringify(edit(JSON.parse(r.statuses) as string[])), objectId);
  }
}
