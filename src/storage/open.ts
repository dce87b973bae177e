import { isPostgresUrl, PgStore } from './postgres/pg-store.js';
import { SqliteStore, type SqliteOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** What of the configuration decides which store opens (the `database` setting names it). */
export interface StoreSettings {
  database: string;
  synchronous: SqliteOptions['synchronous'];
}

export type OpenStoreOptions = Pick<SqliteOptions, 'stats' | 'warn' | 'backgroundCheckpoints' | 'shared' | 'reader' | 'mustExist'>;

/**
 * Opens the store the configuration names: the one place that decides, for the server, the RDAP worker's
 * read-only store beside it (`reader`) and the CLI (`mustExist`). A `postgres://` URL opens PostgreSQL
 * (`synchronous`, checkpoints and the shared durability are SQLite's own and do not apply); anything else
 * is a SQLite file.
 */
export function openStore(settings: StoreSettings, opts: OpenStoreOptions = {}): Store {
  if (isPostgresUrl(settings.database)) return new PgStore({ url: settings.database, mustExist: opts.mustExist, reader: opts.reader, warn: opts.warn });
  return new SqliteStore({ ...opts, path: settings.database, synchronous: settings.synchronous });
}
