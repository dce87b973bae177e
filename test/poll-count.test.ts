import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { PollEvent } from '../src/registry/poll-events.js';

const EVENT: PollEvent = { kind: 'serverStatus', name: 'poll.tatar', added: ['serverHold'], removed: [] };

/**
 * The msgQ count every response carries is read from registrars.poll_pending, which triggers keep (migration
 * 9) instead of counting the queue on each command. It must equal the real count whatever writes the queue:
 * enqueue, ack, a rolled-back transaction, a bulk delete by the OT&E reset.
 */
describe('pending poll message count (kept by triggers)', () => {
  let dir: string;
  let store: SqliteStore;
  const real = (id: number) => (store.db.prepare('SELECT COUNT(*) AS n FROM poll_messages WHERE registrar_id = ? AND acked_at IS NULL').get(id) as { n: number }).n;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'epp-poll-'));
    store = new SqliteStore({ path: join(dir, 'r.sqlite') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('equals the number of unacknowledged messages after enqueue, ack, rollback and bulk delete', async () => {
    const [a, b] = await store.transaction(async (r) => [
      (await r.registrars.insert({ clId: 'PollA', name: 'A', passwordHash: 'x' }, new Date())).id,
      (await r.registrars.insert({ clId: 'PollB', name: 'B', passwordHash: 'x' }, new Date())).id,
    ]);
    const ids = await store.transaction(async (r) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) out.push(await r.poll.enqueue(a, `m${i}`, EVENT, new Date()));
      await r.poll.enqueue(b, 'for b', EVENT, new Date());
      return out;
    });
    expect(await store.transaction((r) => r.poll.count(a))).to.equal(5).and.equal(real(a));
    await store.transaction(async (r) => {
      expect(await r.poll.ack(a, ids[0], new Date())).to.equal(true);
      expect(await r.poll.ack(a, ids[0], new Date())).to.equal(false); // a second ack changes nothing
    });
    expect(await store.transaction((r) => r.poll.count(a))).to.equal(4).and.equal(real(a));
    // A failing command's enqueue is rolled back with its count.
    await store
      .transaction(async (r) => {
        await r.poll.enqueue(a, 'rolled back', EVENT, new Date());
        throw new Error('command failed');
      })
      .catch(() => undefined);
    expect(await store.transaction((r) => r.poll.count(a))).to.equal(4).and.equal(real(a));
    await store.transaction((r) => r.maintenance.clearEnvironmentObjects('nosuchtld', [a]));
    expect(await store.transaction((r) => r.poll.count(a))).to.equal(0).and.equal(real(a));
    expect(await store.transaction((r) => r.poll.count(b))).to.equal(1).and.equal(real(b));
  });
});
