import { SharedDurability } from './shared-durability.js';
import Database from 'better-sqlite3';
import { closeSync, existsSync, fdatasync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { hashAuthInfoSync } from '../../registry/auth-info.js';
import { MIGRATIONS } from '../migrations.js';
import { SCHEMA_VERSION, SchemaTooNewError, NoDatabaseError } from '../errors.js';
import type { Repos, Store } from '../store.js';
import { memoizePrepare, prepareOwn } from './statements.js';
import { SqliteDb } from './sqlite-db.js';
import { SqlAuditRepo } from '../sql/core.js';
import { reposOn } from '../sql/repos.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /**
   * Refuse (NoDatabaseError) when the file does not exist instead of creating an empty registry: every CLI
   * command but `serve` and `init`, so that a mistyped path never looks like an empty registry.
   */
  mustExist?: boolean;
  /**
   * FULL (default): a transaction that changed anything resolves only after the WAL holding its COMMIT has
   * been synced to disk, so an acknowledged change survives power loss; one that wrote only audit rows once
   * every change before it is on disk (see `afterCommit`). NORMAL: every transaction resolves at COMMIT,
   * which survives a process crash but may lose the last commits on power loss.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Checkpoint the WAL from a worker thread (the server) instead of inside a COMMIT every 1,000 pages
   * (short-lived CLI stores keep SQLite's automatic checkpoints).
   */
  backgroundCheckpoints?: boolean;
  /**
   * Told of trouble the store works around but an operator should hear of: checkpoints failing for a reason
   * other than a passing lock, the checkpoint worker gone. At most once a minute per kind.
   */
  warn?: (msg: string, detail: Record<string, unknown>) => void;
  /** Told of each group commit's size and each WAL sync's duration (the server's metrics); must be cheap. */
  stats?: { batch(commands: number): void; sync(seconds: number): void };
  /**
   * Durability shared with stores in other threads: the writer publishes its commits and syncs; a store
   * opened with `reader: true` answers reads only once what the writer committed before is on disk.
   */
  shared?: SharedDurability;
  /** This store only reads (`read`), in a thread beside the writer's: no migration, no checkpoints of its own. */
  reader?: boolean;
}

/** Least time between two warnings of the same kind (a failing checkpoint is retried every 200 ms). */
const WARN_INTERVAL_MS = 60_000;

/** Checkpoint errors that only mean another connection held a lock at that moment. */
const PASSING_LOCK_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT']);

/** How often the checkpoint worker is asked to run while commits happen. */
const CHECKPOINT_INTERVAL_MS = 200;
/** WAL length (frames of one page; ≈ 4 MB at 4 KB pages) past which the writer pauses to let it restart. */
const WAL_RESTART_FRAMES = 1000;
/**
 * Least time between two such pauses: a reader in another process can keep the WAL from restarting, and
 * each pause is then a checkpoint for nothing.
 */
const WAL_RESTART_MIN_INTERVAL_MS = 250;

interface Checkpointer {
  worker: Worker;
  timer: NodeJS.Timeout;
  busy: boolean;
  dirty: boolean;
  exited: boolean;
  /** Frames in the WAL at the last checkpoint: it only falls when the writer restarted the WAL. */
  walFrames: number;
  lastCatchUp: number;
  /** Resolved when the checkpoint in progress ends. */
  idle: Array<() => void>;
}

