import type Database from 'better-sqlite3';
import type { HostRepo } from '../host-repo.js';

/** SQLite host repository: filled in with the host commands. */
export class SqliteHostRepo implements HostRepo {
  constructor(protected readonly db: Database.Database) {}
}
