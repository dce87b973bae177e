/**
 * What synchronous=FULL costs on this machine's disk: commits/s of WAL transactions with FULL and NORMAL,
 * one row per commit and 16 (a group commit), 2 s each. Not a test; run after a build:
 *   node dist/test/crash/sync-cost.js [folder on the disk to measure]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'sync-cost-'));
try {
  for (const synchronous of ['FULL', 'NORMAL']) {
    for (const rowsPerCommit of [1, 16]) {
      const db = new Database(join(dir, `${synchronous}-${rowsPerCommit}.sqlite`));
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      const row = 'x'.repeat(200);
      const started = performance.now();
      let commits = 0;
      while (performance.now() - started < 2000) {
        db.exec('BEGIN IMMEDIATE');
        for (let i = 0; i < rowsPerCommit; i++) insert.run(row);
        db.exec('COMMIT');
        commits++;
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(`${synchronous.padEnd(6)} ${String(rowsPerCommit).padStart(2)} rows/commit: ${Math.round(commits / seconds)} commits/s (${((seconds * 1000) / commits).toFixed(3)} ms each)`);
      db.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
