import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { addYears, beyondMaxRegistration, periodYears, utcDate } from '../src/registry/periods.js';
import { resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import * as seed from './seed.js';

// ---------------------------------------------------------------- seeding through the store (contacts and hosts come from other work)

/** A contact; returns its roid. */
const seedContact = (t: TestRegistry, handle: string, clId = 'ClientX', pw = 'contact-pw') => seed.seedContact(t, handle, { clId, pw });

/** A host; `superordinate` names the (existing) domain it is under; addresses are v4 when they have a dot. */
const seedHost = (t: TestRegistry, name: string, opts: { clId?: string; superordinate?: string; addrs?: string[] } = {}) => seed.seedHost(t, name, opts);

const setStatuses = seed.setDomainStatuses;

async function addTld(t: TestRegistry, name: string, policy: TldPolicyInput): Promise<void> {
  await t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
}

// ---------------------------------------------------------------- commands

const DOM = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const TCIDOM = 'xmlns:tcidom="http://www.tcinet.ru/epp/tci-domain-ext-1.0"';
const SECDNS = 'xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function checkXml(...names: string[]): string {
  return command(`<check><domain:check ${DOM}>${names.map((n) => `<domain:name>${esc(n)}</domain:name>`).join('')}</domain:check></check>`);
}

interface CreateOpts {
  period?: number;
  unit?: 'y' | 'm';
  ns?: string[];
  hostAttrs?: Array<{ name: string; addrs?: Array<[string, string]> }>;
  registrant?: string | null;
  contacts?: Array<[string, string]>;
  pw?: string;
  ext?: string;
}

function createXml(name: string, o: CreateOpts = {}): string {
  const period = o.period === undefined ? '' : `<domain:period unit="${o.unit ?? 'y'}">${o.period}</domain:period>`;
  let ns = '';
  if (o.ns) ns = `<domain:ns>${o.ns.map((h) => `<domain:hostObj>${h}</domain:hostObj>`).join('')}</domain:ns>`;
  if (o.hostAttrs) {
    ns = `<domain:ns>${o.hostAttrs
      .map((h) => `<domain:hostAttr><domain:hostName>${h.name}</domain:hostName>${(h.addrs ?? []).map(([ip, a]) => `<domain:hostAddr ip="${ip}">${a}</domain:hostAddr>`).join('')}</domain:hostAttr>`)
      .join('')}</domain:ns>`;
  }
  const registrant = o.registrant === null ? '' : `<domain:registrant>${o.registrant ?? 'TEST-C1'}</domain:registrant>`;
  const contacts = (o.contacts ?? [['admin', 'TEST-C1'], ['tech', 'TEST-C3']]).map(([type, id]) => `<domain:contact type="${type}">${id}</domain:contact>`).join('');
  return command(
    `<create><domain:create ${DOM}><domain:name>${esc(name)}</domain:name>${period}${ns}${registrant}${contacts}<domain:authInfo><domain:pw>${esc(o.pw ?? 'password')}</domain:pw></domain:authInfo></domain:create></create>${o.ext ? `<extension>${o.ext}</extension>` : ''}`,
  );
}

function infoXml(name: string, opts: { hosts?: string; pw?: string; roid?: string } = {}): string {
  const hosts = opts.hosts ? ` hosts="${opts.hosts}"` : '';
  const auth = opts.pw === undefined ? '' : `<domain:authInfo><domain:pw${opts.roid ? ` roid="${opts.roid}"` : ''}>${esc(opts.pw)}</domain:pw></domain:authInfo>`;
  return command(`<info><domain:info ${DOM}><domain:name${hosts}>${esc(name)}</domain:name>${auth}</domain:info></info>`);
}

function renewXml(name: string, curExpDate: string, period?: number, unit = 'y'): string {
  const p = period === undefined ? '' : `<domain:period unit="${unit}">${period}</domain:period>`;
  return command(`<renew><domain:renew ${DOM}><domain:name>${esc(name)}</domain:name><domain:curExpDate>${curExpDate}</domain:curExpDate>${p}</domain:renew></renew>`);
}

function deleteXml(name: string): string {
  return command(`<delete><domain:delete ${DOM}><domain:name>${esc(name)}</domain:name></domain:delete></delete>`);
}

/** <domain:update> with raw add/rem/chg bodies (and an optional extension). */
function updateXml(name: string, parts: { add?: string; rem?: string; chg?: string; ext?: string }): string {
  const p = (tag: string, body?: string) => (body === undefined ? '' : `<domain:${tag}>${body}</domain:${tag}>`);
  return command(
    `<update><domain:update ${DOM}><domain:name>${esc(name)}</domain:name>${p('add', parts.add)}${p('rem', parts.rem)}${p('chg', parts.chg)}</domain:update></update>${parts.ext ? `<extension>${parts.ext}</extension>` : ''}`,
  );
}

const nsXml = (...hosts: string[]) => `<domain:ns>${hosts.map((h) => `<domain:hostObj>${h}</domain:hostObj>`).join('')}</domain:ns>`;
const statusXml = (...s: string[]) => s.map((x) => `<domain:status s="${x}"/>`).join('');
const contactXml = (type: string, id: string) => `<domain:contact type="${type}">${id}</domain:contact>`;

const INF = '//domain:infData';
const avail = (r: CheckedResponse, name: string) => r.text(`//domain:cd[domain:name='${name}']/domain:name/@avail`);
const reason = (r: CheckedResponse, name: string) => r.text(`//domain:cd[domain:name='${name}']/domain:reason`);

// ---------------------------------------------------------------- tests

