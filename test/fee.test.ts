import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { issueToken } from '../src/http/tokens.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { ALL_EXT_URIS, checkResponse, command, HELLO, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import { balance, setBalance } from './seed.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const FEE = 'urn:ietf:params:xml:ns:epp:fee-1.0';
const DOM = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const FEE_NS = `xmlns:fee="${FEE}"`;
const DAY = 86_400_000;

/**
 * fee-1.0 (RFC 8748) over TLS: prices asked with <fee:check>, agreed with <fee:create|renew|transfer|update>,
 * premium names loaded with the CLI; every amount is the one the ledger shows.
 */
describe('fees (RFC 8748) and premium names', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let plain: EppClient;
  let n = 0;
  const uniq = () => `fee${++n}-${Date.now().toString(36)}`;
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, REGISTRY_DATABASE: t.config.database, REGISTRY_CERTS_DIR: t.config.certsDir }, encoding: 'utf8' });
  const req = async (c: EppClient, body: string): Promise<CheckedResponse> => checkResponse(await c.request(command(body)));
  const ext = (inner: string) => `<extension>${inner}</extension>`;
  const feeCreate = (amount: string, currency = '') => ext(`<fee:create ${FEE_NS}>${currency && `<fee:currency>${currency}</fee:currency>`}<fee:fee>${amount}</fee:fee></fee:create>`);
  const create = (name: string, extension = '', years = 1) =>
    `<create><domain:create ${DOM}><domain:name>${name}</domain:name><domain:period unit="y">${years}</domain:period><domain:authInfo><domain:pw/></domain:authInfo></domain:create></create>${extension}`;
  const ledger = async (clId: string, name: string) =>
    t.registry.store.transaction(async (r) => (await r.billing.ledger((await r.registrars.byClId(clId))!.id, 200)).filter((e) => e.object === name));

  before(async () => {
    t = await startTestRegistry();
    // A TLD priced in euros (minimum data model: no contacts needed), its premium list loaded with the CLI.
    await t.registry.store.transaction((r) =>
      r.tlds.upsert(
        { name: 'feetld', policy: resolvePolicy({ dataModel: 'minimum', currency: 'EUR', prices: { create: 1250, renew: 1100, transfer: 900, restore: 5000 }, reservedNames: ['reserved'] }) },
        new Date(),
      ),
    );
    const csv = join(t.artifacts, 'premium.csv');
    writeFileSync(csv, 'label,class,create,renew,transfer,restore\n# the launch list\ngold,premium,100000,20000,20000,60000\nsilver,premium,30000,3000,3000,9000\nxn--80ak6aa92e,platinum,500000,50000,50000,90000\n');
    const r = cli('tld', 'premium', 'load', 'feetld', csv);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/3 name\(s\) loaded/);
    const extURIs = [...ALL_EXT_URIS, FEE];
    x = await t.login('ClientX', { extURIs });
    y = await t.login('ClientY', { extURIs });
    plain = await t.login('ClientX');
  });
  after(async () => {
    for (const c of [x, y, plain]) await c?.close();
    await t?.close();
  });

  it('greets with fee-1.0', async () => {
    const c = await t.connect('clientx');
    const g = checkResponse(await c.request(HELLO));
    expect(g.texts('//e:svcExtension/e:extURI')).to.include(FEE);
    await c.close();
  });

  it('premium list: loaded and listed in the currency; a bad file is refused with its line, nothing loaded', () => {
    const list = cli('tld', 'premium', 'list', 'feetld');
    expect(list.stdout).to.match(/^gold\.feetld\tpremium\tcreate 1000\.00\trenew 200\.00\ttransfer 200\.00\trestore 600\.00\tEUR$/m);
    const bad = join(t.artifacts, 'premium-bad.csv');
    for (const [content, says] of [
      ['silver,premium,100,100,100\n', /line 1: expected 6 fields/],
      ['silver,premium,100,100,100,-5\n', /line 1: restore price "-5" is not a whole number/],
      ['gold,premium,1,1,1,1\nsil ver,premium,1,1,1,1\n', /line 2: label "sil ver" is not one LDH label/],
      ['gold,standard,1,1,1,1\n', /class "standard" must be/],
      ['gold,premium,1,1,1,1\ngold,premium,2,2,2,2\n', /line 2: label gold is listed twice/],
    ] as const) {
      writeFileSync(bad, content);
      const r = cli('tld', 'premium', 'load', 'feetld', bad);
      expect(r.status, content).to.not.equal(0);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length.below(3);
      expect(r.stderr).to.match(says);
    }
    expect(cli('tld', 'premium', 'list', 'feetld').stdout.trim().split('\n')).to.have.length(3);
    expect(cli('tld', 'premium', 'list', 'nosuch').stderr).to.match(/no TLD nosuch/);
  });

  it('<fee:check>: per name and command the price for the period, its class and refundability, in the TLD currency; unavailable names with a reason', async () => {
    const std = `${uniq()}.feetld`;
    const r = await req(
      x,
      `<check><domain:check ${DOM}><domain:name>${std}</domain:name><domain:name>gold.feetld</domain:name><domain:name>reserved.feetld</domain:name><domain:name>-bad-.feetld</domain:name></domain:check></check>` +
        ext(
          `<fee:check ${FEE_NS}><fee:currency>EUR</fee:currency><fee:command name="create"><fee:period unit="y">2</fee:period></fee:command><fee:command name="renew"/><fee:command name="transfer"/><fee:command name="restore"/><fee:command name="create" phase="sunrise"/></fee:check>`,
        ),
    );
    expect(r.code).to.equal(1000);
    expect(r.text('//fee:chkData/fee:currency')).to.equal('EUR');
    const cd = (i: number, xp: string) => r.text(`//fee:chkData/fee:cd[${i}]${xp}`);
    expect(cd(1, '/fee:objID')).to.equal(std);
    expect(cd(1, '/@avail')).to.be.oneOf(['1', 'true']);
    expect(cd(1, '/fee:class')).to.equal('standard');
    expect(cd(1, '/fee:command[@name="create"][1]/fee:period')).to.equal('2');
    expect(cd(1, '/fee:command[@name="create"][1]/fee:fee')).to.equal('25.00');
    expect(cd(1, '/fee:command[@name="create"][1]/fee:fee/@refundable')).to.equal('1');
    expect(cd(1, '/fee:command[@name="create"][1]/fee:fee/@grace-period')).to.equal('P5D');
    expect(cd(1, '/fee:command[@name="renew"]/fee:fee')).to.equal('11.00');
    expect(cd(1, '/fee:command[@name="transfer"]/fee:fee')).to.equal('9.00');
    expect(cd(1, '/fee:command[@name="restore"]/fee:fee')).to.equal('50.00');
    expect(cd(1, '/fee:command[@name="restore"]/fee:fee/@refundable')).to.equal('0');
    expect(cd(1, '/fee:command[@phase="sunrise"]/fee:reason')).to.match(/Phase sunrise is not running/);
    expect(r.count('//fee:chkData/fee:cd[1]/fee:command[@phase="sunrise"]/fee:fee')).to.equal(0);
    expect(cd(2, '/fee:class')).to.equal('premium');
    expect(cd(2, '/fee:command[@name="create"][1]/fee:fee')).to.equal('2000.00');
    expect(cd(2, '/fee:command[@name="renew"]/fee:fee')).to.equal('200.00');
    expect(cd(3, '/@avail')).to.be.oneOf(['0', 'false']);
    expect(cd(3, '/fee:reason')).to.equal('Reserved');
    expect(cd(4, '/@avail')).to.be.oneOf(['0', 'false']);
    // Another currency than the TLD's: not priced here.
    const usd = await req(x, `<check><domain:check ${DOM}><domain:name>${std}</domain:name></domain:check></check>` + ext(`<fee:check ${FEE_NS}><fee:currency>USD</fee:currency><fee:command name="create"/></fee:check>`));
    expect(usd.text('//fee:cd/@avail')).to.be.oneOf(['0', 'false']);
    expect(usd.text('//fee:cd/fee:reason')).to.match(/Priced in EUR, not USD/);
    // A session that did not select fee-1.0 at login is refused the extension (RFC 5730 2103).
    const refused = await req(plain, `<check><domain:check ${DOM}><domain:name>${std}</domain:name></domain:check></check>` + ext(`<fee:check ${FEE_NS}><fee:command name="create"/></fee:check>`));
    expect(refused.code).to.equal(2103);
  });

  it('create: charges the price it showed (creData with the fee and the balance); without the extension a standard name is charged all the same', async () => {
    const name = `${uniq()}.feetld`;
    const before = await balance(t, 'ClientX');
    const r = await req(x, create(name, feeCreate('12.50')));
    expect(r.code, r.msg).to.equal(1000);
    expect(r.text('//fee:creData/fee:currency')).to.equal('EUR');
    expect(r.text('//fee:creData/fee:fee')).to.equal('12.50');
    expect(r.text('//fee:creData/fee:balance')).to.equal(((before - 1250) / 100).toFixed(2));
    expect((await ledger('ClientX', name)).map((e) => e.amount)).to.deep.equal([-1250]);
    const noExt = `${uniq()}.feetld`;
    expect((await req(x, create(noExt, '', 2))).code).to.equal(1000);
    expect((await ledger('ClientX', noExt)).map((e) => e.amount)).to.deep.equal([-2500]);
    // A session without fee-1.0 gets no fee data.
    const quiet = await req(plain, create(`${uniq()}.feetld`));
    expect(quiet.code).to.equal(1000);
    expect(quiet.count('//fee:creData')).to.equal(0);
  });

  it('refuses with 2004 and charges nothing: a premium create without an agreed fee, a fee below the price, another currency, an amount finer than the currency', async () => {
    const before = await balance(t, 'ClientX');
    const cases: Array<[string, RegExp, string]> = [
      ['', /gold\.feetld is a premium name \(class premium\): its create costs 1000\.00 EUR/, 'gold.feetld'],
      [feeCreate('999.99'), /Fee mismatch: the create of gold\.feetld costs 1000\.00 EUR; the fee sent is 999\.99 EUR/, '999.99'],
      [feeCreate('1000.00', 'USD'), /Fee currency USD refused: gold\.feetld is priced in EUR/, 'USD'],
      [feeCreate('1000.001'), /Fee mismatch/, '1000.001'],
    ];
    for (const [extension, says, value] of cases) {
      const r = await req(x, create('gold.feetld', extension));
      expect(r.code, extension).to.equal(2004);
      expect(r.msg).to.match(says);
      expect(r.text('//e:result/e:value/*')).to.equal(value);
    }
    expect((await req(x, `<info><domain:info ${DOM}><domain:name>gold.feetld</domain:name></domain:info></info>`)).code).to.equal(2303);
    expect(await balance(t, 'ClientX')).to.equal(before);
    expect(await ledger('ClientX', 'gold.feetld')).to.deep.equal([]);
  });

  it('premium name end to end: create with the agreed fee, renew, transfer (charged at approval), restore — each amount the ledger shows', async () => {
    const c = await req(x, create('gold.feetld', feeCreate('1000.00')));
    expect(c.code, c.msg).to.equal(1000);
    expect(c.text('//fee:creData/fee:fee')).to.equal('1000.00');
    // A fee above the price is an agreement to pay up to it: the price is charged.
    const info = await req(x, `<info><domain:info ${DOM}><domain:name>gold.feetld</domain:name></domain:info></info>`);
    const exDate = info.text('//domain:exDate')!.slice(0, 10);
    const renewNoFee = await req(x, `<renew><domain:renew ${DOM}><domain:name>gold.feetld</domain:name><domain:curExpDate>${exDate}</domain:curExpDate></domain:renew></renew>`);
    expect(renewNoFee.code).to.equal(2004);
    const renew = await req(
      x,
      `<renew><domain:renew ${DOM}><domain:name>gold.feetld</domain:name><domain:curExpDate>${exDate}</domain:curExpDate><domain:period unit="y">1</domain:period></domain:renew></renew>` +
        ext(`<fee:renew ${FEE_NS}><fee:fee>250.00</fee:fee></fee:renew>`),
    );
    expect(renew.code, renew.msg).to.equal(1000);
    expect(renew.text('//fee:renData/fee:fee')).to.equal('200.00');
    // Transfer to ClientY: the request agrees to the fee, the approval charges it.
    const pw = 'Gold-auth-1';
    expect((await req(x, `<update><domain:update ${DOM}><domain:name>gold.feetld</domain:name><domain:chg><domain:authInfo><domain:pw>${pw}</domain:pw></domain:authInfo></domain:chg></domain:update></update>`)).code).to.equal(1000);
    const trnReq = (extension: string) =>
      req(y, `<transfer op="request"><domain:transfer ${DOM}><domain:name>gold.feetld</domain:name><domain:authInfo><domain:pw>${pw}</domain:pw></domain:authInfo></domain:transfer></transfer>${extension}`);
    expect((await trnReq('')).code).to.equal(2004);
    const trn = await trnReq(ext(`<fee:transfer ${FEE_NS}><fee:fee>200.00</fee:fee></fee:transfer>`));
    expect(trn.code, trn.msg).to.equal(1001);
    expect(trn.text('//fee:trnData/fee:fee')).to.equal('200.00');
    expect((await req(x, `<transfer op="approve"><domain:transfer ${DOM}><domain:name>gold.feetld</domain:name></domain:transfer></transfer>`)).code).to.equal(1000);
    expect((await ledger('ClientY', 'gold.feetld')).map((e) => [e.kind, e.amount])).to.deep.equal([['transfer', -20000]]);
    expect((await ledger('ClientX', 'gold.feetld')).map((e) => [e.kind, e.amount])).to.deep.include.members([
      ['create', -100000],
      ['renew', -20000],
    ]);
    // Out of every grace period, deleted, then restored with the premium restore fee.
    t.clock.advance(10 * DAY);
    expect((await req(y, `<delete><domain:delete ${DOM}><domain:name>gold.feetld</domain:name></domain:delete></delete>`)).code).to.equal(1001);
    const restore = (extension: string) =>
      req(y, `<update><domain:update ${DOM}><domain:name>gold.feetld</domain:name><domain:chg/></domain:update></update><extension><rgp:update xmlns:rgp="urn:ietf:params:xml:ns:rgp-1.0"><rgp:restore op="request"/></rgp:update>${extension}</extension>`);
    expect((await restore('')).code).to.equal(2004);
    const low = await restore(`<fee:update ${FEE_NS}><fee:fee>50.00</fee:fee></fee:update>`);
    expect(low.code).to.equal(2004);
    expect(low.msg).to.match(/restore of gold\.feetld costs 600\.00 EUR/);
    const ok = await restore(`<fee:update ${FEE_NS}><fee:fee>600.00</fee:fee></fee:update>`);
    expect(ok.code, ok.msg).to.equal(1000);
    expect(ok.text('//fee:updData/fee:fee')).to.equal('600.00');
    expect((await ledger('ClientY', 'gold.feetld')).filter((e) => e.kind === 'restore').map((e) => e.amount)).to.deep.equal([-60000]);
  });

  it('keeps 2104 when the balance does not cover the agreed price', async () => {
    await t.registry.store.transaction(async (r) => {
      const reg = (await r.registrars.byClId('ClientY'))!;
      await r.billing.post(reg.id, -(await r.billing.balance(reg.id)) + 100, 'test', null, new Date());
    });
    const r = await req(y, create(`${uniq()}.feetld`, feeCreate('12.50')));
    expect(r.code).to.equal(2104);
    expect(await balance(t, 'ClientY')).to.equal(100);
  });
  it('transfer: the approval charges the price the request quoted, even when the premium list changed in between', async () => {
    const list = await t.registry.store.transaction((r) => r.tlds.premiumList('feetld'));
    const withCopper = (transfer: number) => [...list.filter((p) => p.label !== 'copper'), { label: 'copper', class: 'premium', prices: { create: 7000, renew: 7000, transfer, restore: 7000 } }];
    await t.registry.store.transaction((r) => r.tlds.replacePremium('feetld', withCopper(5000)));
    try {
      expect((await req(x, create('copper.feetld', feeCreate('70.00')))).code).to.equal(1000);
      const pw = 'Copper-auth-1';
      expect((await req(x, `<update><domain:update ${DOM}><domain:name>copper.feetld</domain:name><domain:chg><domain:authInfo><domain:pw>${pw}</domain:pw></domain:authInfo></domain:chg></domain:update></update>`)).code).to.equal(1000);
      await setBalance(t, 'ClientY', 1_000_000);
      const trn = await req(
        y,
        `<transfer op="request"><domain:transfer ${DOM}><domain:name>copper.feetld</domain:name><domain:authInfo><domain:pw>${pw}</domain:pw></domain:authInfo></domain:transfer></transfer>` +
          ext(`<fee:transfer ${FEE_NS}><fee:fee>50.00</fee:fee></fee:transfer>`),
      );
      expect(trn.code, trn.msg).to.equal(1001);
      // The registry raises the price before the sponsor approves.
      await t.registry.store.transaction((r) => r.tlds.replacePremium('feetld', withCopper(9000)));
      expect((await req(x, `<transfer op="approve"><domain:transfer ${DOM}><domain:name>copper.feetld</domain:name></domain:transfer></transfer>`)).code).to.equal(1000);
      expect((await ledger('ClientY', 'copper.feetld')).map((e) => [e.kind, e.amount])).to.deep.equal([['transfer', -5000]]);
    } finally {
      await t.registry.store.transaction((r) => r.tlds.replacePremium('feetld', list));
    }
  });

  it('the HTTP API charges from the same price source: a premium create needs its `fee` (422 with the price otherwise)', async () => {
    const token = (await issueToken(t.registry.store, { clId: 'ClientX', channel: 'fee-http' }, new Date())).token;
    const post = async (body: Record<string, unknown>) => {
      const r = await fetch(`http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1/domains`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string; epp_code: number } } };
    };
    const refused = await post({ domain: 'silver.feetld', idempotency_key: 'fee-http-1' });
    expect(refused.status).to.equal(422);
    expect(refused.body.error!.epp_code).to.equal(2004);
    expect(refused.body.error!.message).to.match(/silver\.feetld is a premium name \(class premium\): its create costs 300\.00 EUR/);
    expect((await post({ domain: 'silver.feetld', fee: '299.99', idempotency_key: 'fee-http-2' })).status).to.equal(422);
    const created = await post({ domain: 'silver.feetld', fee: '300.00', idempotency_key: 'fee-http-3' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect((await ledger('ClientX', 'silver.feetld')).map((e) => e.amount)).to.deep.equal([-30000]);

    // A premium transfer over HTTP: the gaining registrar's `fee` goes with its auth code (<fee:transfer>).
    const pw = 'Silver-auth-1';
    expect((await req(x, `<update><domain:update ${DOM}><domain:name>silver.feetld</domain:name><domain:chg><domain:authInfo><domain:pw>${pw}</domain:pw></domain:authInfo></domain:chg></domain:update></update>`)).code).to.equal(1000);
    const yToken = (await issueToken(t.registry.store, { clId: 'ClientY', channel: 'fee-http-y' }, new Date())).token;
    const transfer = async (token: string, body: Record<string, unknown>) => {
      const r = await fetch(`http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1/domains/silver.feetld/transfer`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string; epp_code: number } } };
    };
    const noFee = await transfer(yToken, { auth_code: pw, idempotency_key: 'fee-http-t1' });
    expect(noFee.status).to.equal(422);
    expect(noFee.body.error!.message).to.match(/silver\.feetld is a premium name \(class premium\): its transfer costs 30\.00 EUR/);
    const intentWithFee = await transfer(token, { gaining_registrar: { id: 'ClientY' }, fee: '30.00', idempotency_key: 'fee-http-t2' });
    expect(intentWithFee.status).to.equal(400);
    expect(intentWithFee.body.error!.message).to.match(/send it with auth_code/);
    await setBalance(t, 'ClientY', 1_000_000);
    const requested = await transfer(yToken, { auth_code: pw, fee: '30.00', idempotency_key: 'fee-http-t3' });
    expect(requested.status, JSON.stringify(requested.body)).to.equal(202);
  });
});
