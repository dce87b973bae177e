import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { issueToken } from '../src/http/tokens.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { tmchNoticeId } from '../src/registry/launch-phases.js';
import { mergePolicy, resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { ALL_EXT_URIS, checkResponse, command, HELLO, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import { balance } from './seed.js';
import { makeTestTmch, type TestTmch } from './support/tmch-test-ca.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const LAUNCH = 'urn:ietf:params:xml:ns:launch-1.0';
const FEE = 'urn:ietf:params:xml:ns:epp:fee-1.0';
const DOM = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const L = `xmlns:launch="${LAUNCH}"`;
const SMD = 'xmlns:smd="urn:ietf:params:xml:ns:signedMark-1.0"';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** ICANN's test SMD (fixtures/tmch/active.smd): the base64 between its armour lines. */
const ICANN_SMD = /-----BEGIN ENCODED SMD-----([\s\S]+?)-----END ENCODED SMD-----/.exec(readFileSync(join(REPO_ROOT, 'fixtures/tmch/active.smd'), 'utf8'))![1].trim();

/**
 * Launch phases (RFC 8334) over TLS: sunrise with signed marks (RFC 7848) checked against a TMCH CA the
 * suite generates (and ICANN's own test SMD), landrush, the claims period with the DNL and notices, the
 * TMCH lists and LORDN files through the CLI, and fees asked for a phase.
 */
describe('launch phases (RFC 8334): sunrise, landrush, claims, TMCH files and LORDN', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let tm: TestTmch;
  let x: EppClient;
  let y: EppClient;
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, REGISTRY_DATABASE: t.config.database, REGISTRY_CERTS_DIR: t.config.certsDir, REGISTRY_TMCH_CA: t.config.tmch.ca }, encoding: 'utf8' });
  const req = async (c: EppClient, body: string): Promise<CheckedResponse> => checkResponse(await c.request(command(body)));
  const ext = (inner: string) => `<extension>${inner}</extension>`;
  const create = (name: string, extension = '') =>
    `<create><domain:create ${DOM}><domain:name>${name}</domain:name><domain:period unit="y">1</domain:period><domain:authInfo><domain:pw/></domain:authInfo></domain:create></create>${extension}`;
  const launchCreate = (phase: string, inner = '', attrs = '') => ext(`<launch:create ${L} ${SMD}${attrs}><launch:phase>${phase}</launch:phase>${inner}</launch:create>`);
  const smd = (encoded: string) => `<smd:encodedSignedMark>${encoded}</smd:encodedSignedMark>`;
  const notice = (id: string, notAfter: Date, accepted: Date, validator = '') =>
    `<launch:notice><launch:noticeID${validator}>${id}</launch:noticeID><launch:notAfter>${notAfter.toISOString()}</launch:notAfter><launch:acceptedDate>${accepted.toISOString()}</launch:acceptedDate></launch:notice>`;
  const check = (names: string[], launch: string) => `<check><domain:check ${DOM}>${names.map((n) => `<domain:name>${n}</domain:name>`).join('')}</domain:check></check>${ext(launch)}`;
  const exists = async (name: string) => (await req(x, `<info><domain:info ${DOM}><domain:name>${name}</domain:name></domain:info></info>`)).code === 1000;
  const setPolicy = (tld: string, change: TldPolicyInput) =>
    t.registry.store.transaction(async (r) => {
      const cur = await r.tlds.get(tld);
      await r.tlds.upsert({ name: tld, policy: resolvePolicy(cur ? mergePolicy(cur.policy, change) : change) }, t.clock.now());
    });
  const iso = (ms: number) => new Date(ms).toISOString();
  const unreported = (tld: string, kind: 'sunrise' | 'claims') => t.registry.store.transaction((r) => r.tmch.unreported(tld, kind));

  before(async () => {
    tm = await makeTestTmch();
    const files = tm.writeTo(newDir());
    // The suite's CA and ICANN's test CA, as a TMCH CA file may hold several.
    const caFile = join(files.dir, 'tmch-cas.pem');
    writeFileSync(caFile, tm.caPem + readFileSync(join(REPO_ROOT, 'fixtures/tmch/icann-tmch-pilot.crt'), 'utf8'));
    t = await startTestRegistry((c) => {
      c.tmch.ca = caFile;
    });
    const now = t.clock.now().getTime();
    // sunrisetld: sunrise now, landrush next, then open with claims. claimstld: open with claims now. opentld: no phases.
    await setPolicy('sunrisetld', {
      dataModel: 'minimum',
      launch: {
        phases: [
          { name: 'sunrise', start: iso(now - DAY), end: iso(now + 10 * DAY) },
          { name: 'landrush', start: iso(now + 10 * DAY), end: iso(now + 20 * DAY) },
          { name: 'claims', start: iso(now + 10 * DAY), end: iso(now + 100 * DAY) },
        ],
      },
    });
    await setPolicy('claimstld', { dataModel: 'minimum', launch: { phases: [{ name: 'claims', start: iso(now - DAY), end: iso(now + 90 * DAY) }] } });
    await setPolicy('opentld', { dataModel: 'minimum' });
    const extURIs = [...ALL_EXT_URIS, LAUNCH, FEE];
    x = await t.login('ClientX', { extURIs });
    y = await t.login('ClientY', { extURIs });
  });
  after(async () => {
    for (const c of [x, y]) await c?.close();
    await t?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'tmch-test-'));
    dirs.push(d);
    return d;
  };

  it('greets with launch-1.0', async () => {
    const c = await t.connect('clientx');
    const g = checkResponse(await c.request(HELLO));
    expect(g.texts('//e:svcExtension/e:extURI')).to.include(LAUNCH);
    await c.close();
  });

  it('tld set-policy: phases validated where they enter (overlaps, bad instants, unknown names refused, nothing changed)', () => {
    const dir = t.artifacts;
    const file = join(dir, 'phases.json');
    const cases: Array<[unknown, RegExp]> = [
      [{ launch: { phases: [{ name: 'sunrise', start: '2027-01-01T00:00:00Z', end: '2027-02-01T00:00:00Z' }, { name: 'claims', start: '2027-01-15T00:00:00Z', end: '2027-04-01T00:00:00Z' }] } }, /overlap/],
      [{ launch: { phases: [{ name: 'sunrise', start: '2027-01-01', end: '2027-02-01T00:00:00Z' }] } }, /start "2027-01-01" must be an RFC 3339 instant/],
      [{ launch: { phases: [{ name: 'auction', start: '2027-01-01T00:00:00Z', end: '2027-02-01T00:00:00Z' }] } }, /name "auction" must be one of sunrise, landrush, claims, open/],
      [{ launch: { phases: [{ name: 'sunrise', start: '2027-03-01T00:00:00Z', end: '2027-02-01T00:00:00Z' }] } }, /must be before end/],
      [{ launch: { phase: [] } }, /unknown field phase/],
    ];
    for (const [policy, says] of cases) {
      writeFileSync(file, JSON.stringify(policy));
      const r = cli('tld', 'set-policy', 'opentld', file);
      expect(r.status, JSON.stringify(policy)).to.not.equal(0);
      expect(r.stderr).to.match(says);
    }
    expect(JSON.parse(cli('tld', 'show', 'opentld').stdout).launch).to.deep.equal({ phases: [] });
    writeFileSync(file, JSON.stringify({ launch: { phases: [{ name: 'claims', start: '2030-01-01T00:00:00Z', end: '2030-04-01T00:00:00Z' }] } }));
    const ok = cli('tld', 'set-policy', 'opentld', file);
    expect(ok.status, ok.stderr).to.equal(0);
    expect(JSON.parse(cli('tld', 'show', 'opentld').stdout).launch.phases[0].name).to.equal('claims');
  });

  it('sunrise: a create with a valid signed mark covering the label creates the domain and keeps the SMD id for LORDN', async () => {
    const mark = await tm.signedMark({ id: '0000001761-1', labels: ['acme', 'acme-shop'] });
    const r = await req(x, create('acme.sunrisetld', launchCreate('sunrise', smd(mark.encoded))));
    expect(r.code, r.msg).to.equal(1000);
    expect(await exists('acme.sunrisetld')).to.equal(true);
    const rows = await unreported('sunrisetld', 'sunrise');
    expect(rows.map((row) => [row.name, row.smdId])).to.deep.include(['acme.sunrisetld', '0000001761-1']);

    // <launch:info> (RFC 8334 §3.2): the phase of the registration and, to the sponsor, the mark as signed.
    const info = (c: EppClient, inner: string, attrs = '') => req(c, `<info><domain:info ${DOM}><domain:name>acme.sunrisetld</domain:name></domain:info></info>${ext(`<launch:info ${L}${attrs}>${inner}</launch:info>`)}`);
    const mine = await info(x, '<launch:phase>sunrise</launch:phase>', ' includeMark="true"');
    expect(mine.code, mine.msg).to.equal(1000);
    expect(mine.text('//launch:infData/launch:phase')).to.equal('sunrise');
    expect(mine.text('//launch:infData/mark:mark/mark:trademark/mark:markName')).to.equal('Mark acme');
    expect(mine.texts('//launch:infData/mark:mark/mark:trademark/mark:label')).to.deep.equal(['acme', 'acme-shop']);
    const noMark = await info(x, '<launch:phase>sunrise</launch:phase>');
    expect(noMark.count('//launch:infData/mark:mark')).to.equal(0);
    const other = await info(y, '<launch:phase>sunrise</launch:phase>', ' includeMark="true"');
    expect(other.code).to.equal(1000);
    expect(other.count('//launch:infData/mark:mark'), 'another registrar gets no mark data').to.equal(0);
    const wrongPhase = await info(x, '<launch:phase>claims</launch:phase>');
    expect(wrongPhase.code).to.equal(2306);
    expect(wrongPhase.msg).to.match(/acme\.sunrisetld was not registered in the claims phase \(it was registered in sunrise\)/);
    const application = await info(x, '<launch:phase>sunrise</launch:phase><launch:applicationID>abc123</launch:applicationID>');
    expect(application.code).to.equal(2303);
    expect(application.msg).to.match(/keeps no applications/);
  });

  it('sunrise: refusals, each with its code and message, nothing created', async () => {
    const now = t.clock.now().getTime();
    const good = await tm.signedMark({ id: '0000001762-1', labels: ['brand'] });
    const tampered = await tm.signedMark({ id: '0000001763-1', labels: ['brand'], tamper: true });
    const early = await tm.signedMark({ id: '0000001764-1', labels: ['brand'], notBefore: new Date(now + DAY), notAfter: new Date(now + 300 * DAY) });
    const late = await tm.signedMark({ id: '0000001765-1', labels: ['brand'], notBefore: new Date(now - 300 * DAY), notAfter: new Date(now - DAY) });
    const notXml = Buffer.from('this is not XML').toString('base64');
    const cases: Array<[string, string, number, RegExp]> = [
      ['brand.sunrisetld', '', 2306, /sunrise phase .*needs <launch:create> with phase sunrise and an <smd:encodedSignedMark>/],
      ['brand.sunrisetld', launchCreate('sunrise'), 2306, /needs <launch:create> with phase sunrise and an <smd:encodedSignedMark>/],
      ['brand.sunrisetld', launchCreate('claims', smd(good.encoded)), 2306, /Launch phase claims is not running in \.sunrisetld; running now: sunrise/],
      ['brand.sunrisetld', launchCreate('custom', smd(good.encoded)), 2306, /Launch phase custom is not running/],
      ['other.sunrisetld', launchCreate('sunrise', smd(good.encoded)), 2306, /The label other is not one of signed mark 0000001762-1's labels \(brand\)/],
      ['brand.sunrisetld', launchCreate('sunrise', smd(tampered.encoded)), 2306, /Signed mark refused: .*signature/i],
      ['brand.sunrisetld', launchCreate('sunrise', smd(early.encoded)), 2306, /Signed mark refused: .*not (yet )?valid/i],
      ['brand.sunrisetld', launchCreate('sunrise', smd(late.encoded)), 2306, /Signed mark refused: .*expired/i],
      ['brand.sunrisetld', launchCreate('sunrise', smd(notXml)), 2005, /Signed mark refused/],
      ['brand.sunrisetld', launchCreate('sunrise', smd(good.encoded) + smd(good.encoded)), 2306, /one signed mark; 2 were sent/],
      ['brand.sunrisetld', launchCreate('sunrise', '<launch:codeMark><launch:code>123</launch:code></launch:codeMark>'), 2102, /code marks/],
      ['brand.sunrisetld', launchCreate('sunrise', smd(good.encoded), ' type="application"'), 2102, /applications/],
    ];
    for (const [name, extension, code, says] of cases) {
      const r = await req(x, create(name, extension));
      expect(r.code, `${name} ${extension.slice(0, 120)}: ${r.msg}`).to.equal(code);
      expect(r.msg).to.match(says);
    }
    expect(await exists('brand.sunrisetld')).to.equal(false);
    expect(await exists('other.sunrisetld')).to.equal(false);
  });

  it('sunrise: a signed mark on the SMD revocation list, or signed by a certificate on the TMCH CRL, is refused once the list is loaded with the CLI', async () => {
    const revokedSmd = await tm.signedMark({ id: '0000001770-1', labels: ['revoked'] });
    const byRevokedCert = await tm.signedMark({ id: '0000001771-1', labels: ['revokedcert'], signer: 'revoked' });
    // Before the lists are loaded both pass the other checks: the refusals below come from the lists.
    const smdrl = join(t.artifacts, 'smdrl.csv');
    writeFileSync(smdrl, `1,${iso(t.clock.now().getTime() - HOUR)}\nsmd-id,insertion-datetime\n0000001770-1,${iso(t.clock.now().getTime() - 2 * HOUR)}\n`);
    const loaded = cli('tmch', 'smdrl', 'load', smdrl);
    expect(loaded.status, loaded.stderr).to.equal(0);
    const crl = cli('tmch', 'crl', 'load', tm.writeTo(newDir()).crl);
    expect(crl.status, crl.stderr).to.equal(0);
    const a = await req(x, create('revoked.sunrisetld', launchCreate('sunrise', smd(revokedSmd.encoded))));
    expect(a.code, a.msg).to.equal(2306);
    expect(a.msg).to.match(/revocation list/i);
    const b = await req(x, create('revokedcert.sunrisetld', launchCreate('sunrise', smd(byRevokedCert.encoded))));
    expect(b.code, b.msg).to.equal(2306);
    expect(b.msg).to.match(/revoked|CRL/i);
  });

  it("sunrise with ICANN's test SMD and ICANN's test CA, the registry clock inside its validity window", async () => {
    const saved = t.clock.now();
    await setPolicy('icannsunrise', { dataModel: 'minimum', launch: { phases: [{ name: 'sunrise', start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' }] } });
    t.clock.set(new Date('2026-01-15T12:00:00Z'));
    try {
      const wrong = await req(x, create('acme.icannsunrise', launchCreate('sunrise', smd(ICANN_SMD))));
      expect(wrong.code).to.equal(2306);
      expect(wrong.msg).to.match(/not one of signed mark 000000851669081693741-65535's labels/);
      const r = await req(x, create('test-and-validate.icannsunrise', launchCreate('sunrise', smd(ICANN_SMD))));
      expect(r.code, r.msg).to.equal(1000);
      expect((await unreported('icannsunrise', 'sunrise'))[0].smdId).to.equal('000000851669081693741-65535');
    } finally {
      t.clock.set(saved);
    }
  });

  it('the HTTP API cannot make a sunrise create (no signed mark): refused with the same rule', async () => {
    const token = (await issueToken(t.registry.store, { clId: 'ClientX', channel: 'launch-http' }, new Date())).token;
    const res = await fetch(`http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1/domains`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `launch-${Date.now()}` },
      body: JSON.stringify({ domain: 'viahttp.sunrisetld' }),
    });
    const body = (await res.json()) as { error?: { code: string; message: string; epp_code: number } };
    expect(res.status, JSON.stringify(body)).to.equal(422);
    expect(body.error?.code).to.equal('namespace_not_creatable');
    expect(body.error?.message).to.match(/sunrise phase: a create needs the trademark holder's signed mark/);
    expect(await exists('viahttp.sunrisetld')).to.equal(false);
    const status = await fetch(`http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    const namespaces = ((await status.json()) as { namespaces: Array<{ tld: string; create_available: boolean; launch_phase: string; claims_period: boolean }> }).namespaces;
    expect(namespaces.find((n) => n.tld === 'sunrisetld')).to.include({ create_available: false, launch_phase: 'sunrise', claims_period: false });
    expect(namespaces.find((n) => n.tld === 'claimstld')).to.include({ create_available: true, launch_phase: 'open', claims_period: true });
  });

  it('claims: the claims check form answers from the DNL loaded with the CLI; outside the claims period 2306', async () => {
    const dnl = join(t.artifacts, 'dnl.csv');
    const created = iso(t.clock.now().getTime() - HOUR);
    writeFileSync(dnl, `1,${created}\nDNL,lookup-key,insertion-datetime\nmarkone,2026120500/1/2/3/abcdefghijklmnopqrstuvwx0000000001,${created}\nmarktwo,2026120500/4/5/6/abcdefghijklmnopqrstuvwx0000000002,${created}\n`);
    const r0 = cli('tmch', 'dnl', 'load', dnl);
    expect(r0.status, r0.stderr).to.equal(0);
    const r = await req(x, check(['markone.claimstld', 'free.claimstld', 'marktwo.claimstld'], `<launch:check ${L} type="claims"><launch:phase>claims</launch:phase></launch:check>`));
    expect(r.code, r.msg).to.equal(1000);
    expect(r.count('//domain:chkData')).to.equal(0);
    expect(r.text('//launch:chkData/launch:phase')).to.equal('claims');
    expect(r.text('//launch:cd[1]/launch:name')).to.equal('markone.claimstld');
    expect(r.text('//launch:cd[1]/launch:name/@exists')).to.be.oneOf(['1', 'true']);
    expect(r.text('//launch:cd[1]/launch:claimKey')).to.equal('2026120500/1/2/3/abcdefghijklmnopqrstuvwx0000000001');
    expect(r.text('//launch:cd[1]/launch:claimKey/@validatorID')).to.equal('tmch');
    expect(r.text('//launch:cd[2]/launch:name/@exists')).to.be.oneOf(['0', 'false']);
    expect(r.count('//launch:cd[2]/launch:claimKey')).to.equal(0);
    // The claims period is not running in sunrisetld (sunrise) nor opentld.
    const outside = await req(x, check(['markone.sunrisetld'], `<launch:check ${L} type="claims"/>`));
    expect(outside.code).to.equal(2306);
    expect(outside.msg).to.match(/claims period is not running in \.sunrisetld; running now: sunrise/);
    // The availability form for a phase that is not running: 2306; for the running one: availability.
    const avail = await req(x, check(['markone.claimstld'], `<launch:check ${L} type="avail"><launch:phase>sunrise</launch:phase></launch:check>`));
    expect(avail.code).to.equal(2306);
    expect(avail.msg).to.match(/Launch phase sunrise is not running in \.claimstld/);
    const availOk = await req(x, check(['markone.claimstld'], `<launch:check ${L} type="avail"><launch:phase>claims</launch:phase></launch:check>`));
    expect(availOk.code).to.equal(1000);
    expect(availOk.text('//domain:cd/domain:name/@avail')).to.be.oneOf(['1', 'true']);
  });

  it('claims: a listed label needs the accepted notice (2003 without, 2306 when invalid); the notice is kept for LORDN', async () => {
    const now = t.clock.now();
    const notAfter = new Date(now.getTime() + 2 * DAY);
    const accepted = new Date(now.getTime() - HOUR);
    const id = tmchNoticeId('markone', notAfter, 123456789n);
    const missing = await req(x, create('markone.claimstld'));
    expect(missing.code).to.equal(2003);
    expect(missing.msg).to.match(/under a trademark claim .*claim key 2026120500\/1\/2\/3/);
    const bad: Array<[string, RegExp]> = [
      [notice(id, notAfter, new Date(now.getTime() - 49 * HOUR)), /more than 48 hours ago/],
      [notice(id, notAfter, new Date(now.getTime() + HOUR)), /in the future/],
      [notice(id, notAfter, new Date(now.getTime() + 6 * 60_000)), /in the future/],
      [notice(tmchNoticeId('markone', new Date(now.getTime() - HOUR), 1n), new Date(now.getTime() - HOUR), new Date(now.getTime() - 2 * HOUR)), /expired/],
      [notice(tmchNoticeId('marktwo', notAfter, 123456789n), notAfter, accepted), /checksum .* does not match the label markone/],
      [notice('not-a-tmch-id', notAfter, accepted), /not a TMCH notice id/],
      [notice(id, notAfter, accepted, ' validatorID="other"'), /validator other/],
    ];
    for (const [n, says] of bad) {
      const r = await req(x, create('markone.claimstld', launchCreate('claims', n)));
      expect(r.code, r.msg).to.equal(2306);
      expect(r.msg).to.match(says);
      expect(r.text('//e:result/e:value/*')).to.be.a('string');
    }
    const unlisted = await req(x, create('free.claimstld', launchCreate('claims', notice(tmchNoticeId('free', notAfter, 5n), notAfter, accepted))));
    expect(unlisted.code).to.equal(2306);
    expect(unlisted.msg).to.match(/free is not on the Domain Name Label list/);
    expect(await exists('markone.claimstld')).to.equal(false);
    const ok = await req(x, create('markone.claimstld', launchCreate('claims', notice(id, notAfter, accepted))));
    expect(ok.code, ok.msg).to.equal(1000);
    const rows = await unreported('claimstld', 'claims');
    expect(rows.map((row) => [row.name, row.notice?.id])).to.deep.include(['markone.claimstld', id]);
    // A label not on the list is created as in any open period.
    expect((await req(x, create('free.claimstld'))).code).to.equal(1000);
  });

  it('landrush, then open with claims: the clock moves the TLD through its phases', async () => {
    const saved = t.clock.now();
    t.clock.set(new Date(saved.getTime() + 11 * DAY));
    try {
      const plain = await req(x, create('rush.sunrisetld'));
      expect(plain.code).to.equal(2306);
      expect(plain.msg).to.match(/landrush phase .*needs <launch:create> with phase landrush/);
      const mark = await tm.signedMark({ id: '0000001780-1', labels: ['rush'] });
      const withMark = await req(x, create('rush.sunrisetld', launchCreate('landrush', smd(mark.encoded))));
      expect(withMark.code).to.equal(2306);
      expect(withMark.msg).to.match(/sunrise phase only/);
      expect((await req(x, create('rush.sunrisetld', launchCreate('landrush')))).code).to.equal(1000);
      // Claims runs beside landrush: a DNL label still needs its notice.
      expect((await req(x, create('marktwo.sunrisetld', launchCreate('landrush')))).code).to.equal(2003);
      t.clock.set(new Date(saved.getTime() + 30 * DAY));
      expect((await req(x, create('after.sunrisetld'))).code).to.equal(1000);
      expect((await req(x, create('marktwo.sunrisetld'))).code).to.equal(2003);
      t.clock.set(new Date(saved.getTime() + 120 * DAY));
      expect((await req(x, create('marktwo.sunrisetld'))).code, 'claims over: a listed label is created without notice').to.equal(1000);
    } finally {
      t.clock.set(saved);
    }
  });

  it('fees for a phase: priced while the phase runs, a reason when it does not', async () => {
    const r = await req(
      x,
      `<check><domain:check ${DOM}><domain:name>feeprobe.sunrisetld</domain:name></domain:check></check>` +
        ext(`<fee:check xmlns:fee="${FEE}"><fee:command name="create" phase="sunrise"/><fee:command name="create" phase="open"/></fee:check>`),
    );
    expect(r.code).to.equal(1000);
    expect(r.text('//fee:cd/fee:command[@phase="sunrise"]/fee:fee')).to.equal('10.00');
    expect(r.text('//fee:cd/fee:command[@phase="open"]/fee:reason')).to.match(/Phase open is not running in sunrisetld; running now: sunrise/);
  });

  it('LORDN: the CLI writes the sunrise and claims files of the registrations not yet reported, once', async () => {
    const out = join(t.artifacts, 'sunrise.lordn.csv');
    const r = cli('tmch', 'lordn', '--tld', 'sunrisetld', '--type', 'sunrise', '--out', out);
    expect(r.status, r.stderr).to.equal(0);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).to.match(/^1,\d{4}-\d{2}-\d{2}T[\d:.]+Z,1$/);
    expect(lines[1]).to.equal('roid,domain-name,SMD-id,registrar-id,registration-datetime,application-datetime');
    expect(lines[2]).to.match(/^D\d+-REG,acme\.sunrisetld,0000001761-1,9995,\d{4}-\d{2}-\d{2}T[\d:.]+Z,$/);
    expect(await unreported('sunrisetld', 'sunrise')).to.deep.equal([]);
    const again = cli('tmch', 'lordn', '--tld', 'sunrisetld', '--type', 'sunrise');
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout.split(/\r?\n/)[0]).to.match(/,0$/);
    const claims = cli('tmch', 'lordn', '--tld', 'claimstld', '--type', 'claims');
    expect(claims.status, claims.stderr).to.equal(0);
    expect(claims.stdout).to.match(/^roid,domain-name,notice-id,registrar-id,registration-datetime,ack-datetime,application-datetime$/m);
    expect(claims.stdout).to.match(/,markone\.claimstld,[0-9a-f]{8}\d{19},9995,/);
  });

  it('balance: a sunrise create is charged as any create', async () => {
    const before = await balance(t, 'ClientY');
    const mark = await tm.signedMark({ id: '0000001790-1', labels: ['paid'] });
    expect((await req(y, create('paid.sunrisetld', launchCreate('sunrise', smd(mark.encoded))))).code).to.equal(1000);
    expect(await balance(t, 'ClientY')).to.equal(before - 1000);
  });
});
