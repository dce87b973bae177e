import Database from 'better-sqlite3';
import pg from 'pg';
import { PgStore } from '../src/storage/postgres/pg-store.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH = 500;

/**
 * Loads a preloaded SQLite registry (bench/preload.ts) into an empty PostgreSQL database, so that both
 * stores are measured on the same data: the schema by the registry's own migration, then every table's
 * rows in batches with triggers and foreign keys held off (`session_replication_role = replica`: the counters
 * the triggers keep are copied as SQLite kept them), then the sequences moved past the copied ids.
 */
export async function loadIntoPostgres(sqliteFile: string, url: string): Promise<{ rows: number; seconds: number }> {
  const started = Date.now();
  const store = new PgStore({ url });
  await store.ready;
  await store.close();
  const src = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let rows = 0;
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    const tables = (src.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'").all() as Array<{ name: string }>).map((t) => t.name);
    for (const table of tables) {
      const cols = (src.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((x) => x.name);
      await c.query(`DELETE FROM ${table}`);
      const all = src.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).raw(true).all() as unknown[][];
      for (let i = 0; i < all.length; i += BATCH) {
        const batch = all.slice(i, i + BATCH);
        const values = batch.map((_, r) => `(${cols.map((__, k) => `$${r * cols.length + k + 1}`).join(', ')})`).join(', ');
        await c.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values}`, batch.flat());
      }
      rows += all.length;
      // Identity columns and the id sequences go on from the largest copied id.
      if (cols.includes('id')) {
        const seq = ['domains', 'contacts', 'hosts'].includes(table) ? `${table}_id_seq` : (await c.query('SELECT pg_get_serial_sequence($1, $2) AS s', [table, 'id'])).rows[0].s;
        if (seq) await c.query(`SELECT setval('${seq}', GREATEST((SELECT COALESCE(MAX(id), 0) FROM ${table}), 1))`);
      }
    }
    await c.query('COMMIT');
    await c.query('ANALYZE');
  } finally {
    await c.end();
    src.close();
  }
  return { rows, seconds: (Date.now() - started) / 1000 };
}
