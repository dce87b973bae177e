import Database from 'better-sqlite3';

/** A second server on a database another server is serving. */
export class DatabaseInUseError extends Error {
  constructor(readonly database: string) {
    super(
      `database ${database} is already served by another registry process (its lock ${database}.serve-lock is held); ` +
        'one server per SQLite database: stop the other one first (group commit and the caches assume one writer)',
    );
  }
}

/**
 * Keeps a second `serve` off an SQLite database: an exclusive transaction, held for the server's lifetime, on a
 * small lock database beside it (`<database>.serve-lock`). SQLite's own file locks do the work, so the lock goes
 * when the process does, however it ends (kill -9 included), and a new server after a crash starts at once.
 * CLI commands do not take it: they run beside a server by design, through SQLite's ordinary locking.
 */
export function lockForServing(database: string): { release(): void } {
  if (database === ':memory:') return { release() {} };
  const file = `${database}.serve-lock`;
  const lock = new Database(file);
  try {
    lock.pragma('busy_timeout = 0');
    lock.pragma('journal_mode = DELETE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    lock.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') throw new DatabaseInUseError(database);
    throw e;
  }
  return {
    release() {
      if (!lock.open) return;
      lock.exec('ROLLBACK');
      lock.close();
    },
  };
}
