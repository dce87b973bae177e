import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { requests } from '../src/client/requests.js';
import { eppDateTime } from '../src/protocol/response.js';
import { hashSecret } from '../src/registry/passwords.js';
import { addYears } from '../src/registry/periods.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { authInfoExtUnsupported, type Condition } from '../src/commands/conditions.js';
import { domainNotFound } from '../src/commands/domain/conditions.js';
import {
  alreadySponsor,
  neverTransferred,
  noPendingTransfer,
  transferAuthInfoInvalid,
  transferAuthInfoMissing,
  transferQueryRefused,
} from '../src/commands/transfer-conditions.js';
import type { EppError } from '../src/protocol/errors.js';
import { checkResponse, command, loginXml, readLog, send, startTestRegistry, testCerts, type CheckedResponse, type TestRegistry } from './helpers.js';
import { domainInfo, domainTransfer, scenario } from './scenario.js';
import * as seed from './seed.js';

const DAY = 86_400_000;
const DOM = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const TRN = '/e:epp/e:response/e:resData/domain:trnData';

/** A poll message as read by `drain`. */
interface Msg {
  msg: string;
  count: number;
  name?: string;
  trStatus?: string;
  reID?: string;
  acID?: string;
  acDate?: string;
  exDate?: string;
}

describe('domain transfers (RFC 5731 §3.2.4) and their poll messages', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let z: EppClient;
  let n = 0;
  /** Registrar row ids by clID (read once the registrars exist). */
  const ids: Record<string, number> = {};
  const rid = (clId: string) => ids[clId];
  const balance = (clId: string) => seed.balance(t, clId);
  const row = async (name: string) => (await seed.readDomain(t, name))!;
  const uniq = (tld = 'tatar') => `tr${++n}-${Date.now().toString(36)}.${tld}`;

  // ------------------------------------------------------------ seeding through the store (independent of the object commands)

  const seedContact = (handle: string, clId = 'ClientX', pw = 'contact-pw') => seed.seedContact(t, handle, { clId, pw });

  interface SeedOpts {
    clId?: string;
    pw?: string;
    statuses?: string[];
    createdAt?: number;
    expiresAt?: number;
    transferredAt?: number;
    tld?: string;
    registrant?: string;
  }

  /** A domain created 30 days ago (its add grace over), expiring a year from now unless told otherwise. */
  function seedDomain(name: string, o: SeedOpts = {}): Promise<number> {
    const now = t.clock.now().getTime();
    return seed.seedDomain(t, name, {
      clId: o.clId,
      pw: o.pw,
      statuses: o.statuses,
      createdAt: new Date(o.createdAt ?? now - 30 * DAY),
      expiresAt: new Date(o.expiresAt ?? addYears(new Date(now), 1).getTime()),
      transferredAt: o.transferredAt === undefined ? undefined : new Date(o.transferredAt),
      tld: o.tld ?? 'tatar',
      registrant: o.registrant,
    });
  }

  const seedHost = (name: string, superordinate: number, clId = 'ClientX') => seed.seedHost(t, name, { clId, superordinate });

  // ------------------------------------------------------------ commands

  type Op = 'request' | 'query' | 'approve' | 'reject' | 'cancel';
  const transfer = (c: EppClient, op: Op, name: string, authInfo?: string, period?: { value: number; unit: 'y' | 'm' }) =>
    send(c, requests.domainTransfer(`tr-${op}`, { op, name, authInfo, period }));
  const info = (c: EppClient, name: string) => send(c, requests.info('tr-info', 'domain', name));

  function trn(r: CheckedResponse) {
    return {
      name: r.text(`${TRN}/domain:name`),
      trStatus: r.text(`${TRN}/domain:trStatus`),
      reID: r.text(`${TRN}/domain:reID`),
      reDate: r.text(`${TRN}/domain:reDate`),
      acID: r.text(`${TRN}/domain:acID`),
      acDate: r.text(`${TRN}/domain:acDate`),
      exDate: r.text(`${TRN}/domain:exDate`),
    };
  }

  /** Reads and acknowledges every waiting message of the registrar (each ack must answer 1000). */
  async function drain(c: EppClient): Promise<Msg[]> {
    const out: Msg[] = [];
    for (;;) {
      const r = await send(c, command('<poll op="req"/>', 'tr-poll'));
      if (r.code === 1300) return out;
      expect(r.code).to.equal(1301);
      const id = r.text('/e:epp/e:response/e:msgQ/@id')!;
      const d = trn(r);
      out.push({
        msg: r.text('/e:epp/e:response/e:msgQ/e:msg')!,
        count: Number(r.text('/e:epp/e:response/e:msgQ/@count')),
        name: d.name,
        trStatus: d.trStatus,
        reID: d.reID,
        acID: d.acID,
        acDate: d.acDate,
        exDate: d.exDate,
      });
      const ack = await send(c, command(`<poll op="ack" msgID="${id}"/>`, 'tr-ack'));
      expect(ack.code).to.equal(1000);
    }
  }
  const about = (msgs: Msg[], name: string) => msgs.filter((m) => m.name === name);

  before(async () => {
    t = await startTestRegistry();
    // A third registrar, on the spare certificate, for the "neither party" cases.
    const certs = testCerts();
    const fp = new X509Certificate(readFileSync(join(certs, 'spare.crt'))).fingerprint256;
    const hash = await hashSecret('baz-QUX4');
    await t.registry.store.transaction((r) =>
      r.registrars.insert({ clId: 'ClientZ', name: 'Third registrar', passwordHash: hash, certFingerprints: [fp], balance: 10_000_000 }, new Date()),
    );
    // A TLD that locks domains for 60 days after create or transfer.
    await t.registry.store.transaction((r) => r.tlds.upsert({ name: 'locked', policy: resolvePolicy({ grace: { transferLock: 60 } }) }, new Date()));
    for (const clId of ['ClientX', 'ClientY', 'ClientZ']) ids[clId] = await seed.registrarId(t, clId);
    x = await t.login('ClientX');
    y = await t.login('ClientY');
    z = await t.connect('spare');
    const login = checkResponse(await z.request(loginXml('ClientZ', 'baz-QUX4')));
    expect(login.code).to.equal(1000);
  });
  after(async () => {
    for (const c of [x, y, z]) await c?.close();
    await t?.close();
  });
  beforeEach(async () => {
    for (const c of [x, y, z]) await drain(c);
  });

  // ------------------------------------------------------------ request

  it('request: 1001 with trnData pending, pendingTransfer on the domain, a poll message to the sponsor only', async () => {
    const name = uniq();
    const id = await seedDomain(name, { statuses: ['clientHold'] });
    const expires = (await row(name)).expiresAt;
    const now = t.clock.now();
    const r = await transfer(y, 'request', name, 'domain-pw');
    expect(r.code).to.equal(1001);
    const d = trn(r);
    expect(d).to.deep.equal({
      name,
      trStatus: 'pending',
      reID: 'ClientY',
      reDate: eppDateTime(now),
      acID: 'ClientX',
      acDate: eppDateTime(new Date(now.getTime() + 5 * DAY)),
      exDate: eppDateTime(addYears(expires, 1)),
    });
    expect((await row(name)).statuses).to.have.members(['clientHold', 'pendingTransfer']);
    expect((await info(x, name)).texts('//domain:infData/domain:status/@s')).to.include('pendingTransfer');
    const rows = (await seed.domainTransfers(t, id)).map((tr) => ({ status: tr.status, requester_id: tr.requesterId, losing_id: tr.losingId }));
    expect(rows).to.deep.equal([{ status: 'pending', requester_id: rid('ClientY'), losing_id: rid('ClientX') }]);

    // The losing sponsor is told, once; the requester has nothing waiting.
    const xm = await drain(x);
    expect(xm).to.have.length(1);
    expect(xm[0]).to.deep.include({ msg: 'Transfer requested.', count: 1, name, trStatus: 'pending', reID: 'ClientY', acID: 'ClientX', acDate: d.acDate });
    expect(await drain(y)).to.deep.equal([]);
    await transfer(y, 'cancel', name);
  });

  it('request: a period in months, and the registrant authInfo by roid, are accepted', async () => {
    const name = uniq();
    const handle = `TR-REG-${n}`;
    const roid = await seedContact(handle, 'ClientX', 'registrant-pw');
    await seedDomain(name, { registrant: handle });
    const expires = (await row(name)).expiresAt;
    const xml = command(
      `<transfer op="request"><domain:transfer ${DOM}><domain:name>${name}</domain:name><domain:period unit="m">24</domain:period>` +
        `<domain:authInfo><domain:pw roid="${roid}">registrant-pw</domain:pw></domain:authInfo></domain:transfer></transfer>`,
    );
    const r = await send(y, xml);
    expect(r.code).to.equal(1001);
    expect(trn(r).exDate).to.equal(eppDateTime(addYears(expires, 2)));
    await transfer(y, 'cancel', name);
    // The registrant's roid with a wrong password is a wrong authInfo.
    const bad = xml.replace('>registrant-pw<', '>nope<');
    expect((await send(y, bad)).code).to.equal(2202);
  });

  it('request errors: 2106 own domain, 2202 missing/wrong authInfo, 2300 pending, 2303 unknown, 2004 period', async () => {
    const name = uniq();
    await seedDomain(name);
    const own = await transfer(x, 'request', name, 'domain-pw');
    expect(own.code).to.equal(2106);
    expect(own.text('/e:epp/e:response/e:result/e:value/domain:name')).to.equal(name);
    expect((await transfer(y, 'request', name)).code).to.equal(2202);
    expect((await transfer(y, 'request', name, 'wrong-pw')).code).to.equal(2202);
    expect((await transfer(y, 'request', name, 'domain-pw', { value: 11, unit: 'y' })).code).to.equal(2004);
    expect((await transfer(y, 'request', name, 'domain-pw', { value: 13, unit: 'm' })).code).to.equal(2004);
    expect((await transfer(y, 'request', `nothing-${name}`, 'domain-pw')).code).to.equal(2303);
    expect((await transfer(y, 'request', name, 'domain-pw')).code).to.equal(1001);
    expect((await transfer(y, 'request', name, 'domain-pw')).code).to.equal(2300);
    expect((await transfer(z, 'request', name, 'domain-pw')).code).to.equal(2300);
    // Nothing of the refused requests reached the sponsor's queue.
    expect(about(await drain(x), name).map((m) => m.trStatus)).to.deep.equal(['pending']);
    await transfer(y, 'cancel', name);
  });

  it('request errors: 2304 clientTransferProhibited, serverTransferProhibited, pendingDelete', async () => {
    for (const s of ['clientTransferProhibited', 'serverTransferProhibited', 'pendingDelete']) {
      const name = uniq();
      await seedDomain(name, { statuses: [s] });
      const r = await transfer(y, 'request', name, 'domain-pw');
      expect(r.code, s).to.equal(2304);
      expect(r.msg).to.include(s);
      expect((await row(name)).statuses).to.deep.equal([s]);
    }
  });

  it('request errors: 2106 within the TLD transferLock after create or the last transfer; 2306 beyond maxRegistrationYears; 2104 balance', async () => {
    const now = t.clock.now().getTime();
    const fresh = uniq('locked');
    await seedDomain(fresh, { tld: 'locked', createdAt: now - 59 * DAY });
    expect((await transfer(y, 'request', fresh, 'domain-pw')).code).to.equal(2106);
    const moved = uniq('locked');
    await seedDomain(moved, { tld: 'locked', createdAt: now - 400 * DAY, transferredAt: now - 10 * DAY });
    expect((await transfer(y, 'request', moved, 'domain-pw')).code).to.equal(2106);
    const old = uniq('locked');
    await seedDomain(old, { tld: 'locked', createdAt: now - 61 * DAY });
    expect((await transfer(y, 'request', old, 'domain-pw')).code).to.equal(1001);
    await transfer(y, 'cancel', old);

    // Expiry in a year: 10 more years would end 11 years from now.
    const far = uniq();
    await seedDomain(far);
    const r = await transfer(y, 'request', far, 'domain-pw', { value: 10, unit: 'y' });
    expect(r.code).to.equal(2306);
    expect(r.text('/e:epp/e:response/e:result/e:value/domain:period')).to.equal('10');
    expect((await row(far)).statuses).to.deep.equal([]);

    const poor = uniq();
    await seedDomain(poor);
    const saved = await balance('ClientZ');
    await seed.setBalance(t, 'ClientZ', 999);
    try {
      expect((await transfer(z, 'request', poor, 'domain-pw')).code).to.equal(2104);
    } finally {
      await seed.setBalance(t, 'ClientZ', saved);
    }
    expect(await seed.domainTransfers(t, (await row(poor)).id)).to.deep.equal([]);
  });

  it('failures are named conditions: the code and text are the condition\'s, and the log line names it', async () => {
    const name = uniq();
    await seedDomain(name);
    const cases: Array<[CheckedResponse, Condition<never[]>, EppError]> = [
      [await transfer(x, 'request', name, 'domain-pw'), alreadySponsor, alreadySponsor('domain', name)],
      [await transfer(y, 'request', name), transferAuthInfoMissing, transferAuthInfoMissing('domain', name)],
      [await transfer(y, 'request', name, 'nope'), transferAuthInfoInvalid, transferAuthInfoInvalid('domain', name)],
      [await send(y, command(`<transfer op="request"><domain:transfer ${DOM}><domain:name>Nothing-${name}</domain:name></domain:transfer></transfer>`)), domainNotFound, domainNotFound(`nothing-${name}`, `Nothing-${name}`)],
      [await transfer(x, 'approve', name), noPendingTransfer, noPendingTransfer('domain', name)],
      [await transfer(z, 'query', name), transferQueryRefused, transferQueryRefused('domain', name)],
      [await transfer(x, 'query', name), neverTransferred, neverTransferred('domain', name)],
    ];
    for (const [r, c, e] of cases) {
      expect([r.code, r.msg], c.conditionName).to.deep.equal([c.code, e.message]);
      expect(readLog(t)).to.include(`"condition":"${c.conditionName}"`);
    }
    expect(cases[3][0].text('/e:epp/e:response/e:result/e:value/domain:name')).to.equal(`Nothing-${name}`);
  });

  it('<domain:ext> authInfo is refused (2102) when the command is read, whatever the op', async () => {
    const name = uniq();
    await seedDomain(name);
    for (const op of ['request', 'query', 'approve'] as const) {
      const r = await send(y, command(`<transfer op="${op}"><domain:transfer ${DOM}><domain:name>${name}</domain:name><domain:authInfo><domain:ext><rgp:infData xmlns:rgp="urn:ietf:params:xml:ns:rgp-1.0"><rgp:rgpStatus s="addPeriod"/></rgp:infData></domain:ext></domain:authInfo></domain:transfer></transfer>`));
      expect([r.code, r.msg], op).to.deep.equal([authInfoExtUnsupported.code, 'Only password authInfo (<domain:pw>) is supported']);
    }
    expect((await row(name)).statuses).to.deep.equal([]);
  });

  it('queues each poll message as a domainTransfer event (kind + JSON), not as a response tree', async () => {
    const name = uniq();
    await seedDomain(name);
    const r = await transfer(y, 'request', name, 'domain-pw');
    expect(r.code).to.equal(1001);
    const stored = ((await seed.sqlRows(t, "SELECT kind, data FROM poll_messages WHERE registrar_id = ? AND kind = 'domainTransfer'", rid('ClientX'))) as Array<{ kind: string; data: string }>).filter(
      (m) => (JSON.parse(m.data) as { name: string }).name === name,
    );
    expect(stored).to.have.length(1);
    const d = trn(r);
    expect(JSON.parse(stored[0].data)).to.deep.equal({
      name,
      status: 'pending',
      requesterClId: 'ClientY',
      requestedAt: new Date(t.clock.now()).toISOString(),
      losingClId: 'ClientX',
      actionAt: new Date(t.clock.now().getTime() + 5 * DAY).toISOString(),
      newExpiresAt: addYears((await row(name)).expiresAt, 1).toISOString(),
    });
    expect(d.acDate).to.equal(eppDateTime(new Date(t.clock.now().getTime() + 5 * DAY)));
    await transfer(y, 'cancel', name);
  });

  // ------------------------------------------------------------ query

  it('query: the sponsor and the requester see the latest transfer; a third registrar needs the authInfo (2201/2202); 2301 when none', async () => {
    const name = uniq();
    await seedDomain(name);
    expect((await transfer(x, 'query', name)).code).to.equal(2301);
    expect((await transfer(z, 'query', name)).code).to.equal(2201);
    expect((await transfer(z, 'query', name, 'domain-pw')).code).to.equal(2301);
    expect((await transfer(y, 'request', name, 'domain-pw')).code).to.equal(1001);
    for (const c of [x, y]) {
      const r = await transfer(c, 'query', name);
      expect(r.code).to.equal(1000);
      expect(trn(r)).to.deep.include({ name, trStatus: 'pending', reID: 'ClientY', acID: 'ClientX' });
    }
    expect((await transfer(z, 'query', name)).code).to.equal(2201);
    expect((await transfer(z, 'query', name, 'wrong')).code).to.equal(2202);
    const third = await transfer(z, 'query', name, 'domain-pw');
    expect(third.code).to.equal(1000);
    expect(trn(third).trStatus).to.equal('pending');
    expect((await transfer(x, 'query', `nothing-${name}`)).code).to.equal(2303);
    // Queries change nothing and notify nobody.
    expect(about(await drain(x), name)).to.have.length(1);
    expect(await drain(y)).to.deep.equal([]);
    await transfer(y, 'cancel', name);
  });

  // ------------------------------------------------------------ approve

  it('approve: only the sponsor (2201); the domain and its subordinate hosts move, exDate, trDate, authInfo reset, billing, poll', async () => {
    const name = uniq();
    const id = await seedDomain(name, { pw: 'old-secret' });
    await seedHost(`ns1.${name}`, id);
    await seedHost(`ns2.${name}`, id);
    const before = await row(name);
    expect((await transfer(x, 'approve', name)).code).to.equal(2301);
    expect((await transfer(y, 'request', name, 'old-secret')).code).to.equal(1001);
    expect((await transfer(y, 'approve', name)).code).to.equal(2201);
    expect((await transfer(z, 'approve', name)).code).to.equal(2201);

    const yBalance = await balance('ClientY');
    t.clock.advance(3_600_000);
    const now = t.clock.now();
    const r = await transfer(x, 'approve', name);
    expect(r.code).to.equal(1000);
    const exDate = eppDateTime(addYears(before.expiresAt, 1));
    expect(trn(r)).to.deep.include({ name, trStatus: 'clientApproved', reID: 'ClientY', acID: 'ClientX', acDate: eppDateTime(now), exDate });

    const after = await row(name);
    expect(after.sponsorId).to.equal(rid('ClientY'));
    expect(after.expiresAt.getTime()).to.equal(addYears(before.expiresAt, 1).getTime());
    expect(after.transferredAt?.getTime()).to.equal(now.getTime());
    expect(after.updatedAt).to.deep.equal(before.updatedAt);
    // RFC 9154 §5.4: a completed transfer unsets the authInfo (it used to become a random value).
    expect([after.authHash, after.authSetAt]).to.deep.equal([null, null]);
    expect(after.statuses).to.deep.equal([]);
    const hosts = (await seed.subordinateHosts(t, id)).map((h) => ({ name: h.name, sponsor_id: h.sponsorId, transferred_at: h.transferredAt?.getTime() ?? null }));
    expect(hosts).to.deep.equal([
      { name: `ns1.${name}`, sponsor_id: rid('ClientY'), transferred_at: now.getTime() },
      { name: `ns2.${name}`, sponsor_id: rid('ClientY'), transferred_at: now.getTime() },
    ]);
    expect(await balance('ClientY')).to.equal(yBalance - 1000);

    // The new sponsor sees it as its own (trDate); the old one only the public data.
    const yi = await info(y, name);
    expect(yi.text('//domain:infData/domain:clID')).to.equal('ClientY');
    expect(yi.text('//domain:infData/domain:trDate')).to.equal(eppDateTime(now));
    expect((await info(x, name)).text('//domain:infData/domain:authInfo/domain:pw')).to.equal(undefined);

    // Poll: the requester learns of the approval; the losing registrar had only the request.
    const ym = await drain(y);
    expect(ym).to.have.length(1);
    expect(ym[0]).to.deep.include({ msg: 'Transfer approved.', name, trStatus: 'clientApproved', reID: 'ClientY', acID: 'ClientX', exDate });
    expect(about(await drain(x), name).map((m) => m.trStatus)).to.deep.equal(['pending']);

    // Nothing pending any more; the old authInfo no longer opens the domain for a transfer back.
    expect((await transfer(x, 'approve', name)).code).to.equal(2301);
    expect((await transfer(y, 'approve', name)).code).to.equal(2301);
    expect((await transfer(x, 'request', name, 'old-secret')).code).to.equal(2202);
    // The losing registrar may still query the transfer that took the domain away.
    const q = await transfer(x, 'query', name);
    expect(q.code).to.equal(1000);
    expect(trn(q).trStatus).to.equal('clientApproved');
  });

  // ------------------------------------------------------------ reject and cancel

  it('reject: only the sponsor (2201); the domain stays; the requester is told; 2301 afterwards', async () => {
    const name = uniq();
    await seedDomain(name);
    const stored = await row(name);
    expect((await transfer(x, 'reject', name)).code).to.equal(2301);
    expect((await transfer(y, 'request', name, 'domain-pw')).code).to.equal(1001);
    expect((await transfer(y, 'reject', name)).code).to.equal(2201);
    expect((await transfer(z, 'reject', name)).code).to.equal(2201);
    const r = await transfer(x, 'reject', name);
    expect(r.code).to.equal(1000);
    expect(trn(r)).to.deep.include({ name, trStatus: 'clientRejected', reID: 'ClientY', acID: 'ClientX', exDate: undefined });
    expect((await row(name)).sponsorId).to.equal(rid('ClientX'));
    expect((await row(name)).authHash).to.equal(stored.authHash);
    expect((await row(name)).statuses).to.deep.equal([]);
    expect((await transfer(x, 'reject', name)).code).to.equal(2301);
    expect(trn(await transfer(y, 'query', name)).trStatus).to.equal('clientRejected');
    const ym = await drain(y);
    expect(ym).to.have.length(1);
    expect(ym[0]).to.deep.include({ msg: 'Transfer rejected.', name, trStatus: 'clientRejected' });
    expect(about(await drain(x), name).map((m) => m.trStatus)).to.deep.equal(['pending']);
    // A new request may follow a rejected one.
    expect((await transfer(y, 'request', name, 'domain-pw')).code).to.equal(1001);
    await transfer(y, 'cancel', name);
  });

  it('cancel: only the requester (2201); the domain stays; the sponsor is told; 2301 afterwards', async () => {
    const name = uniq();
    await seedDomain(name);
    expect((await transfer(y, 'cancel', name)).code).to.equal(2301);
    expect((await transfer(y, 'request', name, 'domain-pw')).code).to.equal(1001);
    expect((await transfer(x, 'cancel', name)).code).to.equal(2201);
    expect((await transfer(z, 'cancel', name)).code).to.equal(2201);
    const r = await transfer(y, 'cancel', name);
    expect(r.code).to.equal(1000);
    expect(trn(r)).to.deep.include({ name, trStatus: 'clientCancelled', reID: 'ClientY', acID: 'ClientX' });
    expect((await row(name)).sponsorId).to.equal(rid('ClientX'));
    expect((await row(name)).statuses).to.deep.equal([]);
    expect((await transfer(y, 'cancel', name)).code).to.equal(2301);
    const xm = about(await drain(x), name);
    expect(xm.map((m) => [m.msg, m.trStatus])).to.deep.equal([
      ['Transfer requested.', 'pending'],
      ['Transfer cancelled.', 'clientCancelled'],
    ]);
    expect(await drain(y)).to.deep.equal([]);
  });

  // ------------------------------------------------------------ automatic approval

  it('auto-approval: once acDate has passed the next command approves it (serverApproved), exactly once, telling both parties', async () => {
    const s = scenario(t, { sessions: { ClientX: x, ClientY: y } });
    const name = uniq();
    const id = await seedDomain(name);
    await seedHost(`ns1.${name}`, id);
    const before = await row(name);
    const req = await s.as('ClientY').send(domainTransfer({ op: 'request', name, authInfo: 'domain-pw' })).expect(1001);
    const acDate = trn(req).acDate!;

    expect(trn(await s.after('4d').as('ClientX').send(domainTransfer({ op: 'query', name }))).trStatus).to.equal('pending');
    // Any object command applies what is due before it runs: here an info by the losing registrar.
    const i = await s.after('2d').as('ClientX').send(domainInfo(name)).expect(1000);
    expect(i.text('//domain:infData/domain:clID')).to.equal('ClientY');
    expect(i.texts('//domain:infData/domain:status/@s')).to.not.include('pendingTransfer');

    const after = await row(name);
    expect(after.sponsorId).to.equal(rid('ClientY'));
    expect(eppDateTime(after.transferredAt!)).to.equal(acDate);
    // trDate is the acDate (the request + 5 days), not the instant the command happened to apply it.
    const [stored] = await seed.domainTransfers(t, id);
    expect(after.transferredAt!.getTime()).to.equal(stored.actionAt.getTime());
    expect(stored.actionAt.getTime() - stored.requestedAt.getTime()).to.equal(5 * DAY);
    expect(after.expiresAt.getTime()).to.equal(addYears(before.expiresAt, 1).getTime());
    expect([after.authHash, after.authSetAt]).to.deep.equal([null, null]);
    expect((await seed.subordinateHosts(t, id)).map((h) => h.sponsorId)).to.deep.equal([rid('ClientY')]);

    const q = await s.as('ClientY').send(domainTransfer({ op: 'query', name }));
    expect(trn(q)).to.deep.include({ trStatus: 'serverApproved', acDate });
    // Both parties are told, once each (more commands apply nothing more).
    await s.as('ClientX').send(domainInfo(name));
    const xm = about(await drain(x), name);
    expect(xm.map((m) => m.trStatus)).to.deep.equal(['pending', 'serverApproved']);
    expect(xm[1].msg).to.match(/approved by the registry/);
    const ym = about(await drain(y), name);
    expect(ym.map((m) => m.trStatus)).to.deep.equal(['serverApproved']);
    expect(ym[0]).to.deep.include({ reID: 'ClientY', acID: 'ClientX', acDate });
    expect((await seed.domainTransfers(t, id)).map((tr) => ({ status: tr.status }))).to.deep.equal([{ status: 'serverApproved' }]);
    await s.as('ClientY').send(domainTransfer({ op: 'cancel', name })).expect(2301);
    await s.close();
  });

  it('a transfer inside the auto-renew grace period absorbs the auto-renew year: no exDate, the auto-renew refunded', async () => {
    const name = uniq();
    const now = t.clock.now().getTime();
    await seedDomain(name, { createdAt: now - 400 * DAY, expiresAt: now - DAY });
    const xBalance = await balance('ClientX');
    const yBalance = await balance('ClientY');
    // The request is the first command to see the expiry: the domain is auto-renewed (ClientX pays) before it.
    const r = await transfer(y, 'request', name, 'domain-pw');
    expect(r.code).to.equal(1001);
    expect(trn(r).exDate).to.equal(undefined);
    const renewed = (await row(name)).expiresAt.getTime();
    expect(renewed).to.equal(addYears(new Date(now - DAY), 1).getTime());
    expect(await balance('ClientX')).to.equal(xBalance - 1000);
    const a = await transfer(x, 'approve', name);
    expect(a.code).to.equal(1000);
    expect(trn(a).exDate).to.equal(undefined);
    expect((await row(name)).expiresAt.getTime()).to.equal(renewed);
    expect(await balance('ClientX')).to.equal(xBalance);
    expect(await balance('ClientY')).to.equal(yBalance - 1000);
    const ym = about(await drain(y), name);
    expect(ym).to.have.length(1);
    expect(ym[0].exDate).to.equal(undefined);
  });

  // ------------------------------------------------------------ the OT&E sequence

  it('OT&E 2.3: ClientY requests two domains (one on clientHold); ClientX queries and approves one, queries and rejects the other', async () => {
    const held = uniq();
    const other = uniq();
    await seedDomain(held, { pw: '12345678', statuses: ['clientHold'] });
    await seedDomain(other, { pw: 'password' });
    expect((await transfer(y, 'request', held, '12345678')).code).to.equal(1001);
    expect((await transfer(y, 'request', other, 'password')).code).to.equal(1001);
    let q = await transfer(x, 'query', held, '12345678');
    expect([q.code, trn(q).trStatus]).to.deep.equal([1000, 'pending']);
    expect((await transfer(x, 'approve', held, '12345678')).code).to.equal(1000);
    q = await transfer(x, 'query', other, 'password');
    expect([q.code, trn(q).trStatus]).to.deep.equal([1000, 'pending']);
    expect((await transfer(x, 'reject', other, 'password')).code).to.equal(1000);
    expect((await row(held)).sponsorId).to.equal(rid('ClientY'));
    expect((await row(held)).statuses).to.deep.equal(['clientHold']);
    expect((await row(other)).sponsorId).to.equal(rid('ClientX'));
    expect((await drain(y)).map((m) => [m.name, m.trStatus])).to.deep.equal([
      [held, 'clientApproved'],
      [other, 'clientRejected'],
    ]);
    expect((await drain(x)).map((m) => [m.name, m.trStatus])).to.deep.equal([
      [held, 'pending'],
      [other, 'pending'],
    ]);
  });

  it('finds due transfers with the (status, action_at) index', async () => {
    const plan = await seed.queryPlan(t, `SELECT t.id FROM domain_transfers t WHERE t.status = 'pending' AND t.action_at <= ${Date.now()} ORDER BY t.action_at, t.id LIMIT 100`);
    // SQLite: "SEARCH t USING INDEX domain_transfers_due"; PostgreSQL: "Index Scan using domain_transfers_due".
    expect(plan).to.match(/USING (COVERING )?INDEX domain_transfers_due|Index (Only )?Scan using domain_transfers_due/i);
  });
});
