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

  it('restarts the WAL: 64 MB written without a pause leave a WAL far smaller than that', async () => {
    const row = 'x'.repeat(1000);
    const insert = store.db.prepare('INSERT INTO bench_rows (v) VALUES (?)');
    const total = 64 * 1024; // rows of ≈ 1 KB: ≈ 64 MB of pages through the WAL
    let next = 0;
    // 32 writers back to back, as many sessions would be: the writer is never idle for long.
    const writer = async () => {
      while (next < total) {
        next++;
        await store.transaction(async () => void insert.run(row));
      }
    };
    await Promise.all(Array.from({ length: 32 }, writer));
    const written = (store.db.prepare('SELECT COUNT(*) AS n FROM bench_rows').get() as { n: number }).n;
    expect(written).to.equal(total);
    // The WAL file keeps its largest size: it was restarted well before reaching what was written.
    const walBytes = statSync(join(dir, 'r.sqlite-wal')).size;
    expect(walBytes, `WAL ${walBytes} bytes`).to.be.below(24 * 1024 * 1024);
  });
});
