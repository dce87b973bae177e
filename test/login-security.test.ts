import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { loadConfig } from '../src/config.js';
import { NS } from '../src/protocol/namespaces.js';
import { hashSecret } from '../src/registry/passwords.js';
import { fingerprint, issueCertificate } from '../src/transport/dev-certs.js';
import { ALL_EXT_URIS, ALL_OBJ_URIS, checkResponse, loginXml as plainLoginXml, PASSWORDS, readLog, startTestRegistry, testCerts, type CheckedResponse, type TestRegistry } from './helpers.js';

const DAY = 86_400_000;
const EVENT = '//e:extension/loginSec:loginSecData/loginSec:event';

interface LoginOpts {
  pw: string;
  newPW?: string;
  /** <loginSec:loginSec> children, as XML. */
  loginSec?: string;
  /** Whether the login's extURIs include loginSec (default: yes). */
  selectLoginSec?: boolean;
}

/** A <login> with the RFC 8807 extension, as a client that implements it writes one. */
function loginXml(clID: string, o: LoginOpts): string {
  const ext = [...ALL_EXT_URIS, ...(o.selectLoginSec === false ? [] : [NS.loginSec])].map((u) => `<extURI>${u}</extURI>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><login>
  <clID>${clID}</clID><pw>${o.pw}</pw>${o.newPW !== undefined ? `<newPW>${o.newPW}</newPW>` : ''}
  <options><version>1.0</version><lang>en</lang></options>
  <svcs>${ALL_OBJ_URIS.map((u) => `<objURI>${u}</objURI>`).join('')}<svcExtension>${ext}</svcExtension></svcs>
</login>${o.loginSec !== undefined ? `<extension><loginSec:loginSec xmlns:loginSec="${NS.loginSec}">${o.loginSec}</loginSec:loginSec></extension>` : ''}<clTRID>ls-1</clTRID></command></epp>`;
}

/**
 * RFC 8807 login security: the user agent, passwords longer than 16 characters through <loginSec:pw> and
 * <loginSec:newPW> (with "[LOGIN-SECURITY]" in <pw>/<newPW>), and the login response's security events:
 * password expiry, client certificate expiry, failed logins since the last success, new password rules.
 */
describe('login security (RFC 8807)', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  const LONG = 'This-is-a-Passphrase-of-44-characters-long!!';
  const LONGER = 'Another-Passphrase-Longer-than-16-Chars-2';
  const clID = 'SecReg';

  before(async () => {
    t = await startTestRegistry((c) => {
      c.epp.passwordMaxAgeDays = 90;
      c.epp.passwordExpiryWarningDays = 14;
    });
    // An account of its own, on the spare certificate: its password, failures and age are this suite's.
    const fp = fingerprint(readFileSync(join(testCerts(), 'spare.crt'), 'utf8'));
    const hash = await hashSecret(LONG);
    await t.registry.store.transaction((r) => r.registrars.insert({ clId: clID, name: 'Login security', passwordHash: hash, certFingerprints: [fp], balance: 0 }, t.clock.now()));
  });
  after(() => t.close());

  /** Logs in on a connection of its own with `cert`; returns the response and the open client. */
  async function login(o: LoginOpts, cert = 'spare'): Promise<{ r: CheckedResponse; c: EppClient }> {
    const c = await t.connect(cert);
    return { r: checkResponse(await c.request(loginXml(clID, o))), c };
  }
  async function loginOnce(o: LoginOpts, cert = 'spare'): Promise<CheckedResponse> {
    const { r, c } = await login(o, cert);
    await c.close();
    return r;
  }
  const ls = (parts: { pw?: string; newPW?: string; ua?: string }) =>
    `${parts.ua ?? ''}${parts.pw !== undefined ? `<loginSec:pw>${parts.pw}</loginSec:pw>` : ''}${parts.newPW !== undefined ? `<loginSec:newPW>${parts.newPW}</loginSec:newPW>` : ''}`;

  it('logs in with a password longer than 16 characters through <loginSec:pw>, and logs the user agent', async () => {
    const r = await loginOnce({
      pw: '[LOGIN-SECURITY]',
      loginSec: ls({ pw: LONG, ua: '<loginSec:userAgent><loginSec:app>EPP SDK 1.0.0</loginSec:app><loginSec:tech>Node 20.19</loginSec:tech><loginSec:os>Linux 6.1</loginSec:os></loginSec:userAgent>' }),
    });
    expect(r.code, r.xml).to.equal(1000);
    // Nothing to report: no <loginSecData> at all.
    expect(r.count('//e:extension')).to.equal(0);
    const line = readLog(t)
      .split('\n')
      .filter((l) => l.includes('"msg":"login"') && l.includes(clID))
      .pop();
    expect(JSON.parse(line!).userAgent).to.deep.equal({ app: 'EPP SDK 1.0.0', tech: 'Node 20.19', os: 'Linux 6.1' });
    expect(readLog(t)).to.not.include(LONG);
  });

  it('refuses the extension out of its rules: not selected (2103), password missing (2003) or not announced in <pw> (2005); a long <pw> is a syntax error (2001)', async () => {
    let r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }), selectLoginSec: false });
    expect(r.code).to.equal(2103);
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({}) });
    expect(r.code).to.equal(2003);
    expect(r.msg).to.include('<loginSec:pw>');
    r = await loginOnce({ pw: 'short-PW-1', loginSec: ls({ pw: LONG }) });
    expect(r.code).to.equal(2005);
    expect(r.xml).to.not.include(LONG);
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', newPW: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }) });
    expect(r.code).to.equal(2003);
    expect(r.msg).to.include('<loginSec:newPW>');
    r = await loginOnce({ pw: LONG, selectLoginSec: false });
    expect(r.code).to.equal(2001);
    // Another extension's element in a login: 2102, as for any command that does not take it.
    const c = await t.connect('spare');
    try {
      const withSecDns = loginXml(clID, { pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }) }).replace(
        '</extension>',
        `<secDNS:update xmlns:secDNS="${NS.secDNS}"><secDNS:rem><secDNS:all>true</secDNS:all></secDNS:rem></secDNS:update></extension>`,
      );
      r = checkResponse(await c.request(withSecDns));
      expect(r.code).to.equal(2102);
    } finally {
      await c.close();
    }
    // None of these counted as a wrong password.
    const stat = (await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }) })).count(`${EVENT}[@type='stat']`);
    expect(stat).to.equal(0);
  });

  it('reports the wrong passwords given since the last successful login (stat failedLogins), once', async () => {
    const c = await t.connect('spare');
    try {
      for (const wrong of ['wrong-Pass-1', 'wrong-Pass-2']) expect(checkResponse(await c.request(loginXml(clID, { pw: wrong }))).code).to.equal(2200);
    } finally {
      await c.close();
    }
    let r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }) });
    expect(r.code).to.equal(1000);
    expect(r.text(`${EVENT}[@type='stat']/@name`)).to.equal('failedLogins');
    expect(r.text(`${EVENT}[@type='stat']/@value`)).to.equal('2');
    expect(r.text(`${EVENT}[@type='stat']/@level`)).to.equal('warning');
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }) });
    expect(r.count(EVENT)).to.equal(0);
  });

  it('refuses a new password that breaks the rules (2200, newPW error event) and keeps the old one; sets a long one through <loginSec:newPW>', async () => {
    for (const weak of ['alllowercaseletters', 'Short-1', `x-${clID}-Pass9`, LONG]) {
      const r = await loginOnce({ pw: '[LOGIN-SECURITY]', newPW: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG, newPW: weak }) });
      expect(r.code, weak).to.equal(2200);
      expect(r.text(`${EVENT}/@type`)).to.equal('newPW');
      expect(r.text(`${EVENT}/@level`)).to.equal('error');
      expect(r.text(EVENT)).to.match(/^New password refused: /);
    }
    // A client without the extension hears the same in <msg> (ClientY, whose password fits <pw>).
    const y = await t.connect('clienty');
    try {
      const plain = checkResponse(await y.request(plainLoginXml('ClientY', PASSWORDS.ClientY, { newPW: 'weakweak' })));
      expect(plain.code).to.equal(2200);
      expect(plain.msg).to.match(/^New password refused: the new password needs three of/);
      expect(plain.count('//e:extension')).to.equal(0);
    } finally {
      await y.close();
    }
    let r = await loginOnce({ pw: '[LOGIN-SECURITY]', newPW: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG, newPW: LONGER }) });
    expect(r.code, r.xml).to.equal(1000);
    expect(r.xml).to.not.include(LONGER);
    // The new one works, the old one no longer does: one failure (the refused new passwords above were not).
    expect((await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG }) })).code).to.equal(2200);
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONGER }) });
    expect(r.code).to.equal(1000);
    expect(r.text(`${EVENT}[@type='stat']/@value`)).to.equal('1');
  });

  it('warns of a client certificate that expires within 30 days', async () => {
    const dir = testCerts();
    const ca = { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
    const soon = issueCertificate(ca, clID, 'client', { days: 10 });
    writeFileSync(join(dir, 'secreg-soon.crt'), soon.cert);
    writeFileSync(join(dir, 'secreg-soon.key'), soon.key);
    await t.registry.store.transaction(async (r) => {
      const reg = (await r.registrars.byClId(clID))!;
      await r.registrars.update(reg.id, { certFingerprints: [...reg.certFingerprints, fingerprint(soon.cert)] }, t.clock.now());
    });
    const r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONGER }) }, 'secreg-soon');
    expect(r.code).to.equal(1000);
    expect(r.text(`${EVENT}/@type`)).to.equal('certificate');
    expect(r.text(`${EVENT}/@level`)).to.equal('warning');
    const exDate = new Date(r.text(`${EVENT}/@exDate`)!);
    expect(exDate.getTime()).to.equal(new Date(new X509Certificate(soon.cert).validTo).getTime());
    expect(exDate.getTime() - Date.now()).to.be.within(8 * DAY, 10 * DAY);
    // The spare certificate has years left: no certificate event.
    expect((await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONGER }) })).count(EVENT)).to.equal(0);
  });

  it('warns of a password that expires within 14 days, refuses an expired one (2200, password error) unless a new one is set', async () => {
    // The password was set (previous test) at the clock's now; epp.passwordMaxAgeDays is 90.
    const setAt = t.clock.now().getTime();
    t.clock.advance(80 * DAY);
    let r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONGER }) });
    expect(r.code).to.equal(1000);
    expect(r.text(`${EVENT}/@type`)).to.equal('password');
    expect(r.text(`${EVENT}/@level`)).to.equal('warning');
    expect(Math.abs(new Date(r.text(`${EVENT}/@exDate`)!).getTime() - (setAt + 90 * DAY))).to.be.below(60_000);
    t.clock.advance(11 * DAY);
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONGER }) });
    expect(r.code).to.equal(2200);
    expect(r.msg).to.match(/expired/);
    expect(r.text(`${EVENT}/@type`)).to.equal('password');
    expect(r.text(`${EVENT}/@level`)).to.equal('error');
    // Without the extension: the same refusal, no extension in the answer.
    const { r: plain, c } = await login({ pw: 'Short-PW-16char', selectLoginSec: false });
    await c.close();
    expect(plain.code).to.equal(2200);
    // An expired password still lets the registrar in to replace it.
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', newPW: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONGER, newPW: LONG + '-2026' }) });
    expect(r.code, r.xml).to.equal(1000);
    expect(r.count(`${EVENT}[@type='password']`)).to.equal(0);
    r = await loginOnce({ pw: '[LOGIN-SECURITY]', loginSec: ls({ pw: LONG + '-2026' }) });
    expect(r.code).to.equal(1000);
    expect(r.count(`${EVENT}[@type='password']`)).to.equal(0);
  });

  it('reads the login security settings and refuses bad values', () => {
    const c = loadConfig({ env: { REGISTRY_PASSWORD_MAX_AGE_DAYS: '180', REGISTRY_CERTIFICATE_WARNING_DAYS: '45' }, base: t.dir });
    expect(c.epp).to.include({ passwordMaxAgeDays: 180, certificateExpiryWarningDays: 45, passwordExpiryWarningDays: 14 });
    expect(loadConfig({ env: {}, base: t.dir }).epp.passwordMaxAgeDays).to.equal(0);
    expect(() => loadConfig({ env: { REGISTRY_PASSWORD_MAX_AGE_DAYS: '-1' }, base: t.dir })).to.throw(/epp.passwordMaxAgeDays/);
    expect(() => loadConfig({ env: { REGISTRY_PASSWORD_WARNING_DAYS: 'soon' }, base: t.dir })).to.throw(/REGISTRY_PASSWORD_WARNING_DAYS=soon/);
  });
});
