import Database from 'better-sqlite3';
import type { EscrowConnection, EscrowConnections } from '../sql/escrow-source.js';
import { SqliteDb } from './sqlite-db.js';

/**
 * The escrow's connections to a SQLite registry file (migrated already: open a SqliteStore on it first).
 * The snapshot is a read-only connection in one read transaction: in WAL mode it sees the database as of
 * its first read and never blocks the server's writer (the server's checkpoints cannot pass it while it is
 * open, so the WAL grows by what is written meanwhile). One writer at a time: every change committed
 * before the tick is in the snapshot, every later one carries a later epoch.
 */
export function sqliteEscrowConnections(path: string): EscrowConnections {
  const raw = new Database(path);
  raw.pragma('busy_timeout = 5000');
  const records: EscrowConnection = {
    db: new SqliteDb(raw),
    close: async () => {
      raw.close();
    },
  };
  return {
    records,
    tick: async () => (raw.prepare('UPDATE escrow_clock SET epoch = epoch + 1 RETURNING epoch').pluck().get() as number) - 1,
    // One machine, one file: deposits are started by the operator's cron there. A second one made at the
    // same time fails when it records itself (UNIQUE tld, type, watermark, resend), its files removed.
    lockTld: async () => true,
    openSnapshot: async () => {
      const snap = new Database(path, { readonly: true, fileMustExist: true });
      snap.pragma('cache_size = -32768');
      snap.exec('BEGIN');
      return {
        db: new SqliteDb(snap),
        close: async () => {
          if (!snap.open) return;
          if (snap.inTransaction) snap.exec('COMMIT');
          snap.close();
        },
      };
    },
  };
}
