import { expect } from 'chai';
import { changeServerStatuses } from '../src/registry/operator.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import { domainCheck, domainCreate, domainDelete, domainInfo, domainRenew, domainRestore, domainTransfer, domainUpdate, pollAck, pollReq, scenario, type Scenario } from './scenario.js';
import { balance as balanceOf, seedContact, setBalance } from './seed.js';

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
  let s: Scenario;
  let n = 0;
  const balance = (clId: string) => balanceOf(t, clId);
  const uniq = (tld = 'example') => `life${++n}-${Date.now().toString(36)}.${tld}`;

  before(async () => {
    t = await startTestRegistry();
    // A conventional gTLD: default policy (delete answers 1001), price 1000 a year, restore 4000.
    await t.registry.store.transaction((r) => r.tlds.upsert({ name: 'example', policy: resolvePolicy({ requiredContacts: { admin: 0, tech: 0, billing: 0 } }) }, new Date()));
    await seedContact(t, 'LIFE-C1', { email: 'c@example.qq' });
    s = scenario(t);
  });
  after(async () => {
    await s.close();
    await t.close();
  });

  const create = (name: string, years = 1) => domainCreate({ name, period: { value: years, unit: 'y' }, registrant: 'LIFE-C1', authInfo: 'dom-pw-1' });
  const rgp = async (name: string, clId = 'ClientX') => (await s.as(clId).send(domainInfo(name))).texts('//rgp:infData/rgp:rgpStatus/@s');
  const avail = async (name: string) => (await s.as('ClientX').send(domainCheck(name))).text('//domain:cd/domain:name/@avail');

  /** Reads and acknowledges ClientX's poll messages (at most 50) until one matches; whether one did. */
  async function polled(match: (p: CheckedResponse) => boolean): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      const p = await s.as('ClientX').send(pollReq());
      if (p.code === 1300) return false;
      const found = match(p);
      await s.as('ClientX').send(pollAck(p.text('//e:msgQ/@id')!));
      if (found) return true;
    }
    return false;
  }

  it('charges the create price, shows addPeriod, and a delete inside it purges at once (1000) and refunds', async () => {
    const name = uniq();
    const before = await balance('ClientX');
    await s.as('ClientX').send(create(name, 2)).expect(1000);
    expect(await balance('ClientX')).to.equal(before - 2000);
    expect(await rgp(name)).to.deep.equal(['addPeriod']);
    await s.as('ClientX').send(domainDelete(name)).expect(1000);
    expect(await balance('ClientX')).to.equal(before);
    await s.as('ClientX').send(domainInfo(name)).expect(2303);
    expect(await avail(name)).to.equal('1');
  });

  it('refuses a create the balance does not cover with 2104 and leaves no trace', async () => {
    const name = uniq();
    await setBalance(t, 'ClientX', 500);
    try {
      await s.as('ClientX').send(create(name)).expect(2104);
      await s.as('ClientX').send(domainInfo(name)).expect(2303);
      expect(await balance('ClientX')).to.equal(500);
    } finally {
      await setBalance(t, 'ClientX', 10_000_000);
    }
  });

  it('shows renewPeriod after a renew while still in addPeriod; a later delete refunds the renew and enters redemption (1001)', async () => {
    const name = uniq();
    const cr = await s.as('ClientX').send(create(name)).expect(1000);
    await s.as('ClientX').send(domainRenew(name, cr.text('//domain:creData/domain:exDate')!, { value: 1, unit: 'y' })).expect(1000);
    expect(await rgp(name)).to.have.members(['addPeriod', 'renewPeriod']);
    s.after(5 * DAY + 60_000); // add grace over, renew grace (5 days from the renew) almost over
    expect(await rgp(name)).to.deep.equal([]);
    const name2 = uniq();
    await s.as('ClientX').send(create(name2)).expect(1000);
    const cr2 = await s.after(5 * DAY + 60_000).as('ClientX').send(domainInfo(name2));
    await s.as('ClientX').send(domainRenew(name2, cr2.text('//domain:infData/domain:exDate')!)).expect(1000);
    const before = await balance('ClientX');
    await s.as('ClientX').send(domainDelete(name2)).expect(1001);
    expect(await balance('ClientX')).to.equal(before + 1000);
    const i = await s.as('ClientX').send(domainInfo(name2));
    expect(i.texts('//domain:infData/domain:status/@s')).to.include('pendingDelete');
    expect(await rgp(name2)).to.deep.equal(['redemptionPeriod']);
    expect(await avail(name2)).to.equal('0');
    await s.as('ClientX').send(domainUpdate({ name: name2, chg: { authInfo: 'other-pw' } })).expect(2304);
  });

  it('restores a domain in redemption: request (pendingRestore, charged) then report (back to ok)', async () => {
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    await s.after('6d').as('ClientX').send(domainDelete(name)).expect(1001);
    const before = await balance('ClientX');
    const req = await s.as('ClientX').send(domainRestore(name)).expect(1000);
    expect(req.text('//rgp:upData/rgp:rgpStatus/@s')).to.equal('pendingRestore');
    expect(await balance('ClientX')).to.equal(before - 4000);
    expect(await rgp(name)).to.deep.equal(['pendingRestore']);
    const now = s.now();
    await s.as('ClientX').send(domainRestore(name, { ...REPORT, delTime: new Date(now.getTime() - 60_000).toISOString(), resTime: now.toISOString() })).expect(1000);
    const i = await s.as('ClientX').send(domainInfo(name));
    expect(i.texts('//domain:infData/domain:status/@s')).to.not.include('pendingDelete');
    expect(await rgp(name)).to.deep.equal([]);
  });

  it('refuses a report without a request, and a restore of a live domain, with 2304', async () => {
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    await s.as('ClientX').send(domainRestore(name)).expect(2304);
    await s.after('6d').as('ClientX').send(domainDelete(name)).expect(1001);
    const now = s.now().toISOString();
    await s.as('ClientX').send(domainRestore(name, { ...REPORT, delTime: now, resTime: now })).expect(2304);
  });

  it('sends a missed report back to redemption, then pendingDelete, then purges with a poll message and frees the name', async () => {
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    await s.after('6d').as('ClientX').send(domainDelete(name)).expect(1001);
    await s.as('ClientX').send(domainRestore(name)).expect(1000);
    s.after('8d'); // the 7-day report window has passed
    expect(await rgp(name)).to.deep.equal(['redemptionPeriod']);
    s.after('23d'); // redemption (30 days) over
    expect(await rgp(name)).to.deep.equal(['pendingDelete']);
    await s.as('ClientX').send(domainRestore(name)).expect(2304);
    // pendingDelete (5 days) over: the next command purges it
    await s.after('5d').as('ClientX').send(domainInfo(name)).expect(2303);
    expect(await avail(name)).to.equal('1');
    expect(await polled((p) => p.text('//domain:panData/domain:name') === name), 'purge notice in the poll queue').to.equal(true);
  });

  it('a completed transfer starts transferPeriod; the new sponsor\'s delete inside it refunds the transfer and enters redemption', async () => {
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    await s.after('6d').as('ClientY').send(domainTransfer({ op: 'request', name, authInfo: 'dom-pw-1' })).expect(1001);
    await s.as('ClientX').send(domainTransfer({ op: 'approve', name })).expect(1000);
    expect(await rgp(name, 'ClientY')).to.deep.equal(['transferPeriod']);
    const before = await balance('ClientY');
    await s.as('ClientY').send(domainDelete(name)).expect(1001);
    expect(await balance('ClientY')).to.equal(before + 1000);
    expect(await rgp(name, 'ClientY')).to.deep.equal(['redemptionPeriod']);
  });

  it('refunds the auto-renew when a domain is deleted inside autoRenewPeriod', async () => {
    const name = uniq();
    const cr = await s.as('ClientX').send(create(name)).expect(1000);
    s.at(new Date(cr.text('//domain:creData/domain:exDate')!).getTime() + DAY);
    expect(await rgp(name)).to.include('autoRenewPeriod');
    const before = await balance('ClientX');
    await s.as('ClientX').send(domainDelete(name)).expect(1001);
    expect(await balance('ClientX')).to.equal(before + 1000);
  });

  it('a registry-side status change reaches the sponsor by poll, and serverUpdateProhibited blocks updates', async () => {
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    await t.registry.store.transaction((r) => changeServerStatuses(r, name, ['serverUpdateProhibited'], [], s.now(), 'CLI-TEST-1', { who: 'test operator' }));
    expect((await s.as('ClientX').send(domainInfo(name))).texts('//domain:infData/domain:status/@s')).to.include('serverUpdateProhibited');
    await s.as('ClientX').send(domainUpdate({ name, chg: { authInfo: 'new-pw-99' } })).expect(2304);
    expect(await polled((p) => p.text('//e:msgQ/e:msg')!.includes(`status of ${name}`)), 'status change notice in the poll queue').to.equal(true);
  });

  it('auto-renews at expiry: one year charged, autoRenewPeriod shown, a poll message queued', async () => {
    const name = uniq();
    const cr = await s.as('ClientX').send(create(name)).expect(1000);
    const exDate = new Date(cr.text('//domain:creData/domain:exDate')!);
    const before = await balance('ClientX');
    const i = await s.at(exDate.getTime() + DAY).as('ClientX').send(domainInfo(name));
    expect(i.text('//domain:infData/domain:exDate')!.slice(0, 10)).to.equal(`${exDate.getUTCFullYear() + 1}${exDate.toISOString().slice(4, 10)}`);
    expect(await rgp(name)).to.include('autoRenewPeriod');
    expect(before - (await balance('ClientX'))).to.be.at.least(1000);
    expect(i.count('//e:msgQ')).to.equal(1);
    // The poll message is an autoRenew event, polled as <domain:renData> with the new expiry.
    let renewed: string | undefined;
    const found = await polled((p) => {
      if (p.text('//domain:renData/domain:name') !== name) return false;
      renewed = p.text('//domain:renData/domain:exDate');
      expect(p.text('//e:msgQ/e:msg')).to.equal(`Domain ${name} auto-renewed until ${renewed}.`);
      return true;
    });
    expect(found, 'autoRenew poll message').to.equal(true);
    expect(renewed).to.equal(i.text('//domain:infData/domain:exDate'));
  });
  it('auto-renews year by year when the registry was not running for years: one charge, one expiry and one poll message per year', async () => {
    const name = uniq();
    const cr = await s.as('ClientX').send(create(name)).expect(1000);
    const exDate = new Date(cr.text('//domain:creData/domain:exDate')!);
    // Ten years and a day after the expiry: eleven renewals fell due while nothing ran.
    const when = new Date(exDate);
    when.setUTCFullYear(when.getUTCFullYear() + 10);
    const i = await s.at(when.getTime() + DAY).as('ClientX').send(domainInfo(name));
    expect(i.text('//domain:infData/domain:exDate')!.slice(0, 4)).to.equal(String(exDate.getUTCFullYear() + 11));
    const rows = await t.registry.store.transaction(async (r) => {
      const reg = (await r.registrars.byClId('ClientX'))!;
      return (await r.billing.ledger(reg.id, 500)).filter((e) => e.object === name && e.kind === 'autoRenew');
    });
    expect(rows.map((e) => e.amount)).to.deep.equal(Array(11).fill(-1000));
    // Each charged at the expiry it renewed, a year apart.
    const years = rows.map((e) => e.at.getUTCFullYear()).sort();
    expect(years).to.deep.equal(Array.from({ length: 11 }, (_, k) => exDate.getUTCFullYear() + k));
    expect(await rgp(name)).to.include('autoRenewPeriod');
    const renewals: string[] = [];
    // (the other tests' domains renewed year by year too: their messages are read past)
    for (let k = 0; k < 400; k++) {
      const p = await s.as('ClientX').send(pollReq());
      if (p.code === 1300) break;
      if (p.text('//domain:renData/domain:name') === name) renewals.push(p.text('//domain:renData/domain:exDate')!.slice(0, 4));
      await s.as('ClientX').send(pollAck(p.text('//e:msgQ/@id')!));
    }
    expect(renewals).to.deep.equal(Array.from({ length: 11 }, (_, k) => String(exDate.getUTCFullYear() + k + 1)));
  });
});