interface Work {
  fn: (repos: Repos) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Committed = Array<{ work: Work; result: unknown }>;

/** Most commands one group commit holds, so that a long queue still gets answers in steady steps. */
const MAX_BATCH = 256;
/** Most reads one read transaction serves before the event loop gets a turn (writers, sockets). */
const MAX_READ_BATCH = 16;

/**
 * The embedded SQLite store: one connection, WAL mode, foreign keys on, one transaction per command.
 * better-sqlite3 is synchronous, so transactions are serialised through a queue: a handler may await
 * between statements without another command's statements interleaving with its transaction.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly repos: Repos;
  private readonly pending: Work[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  /** Durable mode: the WAL file, synced off the main thread after each COMMIT (see `afterCommit`). */
  private readonly walPath: string | null;
  /**
   * True in durable mode: no transaction that changed anything resolves before the WAL holding its COMMIT is
   * on disk, and none resolves before every change it could have read is (see `afterCommit`).
   */
  get syncsBeforeAnswer(): boolean {
    return this.walPath !== null;
  }
  private walFd: number | null = null;
  /** Committed batches waiting for a WAL sync, each with the number of the batch that must be on disk first. */
  private awaitingSync: Array<{ batch: Committed; needs: number }> = [];
  /** Batches committed so far; the last of them that changed anything; the last known to be on disk. */
  private committedBatches = 0;
  private lastChangingBatch = 0;
  private syncedBatches = 0;
  /** A batch was answered at its COMMIT: its audit rows still go to disk with the next sync. */
  private syncWanted = false;
  private readonly totalChanges: Database.Statement;
  private readonly audit: SqlAuditRepo;
  private syncing: Promise<void> | null = null;
  /** Set when a WAL sync failed: nothing more is acknowledged (the OS may have dropped the dirty pages). */
  private syncFailure: Error | null = null;
  private checkpointer: Checkpointer | null = null;
  /** The read-only connection of `read` and its repositories, opened at the first read. */
  private reader: { db: Database.Database; repos: Repos } | null = null;
  private readonly pendingReads: Work[] = [];
  /** Resolves when the read transaction in progress ends; null when none is open. */
  private readOpen: Promise<void> | null = null;
  private readDraining: Promise<void> | null = null;
  private readonly warnings: SqliteOptions['warn'];
  private readonly stats: SqliteOptions['stats'];
  private readonly lastWarned = new Map<string, number>();
  private readonly shared: SharedDurability | undefined;
  private readonly readerOnly: boolean;

