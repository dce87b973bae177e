import { expect } from 'chai';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Repos } from '../src/storage/store.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

/**
 * When a durable store answers (synchronous FULL): a transaction that changed anything only after the WAL
 * sync that follows its COMMIT; a transaction that wrote nothing but audit rows (a query) as soon as every
 * earlier change, which it may have read, is on disk, without waiting for its own audit row's sync, which
 * is still started. The WAL sync is held back here (fs.fdatasync replaced) to see who waits for it.
 */
describe('durable store: when changes and queries are answered', () => {
  let dir: string;
  let store: SqliteStore;
  const realFdatasync = fs.fdatasync;
  let held: Array<() => void> = [];
  let syncs = 0;
  let hold = false;
  let failWith: Error | null = null;

  before(() => {
    (fs as { fdatasync: unknown }).fdatasync = (fd: number, cb: (e: Error | null) => void) => {
      syncs++;
      const run = () => (failWith ? setImmediate(() => cb(failWith)) : realFdatasync(fd, cb));
      if (hold) held.push(run);
      else run();
    };
    syncBuiltinESMExports();
  });
  after(() => {
    (fs as { fdatasync: unknown }).fdatasync = realFdatasync;
    syncBuiltinESMExports();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'epp-answers-'));
    store = new SqliteStore({ path: join(dir, 'r.sqlite') });
    hold = false;
    held = [];
    failWith = null;
  });
  afterEach(async () => {
    hold = false;
    for (const run of held.splice(0)) run();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  const auditRow = (r: Repos) =>
    r.audit.record({ at: new Date(), registrarId: null, sessionId: 's', source: 'epp', command: 'domain:check', object: 'x.tatar', clTRID: null, svTRID: `T-${++n}`, code: 1000, message: null, durationUs: 1 });
  const query = () => store.transaction(async (r) => { await auditRow(r); return 'query'; });
  const change = (clId: string) =>
    store.transaction(async (r) => {
      await r.registrars.insert({ clId, name: clId, passwordHash: 'x' }, new Date());
      await auditRow(r);
      return 'change';
    });
  const settled = (p: Promise<unknown>) => {
    const s = { done: false };
    p.then(() => (s.done = true));
    return s;
  };
  const releaseSyncs = async () => {
    hold = false;
    while (held.length > 0) {
      for (const run of held.splice(0)) run();
      await sleep(20);
    }
  };
  /** Each transaction stays unanswered while the WAL sync is held, and is answered once it is let go. */
  const waitForTheSync = async (...states: Array<{ done: boolean }>) => {
    await sleep(50);
    for (const s of states) expect(s.done, 'answered before the WAL sync').to.equal(false);
    expect(held.length, 'no WAL sync was started').to.be.greaterThan(0);
    await releaseSyncs();
    await sleep(20);
    for (const s of states) expect(s.done, 'not answered after the WAL sync').to.equal(true);
  };

  it('answers a change only after its WAL sync', async () => {
    await query(); // the WAL file exists from here on
    hold = true;
    await waitForTheSync(settled(change('AnsA')));
  });

  it('answers a query at once when no change waits for its sync, and still syncs its audit row', async () => {
    await query();
    hold = true;
    const before = syncs;
    expect(await query()).to.equal('query');
    await sleep(20);
    expect(syncs, 'no sync started for the audit row').to.be.greaterThan(before);
    await releaseSyncs();
  });

  it('makes a query wait for the sync of an earlier change it may have read', async () => {
    await query();
    hold = true;
    const c = settled(change('AnsB'));
    await sleep(30); // the change is committed, its sync held
    await waitForTheSync(c, settled(query()));
  });

  it('makes a query wait when a change shares its batch', async () => {
    await query();
    hold = true;
    // Queued in the same turn: one batch, the change first.
    await waitForTheSync(settled(change('AnsC')), settled(query()));
  });

  it('answers nothing more after a failed WAL sync, queries included', async () => {
    await query();
    failWith = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const refused = (e: Error) => expect(e.message).to.match(/WAL sync failed/);
    await change('AnsE').then(() => expect.fail('a change was answered after its sync failed'), refused);
    await query().then(() => expect.fail('a query was answered after a failed sync'), refused);
  });

  it('treats a batch whose only change was rolled back as a change (it waits, never the reverse)', async () => {
    await query();
    hold = true;
    const failing = store.transaction(async (r) => {
      await r.registrars.insert({ clId: 'AnsD', name: 'D', passwordHash: 'x' }, new Date());
      throw new Error('rolled back');
    });
    const q = settled(query());
    await failing.then(
      () => expect.fail('should have failed'),
      (e: Error) => expect(e.message).to.equal('rolled back'),
    );
    await waitForTheSync(q);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM registrars WHERE cl_id = ?').get('AnsD')).to.deep.equal({ n: 0 });
  });

  // Store.read: the read-only transactions of the publishing doors (RDAP), on a connection of their own.
  const readRegistrar = (clId: string) => store.read(async (r) => (await r.registrars.byClId(clId))?.clId ?? null);

  it('reads what is committed, on a read-only connection (a write in a read throws and changes nothing)', async () => {
    await change('ReadA');
    expect(await readRegistrar('ReadA')).to.equal('ReadA');
    await store
      .read((r) => r.registrars.insert({ clId: 'ReadB', name: 'B', passwordHash: 'x' }, new Date()))
      .then(() => expect.fail('a read wrote'), (e: Error) => expect(e.message).to.match(/readonly/i));
    expect(await store.transaction((r) => r.registrars.byClId('ReadB'))).to.equal(undefined);
  });

  it('answers a read without waiting for a write transaction in progress, from the last committed snapshot', async () => {
    await query();
    let release!: () => void;
    const open = store.transaction(async (r) => {
      await r.registrars.insert({ clId: 'ReadC', name: 'C', passwordHash: 'x' }, new Date());
      await new Promise<void>((resolve) => (release = resolve)); // the write transaction stays open across turns
    });
    await sleep(30);
    expect(await readRegistrar('ReadC'), 'a read saw an uncommitted row').to.equal(null);
    release();
    await open;
    expect(await readRegistrar('ReadC')).to.equal('ReadC');
  });

  it('makes a read wait for the sync of an earlier change it may have read, and answers it at once otherwise', async () => {
    await query();
    hold = true;
    const c = settled(change('ReadD'));
    await sleep(30); // committed, its sync held
    await waitForTheSync(c, settled(readRegistrar('ReadD')));
    hold = true;
    expect(await readRegistrar('ReadD'), 'a read waited with no change unsynced').to.equal('ReadD');
    await releaseSyncs();
  });

  it('answers no read after a failed WAL sync', async () => {
    await query();
    failWith = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await change('ReadE').then(() => expect.fail('answered'), () => {});
    await readRegistrar('ReadE').then(() => expect.fail('a read was answered after a failed sync'), (e: Error) => expect(e.message).to.match(/WAL sync failed/));
  });
});
