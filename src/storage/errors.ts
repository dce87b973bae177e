import { MIGRATIONS } from './migrations.js';

/** The highest migration this code knows: a database at a higher version was written by a newer registry. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** A database whose schema a newer version of the registry wrote: this one must not serve or change it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly database: string,
    readonly found: number,
  ) {
    super(
      `database ${database} has schema version ${found}, written by a newer version of the registry; this version knows up to ${SCHEMA_VERSION}. ` +
        'Run the newer version, or restore a backup made by this one (see README, Production: upgrades)',
    );
  }
}

/** A command other than serve/init named a database (file, or PostgreSQL database) that holds no registry. */
export class NoDatabaseError extends Error {
  constructor(readonly database: string) {
    super(`no registry database at ${database} (check the database setting or REGISTRY_DATABASE; registry serve or registry init creates one)`);
  }
}

