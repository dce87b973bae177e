import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { backupDatabase, restoreDatabase } from '../storage/sqlite/backup.js';
import { isPostgresUrl } from '../storage/postgres/pg-store.js';

/** PostgreSQL keeps its own backups: refused by name, before anything is opened. */
function sqliteOnly(cfg: Config, what: string): void {
  if (isPostgresUrl(cfg.database)) {
    throw new Error(`${what} copies a SQLite database file; on PostgreSQL use pg_dump, or base backups with WAL archiving for point-in-time recovery (README, PostgreSQL)`);
  }
}

/**
 * `registry backup FILE` and `registry restore FILE` (src/storage/sqlite/backup.ts). `config` reads the
 * configuration the way every command does (exiting with its message when it is bad).
 */
export function addBackupCommands(program: Command, config: () => Config): void {
  program
    .command('backup')
    .description("copy the database, consistent as of one commit, into a new file (SQLite's online backup: the server keeps serving)")
    .argument('<file>', 'the backup file to write (must not exist)')
    .action(async (file: string) => {
      const cfg = config();
      sqliteOnly(cfg, 'registry backup');
      const r = await backupDatabase(cfg.database, resolve(file));
      console.log(`backup of ${cfg.database} written to ${r.file}: ${r.bytes} bytes, ${r.pages} pages, schema version ${r.schemaVersion}, ${Math.round(r.ms)} ms`);
    });
  program
    .command('restore')
    .description('put a backup in place as the database of a stopped registry (refused while any process has the database open)')
    .argument('<file>', 'a file written by registry backup')
    .action((file: string) => {
      const cfg = config();
      sqliteOnly(cfg, 'registry restore');
      const r = restoreDatabase(resolve(file), cfg.database);
      console.log(`restored ${resolve(file)} as ${r.database} (schema version ${r.schemaVersion})${r.previous ? `; the database that was there is kept as ${r.previous}` : ''}`);
    });
}
