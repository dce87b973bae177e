import { isPostgresUrl, PgStore } from './postgres/pg-store.js';
import { SqliteStore, type SqliteOptions } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import type { EscrowStore } from './escrow-source.js';
import { SqlEscrowStore } from './sql/escrow-source.js';
import { sqliteEscrowConnections } from './sqlite/escrow-connections.js';
import { pgEscrowConnections } from './postgres/escrow-connections.js';

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

/**
 * The escrow's side of the registry the `database` setting names (its schema current already: open the
 * store on it first). Deposits read a snapshot of their own through it.
 */
export async function openEscrowStore(database: string): Promise<EscrowStore> {
  return new SqlEscrowStore(isPostgresUrl(database) ? await pgEscrowConnections(database) : sqliteEscrowConnections(database));
}