describe('periods (src/registry/periods.ts)', () => {
  it('adds calendar years keeping the day and the time, Feb 29 → Feb 28 in common years', () => {
    expect(addYears(new Date('2025-03-14T09:26:53.589Z'), 2).toISOString()).to.equal('2027-03-14T09:26:53.589Z');
    expect(addYears(new Date('2024-02-29T23:59:59.999Z'), 1).toISOString()).to.equal('2025-02-28T23:59:59.999Z');
    expect(addYears(new Date('2024-02-29T00:00:00.000Z'), 4).toISOString()).to.equal('2028-02-29T00:00:00.000Z');
    expect(addYears(new Date('2024-02-29T00:00:00.000Z'), 76).toISOString()).to.equal('2100-02-28T00:00:00.000Z');
    expect(addYears(new Date('2023-12-31T23:00:00.000Z'), 1).toISOString()).to.equal('2024-12-31T23:00:00.000Z');
    expect(utcDate(new Date('2026-01-01T00:30:00.000Z'))).to.equal('2026-01-01');
  });

  it('takes periods in years, months only as whole years, within the policy range', () => {
    const range = { min: 1, max: 10 };
    expect(periodYears(1, 'y', range)).to.deep.equal({ ok: true, years: 1 });
    expect(periodYears(24, 'm', range)).to.deep.equal({ ok: true, years: 2 });
    expect(periodYears(18, 'm', range).ok).to.equal(false);
    expect(periodYears(11, 'y', range).ok).to.equal(false);
    expect(periodYears(0, 'y', range).ok).to.equal(false);
    expect(periodYears(2, 'y', { min: 2, max: 5 })).to.deep.equal({ ok: true, years: 2 });
  });

  it('knows when an expiry is beyond the longest registration', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    expect(beyondMaxRegistration(new Date('2035-06-01T12:00:00Z'), now, 10)).to.equal(false);
    expect(beyondMaxRegistration(new Date('2035-06-01T12:00:01Z'), now, 10)).to.equal(true);
  });
});

