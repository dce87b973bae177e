import { expect } from 'chai';
import { HELLO, LOGOUT, PASSWORDS, checkResponse, command, loginXml, send, startTestRegistry, type TestRegistry } from './helpers.js';

describe('EPP sessions (RFC 5730 §2.9.1)', () => {
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry((c) => {
      c.epp.idleTimeout = 2;
    });
  });
  after(() => t.close());

  it('sends a schema-valid greeting with the real time, version 1.0, en and only the services it implements', async () => {
    const c = await t.connect();
    const g = checkResponse(c.greeting);
    expect(g.text('/e:epp/e:greeting/e:svID')).to.equal('Test Registry');
    const svDate = Date.parse(g.text('/e:epp/e:greeting/e:svDate')!);
    expect(Math.abs(svDate - Date.now())).to.be.below(30_000);
    expect(g.texts('//e:svcMenu/e:version')).to.deep.equal(['1.0']);
    expect(g.texts('//e:svcMenu/e:lang')).to.include('en');
    expect(g.texts('//e:svcMenu/e:objURI')).to.have.members([
      'urn:ietf:params:xml:ns:domain-1.0',
      'urn:ietf:params:xml:ns:contact-1.0',
      'urn:ietf:params:xml:ns:host-1.0',
    ]);
    expect(g.texts('//e:svcExtension/e:extURI')).to.include.members([
      'urn:ietf:params:xml:ns:secDNS-1.1',
      'urn:ietf:params:xml:ns:rgp-1.0',
      'urn:ietf:params:xml:ns:epp:secure-authinfo-transfer-1.0',
      'urn:ietf:params:xml:ns:epp:loginSec-1.0',
      'urn:ietf:params:xml:ns:epp:unhandled-namespaces-1.0',
      'urn:ietf:params:xml:ns:changePoll-1.0',
    ]);
    expect(g.count('//e:dcp/e:access')).to.equal(1);
    await c.close();
  });

  it('answers <hello> with a greeting before and after login', async () => {
    const c = await t.connect();
    const before = checkResponse(await c.request(HELLO));
    expect(before.text('/e:epp/e:greeting/e:svID')).to.equal('Test Registry');
    await send(c, loginXml('ClientX', PASSWORDS.ClientX));
    const after = checkResponse(await c.request(HELLO));
    expect(after.count('/e:epp/e:greeting')).to.equal(1);
    await c.close();
  });

  it('refuses any command but login before login with 2002', async () => {
    const c = await t.connect();
    const r = await send(c, command('<poll op="req"/>', 'early-1'));
    expect(r.code).to.equal(2002);
    expect(r.clTRID).to.equal('early-1');
    const r2 = await send(c, command('<check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>a.tatar</domain:name></domain:check></check>'));
    expect(r2.code).to.equal(2002);
    await c.close();
  });

  it('logs in with 1000, echoes clTRID, gives unique svTRIDs, and logs out with 1500 and a closed connection', async () => {
    const c = await t.connect();
    const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX, { clTRID: 'my-login' }));
    expect(r.code).to.equal(1000);
    expect(r.msg).to.equal('Command completed successfully');
    expect(r.clTRID).to.equal('my-login');
    const p = await send(c, command('<poll op="req"/>'));
    expect(p.code).to.equal(1300);
    expect(p.svTRID).to.not.equal(r.svTRID);
    const o = await send(c, LOGOUT);
    expect(o.code).to.equal(1500);
    await c.closed;
    expect(c.isClosed).to.equal(true);
  });

  it('refuses a second login in the same session with 2002', async () => {
    const c = await t.login('ClientX');
    const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX));
    expect(r.code).to.equal(2002);
    await c.close();
  });

  it('refuses a wrong password with 2200, and lets a correct login through afterwards (no lock-out)', async () => {
    const c = await t.connect();
    expect((await send(c, loginXml('ClientX', 'wrong-pass1'))).code).to.equal(2200);
    expect((await send(c, loginXml('NoSuchClient', 'wrong-pass1'))).code).to.equal(2200);
    expect((await send(c, loginXml('ClientX', PASSWORDS.ClientX))).code).to.equal(1000);
    await c.close();
  });

  it('closes the session with 2501 after three failed logins', async () => {
    const c = await t.connect();
    expect((await send(c, loginXml('ClientX', 'wrong-pass1'))).code).to.equal(2200);
    expect((await send(c, loginXml('ClientX', 'wrong-pass2'))).code).to.equal(2200);
    const third = await send(c, loginXml('ClientX', 'wrong-pass3'));
    expect(third.code).to.equal(2501);
    await c.closed;
    // The account is not locked.
    const d = await t.login('ClientX');
    await d.close();
  });

  it('changes the password with newPW', async () => {
    const c = await t.connect('clienty');
    expect((await send(c, loginXml('ClientY', PASSWORDS.ClientY, { newPW: 'new-PASS9' }))).code).to.equal(1000);
    await c.close();
    const d = await t.connect('clienty');
    expect((await send(d, loginXml('ClientY', PASSWORDS.ClientY))).code).to.equal(2200);
    expect((await send(d, loginXml('ClientY', 'new-PASS9', { newPW: PASSWORDS.ClientY }))).code).to.equal(1000);
    await d.close();
  });

  it('refuses version 2.0 with 2100 and an unoffered language with 2102', async () => {
    const c = await t.connect();
    expect((await send(c, loginXml('ClientX', PASSWORDS.ClientX, { version: '2.0' }))).code).to.equal(2100);
    expect((await send(c, loginXml('ClientX', PASSWORDS.ClientX, { lang: 'fr' }))).code).to.equal(2102);
    await c.close();
  });

  it('refuses an objURI the server does not offer with 2307, and accepts epp-1.0/eppcom-1.0 echoed as objURIs', async () => {
    const c = await t.connect();
    const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX, { objURIs: ['urn:ietf:params:xml:ns:domain-1.0', 'urn:example:widget-1.0'] }));
    expect(r.code).to.equal(2307);
    const ok = await send(
      c,
      loginXml('ClientX', PASSWORDS.ClientX, {
        objURIs: ['urn:ietf:params:xml:ns:epp-1.0', 'urn:ietf:params:xml:ns:eppcom-1.0', 'urn:ietf:params:xml:ns:domain-1.0'],
      }),
    );
    expect(ok.code).to.equal(1000);
    await c.close();
  });

  it('accepts a login that announces an unknown extURI, but the extension cannot be used', async () => {
    const c = await t.connect();
    const r = await send(
      c,
      loginXml('ClientX', PASSWORDS.ClientX, { extURIs: ['http://www.tcinet.ru/epp/tci-billing-1.0', 'urn:ietf:params:xml:ns:allocationToken-1.0'] }),
    );
    expect(r.code).to.equal(1000);
    const withToken = await send(
      c,
      command(
        '<check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>a.tatar</domain:name></domain:check></check>' +
          '<extension><allocationToken:allocationToken xmlns:allocationToken="urn:ietf:params:xml:ns:allocationToken-1.0">abc</allocationToken:allocationToken></extension>',
      ),
    );
    expect(withToken.code).to.equal(2103);
    await c.close();
  });

  it('refuses an extension that is offered but was not selected at login with 2103, and an object not selected with 2307', async () => {
    const c = await t.connect();
    expect((await send(c, loginXml('ClientX', PASSWORDS.ClientX, { objURIs: ['urn:ietf:params:xml:ns:host-1.0'], extURIs: [] }))).code).to.equal(1000);
    const r = await send(
      c,
      command(
        '<update><domain:update xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>a.tatar</domain:name></domain:update></update>' +
          '<extension><rgp:update xmlns:rgp="urn:ietf:params:xml:ns:rgp-1.0"><rgp:restore op="request"/></rgp:update></extension>',
      ),
    );
    expect(r.code).to.equal(2307);
    await c.close();
  });

  it('answers a login from outside the account\'s allowed address ranges with 2501 and closes', async () => {
    const setRanges = (ranges: string[] | null) =>
      t.registry.store.transaction(async (r) => {
        const y = (await r.registrars.byClId('ClientY'))!;
        await r.registrars.update(y.id, { allowedIps: ranges }, new Date());
      });
    await setRanges(['10.0.0.0/8', '2001:db8::/32']);
    try {
      const c = await t.connect('clienty');
      const r = await send(c, loginXml('ClientY', PASSWORDS.ClientY));
      expect(r.code).to.equal(2501);
      await c.closed;
      await setRanges(['127.0.0.0/8']);
      const d = await t.login('ClientY');
      await d.close();
    } finally {
      await setRanges(null);
    }
  });

  it('closes an idle session', async function () {
    this.timeout(10000);
    const c = await t.login('ClientX');
    const started = Date.now();
    await c.closed;
    expect(Date.now() - started).to.be.within(1500, 6000);
  });

  it('writes one audit row per command of a logged-in session, with clTRID, svTRID and the result code', async () => {
    const c = await t.login('ClientY');
    const r = await send(c, command('<poll op="req"/>', 'audit-me'));
    await c.close();
    const rows = await t.registry.store.transaction((repos) => repos.audit.recent(null, 50));
    const row = rows.find((x) => x.clTRID === 'audit-me');
    expect(row).to.include({ command: 'poll:req', code: 1300, svTRID: r.svTRID, source: 'epp' });
    expect(rows.some((x) => x.command === 'login' && x.code === 1000)).to.equal(true);
  });
});

describe('session limit', () => {
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry();
    await t.registry.store.transaction(async (r) => {
      const x = await r.registrars.byClId('ClientX');
      await r.registrars.update(x!.id, { maxSessions: 2 }, new Date());
    });
  });
  after(() => t.close());

  it('answers the login over the per-registrar limit with 2502 and closes it; a slot frees on logout', async () => {
    const a = await t.login('ClientX');
    const b = await t.login('ClientX');
    const c = await t.connect();
    const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX));
    expect(r.code).to.equal(2502);
    await c.closed;
    await send(a, LOGOUT);
    await a.closed;
    const d = await t.login('ClientX');
    await Promise.all([b.close(), d.close()]);
  });
});
