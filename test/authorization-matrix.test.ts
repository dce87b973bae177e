import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { requests, type ContactParams } from '../src/client/requests.js';
import { issueToken } from '../src/http/tokens.js';
import { hashSecret } from '../src/registry/passwords.js';
import { checkResponse, command, loginXml, send, startTestRegistry, testCerts, type CheckedResponse, type TestRegistry } from './helpers.js';

/**
 * The authorization matrix (issue 7): every command on every object type, sent by ClientY, which sponsors
 * none of the objects (ClientX does), with and without the object's authInfo where the command takes one.
 * Each row states the exact code the RFCs and the registry's policy give; every response ClientY sees is
 * also checked for ClientX's secrets (no authInfo password of ClientX's objects, no poll message of
 * ClientX's queue).
 *
 * Fixtures (all ClientX's, made over EPP in `before`): contacts CX-MAIN (of every domain), CX-UPD (target of
 * the refused changes), CX-PEND (a transfer to ClientZ pending), CX-GIVE (ClientY's transfer request with the
 * right password); domains ax-main.tatar with host ns1.ax-main.tatar, ax-pend.tatar (transfer to ClientZ
 * pending), ax-give.tatar, ax-rst.tatar (deleted: redemptionPeriod). Audit rows are read where a registrar
 * can read them: GET /poll of the HTTP registrar API, with ClientY's token.
 */

const PW = {
  cMain: 'cx-main-PW1',
  cUpd: 'cx-upd-PW2',
  cPend: 'cx-pend-PW3',
  cGive: 'cx-give-PW4',
  dMain: 'dom-main-PW5',
  dPend: 'dom-pend-PW6',
  dGive: 'dom-give-PW7',
  dRst: 'dom-rst-PW8',
};
const SECRETS = Object.values(PW);
const WRONG = 'not-the-PW9';
const CON = 'xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"';

function contact(id: string, authInfo: string): ContactParams {
  return {
    id,
    email: `${id.toLowerCase()}@example.ru`,
    voice: '+7.8432000000',
    authInfo,
    postalInfo: {
      int: { name: 'Petrov Petr Petrovitch', street: ['1, Primernaya st.'], city: 'Moscow', pc: '123456', cc: 'RU' },
      loc: { name: 'Петров Петр Петрович', street: ['ул. Примерная, д. 1'], city: 'Москва', pc: '123456', cc: 'RU' },
    },
    tci: { person: { birthday: '1980-11-10', passport: ['01 23 123456, выдан ОВД энского р-на'] } },
  };
}

const contactTransfer = (op: string, id: string, pw?: string) =>
  command(
    `<transfer op="${op}"><contact:transfer ${CON}><contact:id>${id}</contact:id>` +
      (pw ? `<contact:authInfo><contact:pw>${pw}</contact:pw></contact:authInfo>` : '') +
      `</contact:transfer></transfer>`,
    `am-ct-${op}`,
  );

interface Row {
  /** What ClientY does. */
  does: string;
  xml: () => string;
  code: number;
  /** Further checks on the response. */
  then?: (r: CheckedResponse) => void;
}

