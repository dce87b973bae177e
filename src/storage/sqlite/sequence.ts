import type Database from 'better-sqlite3';

/**
 * Row ids that are never reused, even after a purge (roids derive from them): the next id is one past
 * both the highest id ever handed out (kept in `settings` under `key`) and the table's current maximum
 * (rows bulk-loaded without the sequence). Statements are prepared once.
 */
export class IdSequence {
  private readonly readStmt;
  private readonly maxStmt;
  private readonly writeStmt;
  constructor(db: Database.Database, table: 'contacts' | 'hosts' | 'domains', private readonly key: string) {
    this.readStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.maxStmt = db.prepare<[], { m: number | null }>(`SELECT MAX(id) AS m FROM ${table}`);
    this.writeStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }
  next(): number {
    const next = Math.max(Number(this.readStmt.get(this.key)?.value ?? 0), this.maxStmt.get()?.m ?? 0) + 1;
    this.writeStmt.run(this.key, String(next));
    return next;
  }
}
