import type pg from 'pg';
import { MIGRATIONS } from '../migrations.js';
import { NoDatabaseError, SCHEMA_VERSION, SchemaTooNewError } from '../errors.js';
import { POSTGRES_BASELINE_SQL, POSTGRES_BASELINE_VERSION, POSTGRES_EXTRA_SQL } from './schema.js';

/** Advisory lock key held while one process migrates (two servers starting at once do not both migrate). */
const MIGRATION_LOCK = 0x72656769; // 'regi'

/** How long a reader (the RDAP worker) waits for the writer to create the schema. */
const READER_WAIT_MS = 30_000;

async function versionOf(c: pg.PoolClient): Promise<number> {
  const exists = (await c.query("SELECT to_regclass('schema_version') IS NOT NULL AS e")).rows[0].e as boolean;
  if (!exists) return 0;
  return Number((await c.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version')).rows[0].v);
}

/**
 * Brings an empty or older PostgreSQL database to the current schema. A new database gets the baseline
 * (the schema of SQLite migrations 1..POSTGRES_BASELINE_VERSION in PostgreSQL's dialect) in one
 * transaction, recorded as those versions; each later migration runs its `postgres` form. Migrations only go
 * forwards: a database written by a newer registry is refused before anything is written.
 */
export async function migratePostgres(pool: pg.Pool, o: { mustExist: boolean; reader: boolean; url: string }): Promise<void> {
  const shown = redact(o.url);
  const c = await pool.connect();
  try {
    if (o.reader) {
      const until = Date.now() + READER_WAIT_MS;
      while ((await versionOf(c)) < SCHEMA_VERSION && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      return;
    }
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const found = await versionOf(c);
      if (found > SCHEMA_VERSION) throw new SchemaTooNewError(shown, found);
      if (found === 0 && o.mustExist) throw new NoDatabaseError(shown);
      if (found === SCHEMA_VERSION) return;
      await c.query('BEGIN');
      try {
        if (found === 0) {
          await c.query(POSTGRES_BASELINE_SQL);
          await c.query(POSTGRES_EXTRA_SQL);
          for (const m of MIGRATIONS.filter((m) => m.version <= POSTGRES_BASELINE_VERSION)) {
            await c.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
          }
        }
        const applied = new Set((await c.query('SELECT version FROM schema_version')).rows.map((r) => Number(r.version)));
        for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
          if (applied.has(m.version)) continue;
          if (m.postgres === undefined) throw new Error(`migration ${m.version} (${m.name}) has no PostgreSQL form`);
          await c.query(m.postgres);
          await c.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        }
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    c.release();
  }
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
