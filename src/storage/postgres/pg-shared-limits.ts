import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { SharedLimits } from '../shared-limits.js';

/** A process is taken for dead after this many heartbeats without one. */
const MISSED_BEATS = 3;
/** Failed-login counts kept at most (the oldest go first), as the in-memory throttle bounds its tables. */
const MAX_LOGIN_FAILURES = 100_000;
/** Attempts of a rate take that PostgreSQL aborted as a deadlock (two requests locking their buckets). */
const RATE_ATTEMPTS = 5;

/**
 * The limits of every server process on one PostgreSQL database, in unlogged tables (migration 24): not
 * worth a WAL flush, and a database crash that empties them also ended every session they count.
 *
 * - Each process has a row in `server_processes`, its heartbeat updated every `heartbeatMs`. Sessions of a
 *   process silent for three heartbeats are not counted, and its rows are removed (a process killed with
 *   SIGKILL gives its registrars their sessions back after at most that long).
 * - A session is a row of `epp_sessions`: a login counts the registrar's live sessions and adds its own
 *   under a transaction-scoped advisory lock per registrar, so two logins at once on two processes are
 *   counted one after the other. Each heartbeat also removes rows of this process's sessions that have
 *   ended (a release that failed) and, if the process was taken for dead, puts its live ones back.
 * - Failed logins are rows per (address, clID), their last failure's time in ms.
 * - HTTP request counts are rows per (key, window start): the buckets of one request are counted in one
 *   transaction, their rows locked in key order, and rolled back together when one is at its limit.
 */
