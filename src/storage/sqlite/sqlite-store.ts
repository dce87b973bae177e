import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from '../migrations.js';
import type { Repos, Store } from '../store.js';
import { SqliteAuditRepo, SqlitePollRepo, SqliteRegistrarRepo, SqliteSettingsRepo, SqliteTldRepo } from './core.js';
import { SqliteContactRepo } from './contacts.js';
import { SqliteDomainRepo } from './domains.js';
import { SqliteHostRepo } from './hosts.js';
import { SqliteHttpRepo } from './http.js';
import { SqliteBillingRepo, SqliteLifecycleRepo } from './lifecycle.js';
import { SqliteTransferRepo } from './transfers.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /**
   * PRAGMA synchronous. FULL (default) syncs the WAL on every commit, so an acknowledged command survives
   * power loss; NORMAL survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * The embedded SQLite store: one connection, WAL mode, foreign keys on, one transaction per command.
 * better-sqlite3 is synchronous, so transactions are serialised through a queue: a handler may await
 * between statements without another command's statements interleaving with its transaction.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly repos: Repos;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(opts: SqliteOptions) {
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.repos = {
      registrars: new SqliteRegistrarRepo(this.db),
      tlds: new SqliteTldRepo(this.db),
      poll: new SqlitePollRepo(this.db),
      audit: new SqliteAuditRepo(this.db),
      settings: new SqliteSettingsRepo(this.db),
      contacts: new SqliteContactRepo(this.db),
      hosts: new SqliteHostRepo(this.db),
      domains: new SqliteDomainRepo(this.db),
      lifecycle: new SqliteLifecycleRepo(this.db),
      billing: new SqliteBillingRepo(this.db),
      transfers: new SqliteTransferRepo(this.db),
      http: new SqliteHttpRepo(this.db),
    };
  }

  transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.repos);
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_version').all() as Array<{ version: number }>).map((r) => r.version));
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}
