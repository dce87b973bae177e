import type Database from 'better-sqlite3';
import type { Params, SqlDb, Statement } from '../sql/db.js';
import { prepareOwn, rowReader } from './statements.js';

/**
 * `SqlDb` over one better-sqlite3 connection. better-sqlite3 is synchronous, so each call has done its work
 * before the promise it returns settles; the store's queue keeps transactions from interleaving. Each SQL
 * text is wrapped once (and compiled once, see `memoizePrepare`).
 */
export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement<never[], unknown>>();
  constructor(readonly raw: Database.Database) {}

  private cached<P extends Params, R>(key: string, make: () => Statement<P, R>): Statement<P, R> {
    let s = this.statements.get(key) as Statement<P, R> | undefined;
    if (!s) {
      s = make();
      this.statements.set(key, s as unknown as Statement<never[], unknown>);
    }
    return s;
  }

  prepare<P extends Params = Params, R = unknown>(sql: string): Statement<P, R> {
    return this.cached(sql, () => {
      const stmt = this.raw.prepare(sql);
      return wrap<P, R>(
        (p) => stmt.get(...p) as R | undefined,
        (p) => stmt.all(...p) as R[],
        (p) => stmt.run(...p).changes,
      );
    });
  }

  pluck<P extends Params = Params, V = unknown>(sql: string): Statement<P, V> {
    return this.cached(`pluck:${sql}`, () => {
      const stmt = prepareOwn(this.raw, sql);
      const reads = stmt.reader;
      if (reads) stmt.pluck();
      return wrap<P, V>(
        (p) => stmt.get(...p) as V | undefined,
        (p) => stmt.all(...p) as V[],
        (p) => stmt.run(...p).changes,
      );
    });
  }

  reader<P extends Params = Params, R = unknown>(sql: string): Statement<P, R> {
    return this.cached(`reader:${sql}`, () => {
      const r = rowReader<P, R>(this.raw, sql);
      return wrap<P, R>(
        (p) => r.get(...p),
        (p) => r.all(...p),
        () => {
          throw new Error('a reader statement does not change rows');
        },
      );
    });
  }

  async *iterate<R = unknown>(sql: string, ...params: Params): AsyncIterable<R> {
    for (const row of prepareOwn(this.raw, sql).iterate(...params)) yield row as R;
  }

  async exec(sql: string): Promise<void> {
    this.raw.exec(sql);
  }
}

function wrap<P extends Params, R>(get: (p: P) => R | undefined, all: (p: P) => R[], run: (p: P) => number): Statement<P, R> {
  return {
    get: async (...p: P) => get(p),
    all: async (...p: P) => all(p),
    run: async (...p: P) => ({ changes: run(p) }),
  };
}