export class PgSharedLimits implements SharedLimits {
  readonly processId = randomUUID();
  /** Sessions this process holds (row id → registrar id), kept before their row is written. */
  private readonly mine = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly heartbeatMs: number,
    private readonly warn: (msg: string, detail: Record<string, unknown>) => void = () => {},
  ) {}

  private get staleMs(): number {
    return MISSED_BEATS * this.heartbeatMs;
  }

  async start(): Promise<void> {
    await this.register();
    this.timer = setInterval(() => {
      if (this.beating) return;
      this.beating = true;
      this.beat()
        .catch((e: Error) => this.warn('heartbeat failed', { error: e.message }))
        .finally(() => (this.beating = false));
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private async register(): Promise<void> {
    await this.pool.query(
      `INSERT INTO server_processes (id, host, pid) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp()`,
      [this.processId, hostname(), process.pid],
    );
  }

  /** One heartbeat: this process is alive; its session rows match its sessions; dead processes and old counts go. */
  async beat(): Promise<void> {
    const alive = await this.pool.query('UPDATE server_processes SET heartbeat_at = clock_timestamp() WHERE id = $1', [this.processId]);
    const ids = [...this.mine.keys()];
    if (alive.rowCount === 0) {
      // Taken for dead (the event loop or the database stalled for three heartbeats, or the database restarted
      // and emptied its unlogged tables): its live sessions are counted again.
      this.warn('this process was taken for dead by the others; its sessions are counted again', { sessions: ids.length });
      await this.register();
      await this.pool.query(
        `INSERT INTO epp_sessions (id, registrar_id, process_id)
         SELECT s.id, s.registrar_id, $3 FROM unnest($1::text[], $2::bigint[]) AS s(id, registrar_id) ON CONFLICT (id) DO NOTHING`,
        [ids, ids.map((id) => this.mine.get(id)), this.processId],
      );
    }
    await this.pool.query('DELETE FROM epp_sessions WHERE process_id = $1 AND NOT (id = ANY($2::text[]))', [this.processId, ids]);
    // Their sessions go with them (ON DELETE CASCADE).
    await this.pool.query(`DELETE FROM server_processes WHERE heartbeat_at < clock_timestamp() - $1 * interval '1 millisecond'`, [this.staleMs]);
    const now = Date.now();
    await this.pool.query('DELETE FROM rate_windows WHERE window_end <= $1', [now]);
    await this.pool.query('DELETE FROM login_failures WHERE expires_ms <= $1', [now]);
    await this.pool.query(
      `DELETE FROM login_failures WHERE last_ms < (SELECT last_ms FROM login_failures ORDER BY last_ms DESC OFFSET $1 LIMIT 1)`,
      [MAX_LOGIN_FAILURES - 1],
    );
  }

  /** A session's row id: its id is unique within its process only. */
  private rowId(sessionId: string): string {
    return `${this.processId}/${sessionId}`;
  }

  async claimSession(registrarId: number, session: string, max: number): Promise<boolean> {
    const sessionId = this.rowId(session);
    this.mine.set(sessionId, registrarId);
    let claimed = false;
    try {
      claimed = await this.inTransaction(async (c) => {
        await c.query("SELECT pg_advisory_xact_lock(hashtext('epp_sessions:' || $1::text))", [registrarId]);
        // READ COMMITTED: this statement's snapshot is taken after the lock, so it counts the sessions the
        // previous holder added.
        const r = await c.query(
          `INSERT INTO epp_sessions (id, registrar_id, process_id)
           SELECT $1, $2, $3
           WHERE (SELECT count(*) FROM epp_sessions s JOIN server_processes p ON p.id = s.process_id
                  WHERE s.registrar_id = $2 AND p.heartbeat_at >= clock_timestamp() - $5 * interval '1 millisecond') < $4`,
          [sessionId, registrarId, this.processId, max, this.staleMs],
        );
        return r.rowCount === 1;
      });
      return claimed;
    } finally {
      if (!claimed) this.mine.delete(sessionId);
    }
  }

  async releaseSession(session: string): Promise<void> {
    const sessionId = this.rowId(session);
    // After stop() this process's row is gone, and its sessions' rows with it.
    if (!this.mine.delete(sessionId) || this.stopped) return;
    await this.pool.query('DELETE FROM epp_sessions WHERE id = $1', [sessionId]);
  }

  async loginFailures(address: string, clID: string, since: number): Promise<{ own: number; clIds: number }> {
    const r = await this.pool.query(
      `SELECT COALESCE(MAX(n) FILTER (WHERE clid = $2), 0) AS own, COUNT(*) AS clids
       FROM login_failures WHERE address = $1 AND last_ms >= $3`,
      [address, clID, since],
    );
    return { own: Number(r.rows[0].own), clIds: Number(r.rows[0].clids) };
  }

  async loginFailed(address: string, clID: string, now: number, since: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO login_failures AS f (address, clid, n, last_ms, expires_ms) VALUES ($1, $2, 1, $3, $4)
       ON CONFLICT (address, clid) DO UPDATE SET n = CASE WHEN f.last_ms >= $5 THEN f.n + 1 ELSE 1 END, last_ms = $3, expires_ms = $4`,
      [address, clID, now, now + (now - since), since],
    );
  }

  async loginSucceeded(address: string, clID: string): Promise<void> {
    await this.pool.query('DELETE FROM login_failures WHERE address = $1 AND clid = $2', [address, clID]);
  }

  async takeRate(buckets: Array<[key: string, limit: number]>, window: { start: number; end: number }): Promise<{ counts: number[]; refused: number | null }> {
    const keys = buckets.map(([k]) => k);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inTransaction(async (c) => {
          // A bucket at its limit is not updated and so not returned.
          const r = await c.query(
            `INSERT INTO rate_windows AS w (key, window_start, window_end, count, lim)
             SELECT b.key, $3, $4, 1, b.lim FROM unnest($1::text[], $2::int[]) AS b(key, lim) ORDER BY b.key
             ON CONFLICT (key, window_start) DO UPDATE SET count = w.count + 1, lim = EXCLUDED.lim WHERE w.count < EXCLUDED.lim
             RETURNING key, count`,
            [keys, buckets.map(([, l]) => l), window.start, window.end],
          );
          const counted = new Map(r.rows.map((row) => [String(row.key), Number(row.count)]));
          const refused = keys.findIndex((k) => !counted.has(k));
          if (refused >= 0) throw new RateRefused(buckets.map(([k, limit]) => counted.get(k) ?? limit), refused);
          return { counts: keys.map((k) => counted.get(k)!), refused: null };
        });
      } catch (e) {
        if (e instanceof RateRefused) return { counts: e.counts, refused: e.refused };
        if ((e as { code?: string }).code !== '40P01' || attempt >= RATE_ATTEMPTS) throw e;
      }
    }
  }

  async liveProcesses(): Promise<number> {
    const r = await this.pool.query(`SELECT count(*)::int AS n FROM server_processes WHERE heartbeat_at >= clock_timestamp() - $1 * interval '1 millisecond'`, [this.staleMs]);
    return Math.max(1, Number(r.rows[0].n));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.mine.clear();
    await this.pool.query('DELETE FROM server_processes WHERE id = $1', [this.processId]);
  }

  /** `fn` in one READ COMMITTED transaction of its own (these statements lock what they need themselves). */
  private async inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken = false;
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      c.release(broken);
    }
  }
}

/** Rolls a rate take back when one of its buckets is at its limit. */
class RateRefused extends Error {
  constructor(
    readonly counts: number[],
    readonly refused: number,
  ) {
    super('rate limit reached');
  }
}
