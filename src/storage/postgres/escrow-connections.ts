import pg from 'pg';
import type { EscrowConnection, EscrowConnections } from '../sql/escrow-source.js';
import { PgDb } from './pg-db.js';
import { pgTypes } from './pg-types.js';
import { MAX_ATTEMPTS } from './pg-store.js';

async function connect(url: string, name: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, types: pgTypes, application_name: name, options: '-c synchronous_commit=on' });
  await c.connect();
  return c;
}

/**
 * The escrow's connections to a PostgreSQL registry. The tick is a SERIALIZABLE transaction of its own (run
 * again on a serialization failure); every command transaction reads `escrow_clock` in its triggers. The
 * snapshot is SERIALIZABLE READ ONLY DEFERRABLE: PostgreSQL hands it a snapshot only once no transaction
 * still running could commit a change the snapshot misses with a stamp at or below the epoch (a command
 * that read the clock before the tick and commits after it), so a differential deposit later taking every
 * stamp above the epoch loses nothing. It may wait for the commands running when it starts; never blocks them.
 */
export async function pgEscrowConnections(url: string): Promise<EscrowConnections> {
  const client = await connect(url, 'registry escrow');
  const records: EscrowConnection = { db: new PgDb(client), close: () => client.end() };
  return {
    records,
    async tick() {
      for (let attempt = 1; ; attempt++) {
        try {
          await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
          const r = await client.query('UPDATE escrow_clock SET epoch = epoch + 1 RETURNING epoch');
          await client.query('COMMIT');
          return Number(r.rows[0].epoch) - 1;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          if ((e as { code?: string }).code !== '40001' || attempt >= MAX_ATTEMPTS) throw e;
        }
      }
    },
    // A session lock on the records connection: released when it closes, or when the process dies.
    async lockTld(tld) {
      return (await client.query("SELECT pg_try_advisory_lock(hashtext('registry escrow deposit ' || $1)) AS got", [tld])).rows[0].got === true;
    },
    async openSnapshot() {
      const snap = await connect(url, 'registry escrow snapshot');
      try {
        await snap.query('BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE');
      } catch (e) {
        await snap.end();
        throw e;
      }
      return {
        db: new PgDb(snap),
        close: async () => {
          await snap.query('COMMIT').catch(() => {});
          await snap.end();
        },
      };
    },
  };
}