  constructor(opts: SqliteOptions) {
    if (opts.mustExist && opts.path !== ':memory:' && !existsSync(opts.path)) throw new NoDatabaseError(opts.path);
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
    this.warnings = opts.warn;
    this.stats = opts.stats;
    this.db = new Database(opts.path);
    memoizePrepare(this.db);
    this.db.pragma('journal_mode = WAL');
    // SQLite's own FULL would fsync inside COMMIT, blocking the event loop for the whole sync. Durable mode
    // instead runs SQLite at NORMAL (which still syncs at every checkpoint and WAL reset) and syncs the WAL
    // itself on libuv's thread pool after each COMMIT, answering the batch only when that sync has
    // returned: the same guarantee as FULL, while the next batch already runs.
    const durable = (opts.synchronous ?? 'FULL') === 'FULL' && opts.path !== ':memory:';
    this.db.pragma('synchronous = NORMAL');
    this.walPath = durable ? `${this.db.name}-wal` : null;
    this.db.pragma('foreign_keys = ON');
    // 32 MB of page cache instead of SQLite's 2 MB: the hot part of a registry's indexes stays in memory.
    this.db.pragma('cache_size = -32768');
    this.db.pragma('busy_timeout = 5000');
    this.shared = opts.shared;
    this.readerOnly = opts.reader === true;
    if (this.shared && !this.readerOnly) this.shared.setDurable(durable);
    try {
      // A reader beside the writer finds the schema the writer migrated (and must never write).
      if (!this.readerOnly) migrate(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.totalChanges = prepareOwn(this.db, 'SELECT total_changes()').pluck();
    const sql = new SqliteDb(this.db);
    this.audit = new SqlAuditRepo(sql);
    if (opts.backgroundCheckpoints && opts.path !== ':memory:' && !this.readerOnly) this.startCheckpointer();
    this.repos = reposOn(sql, { audit: this.audit });
  }

  private startCheckpointer(): void {
    this.db.pragma('wal_autocheckpoint = 0');
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path: this.db.name } });
    const cp: Checkpointer = {
      worker,
      busy: false,
      dirty: false,
      exited: false,
      walFrames: 0,
      lastCatchUp: 0,
      idle: [],
      timer: setInterval(() => this.requestCheckpoint(), CHECKPOINT_INTERVAL_MS),
    };
    cp.timer.unref();
    worker.unref();
    worker.on('message', (m: { done?: boolean; log?: number; error?: string; code?: string }) => {
      if (!m.done) return;
      cp.busy = false;
      if (typeof m.log === 'number') cp.walFrames = m.log;
      if (m.error && !PASSING_LOCK_CODES.has(m.code ?? '')) {
        // Retried every round; a disk that keeps failing lets the WAL grow until it restarts.
        this.warn('checkpoint', 'WAL checkpoint failed (retried while commits go on)', { err: m.error, code: m.code, walFrames: cp.walFrames });
      }
      for (const resolve of cp.idle.splice(0)) resolve();
    });
    let crash: Error | undefined;
    worker.on('error', (e) => (crash = e)); // followed by 'exit'
    worker.on('exit', (exitCode) => {
      cp.exited = true;
      clearInterval(cp.timer);
      for (const resolve of cp.idle.splice(0)) resolve();
      if (this.checkpointer !== cp) return; // stopped by close()
      // Without the worker, SQLite's own checkpoints take over again (the WAL must not grow without bound).
      this.checkpointer = null;
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      this.warn('checkpoint-worker', 'checkpoint worker ended: SQLite checkpoints inside commits from now on', { err: crash?.message, exitCode });
    });
    this.checkpointer = cp;
  }

  private warn(kind: string, msg: string, detail: Record<string, unknown>): void {
    if (!this.warnings) return;
    const now = Date.now();
    if (now - (this.lastWarned.get(kind) ?? -Infinity) < WARN_INTERVAL_MS) return;
    this.lastWarned.set(kind, now);
    this.warnings(msg, { database: this.db.name, ...detail });
  }

  private requestCheckpoint(): void {
    const cp = this.checkpointer;
    if (!cp || cp.busy || !cp.dirty) return;
    cp.busy = true;
    cp.dirty = false;
    cp.worker.postMessage('checkpoint');
  }

  /**
   * Lets the WAL restart when it has grown long. The worker's PASSIVE checkpoints copy the WAL while the
   * writer keeps appending, so under steady load the WAL was never found fully copied at a BEGIN, SQLite
   * never restarted it, and it grew for as long as the load lasted (measured: 50–95 MB in 8 s of creates;
   * every sync then also writes the file's new size, and every page read searches a longer WAL index).
   * Here the writer, between two batches, waits for one checkpoint of the tail the worker has not copied yet
   * (a few ms); the next batch then finds the WAL fully copied and writes from its start again.
   */
  private async letWalRestart(): Promise<boolean> {
    const cp = this.checkpointer;
    if (!cp || cp.walFrames < WAL_RESTART_FRAMES || Date.now() - cp.lastCatchUp < WAL_RESTART_MIN_INTERVAL_MS) return false;
    cp.lastCatchUp = Date.now();
    // A checkpoint that started during the last batch may not have copied it: wait for it, then run one more.
    if (cp.busy) await checkpointEnded(cp);
    if (cp.busy || cp.exited || this.checkpointer !== cp) return false;
    cp.busy = true;
    cp.dirty = false;
    const ended = checkpointEnded(cp);
    cp.worker.postMessage('checkpoint');
    await ended;
    // The WAL restarts at the next batch's first write; until a checkpoint reports otherwise, assume it did.
    cp.walFrames = 0;
    return true;
  }

  transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn: fn as Work['fn'], resolve: resolve as Work['resolve'], reject });
      // The batch starts after this turn of the event loop: every frame read in the same turn (one per
      // session, with many sessions) joins it, and they share one BEGIN, one COMMIT and one WAL write
      // instead of paying them each.
      if (!this.draining) this.draining = new Promise<void>((started) => setImmediate(started)).then(() => this.drain());
    });
  }

  /**
   * Read-only transactions on a second connection, opened read-only (SQLite refuses any write on it). In WAL
   * mode it reads the last committed snapshot without waiting for the writer and without holding it up, so
   * readers (RDAP) never join or lengthen the group commits. The reads queued in one turn of the event loop
   * share one BEGIN … COMMIT (at most MAX_READ_BATCH, then the loop gets a turn); each is answered once every
   * change it could have read is on disk (see `afterCommit`). An in-memory database has no second
   * connection: its reads run as transactions.
   */
  read<T>(fn: (repos: Repos) => Promise<T>): Promise<T> {
    if (this.db.memory) return this.transaction(fn);
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    return new Promise<T>((resolve, reject) => {
      this.pendingReads.push({ fn: fn as Work['fn'], resolve: resolve as Work['resolve'], reject });
      if (!this.readDraining) this.readDraining = new Promise<void>((started) => setImmediate(started)).then(() => this.drainReads());
    });
  }

  private openReader(): { db: Database.Database; repos: Repos } {
    if (this.reader) return this.reader;
    const db = new Database(this.db.name, { readonly: true, fileMustExist: true });
    memoizePrepare(db);
    db.pragma('cache_size = -16384');
    db.pragma('busy_timeout = 5000');
    this.reader = { db, repos: reposOn(new SqliteDb(db)) };
    return this.reader;
  }

  private async drainReads(): Promise<void> {
    while (this.pendingReads.length > 0) {
      const batch = this.pendingReads.splice(0, MAX_READ_BATCH);
      const done: Committed = [];
      let readEnded!: () => void;
      this.readOpen = new Promise<void>((resolve) => (readEnded = resolve));
      try {
        let reader: { db: Database.Database; repos: Repos };
        try {
          reader = this.openReader();
          reader.db.prepare('BEGIN').run();
        } catch (e) {
          for (const w of batch) w.reject(e);
          continue;
        }
        try {
          for (const work of batch) {
            try {
              done.push({ work, result: await work.fn(reader.repos) });
            } catch (e) {
              work.reject(e); // a read changes nothing: the others go on in the same snapshot
            }
          }
        } finally {
          if (reader.db.inTransaction) reader.db.prepare('COMMIT').run();
        }
      } finally {
        this.readOpen = null;
        readEnded();
      }
      this.afterRead(done);
      if (this.pendingReads.length > 0) await new Promise<void>((r) => setImmediate(r));
    }
    this.readDraining = null;
  }

  /**
   * Answers a read batch once every change it could have read is durable: the last batch that changed
   * anything when it ended (its snapshot is no newer) must be synced, as for a query's answer.
   */
  private afterRead(batch: Committed): void {
    if (this.readerOnly && this.shared) {
      // The writer is another thread's store: its published commits and syncs decide.
      this.shared.untilDurable().then(
        () => batch.forEach((d) => d.work.resolve(d.result)),
        (e) => batch.forEach((d) => d.work.reject(e)),
      );
      return;
    }
    if (!this.walPath) {
      for (const d of batch) d.work.resolve(d.result);
      return;
    }
    if (this.syncFailure) {
      for (const d of batch) d.work.reject(this.syncFailure);
      return;
    }
    const needs = this.lastChangingBatch;
    if (needs <= this.syncedBatches) {
      for (const d of batch) d.work.resolve(d.result);
      return;
    }
    this.awaitingSync.push({ batch, needs });
    if (!this.syncing) this.syncing = this.syncLoop();
  }

  /**
   * Group commit: the commands waiting when a batch starts, and those that arrive while it runs, each run
   * in a SAVEPOINT of one SQLite transaction (one rolls back alone when it fails); one COMMIT then holds the
   * whole batch, and only once the WAL is synced after it does any command of the batch get its answer.
   */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      // A read transaction open at the BEGIN that should restart the WAL would keep it from restarting
      // (one thread runs both, their steps interleaving at each await): that BEGIN waits for it to end.
      if (await this.letWalRestart()) await this.readOpen;
      const done: Committed = [];
      // Rows written by the batch besides audit rows tell whether it changed anything (a rolled-back command's
      // rows count too: the batch is then treated as a change, which only makes it wait for the sync).
      const changesBefore = this.totalChanges.get() as number;
      const auditRowsBefore = this.audit.rowsWritten;
      try {
        this.db.prepare('BEGIN IMMEDIATE').run();
      } catch (e) {
        // The database is locked by another process past busy_timeout, or gone: fail what waits, keep serving.
        for (const w of this.pending.splice(0)) w.reject(e);
        continue;
      }
      try {
        let work: Work | undefined;
        while (done.length < MAX_BATCH && (work = this.pending.shift())) {
          this.db.prepare('SAVEPOINT command').run();
          try {
            const result = await work.fn(this.repos);
            this.db.prepare('RELEASE command').run();
            done.push({ work, result });
          } catch (e) {
            if (!this.db.inTransaction) throw e; // SQLite gave up the whole transaction (I/O error, disk full)
            this.db.exec('ROLLBACK TO command');
            this.db.exec('RELEASE command');
            work.reject(e);
          }
        }
        // Published before the COMMIT: a reader in another thread whose snapshot holds it will wait for its sync.
        this.shared?.committing(this.committedBatches + 1);
        this.db.prepare('COMMIT').run();
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        for (const d of done) d.work.reject(e);
        if (this.shared && this.walPath) {
          // The number published for this COMMIT is used up by a sync all the same, so that a reader in
          // another thread that took it is not left waiting for a batch that never committed.
          this.committedBatches++;
          this.syncWanted = true;
          if (!this.syncing) this.syncing = this.syncLoop();
        }
        continue;
      }
      const changed = (this.totalChanges.get() as number) - changesBefore > this.audit.rowsWritten - auditRowsBefore;
      this.stats?.batch(done.length);
      this.afterCommit(done, changed);
    }
    // Cleared in the same synchronous step that saw the queue empty, so no command is ever left waiting.
    this.draining = null;
  }

  /**
   * Answers a committed batch: at once without durable mode. In durable mode a batch that changed anything
   * is answered after a WAL sync that started after its COMMIT; batches committed while a sync runs share the
   * next one (one sync per group, not per batch). A batch that changed nothing but its audit rows (queries:
   * check, info, poll request, transfer query) is answered as soon as every earlier change, which it may have
   * read, is on disk (often at once): a registrar is never told of a change that could still be lost, and a
   * lone session's query no longer waits for a disk flush of its own audit row. That row is committed with
   * the query (a process crash never loses it) and reaches the disk with the sync started at the same time;
   * only a power loss within that sync (≈ 0.3 ms here) could lose it.
   */
  private afterCommit(batch: Committed, changed: boolean): void {
    if (this.checkpointer) this.checkpointer.dirty = true;
    if (!this.walPath) {
      for (const d of batch) d.work.resolve(d.result);
      return;
    }
    if (this.syncFailure) {
      // Nothing is acknowledged after a failed sync, not even a query (its audit row cannot reach the disk).
      for (const d of batch) d.work.reject(this.syncFailure);
      return;
    }
    const seq = ++this.committedBatches;
    if (changed) this.lastChangingBatch = seq;
    const needs = this.lastChangingBatch;
    if (needs <= this.syncedBatches) {
      for (const d of batch) d.work.resolve(d.result);
      this.syncWanted = true;
    } else {
      this.awaitingSync.push({ batch, needs });
    }
    if (!this.syncing) this.syncing = this.syncLoop();
  }

  private async syncLoop(): Promise<void> {
    while (this.awaitingSync.length > 0 || this.syncWanted) {
      this.syncWanted = false;
      // Every batch committed by now is in the WAL file: the sync below puts them all on disk.
      const upTo = this.committedBatches;
      let failure: Error | null = this.syncFailure;
      if (!failure) {
        try {
          const fd = this.wal();
          if (fd !== null) {
            const started = this.stats && performance.now();
            await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
            if (started !== undefined) this.stats!.sync((performance.now() - started) / 1000);
          }
        } catch (e) {
          // After a failed fsync the kernel may have dropped the pages: never acknowledge anything again.
          failure = this.syncFailure = new Error(`WAL sync failed, the store refuses further work: ${(e as Error).message}`);
        }
      }
      if (!failure) this.syncedBatches = upTo;
      if (failure) this.shared?.failed();
      else this.shared?.synced(upTo);
      const waiting = this.awaitingSync;
      this.awaitingSync = [];
      for (const w of waiting) {
        if (failure) for (const d of w.batch) d.work.reject(failure);
        else if (w.needs <= this.syncedBatches) for (const d of w.batch) d.work.resolve(d.result);
        else this.awaitingSync.push(w); // committed during this sync: the next one covers it
      }
    }
    this.syncing = null;
  }

  /**
   * The WAL's descriptor, reopened if the file was replaced (SQLite deletes it when the last connection
   * closes); null when there is no WAL file, i.e. nothing was ever written through it.
   */
  private wal(): number | null {
    if (this.walFd !== null && fstatSync(this.walFd).nlink === 0) {
      closeSync(this.walFd);
      this.walFd = null;
    }
    if (this.walFd === null) {
      try {
        this.walFd = openSync(this.walPath!, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    }
    return this.walFd;
  }

  /** One process serves an SQLite database (its serve lock): it numbers its own svTRIDs. */
  readonly svTrids = null;

  /** None: one process serves an SQLite database (its serve lock), and counts its limits in memory. */
  sharedLimits(): null {
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.draining;
    await this.readDraining;
    await this.syncing;
    this.reader?.db.close();
    this.reader = null;
    const cp = this.checkpointer;
    if (cp) {
      this.checkpointer = null;
      clearInterval(cp.timer);
      if (!cp.exited) {
        // The worker closes its connection and says so; then it is terminated (waiting for it to end by
        // itself hangs when our stdout is a broken pipe).
        const stopped = new Promise<void>((resolve) => {
          cp.worker.on('message', (m: { stopped?: boolean }) => m.stopped && resolve());
          cp.worker.once('exit', () => resolve());
        });
        cp.worker.postMessage('stop');
        await stopped;
        await cp.worker.terminate();
      }
    }
    if (this.walFd !== null) closeSync(this.walFd);
    this.db.close();
  }
}

/**
 * Resolves when the worker's checkpoint in progress ends, or after a second: a checkpoint stuck on a slow
 * disk must not hold every command.
 */
function checkpointEnded(cp: Checkpointer): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    cp.idle.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export { NoDatabaseError, SCHEMA_VERSION, SchemaTooNewError } from '../errors.js';

/** The highest migration applied to a database (0 for a new one), without changing it. */
export function schemaVersionOf(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_version').get() as { v: number }).v;
}

function migrate(db: Database.Database): void {
  // Checked before anything is written: migrations only go forwards, and an older registry cannot know what a
  // newer one's schema means (columns it would not fill, rows it would misread).
  const found = schemaVersionOf(db);
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(db.name, found);
  // A migration that re-hashes stored authInfo values calls it (SQL has no KDF).
  db.function('authinfo_hash', { deterministic: false }, (pw: unknown) => (typeof pw === 'string' && pw !== '' ? hashAuthInfoSync(pw) : null));
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_version').all() as Array<{ version: number }>).map((r) => r.version));
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}