describe('domains (RFC 5731)', () => {
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  const roids: Record<string, string> = {};

  before(async () => {
    t = await startTestRegistry();
    for (const h of ['TEST-C1', 'TEST-C2', 'TEST-C3', 'TEST-C4', 'TEST-C5', 'X-ADM2', 'X-TECH2']) roids[h] = await seedContact(t, h);
    roids['Y-C1'] = await seedContact(t, 'Y-C1', 'ClientY', 'y-contact-pw');
    for (const h of ['ns1.example.com', 'ns2.example.com', 'ns3.example.com', 'ns4.example.com']) await seedHost(t, h);
    await seedHost(t, 'ns1.other-registrar.net', { clId: 'ClientY' });
    await addTld(t, 'mini', { dataModel: 'minimum' });
    await addTld(t, 'attr', { hostModel: 'hostAttr', glue: 'required' });
    await addTld(t, 'rsv', { reservedNames: ['nic', 'пример'], idnScripts: ['Cyrillic'], nameservers: { min: 0, max: 2 }, maxContactsPerType: 2, maxRegistrationYears: 5, period: { min: 1, max: 5, default: 2 } });
    x = await t.login('ClientX');
    y = await t.login('ClientY');
  });
  after(async () => {
    await x?.close();
    await y?.close();
    await t?.close();
  });

  // ---------------------------------------------------------------- OT&E

  for (const [tld, example, domain] of [
    ['tatar', 'example.tatar', 'domain.tatar'],
    ['xn--d1acj3b', 'xn--e1afmkfd.xn--d1acj3b', 'xn--d1acufc.xn--d1acj3b'],
  ] as const) {
    it(`passes OT&E 2.2.20–2.2.23 and 2.2.32–2.2.39 of .${tld} as given`, async () => {
      // 2.2.20 check, 2.2.21 create, 2.2.22 check, 2.2.23 info
      let r = await send(x, checkXml(example));
      expect(r.code).to.equal(1000);
      expect(avail(r, example)).to.equal('1');
      r = await send(x, createXml(example, { period: 1, registrant: 'TEST-C1', contacts: [['admin', 'TEST-C1'], ['tech', 'TEST-C3']], ns: ['ns1.example.com', 'ns2.example.com'], pw: 'password' }));
      expect(r.code, r.xml).to.equal(1000);
      expect(r.text('//domain:creData/domain:name')).to.equal(example);
      r = await send(x, checkXml(example));
      expect(avail(r, example)).to.equal('0');
      expect(reason(r, example)).to.equal('In use');
      r = await send(x, infoXml(example));
      expect(r.code).to.equal(1000);
      expect(r.texts(`${INF}/domain:ns/domain:hostObj`)).to.deep.equal(['ns1.example.com', 'ns2.example.com']);
      expect(r.texts(`${INF}/domain:status/@s`)).to.deep.equal(['ok']);

      // 2.2.32 check, 2.2.33 create with DS + key, 2.2.34 info (capture exDate)
      r = await send(x, checkXml(domain));
      expect(avail(r, domain)).to.equal('1');
      const ext = `<secDNS:create ${SECDNS}><secDNS:dsData><secDNS:keyTag>46707</secDNS:keyTag><secDNS:alg>5</secDNS:alg><secDNS:digestType>2</secDNS:digestType><secDNS:digest>E8E6FA107705CB9BCD30FAFA23D447C14AC62DF26AC958B0DCB5BA4D8F63A13F</secDNS:digest><secDNS:keyData><secDNS:flags>256</secDNS:flags><secDNS:protocol>3</secDNS:protocol><secDNS:alg>5</secDNS:alg><secDNS:pubKey>AwEAAbBe1LcvvcCbuV0/cI7gNRdKMkqFgYFzk84e3Kx8Qj2CIrjuFqJTev2aPWa62BAXkBg6teVus4LftmjXab8WY4U=</secDNS:pubKey></secDNS:keyData></secDNS:dsData></secDNS:create>`;
      r = await send(x, createXml(domain, { period: 1, registrant: 'TEST-C2', contacts: [['admin', 'TEST-C4'], ['tech', 'TEST-C5']], pw: 'password', ext }));
      expect(r.code, r.xml).to.equal(1000);
      r = await send(x, infoXml(domain));
      expect(r.code).to.equal(1000);
      expect(r.texts(`${INF}/domain:status/@s`)).to.deep.equal(['inactive']);
      expect(r.text('//secDNS:infData/secDNS:dsData/secDNS:keyTag')).to.equal('46707');
      const exDate = r.text(`${INF}/domain:exDate`)!;

      // 2.2.35 renew by one year from the captured date
      r = await send(x, renewXml(domain, exDate.slice(0, 10), 1));
      expect(r.code, r.xml).to.equal(1000);
      expect(r.text('//domain:renData/domain:name')).to.equal(domain);
      expect(r.text('//domain:renData/domain:exDate')!.slice(0, 10)).to.equal(utcDate(addYears(new Date(exDate), 1)));

      // 2.2.36 add ns, 2.2.37 chg registrant, 2.2.38 chg authInfo, 2.2.39 add clientHold
      r = await send(x, updateXml(domain, { add: nsXml('ns1.example.com', 'ns2.example.com') }));
      expect(r.code, r.xml).to.equal(1000);
      r = await send(x, updateXml(domain, { chg: '<domain:registrant>TEST-C1</domain:registrant>' }));
      expect(r.code, r.xml).to.equal(1000);
      r = await send(x, updateXml(domain, { chg: '<domain:authInfo><domain:pw>12345678</domain:pw></domain:authInfo>' }));
      expect(r.code, r.xml).to.equal(1000);
      r = await send(x, updateXml(domain, { add: statusXml('clientHold') }));
      expect(r.code, r.xml).to.equal(1000);

      r = await send(x, infoXml(domain));
      expect(r.text(`${INF}/domain:registrant`)).to.equal('TEST-C1');
      // RFC 9154 §5.3: the sponsor's info shows an empty authInfo, never the value; the value is checked by an
      // info with it, as a gaining registrar does (here ClientY gets the sponsor-only data).
      expect(r.count(`${INF}/domain:authInfo/domain:pw`)).to.equal(1);
      expect(r.text(`${INF}/domain:authInfo/domain:pw`)).to.equal('');
      expect((await send(y, infoXml(domain, { pw: '12345678' }))).text(`${INF}/domain:registrant`)).to.equal('TEST-C1');
      expect(r.texts(`${INF}/domain:status/@s`)).to.deep.equal(['clientHold']);
      expect(r.texts(`${INF}/domain:ns/domain:hostObj`)).to.deep.equal(['ns1.example.com', 'ns2.example.com']);
      expect(r.text(`${INF}/domain:upID`)).to.equal('ClientX');
    });
  }

  // ---------------------------------------------------------------- check

  it('checks many names at once: available, in use, reserved, invalid, unserved TLD, not one label, wrong script', async () => {
    await send(x, createXml('taken-check.tatar'));
    const r = await send(
      x,
      checkXml('free-check.tatar', 'TAKEN-check.tatar', 'nic.rsv', 'пример.rsv', '-bad-.tatar', 'foo.example', 'a.b.tatar', 'ελλάδα.xn--d1acj3b', 'latin-ok.xn--d1acj3b', 'новый.дети'),
    );
    expect(r.code).to.equal(1000);
    expect(r.count('//domain:cd')).to.equal(10);
    expect(avail(r, 'free-check.tatar')).to.equal('1');
    expect(avail(r, 'taken-check.tatar')).to.equal('0');
    expect(reason(r, 'taken-check.tatar')).to.equal('In use');
    expect(reason(r, 'nic.rsv')).to.equal('Reserved');
    expect(reason(r, 'xn--e1afmkfd.rsv')).to.equal('Reserved');
    expect(avail(r, '-bad-.tatar')).to.equal('0');
    expect(reason(r, '-bad-.tatar')).to.match(/hyphen/);
    expect(reason(r, 'foo.example')).to.equal('TLD not served by this registry');
    expect(reason(r, 'a.b.tatar')).to.equal('Not a single label under the TLD');
    expect(avail(r, 'xn--hxakic4aa.xn--d1acj3b')).to.equal('0');
    expect(reason(r, 'xn--hxakic4aa.xn--d1acj3b')).to.equal('Script not allowed in this TLD');
    expect(avail(r, 'latin-ok.xn--d1acj3b')).to.equal('1');
    // U-label input comes back as the A-label that would be registered
    expect(r.texts('//domain:cd/domain:name')[9]).to.equal('xn--b1aoke0e.xn--d1acj3b');
    expect(avail(r, 'xn--b1aoke0e.xn--d1acj3b')).to.equal('1');
  });

  // ---------------------------------------------------------------- create

  it('creates with the exact expiry (Feb 29 → Feb 28), crDate, roid, crID and default period', async () => {
    const saved = t.clock.now();
    t.clock.set(new Date('2024-02-29T10:11:12.345Z'));
    try {
      let r = await send(x, createXml('leap.tatar', { period: 3, ns: ['ns1.example.com'] }));
      expect(r.code, r.xml).to.equal(1000);
      expect(r.text('//domain:creData/domain:crDate')).to.equal('2024-02-29T10:11:12.3Z');
      expect(r.text('//domain:creData/domain:exDate')).to.equal('2027-02-28T10:11:12.3Z');
      r = await send(x, createXml('default-period.rsv'));
      expect(r.text('//domain:creData/domain:exDate')).to.equal('2026-02-28T10:11:12.3Z');
      r = await send(x, createXml('months.tatar', { period: 24, unit: 'm' }));
      expect(r.text('//domain:creData/domain:exDate')).to.equal('2026-02-28T10:11:12.3Z');
      r = await send(x, infoXml('leap.tatar'));
      expect(r.text(`${INF}/domain:roid`)).to.match(/^D\d+-REG$/);
      expect(r.text(`${INF}/domain:crID`)).to.equal('ClientX');
      expect(r.text(`${INF}/domain:clID`)).to.equal('ClientX');
      expect(r.texts(`${INF}/domain:status/@s`)).to.deep.equal(['ok']);
      expect(r.text(`${INF}/domain:contact[@type='admin']`)).to.equal('TEST-C1');
      expect(r.text(`${INF}/domain:contact[@type='tech']`)).to.equal('TEST-C3');
    } finally {
      t.clock.set(saved);
    }
  });

  it('accepts U-label input and stores the A-label', async () => {
    const r = await send(x, createXml('привет.дети'));
    expect(r.code, r.xml).to.equal(1000);
    expect(r.text('//domain:creData/domain:name')).to.equal('xn--b1agh1afp.xn--d1acj3b');
    expect((await send(x, infoXml('xn--b1agh1afp.xn--d1acj3b'))).code).to.equal(1000);
    expect((await send(x, infoXml('ПРИВЕТ.дети'))).code).to.equal(1000);
  });

  it('never gives the same roid twice, even after a purge', async () => {
    const first = (await send(x, infoXml((await send(x, createXml('roid-a.tatar'))).text('//domain:creData/domain:name')!))).text(`${INF}/domain:roid`);
    expect((await send(x, deleteXml('roid-a.tatar'))).code).to.equal(1000);
    await send(x, createXml('roid-b.tatar'));
    const second = (await send(x, infoXml('roid-b.tatar'))).text(`${INF}/domain:roid`);
    expect(second).to.not.equal(first);
  });

  it('refuses bad names: 2005 invalid (reason + value), 2004 unserved TLD, 2306 reserved / not one label / script, 2302 taken', async () => {
    let r = await send(x, createXml('-bad-.tatar'));
    expect(r.code).to.equal(2005);
    expect(r.msg).to.match(/hyphen/);
    expect(r.text('//e:result/e:value/domain:name')).to.equal('-bad-.tatar');
    r = await send(x, createXml('foo.example'));
    expect(r.code).to.equal(2004);
    expect(r.msg).to.match(/not served/);
    r = await send(x, createXml('nic.rsv'));
    expect(r.code).to.equal(2306);
    expect(r.msg).to.match(/reserved/);
    r = await send(x, createXml('a.b.tatar'));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('ελλάδα.xn--d1acj3b'));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('dup.tatar'));
    expect(r.code).to.equal(1000);
    r = await send(x, createXml('DUP.tatar'));
    expect(r.code).to.equal(2302);
    r = await send(y, createXml('dup.tatar', { registrant: 'Y-C1', contacts: [['admin', 'Y-C1'], ['tech', 'Y-C1']] }));
    expect(r.code).to.equal(2302);
  });

  it('refuses periods outside the policy with 2004', async () => {
    let r = await send(x, createXml('period1.tatar', { period: 11 }));
    expect(r.code).to.equal(2004);
    expect(r.text('//e:result/e:value/domain:period')).to.equal('11');
    r = await send(x, createXml('period1.tatar', { period: 18, unit: 'm' }));
    expect(r.code).to.equal(2004);
    r = await send(x, createXml('period1.rsv', { period: 6 }));
    expect(r.code).to.equal(2004);
  });

  it('applies the maximum data model: registrant and admin/tech required (2003), must exist (2303), at most per type (2306)', async () => {
    let r = await send(x, createXml('contacts1.tatar', { registrant: null }));
    expect(r.code).to.equal(2003);
    r = await send(x, createXml('contacts1.tatar', { registrant: 'NOBODY' }));
    expect(r.code).to.equal(2303);
    expect(r.text('//e:result/e:value/domain:registrant')).to.equal('NOBODY');
    r = await send(x, createXml('contacts1.tatar', { contacts: [['tech', 'TEST-C3']] }));
    expect(r.code).to.equal(2003);
    expect(r.msg).to.match(/admin/);
    r = await send(x, createXml('contacts1.tatar', { contacts: [['admin', 'TEST-C1']] }));
    expect(r.code).to.equal(2003);
    expect(r.msg).to.match(/tech/);
    r = await send(x, createXml('contacts1.tatar', { contacts: [['admin', 'TEST-C1'], ['tech', 'GHOST-1']] }));
    expect(r.code).to.equal(2303);
    expect(r.text("//e:result/e:value/domain:contact[@type='tech']")).to.equal('GHOST-1');
    r = await send(x, createXml('contacts1.tatar', { contacts: [['admin', 'TEST-C1'], ['admin', 'TEST-C2'], ['tech', 'TEST-C3']] }));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('contacts1.rsv', { contacts: [['admin', 'TEST-C1'], ['admin', 'TEST-C2'], ['tech', 'TEST-C3']] }));
    expect(r.code).to.equal(1000);
    // a contact of another registrar may be linked (contacts are referenced by handle)
    r = await send(x, createXml('contacts2.tatar', { contacts: [['admin', 'Y-C1'], ['tech', 'TEST-C3']] }));
    expect(r.code).to.equal(1000);
  });

  it('applies the minimum data model: no registrant, no contacts (2306)', async () => {
    let r = await send(x, createXml('thin.mini'));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('thin.mini', { registrant: null, contacts: [['admin', 'TEST-C1']] }));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('thin.mini', { registrant: null, contacts: [] }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('thin.mini'));
    expect(r.count(`${INF}/domain:registrant`)).to.equal(0);
    r = await send(x, updateXml('thin.mini', { chg: '<domain:registrant>TEST-C1</domain:registrant>' }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('thin.mini', { add: contactXml('tech', 'TEST-C1') }));
    expect(r.code).to.equal(2306);
  });

  it('checks nameservers: unknown host 2303, count 2306, internal host without addresses 2306, hostAttr only under its model', async () => {
    let r = await send(x, createXml('ns-a.tatar', { ns: ['ns1.example.com', 'nowhere.example.com'] }));
    expect(r.code).to.equal(2303);
    expect(r.text('//e:result/e:value/domain:hostObj')).to.equal('nowhere.example.com');
    r = await send(x, createXml('ns-a.rsv', { ns: ['ns1.example.com', 'ns2.example.com', 'ns3.example.com'] }));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('ns-a.tatar', { ns: ['ns1.example.com', 'ns1.example.com'] }));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('ns-a.tatar', { hostAttrs: [{ name: 'ns1.example.com' }] }));
    expect(r.code).to.equal(2306);

    // an internal host without addresses cannot be delegated to; with an address it can
    expect((await send(x, createXml('parent.tatar'))).code).to.equal(1000);
    await seedHost(t, 'dns1.parent.tatar', { superordinate: 'parent.tatar' });
    await seedHost(t, 'dns2.parent.tatar', { superordinate: 'parent.tatar', addrs: ['192.0.2.2'] });
    r = await send(x, createXml('ns-b.tatar', { ns: ['dns1.parent.tatar'] }));
    expect(r.code).to.equal(2306);
    expect(r.text('//e:result/e:value/domain:hostObj')).to.equal('dns1.parent.tatar');
    r = await send(x, createXml('ns-b.tatar', { ns: ['dns2.parent.tatar'] }));
    expect(r.code).to.equal(1000);
    // hosts of another registrar may be used as nameservers
    r = await send(x, createXml('ns-c.tatar', { ns: ['ns1.other-registrar.net'] }));
    expect(r.code).to.equal(1000);

    // the hostAttr model: attributes stored, glue only (and required) under the domain
    r = await send(x, createXml('attr1.attr', { ns: ['ns1.example.com'] }));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('attr1.attr', { hostAttrs: [{ name: 'ns1.attr1.attr' }] }));
    expect(r.code).to.equal(2003);
    r = await send(x, createXml('attr1.attr', { hostAttrs: [{ name: 'ns.example.net', addrs: [['v4', '192.0.2.1']] }] }));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('attr1.attr', { hostAttrs: [{ name: 'ns1.attr1.attr', addrs: [['v4', '300.1.1.1']] }] }));
    expect(r.code).to.equal(2005);
    r = await send(x, createXml('attr1.attr', { hostAttrs: [{ name: 'ns1.attr1.attr', addrs: [['v4', '192.0.2.1'], ['v6', '2001:DB8::1']] }, { name: 'ns.example.net' }] }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('attr1.attr'));
    expect(r.texts(`${INF}/domain:ns/domain:hostAttr/domain:hostName`)).to.deep.equal(['ns.example.net', 'ns1.attr1.attr']);
    expect(r.texts(`${INF}/domain:ns/domain:hostAttr/domain:hostAddr`)).to.deep.equal(['192.0.2.1', '2001:db8::1']);
    r = await send(x, updateXml('attr1.attr', { rem: '<domain:ns><domain:hostAttr><domain:hostName>ns.example.net</domain:hostName></domain:hostAttr></domain:ns>' }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('attr1.attr'));
    expect(r.texts(`${INF}/domain:ns/domain:hostAttr/domain:hostName`)).to.deep.equal(['ns1.attr1.attr']);
  });

  it('refuses a blank authInfo password (2306; an empty one sets none) and stores the TCI description (tcidom)', async () => {
    let r = await send(x, createXml('auth1.tatar', { pw: ' ' }));
    expect(r.code).to.equal(2306);
    const descr = `<tcidom:create ${TCIDOM}><tcidom:description>first line</tcidom:description><tcidom:description>second</tcidom:description></tcidom:create>`;
    r = await send(x, createXml('descr.tatar', { ext: descr }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('descr.tatar'));
    expect(r.texts('//tcidom:infData/tcidom:description')).to.deep.equal(['first line', 'second']);
    r = await send(x, updateXml('descr.tatar', { ext: `<tcidom:update ${TCIDOM}><tcidom:chg><tcidom:description>changed</tcidom:description></tcidom:chg></tcidom:update>` }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('descr.tatar'));
    expect(r.texts('//tcidom:infData/tcidom:description')).to.deep.equal(['changed']);
    r = await send(x, updateXml('descr.tatar', { ext: `<tcidom:update ${TCIDOM}><tcidom:chg/></tcidom:update>` }));
    expect(r.code).to.equal(1000);
    expect((await send(x, infoXml('descr.tatar'))).count('//tcidom:infData')).to.equal(0);
    // the TCI extension is refused in a TLD that does not use the TCI dialect
    r = await send(x, createXml('descr.rsv', { ext: descr }));
    expect(r.code).to.equal(2306);
  });

  // ---------------------------------------------------------------- info

  it('shows the sponsor everything, another registrar with the authInfo all but the authInfo, without it only public data', async () => {
    await send(x, createXml('seen.tatar', { ns: ['ns1.example.com'], pw: 'seen-pw-1' }));
    await seedHost(t, 'ns.seen.tatar', { superordinate: 'seen.tatar', addrs: ['192.0.2.7'] });

    let r = await send(x, infoXml('seen.tatar'));
    // RFC 9154 §5.3: an empty authInfo for the sponsor, never the value.
    expect(r.text(`${INF}/domain:authInfo/domain:pw`)).to.equal('');
    expect(r.text(`${INF}/domain:registrant`)).to.equal('TEST-C1');
    expect(r.texts(`${INF}/domain:host`)).to.deep.equal(['ns.seen.tatar']);

    r = await send(y, infoXml('seen.tatar'));
    expect(r.code).to.equal(1000);
    expect(r.text(`${INF}/domain:name`)).to.equal('seen.tatar');
    expect(r.text(`${INF}/domain:roid`)).to.match(/^D\d+-REG$/);
    expect(r.text(`${INF}/domain:clID`)).to.equal('ClientX');
    expect(r.texts(`${INF}/domain:ns/domain:hostObj`)).to.deep.equal(['ns1.example.com']);
    expect(r.count(`${INF}/domain:exDate`)).to.equal(1);
    for (const hidden of ['domain:authInfo', 'domain:registrant', 'domain:contact', 'domain:host', 'domain:crID']) expect(r.count(`${INF}/${hidden}`), hidden).to.equal(0);

    r = await send(y, infoXml('seen.tatar', { pw: 'wrong' }));
    expect(r.code).to.equal(1000);
    expect(r.count(`${INF}/domain:registrant`)).to.equal(0);
    expect(r.count(`${INF}/domain:authInfo`)).to.equal(0);

    r = await send(y, infoXml('seen.tatar', { pw: 'seen-pw-1' }));
    expect(r.text(`${INF}/domain:registrant`)).to.equal('TEST-C1');
    expect(r.texts(`${INF}/domain:host`)).to.deep.equal(['ns.seen.tatar']);
    expect(r.count(`${INF}/domain:authInfo`)).to.equal(0);

    // the registrant's password with its roid also works; another contact's roid does not
    r = await send(y, infoXml('seen.tatar', { pw: 'contact-pw', roid: roids['TEST-C1'] }));
    expect(r.text(`${INF}/domain:registrant`)).to.equal('TEST-C1');
    expect(r.count(`${INF}/domain:authInfo`)).to.equal(0);
    r = await send(y, infoXml('seen.tatar', { pw: 'contact-pw', roid: roids['TEST-C5'] }));
    expect(r.count(`${INF}/domain:registrant`)).to.equal(0);
  });

  it('filters hosts with hosts="del|sub|none" and answers 2303 for an unknown domain, 2005 for an impossible name', async () => {
    let r = await send(x, infoXml('seen.tatar', { hosts: 'del' }));
    expect(r.count(`${INF}/domain:ns`)).to.equal(1);
    expect(r.count(`${INF}/domain:host`)).to.equal(0);
    r = await send(x, infoXml('seen.tatar', { hosts: 'sub' }));
    expect(r.count(`${INF}/domain:ns`)).to.equal(0);
    expect(r.count(`${INF}/domain:host`)).to.equal(1);
    r = await send(x, infoXml('seen.tatar', { hosts: 'none' }));
    expect(r.count(`${INF}/domain:ns`) + r.count(`${INF}/domain:host`)).to.equal(0);
    r = await send(x, infoXml('never-registered.tatar'));
    expect(r.code).to.equal(2303);
    r = await send(x, infoXml('-x-.tatar'));
    expect(r.code).to.equal(2005);
  });

  // ---------------------------------------------------------------- renew

  it('renews from the current expiry by the period and answers renData', async () => {
    const c = await send(x, createXml('renew1.tatar', { period: 2 }));
    const exDate = c.text('//domain:creData/domain:exDate')!;
    let r = await send(x, renewXml('renew1.tatar', exDate.slice(0, 10), 3));
    expect(r.code, r.xml).to.equal(1000);
    const expected = addYears(new Date(exDate), 3);
    expect(new Date(r.text('//domain:renData/domain:exDate')!).getTime()).to.be.closeTo(expected.getTime(), 100);
    // default period (1 year); curExpDate is the new one now
    r = await send(x, renewXml('renew1.tatar', utcDate(expected)));
    expect(r.code).to.equal(1000);
    expect(r.text('//domain:renData/domain:exDate')!.slice(0, 10)).to.equal(utcDate(addYears(expected, 1)));
  });

  it('refuses renews: wrong curExpDate 2306, beyond the maximum 2306, period 2004, prohibited 2304, other registrar 2201, unknown 2303', async () => {
    const c = await send(x, createXml('renew2.tatar'));
    const cur = c.text('//domain:creData/domain:exDate')!.slice(0, 10);
    let r = await send(x, renewXml('renew2.tatar', '2001-01-01', 1));
    expect(r.code).to.equal(2306);
    expect(r.text('//e:result/e:value/domain:curExpDate')).to.equal('2001-01-01');
    r = await send(x, renewXml('renew2.tatar', cur, 10));
    expect(r.code).to.equal(2306);
    expect(r.msg).to.match(/10 years/);
    r = await send(x, renewXml('renew2.tatar', cur, 9));
    expect(r.code).to.equal(1000);
    const cur2 = r.text('//domain:renData/domain:exDate')!.slice(0, 10);
    r = await send(x, renewXml('renew2.tatar', cur2, 11));
    expect(r.code).to.equal(2004);

    await send(x, createXml('renew3.tatar'));
    const cur3 = (await send(x, infoXml('renew3.tatar'))).text(`${INF}/domain:exDate`)!.slice(0, 10);
    r = await send(y, renewXml('renew3.tatar', cur3, 1));
    expect(r.code).to.equal(2201);
    await send(x, updateXml('renew3.tatar', { add: statusXml('clientRenewProhibited') }));
    r = await send(x, renewXml('renew3.tatar', cur3, 1));
    expect(r.code).to.equal(2304);
    await setStatuses(t, 'renew3.tatar', ['serverRenewProhibited']);
    r = await send(x, renewXml('renew3.tatar', cur3, 1));
    expect(r.code).to.equal(2304);
    r = await send(x, renewXml('nothing-here.tatar', cur3, 1));
    expect(r.code).to.equal(2303);
  });

  // ---------------------------------------------------------------- update

  it('updates nameservers, contacts, statuses, registrant and authInfo (removals first)', async () => {
    await send(x, createXml('upd1.tatar', { ns: ['ns1.example.com', 'ns2.example.com'] }));
    let r = await send(
      x,
      updateXml('upd1.tatar', {
        add: nsXml('ns3.example.com') + contactXml('admin', 'X-ADM2') + statusXml('clientDeleteProhibited', 'clientTransferProhibited'),
        rem: nsXml('ns1.example.com') + contactXml('admin', 'TEST-C1'),
        chg: '<domain:registrant>TEST-C2</domain:registrant><domain:authInfo><domain:pw>new-pw-9</domain:pw></domain:authInfo>',
      }),
    );
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('upd1.tatar'));
    expect(r.texts(`${INF}/domain:ns/domain:hostObj`)).to.deep.equal(['ns2.example.com', 'ns3.example.com']);
    expect(r.text(`${INF}/domain:contact[@type='admin']`)).to.equal('X-ADM2');
    expect(r.text(`${INF}/domain:registrant`)).to.equal('TEST-C2');
    // RFC 9154: the value is not shown (an empty authInfo); it works for another registrar's info.
    expect(r.text(`${INF}/domain:authInfo/domain:pw`)).to.equal('');
    expect((await send(y, infoXml('upd1.tatar', { pw: 'new-pw-9' }))).text(`${INF}/domain:registrant`)).to.equal('TEST-C2');
    expect(r.texts(`${INF}/domain:status/@s`)).to.have.members(['clientDeleteProhibited', 'clientTransferProhibited']);
    expect(r.count(`${INF}/domain:upDate`)).to.equal(1);

    // removing every nameserver makes it inactive
    r = await send(x, updateXml('upd1.tatar', { rem: nsXml('ns2.example.com', 'ns3.example.com') + statusXml('clientDeleteProhibited', 'clientTransferProhibited') }));
    expect(r.code).to.equal(1000);
    expect((await send(x, infoXml('upd1.tatar'))).texts(`${INF}/domain:status/@s`)).to.deep.equal(['inactive']);
  });

  it('refuses registry statuses (2306 naming them), adding what is there or removing what is not (2306)', async () => {
    await send(x, createXml('upd2.tatar', { ns: ['ns1.example.com'] }));
    for (const s of ['serverHold', 'ok', 'inactive', 'pendingDelete', 'pendingCreate']) {
      const r = await send(x, updateXml('upd2.tatar', { add: statusXml(s) }));
      expect(r.code, s).to.equal(2306);
      expect(r.text('//e:result/e:value/domain:status/@s')).to.equal(s);
    }
    await setStatuses(t, 'upd2.tatar', ['serverTransferProhibited']);
    let r = await send(x, updateXml('upd2.tatar', { rem: statusXml('serverTransferProhibited') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { rem: statusXml('clientHold') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { add: statusXml('clientHold') }));
    expect(r.code).to.equal(1000);
    r = await send(x, updateXml('upd2.tatar', { add: statusXml('clientHold') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { add: nsXml('ns1.example.com') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { rem: nsXml('ns4.example.com') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { add: nsXml('ghost.example.com') }));
    expect(r.code).to.equal(2303);
    r = await send(x, updateXml('upd2.tatar', { add: contactXml('tech', 'TEST-C3') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { rem: contactXml('tech', 'TEST-C5') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { add: contactXml('tech', 'NOT-THERE') }));
    expect(r.code).to.equal(2303);
    // removing the last required contact; one too many of a type
    r = await send(x, updateXml('upd2.tatar', { rem: contactXml('tech', 'TEST-C3') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('upd2.tatar', { add: contactXml('tech', 'X-TECH2') }));
    expect(r.code).to.equal(2306);
    // a swap is fine
    r = await send(x, updateXml('upd2.tatar', { add: contactXml('tech', 'X-TECH2'), rem: contactXml('tech', 'TEST-C3') }));
    expect(r.code, r.xml).to.equal(1000);
    // registrant: unknown 2303, cannot be removed 2306
    r = await send(x, updateXml('upd2.tatar', { chg: '<domain:registrant>NOBODY</domain:registrant>' }));
    expect(r.code).to.equal(2303);
    r = await send(x, updateXml('upd2.tatar', { chg: '<domain:registrant></domain:registrant>' }));
    expect(r.code).to.equal(2306);
    // RFC 9154 §5.2 (it was 2306 before): <domain:null/> unsets the authInfo, after which the old value is refused.
    expect((await send(y, infoXml('upd2.tatar', { pw: 'password' }))).count(`${INF}/domain:registrant`)).to.equal(1);
    r = await send(x, updateXml('upd2.tatar', { chg: '<domain:authInfo><domain:null/></domain:authInfo>' }));
    expect(r.code).to.equal(1000);
    expect((await send(y, infoXml('upd2.tatar', { pw: 'password' }))).count(`${INF}/domain:registrant`)).to.equal(0);
  });

  it('keeps the nameserver count within the policy on update (2306)', async () => {
    await send(x, createXml('upd3.rsv', { ns: ['ns1.example.com', 'ns2.example.com'] }));
    const r = await send(x, updateXml('upd3.rsv', { add: nsXml('ns3.example.com') }));
    expect(r.code).to.equal(2306);
    expect((await send(x, updateXml('upd3.rsv', { add: nsXml('ns3.example.com'), rem: nsXml('ns1.example.com') }))).code).to.equal(1000);
  });

  it('blocks every update under clientUpdateProhibited except removing it alone, and everything under serverUpdateProhibited (2304)', async () => {
    await send(x, createXml('locked.tatar'));
    expect((await send(x, updateXml('locked.tatar', { add: statusXml('clientUpdateProhibited') }))).code).to.equal(1000);
    let r = await send(x, updateXml('locked.tatar', { add: nsXml('ns1.example.com') }));
    expect(r.code).to.equal(2304);
    r = await send(x, updateXml('locked.tatar', { rem: statusXml('clientUpdateProhibited'), add: nsXml('ns1.example.com') }));
    expect(r.code).to.equal(2304);
    r = await send(x, updateXml('locked.tatar', { rem: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(1000);
    expect((await send(x, updateXml('locked.tatar', { add: nsXml('ns1.example.com') }))).code).to.equal(1000);

    await setStatuses(t, 'locked.tatar', ['serverUpdateProhibited', 'clientUpdateProhibited']);
    r = await send(x, updateXml('locked.tatar', { rem: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(2304);
  });

  // ---------------------------------------------------------------- delete

  it('deletes a domain with its subordinate hosts, then the name is available again', async () => {
    await send(x, createXml('gone.tatar', { ns: ['ns1.example.com'] }));
    await seedHost(t, 'ns1.gone.tatar', { superordinate: 'gone.tatar', addrs: ['192.0.2.9'] });
    expect((await send(x, updateXml('gone.tatar', { add: nsXml('ns1.gone.tatar') }))).code).to.equal(1000);
    const r = await send(x, deleteXml('gone.tatar'));
    expect(r.code, r.xml).to.equal(1000);
    expect((await send(x, infoXml('gone.tatar'))).code).to.equal(2303);
    expect(await seed.readHost(t, 'ns1.gone.tatar')).to.equal(undefined);
    expect(avail(await send(x, checkXml('gone.tatar')), 'gone.tatar')).to.equal('1');
  });

  it('refuses deletes: other registrar 2201, prohibited 2304, subordinate host used by another domain 2305, unknown 2303', async () => {
    await send(x, createXml('keep.tatar'));
    await seedHost(t, 'ns1.keep.tatar', { superordinate: 'keep.tatar', addrs: ['192.0.2.10'] });
    await send(x, createXml('user.tatar', { ns: ['ns1.keep.tatar'] }));
    let r = await send(y, deleteXml('keep.tatar'));
    expect(r.code).to.equal(2201);
    r = await send(x, deleteXml('keep.tatar'));
    expect(r.code).to.equal(2305);
    expect(r.msg).to.match(/ns1\.keep\.tatar/);
    await send(x, updateXml('user.tatar', { rem: nsXml('ns1.keep.tatar') }));
    await send(x, updateXml('keep.tatar', { add: statusXml('clientDeleteProhibited') }));
    r = await send(x, deleteXml('keep.tatar'));
    expect(r.code).to.equal(2304);
    await setStatuses(t, 'keep.tatar', ['serverDeleteProhibited']);
    r = await send(x, deleteXml('keep.tatar'));
    expect(r.code).to.equal(2304);
    await setStatuses(t, 'keep.tatar', []);
    r = await send(x, deleteXml('keep.tatar'));
    expect(r.code).to.equal(1000);
    r = await send(x, deleteXml('keep.tatar'));
    expect(r.code).to.equal(2303);
  });

  // ---------------------------------------------------------------- authorization

  it("lets only the sponsor update, renew or delete (2201), and never shows another registrar's authInfo", async () => {
    const c = await send(x, createXml('mine.tatar', { pw: 'secret-x-1' }));
    const cur = c.text('//domain:creData/domain:exDate')!.slice(0, 10);
    expect((await send(y, updateXml('mine.tatar', { add: statusXml('clientHold') }))).code).to.equal(2201);
    expect((await send(y, updateXml('mine.tatar', { chg: '<domain:authInfo><domain:pw>stolen-1</domain:pw></domain:authInfo>' }))).code).to.equal(2201);
    expect((await send(y, renewXml('mine.tatar', cur, 1))).code).to.equal(2201);
    expect((await send(y, deleteXml('mine.tatar'))).code).to.equal(2201);
    for (const opts of [{}, { pw: 'secret-x-1' }, { pw: 'nope' }]) {
      const r = await send(y, infoXml('mine.tatar', opts));
      expect(r.code).to.equal(1000);
      expect(r.xml).to.not.include('secret-x-1');
    }
    // Nor the sponsor (RFC 9154 §5.3): an empty authInfo.
    const r = await send(x, infoXml('mine.tatar'));
    expect(r.text(`${INF}/domain:authInfo/domain:pw`)).to.equal('');
    expect(r.xml).to.not.include('secret-x-1');
  });
});
