import { expect } from 'chai';
import { requests } from '../src/client/requests.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { changeServerStatuses } from '../src/registry/operator.js';
import type { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { send, startTestRegistry, type TestRegistry } from './helpers.js';
import type { EppClient } from '../src/client/epp-client.js';

const DAY = 86_400_000;
const REPORT = {
  preData: 'Registration data before the deletion',
  postData: 'Registration data after the restore',
  resReason: 'Registrant error',
  statements: ['This registrar has not restored the Registered Name in order to assume the rights to use or sell it.', 'The information in this report is true.'],
};

describe('domain lifecycle (RFC 3915) and billing', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let n = 0;
  const db = () => (t.registry.store as SqliteStore).db;
  const balance = (clId: string) => (db().prepare('SELECT balance FROM registrars WHERE cl_id = ?').get(clId) as { balance: number }).balance;
  const uniq = (tld = 'example') => `life${++n}-${Date.now().toString(36)}.${tld}`;

  before(async () => {
    t = await startTestRegistry();
    // A conventional gTLD: default policy (delete answers 1001), price 1000 a year, restore 4000.
    await t.registry.store.transaction((r) => r.tlds.upsert({ name: 'example', policy: resolvePolicy({ requiredContacts: { admin: 0, tech: 0, billing: 0 } }) }, new Date()));
    const rid = (db().prepare("SELECT id FROM registrars WHERE cl_id = 'ClientX'").get() as { id: number }).id;
    db()
      .prepare('INSERT INTO contacts (handle, roid, sponsor_id, creator_id, created_at, auth_pw, email) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('LIFE-C1', 'CLIFE1-TEST', rid, rid, Date.now(), 'contact-pw', 'c@example.qq');
    x = await t.login('ClientX');
  });
  after(async () => {
    await x.close();
    await t.close();
  });

  const create = (name: string, years = 1) => send(x, requests.domainCreate('lc-c', { name, period: { value: years, unit: 'y' }, registrant: 'LIFE-C1', authInfo: 'dom-pw-1' }));
  const info = (name: string) => send(x, requests.info('lc-i', 'domain', name));
  const rgp = async (name: string) => (await info(name)).texts('//rgp:infData/rgp:rgpStatus/@s');

  it('charges the create price, shows addPeriod, and a delete inside it purges at once (1000) and refunds', async () => {
    const name = uniq();
    const before = balance('ClientX');
    expect((await create(name, 2)).code).to.equal(1000);
    expect(balance('ClientX')).to.equal(before - 2000);
    expect(await rgp(name)).to.deep.equal(['addPeriod']);
    expect((await send(x, requests.delete('lc-d', 'domain', name))).code).to.equal(1000);
    expect(balance('ClientX')).to.equal(before);
    expect((await info(name)).code).to.equal(2303);
    expect((await send(x, requests.check('lc-k', 'domain', [name]))).text('//domain:cd/domain:name/@avail')).to.equal('1');
  });

  it('refuses a create the balance does not cover with 2104 and leaves no trace', async () => {
    const name = uniq();
    db().prepare("UPDATE registrars SET balance = 500 WHERE cl_id = 'ClientX'").run();
    try {
      const r = await create(name);
      expect(r.code).to.equal(2104);
      expect((await info(name)).code).to.equal(2303);
      expect(balance('ClientX')).to.equal(500);
    } finally {
      db().prepare("UPDATE registrars SET balance = 10000000 WHERE cl_id = 'ClientX'").run();
    }
  });

  it('shows renewPeriod after a renew while still in addPeriod; a later delete refunds the renew and enters redemption (1001)', async () => {
    const name = uniq();
    const cr = await create(name);
    const exDate = cr.text('//domain:creData/domain:exDate')!;
    expect((await send(x, requests.domainRenew('lc-r', { name, curExpDate: exDate.slice(0, 10), period: { value: 1, unit: 'y' } }))).code).to.equal(1000);
    expect(await rgp(name)).to.have.members(['addPeriod', 'renewPeriod']);
    t.clock.advance(5 * DAY + 60_000); // add grace over, renew grace (5 days from the renew) almost over
    expect(await rgp(name)).to.deep.equal([]);
    const name2 = uniq();
    await create(name2);
    t.clock.advance(5 * DAY + 60_000);
    const cr2 = await info(name2);
    await send(x, requests.domainRenew('lc-r', { name: name2, curExpDate: cr2.text('//domain:infData/domain:exDate')!.slice(0, 10) }));
    const before = balance('ClientX');
    const del = await send(x, requests.delete('lc-d', 'domain', name2));
    expect(del.code).to.equal(1001);
    expect(balance('ClientX')).to.equal(before + 1000);
    const i = await info(name2);
    expect(i.texts('//domain:infData/domain:status/@s')).to.include('pendingDelete');
    expect(await rgp(name2)).to.deep.equal(['redemptionPeriod']);
    expect((await send(x, requests.check('lc-k', 'domain', [name2]))).text('//domain:cd/domain:name/@avail')).to.equal('0');
    expect((await send(x, requests.domainUpdate('lc-u', { name: name2, chg: { authInfo: 'other-pw' } }))).code).to.equal(2304);
  });

  it('restores a domain in redemption: request (pendingRestore, charged) then report (back to ok)', async () => {
    const name = uniq();
    await create(name);
    t.clock.advance(6 * DAY);
    const deleted = await send(x, requests.delete('lc-d', 'domain', name));
    expect(deleted.code).to.equal(1001);
    const before = balance('ClientX');
    const req = await send(x, requests.domainRestore('lc-rr', { name }));
    expect(req.code).to.equal(1000);
    expect(req.text('//rgp:upData/rgp:rgpStatus/@s')).to.equal('pendingRestore');
    expect(balance('ClientX')).to.equal(before - 4000);
    expect(await rgp(name)).to.deep.equal(['pendingRestore']);
    const now = t.clock.now();
    const rep = await send(x, requests.domainRestore('lc-rp', { name, report: { ...REPORT, delTime: new Date(now.getTime() - 60_000).toISOString(), resTime: now.toISOString() } }));
    expect(rep.code).to.equal(1000);
    const i = await info(name);
    expect(i.texts('//domain:infData/domain:status/@s')).to.not.include('pendingDelete');
    expect(await rgp(name)).to.deep.equal([]);
  });

  it('refuses a report without a request, and a restore of a live domain, with 2304', async () => {
    const name = uniq();
    await create(name);
    expect((await send(x, requests.domainRestore('lc-rr', { name }))).code).to.equal(2304);
    t.clock.advance(6 * DAY);
    await send(x, requests.delete('lc-d', 'domain', name));
    const now = t.clock.now().toISOString();
    expect((await send(x, requests.domainRestore('lc-rp', { name, report: { ...REPORT, delTime: now, resTime: now } }))).code).to.equal(2304);
  });

  it('sends a missed report back to redemption, then pendingDelete, then purges with a poll message and frees the name', async () => {
    const name = uniq();
    await create(name);
    t.clock.advance(6 * DAY);
    await send(x, requests.delete('lc-d', 'domain', name));
    await send(x, requests.domainRestore('lc-rr', { name }));
    t.clock.advance(8 * DAY); // the 7-day report window has passed
    expect(await rgp(name)).to.deep.equal(['redemptionPeriod']);
    t.clock.advance(23 * DAY); // redemption (30 days) over
    expect(await rgp(name)).to.deep.equal(['pendingDelete']);
    expect((await send(x, requests.domainRestore('lc-rr', { name }))).code).to.equal(2304);
    t.clock.advance(5 * DAY); // pendingDelete (5 days) over: the next command purges it
    expect((await info(name)).code).to.equal(2303);
    expect((await send(x, requests.check('lc-k', 'domain', [name]))).text('//domain:cd/domain:name/@avail')).to.equal('1');
    let found = false;
    for (let i = 0; i < 50 && !found; i++) {
      const p = await send(x, requests.poll('lc-p', 'req'));
      if (p.code === 1300) break;
      found = p.text('//domain:panData/domain:name') === name;
      await send(x, requests.poll('lc-a', 'ack', p.text('//e:msgQ/@id')));
    }
    expect(found, 'purge notice in the poll queue').to.equal(true);
  });

  it('a completed transfer starts transferPeriod; the new sponsor\'s delete inside it refunds the transfer and enters redemption', async () => {
    const name = uniq();
    await create(name);
    t.clock.advance(6 * DAY);
    const y = await t.login('ClientY');
    try {
      expect((await send(y, requests.domainTransfer('lc-tr', { op: 'request', name, authInfo: 'dom-pw-1' }))).code).to.equal(1001);
      expect((await send(x, requests.domainTransfer('lc-ta', { op: 'approve', name }))).code).to.equal(1000);
      expect((await send(y, requests.info('lc-i', 'domain', name))).texts('//rgp:infData/rgp:rgpStatus/@s')).to.deep.equal(['transferPeriod']);
      const before = balance('ClientY');
      expect((await send(y, requests.delete('lc-d', 'domain', name))).code).to.equal(1001);
      expect(balance('ClientY')).to.equal(before + 1000);
      expect((await send(y, requests.info('lc-i', 'domain', name))).texts('//rgp:infData/rgp:rgpStatus/@s')).to.deep.equal(['redemptionPeriod']);
    } finally {
      await y.close();
    }
  });

  it('refunds the auto-renew when a domain is deleted inside autoRenewPeriod', async () => {
    const name = uniq();
    const cr = await create(name);
    t.clock.set(new Date(new Date(cr.text('//domain:creData/domain:exDate')!).getTime() + DAY));
    expect(await rgp(name)).to.include('autoRenewPeriod');
    const before = balance('ClientX');
    expect((await send(x, requests.delete('lc-d', 'domain', name))).code).to.equal(1001);
    expect(balance('ClientX')).to.equal(before + 1000);
  });

  it('a registry-side status change reaches the sponsor by poll, and serverUpdateProhibited blocks updates', async () => {
    const name = uniq();
    await create(name);
    await t.registry.store.transaction((r) => changeServerStatuses(r, name, ['serverUpdateProhibited'], [], t.clock.now(), 'CLI-TEST-1'));
    expect((await info(name)).texts('//domain:infData/domain:status/@s')).to.include('serverUpdateProhibited');
    expect((await send(x, requests.domainUpdate('lc-u', { name, chg: { authInfo: 'new-pw-99' } }))).code).to.equal(2304);
    let found = false;
    for (let i = 0; i < 50 && !found; i++) {
      const p = await send(x, requests.poll('lc-p', 'req'));
      if (p.code === 1300) break;
      found = p.text('//e:msgQ/e:msg')!.includes(`status of ${name}`);
      await send(x, requests.poll('lc-a', 'ack', p.text('//e:msgQ/@id')));
    }
    expect(found, 'status change notice in the poll queue').to.equal(true);
  });

  it('auto-renews at expiry: one year charged, autoRenewPeriod shown, a poll message queued', async () => {
    const name = uniq();
    const cr = await create(name);
    const exDate = new Date(cr.text('//domain:creData/domain:exDate')!);
    const before = balance('ClientX');
    t.clock.set(new Date(exDate.getTime() + DAY));
    const i = await info(name);
    expect(i.text('//domain:infData/domain:exDate')!.slice(0, 10)).to.equal(`${exDate.getUTCFullYear() + 1}${exDate.toISOString().slice(4, 10)}`);
    expect(await rgp(name)).to.include('autoRenewPeriod');
    expect(before - balance('ClientX')).to.be.at.least(1000);
    expect(i.count('//e:msgQ')).to.equal(1);
    // The poll message is an autoRenew event, polled as <domain:renData> with the new expiry.
    let renewed: string | undefined;
    for (let k = 0; k < 50 && renewed === undefined; k++) {
      const p = await send(x, requests.poll('lc-p', 'req'));
      if (p.code === 1300) break;
      if (p.text('//domain:renData/domain:name') === name) {
        renewed = p.text('//domain:renData/domain:exDate');
        expect(p.text('//e:msgQ/e:msg')).to.equal(`Domain ${name} auto-renewed until ${renewed}.`);
      }
      await send(x, requests.poll('lc-a', 'ack', p.text('//e:msgQ/@id')));
    }
    expect(renewed).to.equal(i.text('//domain:infData/domain:exDate'));
  });
});