describe('authorization matrix: ClientY on ClientX objects', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let z: EppClient;
  let mainRoid = '';
  let mainExDate = '';
  let xMsgId = '';

  const ok = async (c: EppClient, xml: string, code = 1000) => {
    const r = await send(c, xml);
    expect(r.code, r.xml).to.equal(code);
    return r;
  };

  before(async () => {
    t = await startTestRegistry();
    const fp = new X509Certificate(readFileSync(join(testCerts(), 'spare.crt'))).fingerprint256;
    const hash = await hashSecret('baz-QUX4');
    await t.registry.store.transaction((r) =>
      r.registrars.insert({ clId: 'ClientZ', name: 'Third registrar', passwordHash: hash, certFingerprints: [fp], balance: 10_000_000 }, new Date()),
    );
    x = await t.login('ClientX');
    y = await t.login('ClientY');
    z = await t.connect('spare');
    expect(checkResponse(await z.request(loginXml('ClientZ', 'baz-QUX4'))).code).to.equal(1000);

    for (const [id, pw] of [
      ['CX-MAIN', PW.cMain],
      ['CX-UPD', PW.cUpd],
      ['CX-PEND', PW.cPend],
      ['CX-GIVE', PW.cGive],
    ]) {
      await ok(x, requests.contactCreate('am-cc', contact(id, pw)));
    }
    const contacts = [
      { type: 'admin', id: 'CX-MAIN' },
      { type: 'tech', id: 'CX-MAIN' },
    ];
    for (const [name, pw] of [
      ['ax-main.tatar', PW.dMain],
      ['ax-pend.tatar', PW.dPend],
      ['ax-give.tatar', PW.dGive],
      ['ax-rst.tatar', PW.dRst],
    ]) {
      await ok(x, requests.domainCreate('am-dc', { name, period: { value: 1, unit: 'y' }, registrant: 'CX-MAIN', contacts, authInfo: pw }));
    }
    await ok(x, requests.hostCreate('am-hc', { name: 'ns1.ax-main.tatar', addrs: [{ ip: 'v4', addr: '192.0.2.1' }] }));
    await ok(x, requests.domainUpdate('am-du', { name: 'ax-main.tatar', add: { ns: ['ns1.ax-main.tatar'] } }));
    const cinfo = await ok(x, requests.info('am-ci', 'contact', 'CX-MAIN'));
    mainRoid = cinfo.text('//contact:infData/contact:roid')!;
    const dinfo = await ok(x, requests.info('am-di', 'domain', 'ax-main.tatar'));
    mainExDate = dinfo.text('//domain:infData/domain:exDate')!.slice(0, 10);

    // Past the add grace period, so that the delete sends ax-rst.tatar to redemption instead of purging it.
    t.clock.advance(6 * 86_400_000);
    await ok(x, requests.delete('am-dd', 'domain', 'ax-rst.tatar'));

    // ClientZ asks for the PEND objects: ClientY is not a party of those transfers.
    await ok(z, contactTransfer('request', 'CX-PEND', PW.cPend), 1001);
    await ok(z, requests.domainTransfer('am-dt', { op: 'request', name: 'ax-pend.tatar', authInfo: PW.dPend }), 1001);

    // ClientX now has poll messages (the transfer requests); remember one of their ids.
    const poll = await ok(x, requests.poll('am-pr', 'req'), 1301);
    xMsgId = poll.text('/e:epp/e:response/e:msgQ/@id')!;
    expect(xMsgId).to.match(/^\d+$/);
  });

  after(async () => {
    await Promise.all([x, y, z].map((c) => c?.close()));
    await t?.close();
  });

  const noDomainSecrets = (r: CheckedResponse) => expect(r.count('//domain:authInfo'), r.xml).to.equal(0);
  const limited = (r: CheckedResponse) => {
    expect(r.text('//domain:infData/domain:name')).to.equal('ax-main.tatar');
    expect(r.count('//domain:infData/domain:contact'), r.xml).to.equal(0);
    expect(r.count('//domain:infData/domain:registrant'), r.xml).to.equal(0);
    expect(r.count('//domain:infData/domain:host'), r.xml).to.equal(0);
    noDomainSecrets(r);
  };
  const full = (r: CheckedResponse) => {
    expect(r.text('//domain:infData/domain:registrant')).to.equal('CX-MAIN');
    expect(r.count('//domain:infData/domain:contact')).to.equal(2);
    noDomainSecrets(r);
  };
  const trStatus = (prefix: 'domain' | 'contact', s: string) => (r: CheckedResponse) =>
    expect(r.text(`//${prefix}:trnData/${prefix}:trStatus`)).to.equal(s);

  const ROWS: Row[] = [
    // ---------------------------------------------------------------- contacts (RFC 5733)
    { does: 'contact check', xml: () => requests.check('am-1', 'contact', ['CX-MAIN']), code: 1000, then: (r) => expect(r.text('//contact:cd/contact:id/@avail')).to.equal('0') },
    { does: 'contact info without authInfo', xml: () => requests.info('am-2', 'contact', 'CX-MAIN'), code: 2201, then: (r) => expect(r.count('//e:resData')).to.equal(0) },
    { does: 'contact info with a wrong authInfo', xml: () => requests.info('am-3', 'contact', 'CX-MAIN', WRONG), code: 2201, then: (r) => expect(r.count('//e:resData')).to.equal(0) },
    {
      does: 'contact info with the authInfo (all but the password)',
      xml: () => requests.info('am-4', 'contact', 'CX-MAIN', PW.cMain),
      code: 1000,
      then: (r) => {
        expect(r.text('//contact:infData/contact:id')).to.equal('CX-MAIN');
        expect(r.count('//contact:authInfo')).to.equal(0);
      },
    },
    { does: 'contact update', xml: () => requests.contactUpdate('am-5', { id: 'CX-UPD', chg: { email: 'taken@example.ru' } }), code: 2201 },
    { does: 'contact update of its authInfo', xml: () => requests.contactUpdate('am-6', { id: 'CX-UPD', chg: { authInfo: 'stolen-PW0' } }), code: 2201 },
    { does: 'contact update adding a status', xml: () => requests.contactUpdate('am-7', { id: 'CX-UPD', add: { status: ['clientDeleteProhibited'] } }), code: 2201 },
    { does: 'contact delete', xml: () => requests.delete('am-8', 'contact', 'CX-UPD'), code: 2201 },
    { does: 'contact transfer request without authInfo', xml: () => contactTransfer('request', 'CX-UPD'), code: 2202 },
    { does: 'contact transfer request with a wrong authInfo', xml: () => contactTransfer('request', 'CX-UPD', WRONG), code: 2202 },
    { does: 'contact transfer request with the authInfo', xml: () => contactTransfer('request', 'CX-GIVE', PW.cGive), code: 1001, then: trStatus('contact', 'pending') },
    { does: 'contact transfer request while another is pending', xml: () => contactTransfer('request', 'CX-PEND', PW.cPend), code: 2300 },
    { does: 'contact transfer query (never transferred) without authInfo', xml: () => contactTransfer('query', 'CX-UPD'), code: 2201 },
    { does: 'contact transfer query (never transferred) with a wrong authInfo', xml: () => contactTransfer('query', 'CX-UPD', WRONG), code: 2202 },
    { does: 'contact transfer query (never transferred) with the authInfo', xml: () => contactTransfer('query', 'CX-UPD', PW.cUpd), code: 2301 },
    { does: "contact transfer query of another's transfer without authInfo", xml: () => contactTransfer('query', 'CX-PEND'), code: 2201 },
    { does: "contact transfer query of another's transfer with a wrong authInfo", xml: () => contactTransfer('query', 'CX-PEND', WRONG), code: 2202 },
    { does: "contact transfer query of another's transfer with the authInfo", xml: () => contactTransfer('query', 'CX-PEND', PW.cPend), code: 1000, then: trStatus('contact', 'pending') },
    { does: 'contact transfer approve', xml: () => contactTransfer('approve', 'CX-PEND'), code: 2201 },
    { does: 'contact transfer approve with the authInfo', xml: () => contactTransfer('approve', 'CX-PEND', PW.cPend), code: 2201 },
    { does: 'contact transfer reject', xml: () => contactTransfer('reject', 'CX-PEND'), code: 2201 },
    { does: "contact transfer cancel of another's request", xml: () => contactTransfer('cancel', 'CX-PEND'), code: 2201 },
    { does: 'contact transfer cancel with nothing pending', xml: () => contactTransfer('cancel', 'CX-UPD'), code: 2301 },

    // ---------------------------------------------------------------- hosts (RFC 5732: no authInfo)
    {
      does: 'host info (public to every registrar)',
      xml: () => requests.info('am-h1', 'host', 'ns1.ax-main.tatar'),
      code: 1000,
      then: (r) => expect(r.text('//host:infData/host:clID')).to.equal('ClientX'),
    },
    { does: 'host update adding an address', xml: () => requests.hostUpdate('am-h2', { name: 'ns1.ax-main.tatar', add: { addrs: [{ ip: 'v4', addr: '192.0.2.2' }] } }), code: 2201 },
    { does: 'host update renaming it', xml: () => requests.hostUpdate('am-h3', { name: 'ns1.ax-main.tatar', chg: { name: 'ns2.ax-main.tatar' } }), code: 2201 },
    { does: 'host delete', xml: () => requests.delete('am-h4', 'host', 'ns1.ax-main.tatar'), code: 2201 },

    // ---------------------------------------------------------------- domains (RFC 5731, 3915)
    { does: 'domain check', xml: () => requests.check('am-d0', 'domain', ['ax-main.tatar']), code: 1000, then: (r) => expect(r.text('//domain:cd/domain:name/@avail')).to.equal('0') },
    { does: 'domain info without authInfo (public data only)', xml: () => requests.info('am-d1', 'domain', 'ax-main.tatar'), code: 1000, then: limited },
    { does: 'domain info with a wrong authInfo (public data only)', xml: () => requests.info('am-d2', 'domain', 'ax-main.tatar', WRONG), code: 1000, then: limited },
    { does: 'domain info with the authInfo (all but the authInfo)', xml: () => requests.info('am-d3', 'domain', 'ax-main.tatar', PW.dMain), code: 1000, then: full },
    {
      does: "domain info with the registrant's authInfo and roid",
      xml: () =>
        command(
          `<info><domain:info xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>ax-main.tatar</domain:name>` +
            `<domain:authInfo><domain:pw roid="${mainRoid}">${PW.cMain}</domain:pw></domain:authInfo></domain:info></info>`,
          'am-d4',
        ),
      code: 1000,
      then: full,
    },
    { does: 'domain update adding a status', xml: () => requests.domainUpdate('am-d5', { name: 'ax-main.tatar', add: { status: ['clientHold'] } }), code: 2201 },
    { does: 'domain update of its authInfo', xml: () => requests.domainUpdate('am-d6', { name: 'ax-main.tatar', chg: { authInfo: 'stolen-PW0' } }), code: 2201 },
    { does: 'domain update of its registrant', xml: () => requests.domainUpdate('am-d7', { name: 'ax-main.tatar', chg: { registrant: 'CX-UPD' } }), code: 2201 },
    { does: 'domain delete', xml: () => requests.delete('am-d8', 'domain', 'ax-main.tatar'), code: 2201 },
    { does: 'domain renew', xml: () => requests.domainRenew('am-d9', { name: 'ax-main.tatar', curExpDate: mainExDate, period: { value: 1, unit: 'y' } }), code: 2201 },
    { does: 'domain restore request (redemptionPeriod)', xml: () => requests.domainRestore('am-d10', { name: 'ax-rst.tatar' }), code: 2201 },
    { does: 'domain transfer request without authInfo', xml: () => requests.domainTransfer('am-d11', { op: 'request', name: 'ax-main.tatar' }), code: 2202 },
    { does: 'domain transfer request with a wrong authInfo', xml: () => requests.domainTransfer('am-d12', { op: 'request', name: 'ax-main.tatar', authInfo: WRONG }), code: 2202 },
    {
      does: 'domain transfer request with the authInfo',
      xml: () => requests.domainTransfer('am-d13', { op: 'request', name: 'ax-give.tatar', authInfo: PW.dGive }),
      code: 1001,
      then: trStatus('domain', 'pending'),
    },
    { does: 'domain transfer request while another is pending', xml: () => requests.domainTransfer('am-d14', { op: 'request', name: 'ax-pend.tatar', authInfo: PW.dPend }), code: 2300 },
    { does: 'domain transfer query (never transferred) without authInfo', xml: () => requests.domainTransfer('am-d15', { op: 'query', name: 'ax-main.tatar' }), code: 2201 },
    { does: 'domain transfer query (never transferred) with a wrong authInfo', xml: () => requests.domainTransfer('am-d16', { op: 'query', name: 'ax-main.tatar', authInfo: WRONG }), code: 2202 },
    { does: 'domain transfer query (never transferred) with the authInfo', xml: () => requests.domainTransfer('am-d17', { op: 'query', name: 'ax-main.tatar', authInfo: PW.dMain }), code: 2301 },
    { does: "domain transfer query of another's transfer without authInfo", xml: () => requests.domainTransfer('am-d18', { op: 'query', name: 'ax-pend.tatar' }), code: 2201 },
    { does: "domain transfer query of another's transfer with a wrong authInfo", xml: () => requests.domainTransfer('am-d19', { op: 'query', name: 'ax-pend.tatar', authInfo: WRONG }), code: 2202 },
    {
      does: "domain transfer query of another's transfer with the authInfo",
      xml: () => requests.domainTransfer('am-d20', { op: 'query', name: 'ax-pend.tatar', authInfo: PW.dPend }),
      code: 1000,
      then: trStatus('domain', 'pending'),
    },
    { does: 'domain transfer approve', xml: () => requests.domainTransfer('am-d21', { op: 'approve', name: 'ax-pend.tatar' }), code: 2201 },
    { does: 'domain transfer approve with the authInfo', xml: () => requests.domainTransfer('am-d22', { op: 'approve', name: 'ax-pend.tatar', authInfo: PW.dPend }), code: 2201 },
    { does: 'domain transfer reject', xml: () => requests.domainTransfer('am-d23', { op: 'reject', name: 'ax-pend.tatar' }), code: 2201 },
    { does: "domain transfer cancel of another's request", xml: () => requests.domainTransfer('am-d24', { op: 'cancel', name: 'ax-pend.tatar' }), code: 2201 },
    { does: 'domain transfer cancel with nothing pending', xml: () => requests.domainTransfer('am-d25', { op: 'cancel', name: 'ax-main.tatar' }), code: 2301 },

    // ---------------------------------------------------------------- poll (RFC 5730 §2.9.2.3)
    { does: "poll ack of ClientX's message", xml: () => requests.poll('am-p1', 'ack', xMsgId), code: 2303 },
    {
      does: "poll req (never ClientX's messages)",
      xml: () => requests.poll('am-p2', 'req'),
      code: 1300,
      then: (r) => expect(r.text('/e:epp/e:response/e:msgQ/@id')).to.not.equal(xMsgId),
    },
  ];

  for (const row of ROWS) {
    it(`${row.does}: ${row.code}`, async () => {
      const r = await send(y, row.xml());
      expect(r.code, r.xml).to.equal(row.code);
      for (const s of SECRETS) expect(r.xml, `ClientX's authInfo ${s} leaked`).to.not.include(s);
      row.then?.(r);
    });
  }

  it("shows ClientY only its own audit rows (GET /poll), never ClientX's", async () => {
    const { token } = await issueToken(t.registry.store, { clId: 'ClientY', channel: 'am-clienty' }, new Date());
    const base = `http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1`;
    const get = async (q: string) => {
      const res = await fetch(`${base}/poll?${q}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.text();
      expect(res.status, text).to.equal(200);
      for (const s of SECRETS) expect(text, `ClientX's authInfo ${s} leaked`).to.not.include(s);
      return (JSON.parse(text) as { events: Array<{ registrar: { id: string }; cl_trid: string | null; epp_command?: string }> }).events;
    };
    const all = await get('limit=100');
    // ClientY's own attempts are there (the matrix rows above), all of them ClientY's.
    expect(all.length).to.be.greaterThan(10);
    expect(all.every((e) => e.registrar.id === 'ClientY')).to.equal(true);
    expect(all.map((e) => e.cl_trid)).to.not.include.members(['am-cc', 'am-dc', 'am-hc', 'am-du', 'am-dd', 'am-pr']);
    // ClientX's creates of its domain are not visible by name either; ClientY's own commands on it are.
    const main = await get('domain=ax-main.tatar&limit=100');
    expect(main.map((e) => e.epp_command)).to.not.include('domain:create');
    expect(main.every((e) => e.registrar.id === 'ClientY')).to.equal(true);
  });

  it("leaves ClientX's objects, authInfo and poll queue as they were", async () => {
    const c = await send(x, requests.info('am-x1', 'contact', 'CX-UPD'));
    expect(c.text('//contact:infData/contact:email')).to.equal('cx-upd@example.ru');
    // RFC 9154 §5.3: the sponsor sees an empty authInfo; the value still works (for a third registrar's info).
    expect(c.text('//contact:infData/contact:authInfo/contact:pw')).to.equal('');
    expect((await send(z, requests.info('am-x5', 'contact', 'CX-UPD', PW.cUpd))).code).to.equal(1000);
    const d = await send(x, requests.info('am-x2', 'domain', 'ax-main.tatar'));
    expect(d.text('//domain:infData/domain:clID')).to.equal('ClientX');
    expect(d.text('//domain:infData/domain:authInfo/domain:pw')).to.equal('');
    expect((await send(z, requests.info('am-x6', 'domain', 'ax-main.tatar', PW.dMain))).count('//domain:infData/domain:crID')).to.equal(1);
    expect(d.texts('//domain:infData/domain:status/@s')).to.not.include('clientHold');
    expect((await send(x, requests.info('am-x3', 'host', 'ns1.ax-main.tatar'))).texts('//host:infData/host:addr')).to.deep.equal(['192.0.2.1']);
    const p = await send(x, requests.poll('am-x4', 'req'));
    expect(p.text('/e:epp/e:response/e:msgQ/@id')).to.equal(xMsgId);
    expect((await send(z, contactTransfer('query', 'CX-PEND'))).text('//contact:trnData/contact:trStatus')).to.equal('pending');
  });
});
