import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { eppDateTime } from '../src/protocol/response.js';
import { CONTACT_TRANSFER_AUTO_APPROVE_DAYS } from '../src/registry/contact-transfers.js';
import { hashSecret } from '../src/registry/passwords.js';
import { authInfoExtUnsupported, type Condition } from '../src/commands/conditions.js';
import { contactNotFound, contactValueSyntax } from '../src/commands/contact/conditions.js';
import { idValue } from '../src/commands/contact/contact-data.js';
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
import * as seed from './seed.js';

const DAY = 86_400_000;
const CON = 'xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"';
const TRN = '/e:epp/e:response/e:resData/contact:trnData';
const INF = '/e:epp/e:response/e:resData/contact:infData';

/** A poll message as read by `drain`. */
interface Msg {
  msg: string;
  id?: string;
  trStatus?: string;
  reID?: string;
  reDate?: string;
  acID?: string;
  acDate?: string;
}

type Op = 'request' | 'query' | 'approve' | 'reject' | 'cancel';

describe('contact transfers (RFC 5733 §3.2.4) and their poll messages', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let z: EppClient;
  let n = 0;
  /** Registrar row ids by clID (read once the registrars exist). */
  const ids: Record<string, number> = {};
  const rid = (clId: string) => ids[clId];
  const balances = () => Promise.all(['ClientX', 'ClientY'].map((clId) => seed.balance(t, clId)));
  const row = async (handle: string) => (await seed.readContact(t, handle))!;
  const statuses = async (handle: string) => (await row(handle)).statuses;
  const uniq = () => `CT${++n}-${Date.now().toString(36).toUpperCase()}`;

  /** A contact made through the store (independent of the contact commands), 30 days ago. */
  const seedContact = (handle: string, o: { clId?: string; pw?: string; statuses?: string[] } = {}) =>
    seed.seedContact(t, handle, { ...o, createdAt: new Date(t.clock.now().getTime() - 30 * DAY), email: 'c@example.qq' });

  // ------------------------------------------------------------ commands

  function transferXml(op: Op, id: string, pw?: string, roid?: string): string {
    const auth = pw === undefined ? '' : `<contact:authInfo><contact:pw${roid ? ` roid="${roid}"` : ''}>${pw}</contact:pw></contact:authInfo>`;
    return command(`<transfer op="${op}"><contact:transfer ${CON}><contact:id>${id}</contact:id>${auth}</contact:transfer></transfer>`, `ct-${op}`);
  }
  const transfer = (c: EppClient, op: Op, id: string, pw?: string, roid?: string) => send(c, transferXml(op, id, pw, roid));
  const info = (c: EppClient, id: string, pw?: string) =>
    send(
      c,
      command(
        `<info><contact:info ${CON}><contact:id>${id}</contact:id>${pw === undefined ? '' : `<contact:authInfo><contact:pw>${pw}</contact:pw></contact:authInfo>`}</contact:info></info>`,
        'ct-info',
      ),
    );
  const updateEmail = (c: EppClient, id: string, email: string) =>
    send(c, command(`<update><contact:update ${CON}><contact:id>${id}</contact:id><contact:chg><contact:email>${email}</contact:email></contact:chg></contact:update></update>`, 'ct-upd'));
  const del = (c: EppClient, id: string) => send(c, command(`<delete><contact:delete ${CON}><contact:id>${id}</contact:id></contact:delete></delete>`, 'ct-del'));

  function trn(r: CheckedResponse) {
    return {
      id: r.text(`${TRN}/contact:id`),
      trStatus: r.text(`${TRN}/contact:trStatus`),
      reID: r.text(`${TRN}/contact:reID`),
      reDate: r.text(`${TRN}/contact:reDate`),
      acID: r.text(`${TRN}/contact:acID`),
      acDate: r.text(`${TRN}/contact:acDate`),
    };
  }

  /** Reads and acknowledges every waiting message of the registrar (each ack must answer 1000). */
  async function drain(c: EppClient): Promise<Msg[]> {
    const out: Msg[] = [];
    for (;;) {
      const r = await send(c, command('<poll op="req"/>', 'ct-poll'));
      if (r.code === 1300) return out;
      expect(r.code).to.equal(1301);
      const msgId = r.text('/e:epp/e:response/e:msgQ/@id')!;
      out.push({ msg: r.text('/e:epp/e:response/e:msgQ/e:msg')!, ...trn(r) });
      const ack = await send(c, command(`<poll op="ack" msgID="${msgId}"/>`, 'ct-ack'));
      expect(ack.code).to.equal(1000);
    }
  }
  const about = (msgs: Msg[], id: string) => msgs.filter((m) => m.id === id);

  before(async () => {
    t = await startTestRegistry();
    // A third registrar, on the spare certificate, for the "neither party" cases.
    const fp = new X509Certificate(readFileSync(join(testCerts(), 'spare.crt'))).fingerprint256;
    const hash = await hashSecret('baz-QUX4');
    await t.registry.store.transaction((r) =>
      r.registrars.insert({ clId: 'ClientZ', name: 'Third registrar', passwordHash: hash, certFingerprints: [fp], balance: 10_000_000 }, new Date()),
    );
    for (const clId of ['ClientX', 'ClientY', 'ClientZ']) ids[clId] = await seed.registrarId(t, clId);
    x = await t.login('ClientX');
    y = await t.login('ClientY');
    z = await t.connect('spare');
    expect(checkResponse(await z.request(loginXml('ClientZ', 'baz-QUX4'))).code).to.equal(1000);
  });
  after(async () => {
    for (const c of [x, y, z]) await c?.close();
    await t?.close();
  });
  beforeEach(async () => {
    for (const c of [x, y, z]) await drain(c);
  });

  // ------------------------------------------------------------ request

  it('request: 1001 with trnData pending (acDate 5 days on), pendingTransfer on the contact, a poll message to the sponsor only, no charge', async () => {
    const id = uniq();
    await seedContact(id, { statuses: ['clientUpdateProhibited'] });
    const before = await balances();
    const now = t.clock.now();
    const r = await transfer(y, 'request', id, 'contact-pw');
    expect(r.code).to.equal(1001);
    const d = trn(r);
    expect(CONTACT_TRANSFER_AUTO_APPROVE_DAYS).to.equal(5);
    expect(d).to.deep.equal({
      id,
      trStatus: 'pending',
      reID: 'ClientY',
      reDate: eppDateTime(now),
      acID: 'ClientX',
      acDate: eppDateTime(new Date(now.getTime() + 5 * DAY)),
    });
    expect(await statuses(id)).to.have.members(['clientUpdateProhibited', 'pendingTransfer']);
    expect((await info(x, id)).texts(`${INF}/contact:status/@s`)).to.include('pendingTransfer');
    const rows = (await seed.contactTransfers(t, (await row(id)).id)).map((tr) => ({ status: tr.status, requester_id: tr.requesterId, losing_id: tr.losingId }));
    expect(rows).to.deep.equal([{ status: 'pending', requester_id: rid('ClientY'), losing_id: rid('ClientX') }]);
    expect(await balances()).to.deep.equal(before);

    // The losing sponsor is told, once; the requester has nothing waiting.
    const xm = await drain(x);
    expect(xm).to.have.length(1);
    expect(xm[0]).to.deep.equal({ msg: 'Transfer requested.', ...d });
    expect(await drain(y)).to.deep.equal([]);

    // While pending, the contact can be neither updated nor deleted.
    await seed.setContactStatuses(t, id, ['pendingTransfer']);
    expect((await updateEmail(x, id, 'new@example.qq')).code).to.equal(2304);
    expect((await del(x, id)).code).to.equal(2304);
    expect((await transfer(y, 'cancel', id)).code).to.equal(1000);
  });

  it('request: the authInfo may carry the contact\'s own roid; another roid is a wrong authInfo (2202)', async () => {
    const id = uniq();
    const roid = await seedContact(id);
    const other = await seedContact(uniq());
    expect((await transfer(y, 'request', id, 'contact-pw', other)).code).to.equal(2202);
    expect((await transfer(y, 'request', id, 'contact-pw', roid)).code).to.equal(1001);
    await transfer(y, 'cancel', id);
  });

  it('request errors: 2106 own contact, 2202 missing/wrong authInfo, 2300 pending, 2303 unknown, 2005 impossible id', async () => {
    const id = uniq();
    await seedContact(id);
    const own = await transfer(x, 'request', id, 'contact-pw');
    expect(own.code).to.equal(2106);
    expect(own.text('/e:epp/e:response/e:result/e:value/contact:id')).to.equal(id);
    expect((await transfer(y, 'request', id)).code).to.equal(2202);
    expect((await transfer(y, 'request', id, 'wrong-pw')).code).to.equal(2202);
    const unknown = await transfer(y, 'request', `NO-${id}`, 'contact-pw');
    expect(unknown.code).to.equal(2303);
    expect(unknown.text('/e:epp/e:response/e:result/e:value/contact:id')).to.equal(`NO-${id}`);
    expect((await transfer(y, 'request', 'абв', 'contact-pw')).code).to.equal(2005);
    // Contact ids are case-insensitive: the request names the contact in lower case, trnData shows it as created.
    const r = await transfer(y, 'request', id.toLowerCase(), 'contact-pw');
    expect([r.code, trn(r).id]).to.deep.equal([1001, id]);
    const again = await transfer(y, 'request', id, 'contact-pw');
    expect(again.code).to.equal(2300);
    expect(again.text('/e:epp/e:response/e:result/e:value/contact:id')).to.equal(id);
    expect((await transfer(z, 'request', id, 'contact-pw')).code).to.equal(2300);
    // Nothing of the refused requests reached the sponsor's queue.
    expect(about(await drain(x), id).map((m) => m.trStatus)).to.deep.equal(['pending']);
    expect(await seed.contactTransfers(t, (await row(id)).id)).to.have.length(1);
    await transfer(y, 'cancel', id);
  });

  it('request errors: 2304 clientTransferProhibited, serverTransferProhibited', async () => {
    for (const s of ['clientTransferProhibited', 'serverTransferProhibited']) {
      const id = uniq();
      await seedContact(id, { statuses: [s] });
      const r = await transfer(y, 'request', id, 'contact-pw');
      expect(r.code, s).to.equal(2304);
      expect(r.msg).to.include(s);
      expect(await statuses(id)).to.deep.equal([s]);
    }
    expect(await drain(x)).to.deep.equal([]);
  });

  it('failures are named conditions: the code and text are the condition\'s, and the log line names it', async () => {
    const id = uniq();
    await seedContact(id);
    const cases: Array<[CheckedResponse, Condition<never[]>, EppError]> = [
      [await transfer(x, 'request', id, 'contact-pw'), alreadySponsor, alreadySponsor('contact', id)],
      [await transfer(y, 'request', id), transferAuthInfoMissing, transferAuthInfoMissing('contact', id)],
      [await transfer(y, 'request', id, 'nope'), transferAuthInfoInvalid, transferAuthInfoInvalid('contact', id)],
      [await transfer(y, 'request', `NO-${id}`, 'contact-pw'), contactNotFound, contactNotFound(`NO-${id}`)],
      [await transfer(y, 'request', 'абв', 'contact-pw'), contactValueSyntax, contactValueSyntax('Invalid contact id абв', 'A contact id consists of printable ASCII characters without spaces', idValue('абв'))],
      [await transfer(x, 'reject', id), noPendingTransfer, noPendingTransfer('contact', id)],
      [await transfer(z, 'query', id), transferQueryRefused, transferQueryRefused('contact', id)],
      [await transfer(x, 'query', id), neverTransferred, neverTransferred('contact', id)],
    ];
    for (const [r, c, e] of cases) {
      expect([r.code, r.msg], c.conditionName).to.deep.equal([c.code, e.message]);
      expect(readLog(t)).to.include(`"condition":"${c.conditionName}"`);
    }
  });

  it('<contact:ext> authInfo is refused (2102) when the command is read, whatever the op', async () => {
    const id = uniq();
    await seedContact(id);
    for (const op of ['request', 'query', 'approve'] as const) {
      const ext = '<contact:authInfo><contact:ext><rgp:infData xmlns:rgp="urn:ietf:params:xml:ns:rgp-1.0"><rgp:rgpStatus s="addPeriod"/></rgp:infData></contact:ext></contact:authInfo>';
      const r = await send(y, command(`<transfer op="${op}"><contact:transfer ${CON}><contact:id>${id}</contact:id>${ext}</contact:transfer></transfer>`, `ct-${op}`));
      expect([r.code, r.msg], op).to.deep.equal([authInfoExtUnsupported.code, 'Only password authInfo (<contact:pw>) is supported']);
    }
    expect(await statuses(id)).to.deep.equal([]);
  });

  it('queues each poll message as a contactTransfer event (kind + JSON), not as a response tree', async () => {
    const id = uniq();
    await seedContact(id);
    expect((await transfer(y, 'request', id, 'contact-pw')).code).to.equal(1001);
    const stored = ((await seed.sqlRows(t, "SELECT data FROM poll_messages WHERE registrar_id = ? AND kind = 'contactTransfer'", rid('ClientX'))) as Array<{ data: string }>).filter(
      (m) => (JSON.parse(m.data) as { handle: string }).handle === id,
    );
    expect(stored.map((m) => JSON.parse(m.data))).to.deep.equal([
      {
        handle: id,
        status: 'pending',
        requesterClId: 'ClientY',
        requestedAt: t.clock.now().toISOString(),
        losingClId: 'ClientX',
        actionAt: new Date(t.clock.now().getTime() + CONTACT_TRANSFER_AUTO_APPROVE_DAYS * DAY).toISOString(),
      },
    ]);
    await transfer(y, 'cancel', id);
  });

  // ------------------------------------------------------------ query

  it('query: the sponsor and the requester see the latest transfer; a third registrar needs the authInfo (2201/2202); 2301 when none', async () => {
    const id = uniq();
    await seedContact(id);
    expect((await transfer(x, 'query', id)).code).to.equal(2301);
    expect((await transfer(y, 'query', id)).code).to.equal(2201);
    expect((await transfer(z, 'query', id, 'contact-pw')).code).to.equal(2301);
    expect((await transfer(y, 'request', id, 'contact-pw')).code).to.equal(1001);
    for (const c of [x, y]) {
      const r = await transfer(c, 'query', id);
      expect(r.code).to.equal(1000);
      expect(trn(r)).to.deep.include({ id, trStatus: 'pending', reID: 'ClientY', acID: 'ClientX' });
    }
    expect((await transfer(z, 'query', id)).code).to.equal(2201);
    expect((await transfer(z, 'query', id, 'wrong')).code).to.equal(2202);
    const third = await transfer(z, 'query', id, 'contact-pw');
    expect(third.code).to.equal(1000);
    expect(trn(third).trStatus).to.equal('pending');
    expect((await transfer(x, 'query', `NO-${id}`)).code).to.equal(2303);
    // Queries change nothing and notify nobody.
    expect(about(await drain(x), id)).to.have.length(1);
    expect(await drain(y)).to.deep.equal([]);
    expect(await drain(z)).to.deep.equal([]);
    await transfer(y, 'cancel', id);
  });

  // ------------------------------------------------------------ approve

  it('approve: only the sponsor (2201); the sponsor changes, trDate, authInfo reset (the old one refused, 2202), no charge, poll to the requester', async () => {
    const id = uniq();
    await seedContact(id, { pw: 'old-secret' });
    expect((await transfer(x, 'approve', id)).code).to.equal(2301);
    expect((await transfer(y, 'request', id, 'old-secret')).code).to.equal(1001);
    expect((await transfer(y, 'approve', id)).code).to.equal(2201);
    expect((await transfer(z, 'approve', id)).code).to.equal(2201);

    const before = await balances();
    t.clock.advance(60_000);
    const now = t.clock.now();
    const a = await transfer(x, 'approve', id);
    expect(a.code).to.equal(1000);
    expect(trn(a)).to.deep.include({ id, trStatus: 'clientApproved', reID: 'ClientY', acID: 'ClientX', acDate: eppDateTime(now) });
    const after = await row(id);
    expect(after.sponsorId).to.equal(rid('ClientY'));
    expect(after.transferredAt?.getTime()).to.equal(now.getTime());
    expect([after.updaterClId, after.updatedAt]).to.deep.equal([null, null]);
    // RFC 9154 §5.4: a completed transfer unsets the authInfo (it used to become a random value).
    expect([after.authHash, after.authSetAt]).to.deep.equal([null, null]);
    expect(await statuses(id)).to.deep.equal([]);
    expect(await balances()).to.deep.equal(before);
    expect((await transfer(x, 'approve', id)).code).to.equal(2301);

    // The new sponsor sees everything, trDate included; the old one needs an authInfo it no longer has.
    const i = await info(y, id);
    expect(i.text(`${INF}/contact:clID`)).to.equal('ClientY');
    expect(i.text(`${INF}/contact:trDate`)).to.equal(eppDateTime(now));
    expect(i.texts(`${INF}/contact:status/@s`)).to.deep.equal(['ok']);
    expect((await info(x, id)).code).to.equal(2201);
    expect((await info(x, id, 'old-secret')).code).to.equal(2201);
    expect((await transfer(x, 'request', id, 'old-secret')).code).to.equal(2202);
    expect((await transfer(z, 'query', id, 'old-secret')).code).to.equal(2202);
    // The losing registrar, a party of the latest transfer, may still query it.
    expect(trn(await transfer(x, 'query', id)).trStatus).to.equal('clientApproved');
    // The new sponsor may change the contact (and set its own authInfo).
    expect((await updateEmail(y, id, 'moved@example.qq')).code).to.equal(1000);

    const ym = about(await drain(y), id);
    expect(ym).to.have.length(1);
    expect(ym[0]).to.deep.include({ msg: 'Transfer approved.', trStatus: 'clientApproved', reID: 'ClientY', acID: 'ClientX' });
    expect(about(await drain(x), id).map((m) => m.trStatus)).to.deep.equal(['pending']);
  });

  // ------------------------------------------------------------ reject and cancel

  it('reject: only the sponsor (2201); the contact stays; the requester is told; a new request may follow', async () => {
    const id = uniq();
    await seedContact(id);
    const before = await row(id);
    expect((await transfer(x, 'reject', id)).code).to.equal(2301);
    expect((await transfer(y, 'request', id, 'contact-pw')).code).to.equal(1001);
    expect((await transfer(y, 'reject', id)).code).to.equal(2201);
    expect((await transfer(z, 'reject', id)).code).to.equal(2201);
    const r = await transfer(x, 'reject', id);
    expect(r.code).to.equal(1000);
    expect(trn(r)).to.deep.include({ id, trStatus: 'clientRejected', reID: 'ClientY', acID: 'ClientX' });
    expect((await row(id)).sponsorId).to.equal(rid('ClientX'));
    expect((await row(id)).authHash).to.equal(before.authHash);
    expect((await row(id)).transferredAt).to.equal(null);
    expect(await statuses(id)).to.deep.equal([]);
    expect((await transfer(x, 'reject', id)).code).to.equal(2301);
    expect(trn(await transfer(y, 'query', id)).trStatus).to.equal('clientRejected');
    const ym = await drain(y);
    expect(ym).to.have.length(1);
    expect(ym[0]).to.deep.include({ msg: 'Transfer rejected.', id, trStatus: 'clientRejected' });
    expect(about(await drain(x), id).map((m) => m.trStatus)).to.deep.equal(['pending']);
    expect((await transfer(y, 'request', id, 'contact-pw')).code).to.equal(1001);
    await transfer(y, 'cancel', id);
  });

  it('cancel: only the requester (2201); the contact stays; the sponsor is told; 2301 afterwards', async () => {
    const id = uniq();
    await seedContact(id);
    expect((await transfer(y, 'cancel', id)).code).to.equal(2301);
    expect((await transfer(y, 'request', id, 'contact-pw')).code).to.equal(1001);
    expect((await transfer(x, 'cancel', id)).code).to.equal(2201);
    expect((await transfer(z, 'cancel', id)).code).to.equal(2201);
    const r = await transfer(y, 'cancel', id);
    expect(r.code).to.equal(1000);
    expect(trn(r)).to.deep.include({ id, trStatus: 'clientCancelled', reID: 'ClientY', acID: 'ClientX' });
    expect((await row(id)).sponsorId).to.equal(rid('ClientX'));
    expect(await statuses(id)).to.deep.equal([]);
    expect((await transfer(y, 'cancel', id)).code).to.equal(2301);
    const xm = about(await drain(x), id);
    expect(xm.map((m) => [m.msg, m.trStatus])).to.deep.equal([
      ['Transfer requested.', 'pending'],
      ['Transfer cancelled.', 'clientCancelled'],
    ]);
    expect(await drain(y)).to.deep.equal([]);
    // Once nothing is pending the contact can be changed again.
    expect((await updateEmail(x, id, 'kept@example.qq')).code).to.equal(1000);
  });

  // ------------------------------------------------------------ automatic approval

  it('auto-approval: once acDate has passed the next command approves it (serverApproved, trDate = acDate), exactly once, telling both parties', async () => {
    const id = uniq();
    await seedContact(id);
    const before = await balances();
    const req = await transfer(y, 'request', id, 'contact-pw');
    expect(req.code).to.equal(1001);
    const acDate = trn(req).acDate!;

    t.clock.advance(6 * 86400_000);
    // Any object command applies what is due before it runs: here an info by the new sponsor.
    const i = await info(y, id);
    expect(i.code).to.equal(1000);
    expect(i.text(`${INF}/contact:clID`)).to.equal('ClientY');
    expect(i.text(`${INF}/contact:trDate`)).to.equal(acDate);
    expect(i.texts(`${INF}/contact:status/@s`)).to.not.include('pendingTransfer');

    const after = await row(id);
    expect(after.sponsorId).to.equal(rid('ClientY'));
    expect(eppDateTime(after.transferredAt!)).to.equal(acDate);
    const [stored] = await seed.contactTransfers(t, after.id);
    expect(after.transferredAt!.getTime()).to.equal(stored.actionAt.getTime());
    expect(stored.actionAt.getTime() - stored.requestedAt.getTime()).to.equal(5 * DAY);
    expect([after.authHash, after.authSetAt]).to.deep.equal([null, null]);
    expect(await balances()).to.deep.equal(before);
    // The old authInfo is refused.
    expect((await transfer(x, 'request', id, 'contact-pw')).code).to.equal(2202);

    expect(trn(await transfer(x, 'query', id))).to.deep.include({ trStatus: 'serverApproved', acDate });
    // Both parties are told, once each (more commands apply nothing more).
    await info(y, id);
    const xm = about(await drain(x), id);
    expect(xm.map((m) => m.trStatus)).to.deep.equal(['pending', 'serverApproved']);
    expect(xm[1].msg).to.match(/approved by the registry/);
    const ym = about(await drain(y), id);
    expect(ym.map((m) => m.trStatus)).to.deep.equal(['serverApproved']);
    expect(ym[0]).to.deep.include({ reID: 'ClientY', acID: 'ClientX', acDate });
    expect((await seed.contactTransfers(t, after.id)).map((tr) => ({ status: tr.status }))).to.deep.equal([{ status: 'serverApproved' }]);
    expect((await transfer(y, 'cancel', id)).code).to.equal(2301);
  });

  it('a pending transfer is not approved before its acDate', async () => {
    const id = uniq();
    await seedContact(id);
    expect((await transfer(y, 'request', id, 'contact-pw')).code).to.equal(1001);
    t.clock.advance(5 * DAY - 1000);
    expect(trn(await transfer(x, 'query', id)).trStatus).to.equal('pending');
    expect((await row(id)).sponsorId).to.equal(rid('ClientX'));
    expect((await transfer(y, 'cancel', id)).code).to.equal(1000);
  });

  it('finds due contact transfers with the (status, action_at) index', async () => {
    const plan = await seed.queryPlan(t, `SELECT t.id FROM contact_transfers t WHERE t.status = 'pending' AND t.action_at <= ${Date.now()} ORDER BY t.action_at, t.id LIMIT 100`);
    expect(plan).to.match(/USING (COVERING )?INDEX contact_transfers_due|Index (Only )?Scan using contact_transfers_due/i);
  });
});
