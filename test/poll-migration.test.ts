import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requests } from '../src/client/requests.js';
import { buildResponse, eppDateTime } from '../src/protocol/response.js';
import { el, type Out } from '../src/protocol/xml-node.js';
import { pollEventFromStored, type PollEvent } from '../src/registry/poll-events.js';
import { MIGRATIONS } from '../src/storage/migrations.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { hashSecretSync } from '../src/registry/passwords.js';
import { PASSWORDS, send, startTestRegistry } from './helpers.js';

/**
 * Migration 10 turns the poll messages queued as response trees (res_data: JSON of the <resData> element)
 * into typed events. A queue written before it must read back as the events the registry queues today,
 * and poll byte for byte as it did: the tree each message held is what its response showed.
 */

const at = (iso: string) => new Date(iso);

/** The trees the registry queued before migration 10, built as it built them, with the event each one is. */
function oldQueue(): Array<{ message: string; tree: Out | null; event: PollEvent; acked?: true }> {
  const trn = (p: 'domain' | 'contact', status: string, reDate: string, acDate: string) => [
    el(`${p}:trStatus`, null, status),
    el(`${p}:reID`, null, 'ClientY'),
    el(`${p}:reDate`, null, reDate),
    el(`${p}:acID`, null, 'ClientX'),
    el(`${p}:acDate`, null, acDate),
  ];
  return [
    {
      message: 'Transfer requested.',
      tree: el('domain:trnData', null, [el('domain:name', null, 'mig-a.tatar'), ...trn('domain', 'pending', '2026-01-05T10:00:00.3Z', '2026-01-10T10:00:00.3Z'), el('domain:exDate', null, '2028-02-01T09:30:00.0Z')]),
      event: {
        kind: 'domainTransfer',
        name: 'mig-a.tatar',
        status: 'pending',
        requesterClId: 'ClientY',
        requestedAt: at('2026-01-05T10:00:00.300Z'),
        losingClId: 'ClientX',
        actionAt: at('2026-01-10T10:00:00.300Z'),
        newExpiresAt: at('2028-02-01T09:30:00.000Z'),
      },
    },
    {
      // A transfer absorbed by the auto-renew year: no exDate (the tree held `false` in its place).
      message: 'Transfer approved.',
      tree: el('domain:trnData', null, [el('domain:name', null, 'mig-b.tatar'), ...trn('domain', 'clientApproved', '2026-01-05T10:00:00.0Z', '2026-01-06T11:12:13.9Z'), false]),
      event: {
        kind: 'domainTransfer',
        name: 'mig-b.tatar',
        status: 'clientApproved',
        requesterClId: 'ClientY',
        requestedAt: at('2026-01-05T10:00:00.000Z'),
        losingClId: 'ClientX',
        actionAt: at('2026-01-06T11:12:13.900Z'),
        newExpiresAt: null,
      },
    },
    {
      message: 'Transfer cancelled.',
      tree: el('contact:trnData', null, [el('contact:id', null, 'MIG-C1'), ...trn('contact', 'clientCancelled', '2026-01-07T00:00:00.0Z', '2026-01-08T00:00:01.5Z')]),
      event: {
        kind: 'contactTransfer',
        handle: 'MIG-C1',
        status: 'clientCancelled',
        requesterClId: 'ClientY',
        requestedAt: at('2026-01-07T00:00:00.000Z'),
        losingClId: 'ClientX',
        actionAt: at('2026-01-08T00:00:01.500Z'),
      },
    },
    {
      message: 'Domain mig-c.tatar auto-renewed until 2027-03-01T08:00:00.2Z.',
      tree: el('domain:renData', null, [el('domain:name', null, 'mig-c.tatar'), el('domain:exDate', null, '2027-03-01T08:00:00.2Z')]),
      event: { kind: 'autoRenew', name: 'mig-c.tatar', expiresAt: at('2027-03-01T08:00:00.200Z') },
    },
    {
      message: 'Domain mig-d.tatar purged at the end of its redemption; the name is available again.',
      tree: el('domain:panData', null, [
        el('domain:name', { paResult: 1 }, 'mig-d.tatar'),
        el('domain:paTRID', null, [el('svTRID', null, 'REG-0A1B2C3D-MIG-7')]),
        el('domain:paDate', null, '2026-02-01T00:00:00.0Z'),
      ]),
      event: { kind: 'purge', name: 'mig-d.tatar', paResult: true, deleteSvTRID: 'REG-0A1B2C3D-MIG-7', purgedAt: at('2026-02-01T00:00:00.000Z') },
    },
    {
      // The delete's svTRID was not known.
      message: 'Domain mig-e.tatar purged at the end of its redemption; the name is available again.',
      tree: el('domain:panData', null, [
        el('domain:name', { paResult: 1 }, 'mig-e.tatar'),
        el('domain:paTRID', null, [el('svTRID', null, 'unknown')]),
        el('domain:paDate', null, '2026-02-02T12:00:00.7Z'),
      ]),
      event: { kind: 'purge', name: 'mig-e.tatar', paResult: true, deleteSvTRID: null, purgedAt: at('2026-02-02T12:00:00.700Z') },
    },
    {
      message: 'The registry changed the status of mig-f.tatar: added serverHold, serverUpdateProhibited; removed serverDeleteProhibited.',
      tree: null,
      event: { kind: 'serverStatus', name: 'mig-f.tatar', added: ['serverHold', 'serverUpdateProhibited'], removed: ['serverDeleteProhibited'] },
    },
    {
      message: 'The registry changed the status of mig-g.tatar: added serverHold.',
      tree: null,
      event: { kind: 'serverStatus', name: 'mig-g.tatar', added: ['serverHold'], removed: [] },
    },
    {
      // Acknowledged long ago: converted too, never polled again.
      message: 'The registry changed the status of mig-h.tatar: removed serverHold, serverTransferProhibited.',
      tree: null,
      event: { kind: 'serverStatus', name: 'mig-h.tatar', added: [], removed: ['serverHold', 'serverTransferProhibited'] },
      acked: true,
    },
  ];
}

