import type { SqlDb } from './db.js';
import type { ContactTransfer, ContactTransferRepo, NewContactTransfer } from '../contact-transfer-repo.js';
import type { TransferStatus } from '../transfer-repo.js';
import { TransferTable, toTransferRecord, type TransferRowBase } from './transfer-table.js';

const toTransfer = (r: TransferRowBase): ContactTransfer => ({ ...toTransferRecord(r), contactId: r.object_id, contactHandle: r.object_name });

/** SQLite contact transfers: the shared transfer SQL (transfer-table.ts) on contact_transfers. Times are epoch ms. */
export class SqlContactTransferRepo implements ContactTransferRepo {
  private readonly table: TransferTable<TransferRowBase>;
  private readonly moveStmt;

  constructor(db: SqlDb) {
    this.table = new TransferTable<TransferRowBase>(db, { object: 'contact', nameColumn: 'handle' });
    this.moveStmt = db.prepare('UPDATE contacts SET sponsor_id = ?, transferred_at = ?, auth_hash = NULL, auth_set_at = NULL WHERE id = ?');
  }

  async latest(contactId: number) {
    const r = await this.table.latest(contactId);
    return r && toTransfer(r);
  }

  async open(t: NewContactTransfer) {
    return toTransfer(await this.table.open(t.contactId, t.requesterId, t.losingId, t.requestedAt, t.actionAt));
  }

  async close(id: number, status: Exclude<TransferStatus, 'pending'>, actionAt: Date) {
    return toTransfer(await this.table.close(id, status, actionAt));
  }

  async moveContact(contactId: number, gainingId: number, at: Date) {
    await this.moveStmt.run(gainingId, at.getTime(), contactId);
  }

  async history(id: number) {
    return (await this.table.history(id)).map(toTransfer);
  }

  async due(now: Date, limit: number) {
    return (await this.table.due(now, limit)).map(toTransfer);
  }
}
