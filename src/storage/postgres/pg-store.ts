import pg from 'pg';
import type { Repos, Store, SvTridBlocks, TransactionOptions } from '../store.js';
import { TldCache } from '../sql/core.js';
import { reposOn } from '../sql/repos.js';
import { PgDb } from './pg-db.js';
import { pgTypes } from './pg-types.js';
import { migratePostgres } from './pg-migrate.js';
import { PgSharedLimits } from './pg-shared-limits.js';

export interface PgOptions {
  /** A `postgres://` (or `postgresql://`) connection URL; a Unix socket as `?host=/path/to/dir`. */
  url: string;
  /** Refuse (NoDatabaseError) when the database holds no registry yet: every CLI command but serve and init. */
  mustExist?: boolean;
  /** This store only reads (the RDAP worker): no migration; waits for the schema a writer made. */
  reader?: boolean;
  /** Told of trouble worth an operator's attention (transactions that kept failing to serialize). */
  warn?: (msg: string, detail: Record<string, unknown>) => void;
  /** Connections this process keeps (default 10). */
  poolSize?: number;
}

/** SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
/** Attempts of one transaction before its error is the caller's (the runner answers 2400 and logs it). */
export const MAX_ATTEMPTS = 20;


/**
 * The registry on PostgreSQL, for several server processes on one database. Each transaction runs on a
 * pooled connection at SERIALIZABLE: PostgreSQL aborts one of two transactions whose reads and writes could
 * not have happened one after the other (two creates of one name, two debits of one balance), and the
 * aborted one runs again from the start, up to MAX_ATTEMPTS times, where it sees what the other committed
 * (the name taken: 2302). A COMMIT returns once the WAL holding it is flushed (`synchronous_commit = on`),
 * so an answered change survives a crash; concurrent commits share a flush (PostgreSQL's own group commit).
 */
export class PgStore implements Store {
  readonly pool: pg.Pool;
  /** Resolves when the schema is current; every transaction waits for it. */
  readonly ready: Promise<void>;
  private readonly tlds = new TldCache();
  private readonly warn: PgOptions['warn'];
  private closed = false;
  /** Transactions run again after a serialization failure, since the start (for diagnostics; not yet a metric). */
  retries = 0;

  private readonly url: string;

  constructor(opts: PgOptions) {
    this.warn = opts.warn;
    this.url = opts.url;
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types: pgTypes,
      // Durable answers whatever the server's default. A transaction left idle for a minute is a fault (a
      // command's transaction waits only for its own queries): PostgreSQL ends it rather than let it hold
      // locks and the escrow's safe snapshot.
      options: '-c synchronous_commit=on -c TimeZone=UTC -c idle_in_transaction_session_timeout=60s',
      application_name: 'registry',
    });
    // An idle connection the server ended (restart, failover) is dropped from the pool, not a crash.
    this.pool.on('error', (e) => this.warn?.('PostgreSQL connection lost', { error: e.message }));
    this.ready = migratePostgres(this.pool, { mustExist: !!opts.mustExist, reader: !!opts.reader, url: opts.url });
    // Seen by the first transaction; never an unhandled rejection before then.
    this.ready.catch(() => {});
  }

  async transaction<T>(fn: (repos: Repos) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return this.run(fn, 'BEGIN ISOLATION LEVEL SERIALIZABLE', opts);
  }

  /** One snapshot, read-only: REPEATABLE READ READ ONLY never waits for writers and never fails to serialize. */
  async read<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    return this.run(fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  private async run<T>(fn: (repos: Repos) => Promise<T>, begin: string, { queue, auditOnly }: TransactionOptions = {}): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      let queued = false;
      try {
        // A session-level advisory lock taken before BEGIN (so before any row lock: no deadlock with them),
        // held until the transaction ends; it goes with the connection if the process dies.
        if (queue !== undefined) {
          await client.query('SELECT pg_advisory_lock(hashtext($1))', [queue]);
          queued = true;
        }
        // Commits that change nothing but audit rows need not wait for the WAL flush (see TransactionOptions).
        await client.query(auditOnly ? `${begin}; SET LOCAL synchronous_commit TO off` : begin);
        const db = new PgDb(client);
        const result = await fn(reposOn(db, { tlds: this.tlds }));
        // A query that applied due events after all: its changes are answered only once durable.
        if (auditOnly && db.changed) await client.query('SET LOCAL synchronous_commit TO on');
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (e as { code?: string }).code;
        if (code === undefined || !RETRYABLE.has(code)) throw e;
        if (attempt >= MAX_ATTEMPTS) {
          this.warn?.('transaction failed to serialize after every attempt', { attempts: attempt, code });
          throw e;
        }
        this.retries++;
        // Jittered backoff, growing with each attempt: the transactions that collided do not collide again in step.
        await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
      } finally {
        if (queued && !broken) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [queue]).catch(() => (broken = true));
        client.release(broken);
      }
    }
  }

  /**
   * svTRIDs from the `svtrid_seq` sequence, 1,000 per nextval (its INCREMENT, migration 24), on a connection of their own: a command may
   * need a block inside its transaction, and must not wait for a pooled connection its peers all hold.
   */
  readonly svTrids: SvTridBlocks = {
    blockSize: 1000,
    reserve: async () => {
      await this.ready;
      if (!this.sequencePool) {
        this.sequencePool = new pg.Pool({ connectionString: this.url, max: 1, types: pgTypes, application_name: 'registry-svtrid' });
        // As for the main pool: an idle connection the server ended is dropped, never a crash.
        this.sequencePool.on('error', (e) => this.warn?.('PostgreSQL connection lost', { error: e.message }));
      }
      return Number((await this.sequencePool.query("SELECT nextval('svtrid_seq') AS n")).rows[0].n);
    },
  };
  private sequencePool: pg.Pool | undefined;

  sharedLimits(heartbeatMs: number): PgSharedLimits {
    return new PgSharedLimits(this.pool, heartbeatMs, this.warn);
  }

  /** What the server really runs with, read back from PostgreSQL (the start log line). */
  async describe(): Promise<{ server: string; synchronousCommit: string; isolation: string }> {
    await this.ready;
    const c = await this.pool.connect();
    try {
      const server = String((await c.query('SHOW server_version')).rows[0].server_version);
      const synchronousCommit = String((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit);
      return { server, synchronousCommit, isolation: 'serializable' };
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => {});
    await this.sequencePool?.end();
    await this.pool.end();
  }
}

/** True for the `database` values that select this store. */
export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);