/** A database at migration 9 (as the server left it before migration 10), with ClientX's queue of old trees. */
function databaseBefore10(path: string, queue: ReturnType<typeof oldQueue>, extra: Array<{ message: string; resData: string | null }> = []): number[] {
  const db = new Database(path);
  try {
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const m of [...MIGRATIONS].filter((m) => m.version < 10).sort((a, b) => a.version - b.version)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }
    const now = Date.now();
    const rid = Number(
      // The documented password: a server's start leaves an account's password as it finds it.
      db.prepare("INSERT INTO registrars (cl_id, name, password_hash, created_at, updated_at) VALUES ('ClientX', 'X', ?, ?, ?)").run(hashSecretSync(PASSWORDS.ClientX), now, now).lastInsertRowid,
    );
    const insert = db.prepare('INSERT INTO poll_messages (registrar_id, queued_at, message, res_data, acked_at) VALUES (?, ?, ?, ?, ?)');
    const ids = queue.map(
      (q, i) => Number(insert.run(rid, Date.parse('2026-03-01T00:00:00.000Z') + i * 1234, q.message, q.tree && JSON.stringify(q.tree), q.acked ? now : null).lastInsertRowid),
    );
    for (const e of extra) insert.run(rid, now, e.message, e.resData, null);
    return ids;
  } finally {
    db.close();
  }
}

describe('poll messages stored as response trees become typed events (migration 10)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'epp-pollmig-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every old tree back as its event and polls it byte for byte as before', async () => {
    const path = join(dir, 'registry.sqlite');
    const queue = oldQueue();
    const ids = databaseBefore10(path, queue);
    const t = await startTestRegistry((c) => (c.database = path));
    try {
      const db = (t.registry.store as SqliteStore).db;
      const columns = (db.prepare('PRAGMA table_info(poll_messages)').all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns).to.include.members(['kind', 'data']).and.not.include('res_data');
      const rows = db.prepare('SELECT id, kind, data FROM poll_messages ORDER BY id').all() as Array<{ id: number; kind: string; data: string }>;
      expect(rows.map((r) => r.id)).to.deep.equal(ids);
      expect(rows.map((r) => pollEventFromStored(r.kind, r.data))).to.deep.equal(queue.map((q) => q.event));

      const x = await t.login('ClientX');
      try {
        const waiting = queue.filter((q) => !q.acked);
        for (const [i, q] of waiting.entries()) {
          const r = await send(x, requests.poll(`mig-p${i}`, 'req'));
          const id = ids[queue.indexOf(q)];
          const before = buildResponse({
            code: 1301,
            msgQ: { count: waiting.length - i, id: String(id), qDate: new Date(Date.parse('2026-03-01T00:00:00.000Z') + queue.indexOf(q) * 1234), msg: q.message },
            resData: q.tree ? [q.tree] : undefined,
            clTRID: `mig-p${i}`,
            svTRID: r.svTRID,
          });
          expect(r.xml).to.equal(before);
          expect((await send(x, requests.poll(`mig-a${i}`, 'ack', String(id)))).code).to.equal(1000);
        }
        expect((await send(x, requests.poll('mig-end', 'req'))).code).to.equal(1300);
      } finally {
        await x.close();
      }
    } finally {
      await t.close();
    }
  });

  it('an event renders its instants as the trees showed them (tenths of a second)', () => {
    const e = pollEventFromStored('autoRenew', JSON.stringify({ name: 'x.tatar', expiresAt: '2027-03-01T08:00:00.299Z' }));
    expect(e).to.deep.equal({ kind: 'autoRenew', name: 'x.tatar', expiresAt: at('2027-03-01T08:00:00.299Z') });
    expect(eppDateTime((e as { expiresAt: Date }).expiresAt)).to.equal('2027-03-01T08:00:00.2Z');
  });

  it('stops, changing nothing, at a message of a shape it does not know', () => {
    const path = join(dir, 'registry.sqlite');
    databaseBefore10(path, oldQueue(), [{ message: 'Something else.', resData: JSON.stringify(el('host:infData', null, [el('host:name', null, 'ns1.mig.tatar')])) }]);
    expect(() => new SqliteStore({ path })).to.throw(/poll_message_not_converted/);
    const db = new Database(path, { readonly: true });
    try {
      expect((db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v).to.equal(9);
      const columns = (db.prepare('PRAGMA table_info(poll_messages)').all() as Array<{ name: string }>).map((c) => c.name);
      expect(columns).to.include('res_data').and.not.include('kind');
    } finally {
      db.close();
    }
  });
});
