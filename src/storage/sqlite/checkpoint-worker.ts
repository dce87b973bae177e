/**
 * Worker thread that checkpoints the WAL of the server's database on a connection of its own (see
 * `SqliteStore`): a checkpoint copies pages into the database file and syncs it twice, which on the main
 * connection would stall every session for the duration.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database((workerData as { path: string }).path);
// NORMAL: the checkpoint syncs the WAL before it copies and the database file after, as SQLite's own would.
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');
// PASSIVE never waits for the writer or readers: it copies what it can, and the writer restarts the WAL
// at its next commit once everything has been copied.
const checkpoint = db.prepare<[], { busy: number; log: number; checkpointed: number }>('PRAGMA wal_checkpoint(PASSIVE)');

parentPort!.on('message', (m: 'checkpoint' | 'stop') => {
  if (m === 'stop') {
    db.close();
    parentPort!.postMessage({ stopped: true });
    return;
  }
  let error: string | undefined;
  let code: string | undefined;
  let log: number | undefined;
  try {
    // log: the frames in the WAL, which the store watches to let the WAL restart (SqliteStore.letWalRestart)
    log = checkpoint.get()!.log;
  } catch (e) {
    // The next round tries again; the store reports what is not a passing lock (SQLITE_BUSY) to the log.
    error = (e as Error).message;
    code = (e as { code?: string }).code;
  }
  parentPort!.postMessage({ done: true, log, error, code });
});
