import type Database from 'better-sqlite3';
import type { ContactRepo } from '../contact-repo.js';

/** SQLite contact repository: filled in with the contact commands. */
export class SqliteContactRepo implements ContactRepo {
  constructor(protected readonly db: Database.Database) {}
}
