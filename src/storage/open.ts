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
 * read-only store beside it (`reader`) and the CLI (`mustExist`), so another store kind plugs in here once.
 */
export function openStore(settings: StoreSettings, opts: OpenStoreOptions = {}): Store {
  return new SqliteStore({ ...opts, path: settings.database, synchronous: settings.synchronous });
}
