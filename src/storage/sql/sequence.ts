import type { SqlDb, Statement } from './db.js';

/**
 * Row ids that are never reused, even after a purge (roids derive from them). On PostgreSQL a sequence per
 * table (`<table>_id_seq`), which concurrent transactions and processes share without waiting on each
 * other (a rolled-back create leaves a gap, as on any registry). On SQLite, where one writer runs at a time,
 * the next id is one past both the highest id ever handed out (kept in `settings` under `key`) and the
 * table's current maximum (rows bulk-loaded without the sequence).
 */
export class IdSequence {
  private readonly nextStmt: Statement<[], number> | null = null;
  private readonly readStmt;
  private readonly maxStmt;
  private readonly writeStmt;
  constructor(
    db: SqlDb,
    table: 'contacts' | 'hosts' | 'domains',
    private readonly key: string,
  ) {
    if (db.dialect === 'postgres') this.nextStmt = db.pluck<[], number>(`SELECT nextval('${table}_id_seq')`);
    this.readStmt = db.pluck<[string], string>('SELECT value FROM settings WHERE key = ?');
    this.maxStmt = db.pluck<[], number | null>(`SELECT MAX(id) FROM ${table}`);
    this.writeStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  async next(): Promise<number> {
    if (this.nextStmt) return (await this.nextStmt.get())!;
    const next = Math.max(Number((await this.readStmt.get(this.key)) ?? 0), (await this.maxStmt.get()) ?? 0) + 1;
    await this.writeStmt.run(this.key, String(next));
    return next;
  }
}
