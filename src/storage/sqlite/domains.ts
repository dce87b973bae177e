import type Database from 'better-sqlite3';
import type { DomainRepo } from '../domain-repo.js';

/** SQLite domain repository: filled in with the domain commands. */
export class SqliteDomainRepo implements DomainRepo {
  constructor(protected readonly db: Database.Database) {}
}
