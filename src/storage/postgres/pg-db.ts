import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { Params, SqlDb, Statement } from '../sql/db.js';

/** One SQL text as PostgreSQL takes it: `$n` parameters, the names they came from, a prepared-statement name. */
interface Translated {
  text: string;
  /** `@name`/`:name` parameters in `$n` order; null when the text uses `?` (positional). */
  names: string[] | null;
  /** Undefined past MAX_NAMED: the statement is then parsed each time it runs. */
  name: string | undefined;
}

const translations = new Map<string, Translated>();
/**
 * Distinct SQL texts kept translated and prepared by name (each connection keeps every statement it has
 * prepared). The registry's own texts are a few hundred; texts built with inline lists (an OT&E reset's ids)
 * are not kept once the cap is reached, so neither this map nor a connection grows without bound.
 */
const MAX_NAMED = 2000;

/** Statements that only read. */
const READS = /^\s*(SELECT|WITH|PRAGMA)\b/i;

/**
 * Rewrites the shared SQL's parameters (`?` in order, or `@name`/`:name` bound from one object) to
 * PostgreSQL's `$n`, skipping string literals, quoted identifiers, comments and `::` casts. Once per text.
 */
export function translate(sql: string): Translated {
  const known = translations.get(sql);
  if (known) return known;
  let out = '';
  let positional = 0;
  const names: string[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote in SQL: ${sql}`);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end - 1;
    } else if (c === '?') {
      out += `$${++positional}`;
    } else if (c === ':' && sql[i + 1] === ':') {
      out += '::';
      i++;
    } else if ((c === '@' || c === ':') && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))!;
      let n = names.indexOf(m[0]);
      if (n < 0) n = names.push(m[0]) - 1;
      out += `$${n + 1}`;
      i += m[0].length;
    } else {
      out += c;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`SQL mixes ? and named parameters: ${sql}`);
  const keep = translations.size < MAX_NAMED;
  const t: Translated = { text: out, names: names.length > 0 ? names : null, name: keep ? `s${translations.size + 1}` : undefined };
  if (keep) translations.set(sql, t);
  return t;
}

function values(t: Translated, params: Params): unknown[] {
  if (!t.names) return params;
  const o = (params[0] ?? {}) as Record<string, unknown>;
  return t.names.map((n) => o[n] ?? null);
}

/** Rows a cursor hands over at a time while a zone or a deposit streams. */
const CURSOR_PAGE = 1000;

/**
 * `SqlDb` over one PostgreSQL connection, inside the transaction the store opened on it. Each SQL text is a
 * named prepared statement: parsed and planned once per connection, not once per command.
 */
export class PgDb implements SqlDb {
  readonly dialect = 'postgres' as const;
  /** Whether a statement other than a read or an audit row ran (the store then commits durably whatever was asked). */
  changed = false;
  constructor(readonly client: pg.PoolClient | pg.Client) {}

  private async query(sql: string, params: Params, rowMode?: 'array'): Promise<pg.QueryResult> {
    const t = translate(sql);
    if (!this.changed && !READS.test(sql) && !sql.includes('INSERT INTO audit_log')) this.changed = true;
    const config: pg.QueryConfig = { name: t.name, text: t.text, values: values(t, params) };
    // Array rows for `pluck` (the first column whatever its name); the driver's types omit rowMode here.
    if (rowMode) Object.assign(config, { rowMode });
    return this.client.query(config);
  }

  prepare<P extends Params = Params, R = unknown>(sql: string): Statement<P, R> {
    return {
      get: async (...p) => (await this.query(sql, p)).rows[0] as R | undefined,
      all: async (...p) => (await this.query(sql, p)).rows as R[],
      run: async (...p) => ({ changes: (await this.query(sql, p)).rowCount ?? 0 }),
    };
  }

  pluck<P extends Params = Params, V = unknown>(sql: string): Statement<P, V> {
    return {
      get: async (...p) => ((await this.query(sql, p, 'array')).rows[0] as unknown[] | undefined)?.[0] as V | undefined,
      all: async (...p) => ((await this.query(sql, p, 'array')).rows as unknown[][]).map((r) => r[0] as V),
      run: async (...p) => ({ changes: (await this.query(sql, p)).rowCount ?? 0 }),
    };
  }

  reader<P extends Params = Params, R = unknown>(sql: string): Statement<P, R> {
    return this.prepare<P, R>(sql);
  }

  async *iterate<R = unknown>(sql: string, ...params: Params): AsyncIterable<R> {
    const t = translate(sql);
    const cursor = this.client.query(new Cursor(t.text, values(t, params)));
    try {
      for (;;) {
        const rows = (await cursor.read(CURSOR_PAGE)) as R[];
        if (rows.length === 0) return;
        yield* rows;
      }
    } finally {
      await cursor.close();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
}
