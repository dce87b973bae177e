import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

/**
 * The checkpoint worker's trouble reaches the operator: when the worker ends unexpectedly the store says so
 * through its `warn` hook and falls back to SQLite's own checkpoints, and goes on committing. A store closed
 * normally says nothing.
 */
describe('checkpoint worker trouble is reported', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'epp-ckpt-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const insertRegistrar = (store: SqliteStore, clId: string) =>
    store.transaction((r) => r.registrars.insert({ clId, name: clId, passwordHash: 'x' }, new Date()));

  it('warns once when the worker ends, restores automatic checkpoints and keeps committing', async () => {
    const warnings: Array<{ msg: string; detail: Record<string, unknown> }> = [];
    const store = new SqliteStore({ path: join(dir, 'r.sqlite'), backgroundCheckpoints: true, warn: (msg, detail) => warnings.push({ msg, detail }) });
    try {
      await insertRegistrar(store, 'CkptA');
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).to.equal(0);
      const worker = (store as unknown as { checkpointer: { worker: Worker } }).checkpointer.worker;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      await worker.terminate();
      await exited;
      expect(warnings).to.have.length(1);
      expect(warnings[0].msg).to.match(/checkpoint worker ended/);
      expect(warnings[0].detail.database).to.equal(store.db.name);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1000);
      await insertRegistrar(store, 'CkptB');
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM registrars WHERE cl_id LIKE ?').get('Ckpt%')).to.deep.equal({ n: 2 });
    } finally {
      await store.close();
    }
    expect(warnings).to.have.length(1);
  });

  it('warns when checkpoints fail for another reason than a lock, at most once a minute', async () => {
    const warnings: Array<{ msg: string; detail: Record<string, unknown> }> = [];
    const store = new SqliteStore({ path: join(dir, 'r.sqlite'), backgroundCheckpoints: true, warn: (msg, detail) => warnings.push({ msg, detail }) });
    try {
      // The worker's own connection is closed behind the store's back: every checkpoint from now on fails.
      const worker = (store as unknown as { checkpointer: { worker: Worker } }).checkpointer.worker;
      await new Promise<void>((resolve) => {
        worker.on('message', (m: { stopped?: boolean }) => m.stopped && resolve());
        worker.postMessage('stop');
      });
      // Commits spaced over several 200 ms checkpoint rounds: each round's checkpoint fails.
      for (const clId of ['CkptD', 'CkptE', 'CkptF']) {
        await insertRegistrar(store, clId);
        await sleep(300);
      }
      const failed = warnings.filter((w) => /checkpoint failed/.test(w.msg));
      expect(failed, 'one warning, however many checkpoints failed').to.have.length(1);
      expect(String(failed[0].detail.err)).to.match(/not open/);
      // Commits go on regardless.
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM registrars WHERE cl_id LIKE ?').get('Ckpt%')).to.deep.equal({ n: 3 });
    } finally {
      await store.close();
    }
  });

  it('says nothing when the store is closed normally', async () => {
    const warnings: string[] = [];
    const store = new SqliteStore({ path: join(dir, 'r.sqlite'), backgroundCheckpoints: true, warn: (msg) => warnings.push(msg) });
    await insertRegistrar(store, 'CkptC');
    await store.close();
    expect(warnings).to.deep.equal([]);
  });
});
