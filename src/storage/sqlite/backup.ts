import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SCHEMA_VERSION, schemaVersionOf } from './sqlite-store.js';

/**
 * Online backup and restore of the SQLite registry (issue 22).
 *
 * Backup uses SQLite's online backup API (through better-sqlite3) on a connection of its own, while the
 * server keeps serving. All pages are copied in one step: one read transaction, so the copy is the database
 * as of one commit, whatever the server writes meanwhile (a backup copied in several steps restarts from the
 * beginning each time another connection writes, and under steady load may never end). WAL mode lets the
 * server's writers go on during the copy; only its checkpoints cannot pass the backup's snapshot, so the WAL
 * grows for the copy's duration and restarts after it.
 */

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  schemaVersion: number;
  ms: number;
}

/** Copies the database at `source` into the new file `dest` (refused if it exists), then checks the copy. */
export async function backupDatabase(source: string, dest: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  if (existsSync(dest)) throw new Error(`${dest} exists: a backup never overwrites a file`);
  if (!existsSync(dirname(dest))) throw new Error(`folder ${dirname(dest)} does not exist`);
  const started = performance.now();
  const partial = join(dirname(dest), `.${basename(dest)}.partial`);
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  let pages = 0;
  try {
    db.pragma('busy_timeout = 5000');
    // All remaining pages in the next step: one snapshot (see above).
    const r = await db.backup(partial, { progress: () => 0x7fffffff });
    pages = r.totalPages;
  } catch (e) {
    rmSync(partial, { force: true });
    throw new Error(`backup of ${source} failed: ${(e as Error).message}`);
  } finally {
    db.close();
  }
  let schemaVersion: number;
  try {
    schemaVersion = checkCopy(partial);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  syncFile(partial);
  renameSync(partial, dest);
  syncFile(dirname(dest));
  return { file: dest, bytes: statSync(dest).size, pages, schemaVersion, ms: performance.now() - started };
}

export interface RestoreResult {
  database: string;
  schemaVersion: number;
  /** Where the database that was there before went (kept, never deleted); null when there was none. */
  previous: string | null;
}

/**
 * Puts the backup `file` in place as the database `target`, which no process may have open: a registry
 * serving it (or any CLI command using it) is detected by asking SQLite to leave WAL mode, which it only
 * does for the sole connection to a database, and the exclusive lock then taken is held until the new file
 * is in place. The backup must be a registry database this version can run (integrity checked, schema not
 * newer than this code's). The database found there is kept beside it (`<target>.before-restore-<time>`).
 */
export function restoreDatabase(file: string, target: string): RestoreResult {
  if (!existsSync(file)) throw new Error(`no backup file ${file}`);
  if (statSync(file).isDirectory()) throw new Error(`${file} is a folder, not a backup file`);
  if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) {
    throw new Error(`${file} has a write-ahead log beside it: it is a live database, not a backup (make one with registry backup)`);
  }
  if (!existsSync(dirname(target))) throw new Error(`folder ${dirname(target)} does not exist`);
  const partial = join(dirname(target), `.${basename(target)}.restore-partial`);
  rmSync(partial, { force: true });
  let lock: Database.Database | null = null;
  try {
    // The copy is checked first: a bad backup leaves the database there as it was.
    copyFileSync(file, partial);
    const schemaVersion = checkCopy(partial, file);
    syncFile(partial);
    if (existsSync(target)) lock = lockIdle(target);
    let previous: string | null = null;
    if (existsSync(target)) {
      previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, previous);
    }
    renameSync(partial, target);
    syncFile(dirname(target));
    return { database: target, schemaVersion, previous };
  } finally {
    rmSync(partial, { force: true });
    lock?.close();
  }
}

/**
 * A connection holding the database `path` exclusively, or an error saying it is in use. Leaving WAL mode
 * needs the only connection (SQLITE_BUSY otherwise, at once: no busy timeout); the exclusive lock taken
 * next keeps any other process from opening it until this connection closes.
 */
function lockIdle(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('BEGIN EXCLUSIVE').run();
    return db;
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY') || (e as { code?: string }).code === 'SQLITE_LOCKED') {
      throw new Error(`database ${path} is in use (a registry serves it, or another command has it open): stop it before restoring`);
    }
    throw new Error(`database ${path}: ${(e as Error).message}`);
  }
}

/** Checks that a copied file is a sound registry database this version can run; its schema version. */
function checkCopy(path: string, shownAs = path): number {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (e) {
    throw new Error(`${shownAs} is not a SQLite database: ${(e as Error).message}`);
  }
  try {
    let check: unknown;
    try {
      check = db.pragma('quick_check', { simple: true });
    } catch (e) {
      throw new Error(`${shownAs} is not a SQLite database: ${(e as Error).message}`);
    }
    if (check !== 'ok') throw new Error(`${shownAs} fails SQLite's integrity check: ${String(check)}`);
    const version = schemaVersionOf(db);
    const registrars = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'registrars'").get();
    if (version === 0 || !registrars) throw new Error(`${shownAs} is not a registry database (no schema version or registrars)`);
    if (version > SCHEMA_VERSION) {
      throw new Error(`${shownAs} has schema version ${version}, written by a newer version of the registry (this one knows up to ${SCHEMA_VERSION})`);
    }
    return version;
  } finally {
    db.close();
  }
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
