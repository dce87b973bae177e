import Database from 'better-sqlite3';
import pg from 'pg';
import { pgTypes } from '../../src/storage/postgres/pg-types.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

/**
 * A copy of a PostgreSQL registry database in an in-memory SQLite database of the same schema, made in one
 * REPEATABLE READ snapshot, so that the crash invariants (written in SQLite's SQL, invariants.ts) check the
 * PostgreSQL data as they check a SQLite file. Triggers are dropped before the rows go in (the counters they
 * keep are copied as PostgreSQL kept them, and are themselves checked); foreign keys are checked after
 * (`databaseViolations` runs foreign_key_check).
 */
export async function copyToSqlite(url: string): Promise<Database.Database> {
  const store = new SqliteStore({ path: ':memory:' });
  const db = store.db;
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>) db.exec(`DROP TRIGGER ${name}`);
  db.pragma('foreign_keys = OFF');
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((t) => t.name);
  const c = new pg.Client({ connectionString: url, types: pgTypes });
  await c.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const table of tables) {
      const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((x) => x.name);
      db.exec(`DELETE FROM ${table}`);
      const rows = (await c.query({ text: `SELECT ${cols.join(', ')} FROM ${table}`, rowMode: 'array' })).rows as unknown[][];
      const insert = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      db.transaction(() => {
        for (const r of rows) insert.run(...r.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
      })();
    }
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
  db.pragma('foreign_keys = ON');
  return db;
}
