import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

/**
 * Checkpoints run in a worker while the writer keeps committing: without a pause now and then, SQLite never
 * finds the WAL fully copied at a BEGIN, never restarts it, and the WAL grows by everything written for as
 * long as writes go on (a drop lasts hours). The store lets it restart (SqliteStore.letWalRestart).
 */
describe('WAL under sustained writes', function () {
  this.timeout(120_000);
  let dir: string;
  let store: SqliteStore;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'epp-wal-'));
    store = new SqliteStore({ path: join(dir, 'r.sqlite'), backgroundCheckpoints: true });
    store.db.exec('CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts the WAL: seconds of writes without a pause leave a WAL a small part of what was written', async () => {
    const row = 'x'.repeat(1000);
    const insert = store.db.prepare('INSERT INTO bench_rows (v) VALUES (?)');
    // At least 64 MB (rows of ≈ 1 KB) and at least 3 s of writing: the WAL restarts every few hundred ms at
    // most, so its size follows the write rate, which differs from machine to machine (≈ 64 MB/s measured
    // here); several restarts must fall within the test for it to tell a bounded WAL from a growing one.
    const minRows = 64 * 1024;
    const started = Date.now();
    let next = 0;
    // 32 writers back to back, as many sessions would be: the writer is never idle for long.
    const writer = async () => {
      while (next < minRows || Date.now() - started < 3000) {
        next++;
        await store.transaction(async () => void insert.run(row));
      }
    };
    await Promise.all(Array.from({ length: 32 }, writer));
    const written = (store.db.prepare('SELECT COUNT(*) AS n FROM bench_rows').get() as { n: number }).n;
    expect(written).to.equal(next);
    // The WAL file keeps its largest size. Without the restarts it ends larger than the rows written (it took
    // 88 MB for 64 MB of rows); with them it stays at what a few hundred ms of writes fill.
    const walBytes = statSync(join(dir, 'r.sqlite-wal')).size;
    expect(walBytes, `WAL ${walBytes} bytes for ${written} rows of 1 KB`).to.be.below((written * 1000) / 3);
  });
});
