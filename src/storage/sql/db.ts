/**
 * The one door through which repositories reach a database, so that the same repository code (and, where
 * the dialects agree, the same SQL text) runs on the embedded SQLite store and on PostgreSQL.
 *
 * SQL is written once, in the subset both speak: `?` or `@name` parameters (PostgreSQL's are rewritten to
 * `$n` once per text), `INSERT … ON CONFLICT`, `RETURNING`, double-quoted aliases for camelCase names.
 * Where they differ (JSON functions, `PRAGMA`, a scalar `max(a, b)`), the repository asks `db.dialect`.
 * Values cross the same way on both: integers (ids, epoch-millisecond times, 0/1 flags, amounts) as numbers,
 * text as strings, NULL as null.
 */
export type Dialect = 'sqlite' | 'postgres';

/** A statement's parameters: positional values, or one object for `@name` parameters. */
export type Params = unknown[];

export interface Statement<P extends Params = Params, R = unknown> {
  /** The first row, or undefined. */
  get(...params: P): Promise<R | undefined>;
  all(...params: P): Promise<R[]>;
  /** Runs a statement that changes rows; `changes` counts the rows it changed. */
  run(...params: P): Promise<{ changes: number }>;
}

export interface SqlDb {
  readonly dialect: Dialect;
  /** A statement whose rows are objects keyed by column name (or alias). */
  prepare<P extends Params = Params, R = unknown>(sql: string): Statement<P, R>;
  /** A statement whose rows are the first column's value alone. */
  pluck<P extends Params = Params, V = unknown>(sql: string): Statement<P, V>;
  /**
   * As `prepare`, for the lookups every command makes: SQLite builds these rows from raw arrays (see
   * `rowReader` in sqlite/statements.ts); on PostgreSQL it is `prepare`.
   */
  reader<P extends Params = Params, R = unknown>(sql: string): Statement<P, R>;
  /** Rows in order without holding them all (a zone, a deposit): SQLite steps its cursor, PostgreSQL fetches from a cursor in pages. */
  iterate<R = unknown>(sql: string, ...params: Params): AsyncIterable<R>;
  /** Runs SQL without parameters or rows (one or several statements). */
  exec(sql: string): Promise<void>;
}

/**
 * A list of ids (`kind` int) or names (text) as one parameter, for `x IN ${inList(db, 'int')}`: the caller
 * passes `JSON.stringify(list)`, the same value on both dialects.
 */
export function inList(db: SqlDb, kind: 'int' | 'text', param = '?'): string {
  if (db.dialect === 'sqlite') return `(SELECT value FROM json_each(${param}))`;
  return `(SELECT CAST(value AS ${kind === 'int' ? 'BIGINT' : 'TEXT'}) FROM json_array_elements_text(CAST(${param} AS JSON)))`;
}
