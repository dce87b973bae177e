import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { addressRefusal, parseAddress } from '../src/registry/addresses.js';
import { normalizeName } from '../src/registry/names.js';
import { resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import * as seed from './seed.js';

// ---------------------------------------------------------------- seeding through the store (domains come from other work)

/** A domain (A-label name), unless it exists already. */
async function seedDomain(t: TestRegistry, name: string, clId = 'ClientX', statuses: string[] = []): Promise<void> {
  if (await seed.readDomain(t, name)) return;
  await seed.seedDomain(t, name, { clId, statuses });
}

/** Delegates `domain` to the host objects `hosts` (as a domain update would). */
const delegate = seed.delegate;
const undelegate = seed.undelegate;

async function hostRow(t: TestRegistry, name: string): Promise<{ id: number; superordinate: string | null; roid: string } | undefined> {
  const h = await seed.readHost(t, name);
  return h && { id: h.id, roid: h.roid, superordinate: (await seed.superordinateOf(t, name))! };
}

const setHostStatuses = seed.setHostStatuses;

async function addTld(t: TestRegistry, name: string, policy: TldPolicyInput): Promise<void> {
  await t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
}

// ---------------------------------------------------------------- commands

const HOST = 'xmlns:host="urn:ietf:params:xml:ns:host-1.0"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
type Addr = [string, string] | string;
/** `'192.0.2.1'` (v4 when it has a dot, v6 otherwise) or `['v6', '1.2.3.4']` for an explicit ip attribute. */
const addrXml = (a: Addr) => {
  const [ip, text] = Array.isArray(a) ? a : [a.includes(':') ? 'v6' : 'v4', a];
  return `<host:addr ip="${ip}">${esc(text)}</host:addr>`;
};

const checkXml = (...names: string[]) => command(`<check><host:check ${HOST}>${names.map((n) => `<host:name>${esc(n)}</host:name>`).join('')}</host:check></check>`);
const createXml = (name: string, ...addrs: Addr[]) =>
  command(`<create><host:create ${HOST}><host:name>${esc(name)}</host:name>${addrs.map(addrXml).join('')}</host:create></create>`);
const infoXml = (name: string) => command(`<info><host:info ${HOST}><host:name>${esc(name)}</host:name></host:info></info>`);
const deleteXml = (name: string) => command(`<delete><host:delete ${HOST}><host:name>${esc(name)}</host:name></host:delete></delete>`);

interface AddRem {
  addrs?: Addr[];
  status?: string[];
}
function updateXml(name: string, o: { add?: AddRem; rem?: AddRem; chg?: string } = {}): string {
  const part = (tag: string, v?: AddRem) =>
    v ? `<host:${tag}>${(v.addrs ?? []).map(addrXml).join('')}${(v.status ?? []).map((s) => `<host:status s="${s}"/>`).join('')}</host:${tag}>` : '';
  const chg = o.chg === undefined ? '' : `<host:chg><host:name>${esc(o.chg)}</host:name></host:chg>`;
  return command(`<update><host:update ${HOST}><host:name>${esc(name)}</host:name>${part('add', o.add)}${part('rem', o.rem)}${chg}</host:update></update>`);
}

const INF = '//e:resData/host:infData';
const VALUE_NAME = '//e:result/e:value/host:name';
const VALUE_ADDR = '//e:result/e:value/host:addr';

function expectCode(r: CheckedResponse, code: number): void {
  expect(r.code, r.xml).to.equal(code);
}

/** avail and reason per answered name, in order. */
function checkAnswers(r: CheckedResponse): Array<[string, string, string | undefined]> {
  const names = r.texts('//host:cd/host:name');
  const avails = r.texts('//host:cd/host:name/@avail');
  return names.map((n, i) => [n, avails[i], r.text(`//host:cd[${i + 1}]/host:reason`)]);
}

// ---------------------------------------------------------------- OT&E scripts

interface OteStep {
  id: string;
  command: string;
  params: { names?: string[]; name?: string; addrs?: Array<{ ip: string; addr: string }>; add?: { addrs?: Array<{ ip: string; addr: string }> }; rem?: { addrs?: Array<{ ip: string; addr: string }> } };
  expect: { code: number; avail?: Record<string, boolean> };
}

function oteSteps(file: string, ids: string[]): OteStep[] {
  const script = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/ote', file), 'utf8')) as { steps: OteStep[] };
  return ids.map((id) => {
    const s = script.steps.find((x) => x.id === id);
    if (!s) throw new Error(`${file} has no step ${id}`);
    return s;
  });
}

const aLabel = (name: string) => {
  const n = normalizeName(name);
  if (!n.ok) throw new Error(`bad fixture name ${name}`);
  return n.name;
};

/** The host step as EPP, with names as the fixture writes them or as A-labels. */
function stepXml(s: OteStep, form: (n: string) => string): string {
  const p = s.params;
  const addrs = (list?: Array<{ ip: string; addr: string }>) => (list ?? []).map((a): Addr => [a.ip, a.addr]);
  switch (s.command) {
    case 'host:check':
      return checkXml(...p.names!.map(form));
    case 'host:create':
      return createXml(form(p.name!), ...addrs(p.addrs));
    case 'host:info':
      return infoXml(form(p.name!));
    case 'host:update':
      return updateXml(form(p.name!), { add: p.add && { addrs: addrs(p.add.addrs) }, rem: p.rem && { addrs: addrs(p.rem.addrs) } });
    case 'host:delete':
      return deleteXml(form(p.name!));
    default:
      throw new Error(`not a host step: ${s.command}`);
  }
}

async function runStep(c: EppClient, s: OteStep, form: (n: string) => string): Promise<CheckedResponse> {
  const r = await send(c, stepXml(s, form));
  expect(r.code, `${s.id} ${s.command}: ${r.xml}`).to.equal(s.expect.code);
  for (const [name, want] of Object.entries(s.expect.avail ?? {})) {
    const answers = checkAnswers(r);
    const got = answers.find(([n]) => n === aLabel(name));
    expect(got, `${s.id}: no answer for ${name}`).to.not.equal(undefined);
    expect(got![1], `${s.id}: avail of ${name}`).to.equal(want ? '1' : '0');
  }
  return r;
}

// ---------------------------------------------------------------- address rules (src/registry/addresses.ts)

describe('host addresses (src/registry/addresses.ts)', () => {
  const parse = (text: string, ip?: string) => parseAddress(text, ip);
  it('accepts v4/v6 text forms matching the ip attribute and stores IPv6 in RFC 5952 form', () => {
    expect(parse('192.0.2.1')).to.deep.equal({ ok: true, address: { ip: 'v4', addr: '192.0.2.1' } });
    expect(parse('2001:DB8:0:0:0:0:0:25', 'v6')).to.deep.equal({ ok: true, address: { ip: 'v6', addr: '2001:db8::25' } });
    const canon = (s: string) => {
      const r = parse(s, 'v6');
      return r.ok ? r.address.addr : r.reason;
    };
    expect(canon('2001:0db8:0000:0000:0001:0000:0000:0001')).to.equal('2001:db8::1:0:0:1');
    expect(canon('1:0:2:0:3:0:4:0')).to.equal('1:0:2:0:3:0:4:0');
    expect(canon('0:0:1::')).to.equal('0:0:1::');
    expect(canon('::FFFF:C000:0201')).to.equal('::ffff:192.0.2.1');
    expect(canon('::2:3:4:5:6:7:8')).to.equal('0:2:3:4:5:6:7:8');
    for (const [text, ip] of [
      ['300.1.1.1', 'v4'],
      ['1.2.3', 'v4'],
      ['010.1.1.1', 'v4'],
      ['gggg::1', 'v6'],
      ['1::2::3', 'v6'],
      ['fe80::1%eth0', 'v6'],
      ['192.0.2.1', 'v6'],
      ['2001:db8::1', 'v4'],
    ]) {
      expect(parse(text, ip).ok, `${text} ${ip}`).to.equal(false);
    }
  });

  it('always refuses loopback and unspecified addresses; private and special ranges only when the policy says so', () => {
    const refused = (addr: string, strict: boolean) => {
      const r = parse(addr, addr.includes(':') ? 'v6' : 'v4');
      if (!r.ok) throw new Error(r.reason);
      return addressRefusal(r.address, strict) !== undefined;
    };
    for (const a of ['127.0.0.1', '127.255.0.9', '0.0.0.0', '::', '::1', '::ffff:127.0.0.1']) expect(refused(a, false), a).to.equal(true);
    for (const a of ['10.1.2.3', '172.16.0.1', '192.168.0.25', '100.64.0.1', '169.254.1.1', '192.0.2.1', '198.51.100.1', '203.0.113.1', '224.0.0.1', '240.0.0.1', '2001:db8::25', 'fc00::1', 'fd12::1', 'fe80::1', 'ff02::1', '::ffff:192.0.2.1']) {
      expect(refused(a, false), `${a} open`).to.equal(false);
      expect(refused(a, true), `${a} strict`).to.equal(true);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '193.232.128.6', '2001:4860:4860::8888', '2a00:1450::1']) expect(refused(a, true), a).to.equal(false);
  });
});

// ---------------------------------------------------------------- hosts over EPP

describe('hosts (RFC 5732)', () => {
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;

  before(async () => {
    t = await startTestRegistry();
    await addTld(t, 'glue', { glue: 'required' });
    await addTld(t, 'strict', { refusePrivateAddresses: true });
    for (const d of ['mine.tatar', 'second.tatar', 'glued.glue', 'strict1.strict']) await seedDomain(t, d);
    await seedDomain(t, 'theirs.tatar', 'ClientY');
    await seedDomain(t, 'going.tatar', 'ClientX', ['pendingDelete']);
    x = await t.login('ClientX');
    y = await t.login('ClientY');
  });
  after(async () => {
    await x?.close();
    await y?.close();
    await t?.close();
  });

  // ---------------------------------------------------------------- OT&E

  const OTE_BEFORE_DOMAIN = ['2.2.16', '2.2.17', '2.2.18', '2.2.19'];
  const OTE_SUBORDINATE = ['2.2.24', '2.2.25', '2.2.26', '2.2.27', '2.2.28', '2.2.29', '2.2.30', '2.2.31'];
  const OTE_DELETES = ['2.4.3', '2.4.4', '2.4.5', '2.4.6'];

  for (const [file, example, domain, form] of [
    ['tatar.json', 'example.tatar', 'domain.tatar', 'as written'],
    ['deti.json', 'xn--e1afmkfd.xn--d1acj3b', 'xn--d1acufc.xn--d1acj3b', 'as written (U-labels)'],
    ['deti.json', 'xn--e1afmkfd.xn--d1acj3b', 'xn--d1acufc.xn--d1acj3b', 'as A-labels'],
  ] as const) {
    it(`runs the OT&E host steps of ${file} ${form}: 2.2.16–2.2.19, 2.2.24–2.2.31, 2.4.3–2.4.6`, async () => {
      const toForm = form === 'as A-labels' ? aLabel : (n: string) => n;
      for (const s of oteSteps(file, OTE_BEFORE_DOMAIN)) await runStep(x, s, toForm);
      // 2.2.21: the registrar creates its domain (seeded here).
      await seedDomain(t, example);
      for (const s of oteSteps(file, OTE_SUBORDINATE)) {
        const r = await runStep(x, s, toForm);
        if (s.id === '2.2.27') {
          const dns1 = aLabel(s.params.name!);
          expect(r.text(`${INF}/host:name`)).to.equal(dns1);
          expect(r.text(`${INF}/host:roid`)).to.match(/^H\d+-/);
          expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['ok']);
          expect(r.count(`${INF}/host:addr`)).to.equal(0);
          expect(r.text(`${INF}/host:clID`)).to.equal('ClientX');
          expect(r.text(`${INF}/host:crID`)).to.equal('ClientX');
          expect((await hostRow(t, dns1))!.superordinate).to.equal(example);
        }
      }
      const dns2 = aLabel(oteSteps(file, ['2.2.29'])[0].params.name!);
      let r = await send(x, infoXml(dns2));
      expectCode(r, 1000);
      expect(r.texts(`${INF}/host:addr`)).to.deep.equal(['192.168.0.26', '2001:db8::25']);
      expect(r.texts(`${INF}/host:addr/@ip`)).to.deep.equal(['v4', 'v6']);
      expect(r.text(`${INF}/host:upID`)).to.equal('ClientX');
      expect(r.text(`${INF}/host:upDate`)).to.match(/^\d{4}-\d\d-\d\dT/);
      // 2.2.36 + 2.3.2b: domain.tatar uses ns1/ns2.example.com and ends up with ClientY (seeded here).
      await seedDomain(t, domain, 'ClientY');
      await delegate(t, domain, 'ns1.example.com', 'ns2.example.com');
      r = await send(x, infoXml('ns1.example.com'));
      expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['ok', 'linked']);
      for (const s of oteSteps(file, OTE_DELETES)) await runStep(x, s, toForm);
      // Clean-up (the other runs create the same names): once unlinked, the hosts can be deleted.
      await undelegate(t, domain);
      for (const h of ['ns1.example.com', 'ns2.example.com']) expectCode(await send(x, deleteXml(h)), 1000);
      for (const h of ['ns1.example.com', dns2]) expectCode(await send(x, infoXml(h)), 2303);
    });
  }

  it('reads .ДЕТИ names in U-label and A-label form as the same host', async () => {
    await seedDomain(t, 'xn--e1afmkfd.xn--d1acj3b');
    expectCode(await send(x, createXml('нс7.пример.дети', '192.0.2.7')), 1000);
    const a = aLabel('нс7.пример.дети');
    expect(a).to.match(/^xn--7-[a-z0-9]+\.xn--e1afmkfd\.xn--d1acj3b$/);
    let r = await send(x, infoXml(a));
    expectCode(r, 1000);
    expect(r.text(`${INF}/host:name`)).to.equal(a);
    r = await send(x, infoXml('НС7.Пример.Дети'));
    expect(r.text(`${INF}/host:name`)).to.equal(a);
    expect(checkAnswers(await send(x, checkXml(a, 'нс7.пример.дети')))).to.deep.equal([
      [a, '0', 'In use'],
      [a, '0', 'In use'],
    ]);
    expectCode(await send(x, createXml(a)), 2302);
    expect(aLabel('днс1.пример.дети')).to.equal('xn--1-gtb1aq.xn--e1afmkfd.xn--d1acj3b');
  });

  // ---------------------------------------------------------------- check

  it('checks several names by existence: avail 1, or 0 with a reason (in use, invalid); an unregistered parent is create’s business', async () => {
    expectCode(await send(x, createXml('ns.check-used.example.net')), 1000);
    const r = await send(
      x,
      checkXml('ns.check-used.example.net', 'NS.Check-Free.Example.NET', 'bad_name.example.net', 'ns1.nowhere.tatar', 'ns1.mine.tatar', 'ns.check-used.example.net'),
    );
    expectCode(r, 1000);
    expect(checkAnswers(r)).to.deep.equal([
      ['ns.check-used.example.net', '0', 'In use'],
      ['ns.check-free.example.net', '1', undefined],
      ['bad_name.example.net', '0', 'Invalid characters in a label'],
      ['ns1.nowhere.tatar', '1', undefined],
      ['ns1.mine.tatar', '1', undefined],
      ['ns.check-used.example.net', '0', 'In use'],
    ]);
    // avail="1" says no host object has the name; whether it can be created under that parent is create's answer.
    const r2 = await send(x, createXml('ns1.nowhere.tatar'));
    expectCode(r2, 2303);
    expect(r2.text(VALUE_NAME)).to.equal('ns1.nowhere.tatar');
    expectCode(await send(x, createXml('ns1.theirs.tatar', '185.10.10.1')), 2201);
    expect(checkAnswers(await send(x, checkXml('ns1.theirs.tatar')))).to.deep.equal([['ns1.theirs.tatar', '1', undefined]]);
  });

  // ---------------------------------------------------------------- create: names

  it('creates external hosts under any TLD, served elsewhere or nowhere, stored as lower-case A-labels', async () => {
    for (const [input, stored] of [
      ['ns1.example.zz--main-1234', 'ns1.example.zz--main-1234'],
      ['ns1.nic.icann', 'ns1.nic.icann'],
      ['test---validate.example.com', 'test---validate.example.com'],
      ['NS1.Upper.Example.NET', 'ns1.upper.example.net'],
      ['нс.пример.рф', aLabel('нс.пример.рф')],
      ['ns1.example.com.', 'ns1.example.com'],
    ]) {
      const r = await send(x, createXml(input));
      expectCode(r, 1000);
      expect(r.text('//host:creData/host:name')).to.equal(stored);
      expect(r.text('//host:creData/host:crDate')).to.match(/^\d{4}-\d\d-\d\dT/);
      expect((await hostRow(t, stored))!.superordinate).to.equal(null);
      expectCode(await send(x, deleteXml(stored)), 1000);
    }
  });

  it('refuses invalid host names with 2005, the reason and the name in value', async () => {
    const long63 = 'a'.repeat(64);
    // 254 characters: over DNS's 253, within the schema's 255.
    const long253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;
    for (const input of [
      `${long63}.example.com`,
      long253,
      'ab--cd.example.com',
      'xn--bogus-.example.com',
      'xn--zzzz.example.com',
      'under_score.example.com',
      '-lead.example.com',
      'trail-.example.com',
      'single',
      'a..b.example.com',
    ]) {
      const r = await send(x, createXml(input));
      expect(r.code, input).to.equal(2005);
      expect(r.text(VALUE_NAME), input).to.equal(input);
      expect(r.msg, input).to.match(/Invalid host name/);
    }
  });

  it('refuses to create an existing host (2302)', async () => {
    expectCode(await send(x, createXml('ns.dup.example.org')), 1000);
    let r = await send(x, createXml('NS.DUP.example.org'));
    expectCode(r, 2302);
    expect(r.text(VALUE_NAME)).to.equal('NS.DUP.example.org');
    r = await send(y, createXml('ns.dup.example.org'));
    expectCode(r, 2302);
  });

  // ---------------------------------------------------------------- create: internal hosts and addresses

  it('creates internal hosts under a domain of the registrar, with or without addresses under optional glue', async () => {
    let r = await send(x, createXml('ns1.mine.tatar'));
    expectCode(r, 1000);
    expect((await hostRow(t, 'ns1.mine.tatar'))!.superordinate).to.equal('mine.tatar');
    r = await send(x, createXml('a.b.mine.tatar', '192.0.2.1', '2001:DB8:0:0:0:0:0:1'));
    expectCode(r, 1000);
    expect((await hostRow(t, 'a.b.mine.tatar'))!.superordinate).to.equal('mine.tatar');
    r = await send(x, infoXml('a.b.mine.tatar'));
    expect(r.texts(`${INF}/host:addr`)).to.deep.equal(['192.0.2.1', '2001:db8::1']);
    // The same address on several hosts is fine.
    expectCode(await send(x, createXml('ns2.mine.tatar', '192.0.2.1')), 1000);
    // A host may be named like its domain (the apex).
    expectCode(await send(x, createXml('second.tatar', '192.0.2.2')), 1000);
    expect((await hostRow(t, 'second.tatar'))!.superordinate).to.equal('second.tatar');
  });

  it('refuses internal hosts whose domain is missing (2303), another registrar’s (2201) or being deleted (2304)', async () => {
    let r = await send(x, createXml('ns1.nowhere.tatar'));
    expectCode(r, 2303);
    expect(r.text(VALUE_NAME)).to.equal('ns1.nowhere.tatar');
    r = await send(x, createXml('ns1.theirs.tatar', '192.0.2.3'));
    expectCode(r, 2201);
    expect(r.text(VALUE_NAME)).to.equal('ns1.theirs.tatar');
    expectCode(await send(y, createXml('ns1.theirs.tatar', '192.0.2.3')), 1000);
    expectCode(await send(y, createXml('ns9.mine.tatar')), 2201);
    expectCode(await send(x, createXml('ns1.going.tatar')), 2304);
    // A name under a served TLD whose only candidate is the TLD itself.
    expectCode(await send(x, createXml('ns1.xn--d1acj3b')), 2303);
  });

  it('requires glue (2003) when the TLD policy says so', async () => {
    let r = await send(x, createXml('ns1.glued.glue'));
    expectCode(r, 2003);
    expect(r.text(VALUE_NAME)).to.equal('ns1.glued.glue');
    expectCode(await send(x, createXml('ns1.glued.glue', '192.0.2.10')), 1000);
  });

  it('refuses addresses on external hosts (2306), malformed or mismatched addresses (2005), addresses listed twice (2306)', async () => {
    let r = await send(x, createXml('ns.ext-addr.example.com', '192.0.2.1'));
    expectCode(r, 2306);
    expect(r.text(VALUE_ADDR)).to.equal('192.0.2.1');
    for (const a of [['v4', '300.1.1.1'], ['v4', '1.2.3'], ['v6', 'gggg::1'], ['v6', '192.0.2.1'], ['v4', '2001:db8::1'], ['v6', 'fe80::1%eth0']] as Array<[string, string]>) {
      r = await send(x, createXml('ns.bad-addr.mine.tatar', a));
      expect(r.code, a.join(' ')).to.equal(2005);
      expect(r.text(VALUE_ADDR)).to.equal(a[1]);
      expect(r.text(`${VALUE_ADDR}/@ip`)).to.equal(a[0]);
    }
    // The ip attribute defaults to v4.
    r = await send(x, command(`<create><host:create ${HOST}><host:name>ns.default-ip.mine.tatar</host:name><host:addr>2001:db8::5</host:addr></host:create></create>`));
    expectCode(r, 2005);
    r = await send(x, createXml('ns.twice.mine.tatar', '2001:db8::9', '2001:DB8:0::9'));
    expectCode(r, 2306);
    expect(r.msg).to.match(/listed twice/);
  });

  it('always refuses loopback and unspecified addresses (2306); private ranges only under refusePrivateAddresses', async () => {
    // ('::' itself is shorter than the schema's 3 characters: 2001.)
    for (const a of ['127.0.0.1', '127.1.2.3', '0.0.0.0', '0::', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      const r = await send(x, createXml('ns.loop.mine.tatar', a));
      expect(r.code, a).to.equal(2306);
      expect(r.text(VALUE_ADDR)).to.be.a('string');
    }
    expectCode(await send(x, createXml('ns.private.mine.tatar', '10.0.0.1', '192.168.0.25', 'fd00::1', '2001:db8::25')), 1000);
    for (const a of ['10.0.0.1', '192.168.0.25', '2001:db8::25', 'fe80::1', '224.0.0.1']) {
      const r = await send(x, createXml('ns.private.strict1.strict', a));
      expect(r.code, a).to.equal(2306);
    }
    expectCode(await send(x, createXml('ns.public.strict1.strict', '193.232.128.6', '2001:4860:4860::8888')), 1000);
  });

  // ---------------------------------------------------------------- info

  it('answers info to every registrar (hosts have no authInfo); 2303 unknown, 2005 impossible name', async () => {
    expectCode(await send(x, createXml('ns.info.mine.tatar', '192.0.2.44')), 1000);
    for (const c of [x, y]) {
      const r = await send(c, infoXml('ns.info.mine.tatar'));
      expectCode(r, 1000);
      expect(r.text(`${INF}/host:name`)).to.equal('ns.info.mine.tatar');
      expect(r.text(`${INF}/host:roid`)).to.equal((await hostRow(t, 'ns.info.mine.tatar'))!.roid);
      expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['ok']);
      expect(r.texts(`${INF}/host:addr`)).to.deep.equal(['192.0.2.44']);
      expect(r.text(`${INF}/host:clID`)).to.equal('ClientX');
      expect(r.count(`${INF}/host:upID`)).to.equal(0);
      expect(r.count(`${INF}/host:trDate`)).to.equal(0);
    }
    let r = await send(x, infoXml('ns.unknown.example.com'));
    expectCode(r, 2303);
    expect(r.text(VALUE_NAME)).to.equal('ns.unknown.example.com');
    r = await send(x, infoXml('bad_name.example.com'));
    expectCode(r, 2005);
  });

  // ---------------------------------------------------------------- update: statuses

  it('adds and removes client statuses; refuses others, duplicates and absent ones (2306)', async () => {
    const h = 'ns.status.example.com';
    expectCode(await send(x, createXml(h)), 1000);
    expectCode(await send(x, updateXml(h, { add: { status: ['clientDeleteProhibited'] } })), 1000);
    let r = await send(x, infoXml(h));
    expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['clientDeleteProhibited']);
    r = await send(x, updateXml(h, { add: { status: ['clientDeleteProhibited'] } }));
    expectCode(r, 2306);
    expect(r.text('//e:result/e:value/host:status/@s')).to.equal('clientDeleteProhibited');
    expectCode(await send(x, updateXml(h, { rem: { status: ['clientUpdateProhibited'] } })), 2306);
    for (const s of ['ok', 'linked', 'serverUpdateProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer']) {
      r = await send(x, updateXml(h, { add: { status: [s] } }));
      expect(r.code, s).to.equal(2306);
      expect(r.text('//e:result/e:value/host:status/@s')).to.equal(s);
    }
    // clientHold is a domain status: the host schema does not know it.
    expectCode(await send(x, updateXml(h, { add: { status: ['clientHold'] } })), 2001);
    // clientDeleteProhibited blocks a delete; so does serverDeleteProhibited.
    expectCode(await send(x, deleteXml(h)), 2304);
    expectCode(await send(x, updateXml(h, { rem: { status: ['clientDeleteProhibited'] } })), 1000);
    r = await send(x, infoXml(h));
    expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['ok']);
    await setHostStatuses(t, h, ['serverDeleteProhibited']);
    expectCode(await send(x, deleteXml(h)), 2304);
    await setHostStatuses(t, h, []);
    expectCode(await send(x, deleteXml(h)), 1000);
  });

  it('refuses every update under clientUpdateProhibited but the one removing it; nothing under serverUpdateProhibited (2304)', async () => {
    const h = 'ns.locked.mine.tatar';
    expectCode(await send(x, createXml(h, '192.0.2.50')), 1000);
    expectCode(await send(x, updateXml(h, { add: { status: ['clientUpdateProhibited'] } })), 1000);
    expectCode(await send(x, updateXml(h, { add: { addrs: ['192.0.2.51'] } })), 2304);
    expectCode(await send(x, updateXml(h, { add: { status: ['clientDeleteProhibited'] } })), 2304);
    expectCode(await send(x, updateXml(h, { chg: 'ns.renamed-locked.mine.tatar' })), 2304);
    expectCode(await send(x, updateXml(h, { rem: { status: ['clientUpdateProhibited'], addrs: ['192.0.2.50'] } })), 2304);
    await setHostStatuses(t, h, ['clientUpdateProhibited', 'serverUpdateProhibited']);
    expectCode(await send(x, updateXml(h, { rem: { status: ['clientUpdateProhibited'] } })), 2304);
    await setHostStatuses(t, h, ['clientUpdateProhibited']);
    expectCode(await send(x, updateXml(h, { rem: { status: ['clientUpdateProhibited'] } })), 1000);
    expectCode(await send(x, updateXml(h, { add: { addrs: ['192.0.2.51'] } })), 1000);
    await setHostStatuses(t, h, ['pendingDelete']);
    expectCode(await send(x, updateXml(h, { add: { addrs: ['192.0.2.52'] } })), 2304);
    expectCode(await send(x, deleteXml(h)), 2304);
    await setHostStatuses(t, h, []);
  });

  it('refuses an update that changes nothing (2003) and extensions on host commands (2102)', async () => {
    expectCode(await send(x, createXml('ns.empty.example.com')), 1000);
    expectCode(await send(x, updateXml('ns.empty.example.com')), 2003);
    expectCode(await send(x, updateXml('ns.empty.example.com', { add: {} })), 2003);
    const ext =
      '<extension><secDNS:create xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"><secDNS:dsData><secDNS:keyTag>1</secDNS:keyTag><secDNS:alg>8</secDNS:alg><secDNS:digestType>2</secDNS:digestType><secDNS:digest>AA</secDNS:digest></secDNS:dsData></secDNS:create></extension>';
    const r = await send(x, command(`<create><host:create ${HOST}><host:name>ns.ext.example.com</host:name></host:create></create>${ext}`));
    expectCode(r, 2102);
  });

  // ---------------------------------------------------------------- update: addresses

  it('adds and removes addresses; 2306 for one already there or not there, on an external host, or out of range', async () => {
    const h = 'ns.addrs.mine.tatar';
    expectCode(await send(x, createXml(h, '192.0.2.60', '2001:db8::60')), 1000);
    expectCode(await send(x, updateXml(h, { add: { addrs: ['192.0.2.61', '2001:db8::61'] }, rem: { addrs: ['2001:DB8:0:0::60'] } })), 1000);
    let r = await send(x, infoXml(h));
    expect(r.texts(`${INF}/host:addr`)).to.deep.equal(['192.0.2.60', '192.0.2.61', '2001:db8::61']);
    r = await send(x, updateXml(h, { add: { addrs: ['2001:0db8::61'] } }));
    expectCode(r, 2306);
    expect(r.text(VALUE_ADDR)).to.equal('2001:db8::61');
    r = await send(x, updateXml(h, { rem: { addrs: ['192.0.2.99'] } }));
    expectCode(r, 2306);
    expect(r.text(VALUE_ADDR)).to.equal('192.0.2.99');
    expectCode(await send(x, updateXml(h, { add: { addrs: ['127.0.0.1'] } })), 2306);
    expectCode(await send(x, updateXml(h, { add: { addrs: [['v6', '192.0.2.70']] } })), 2005);
    // Removing and adding the same address in one update: removals go first.
    expectCode(await send(x, updateXml(h, { rem: { addrs: ['192.0.2.60'] }, add: { addrs: ['192.0.2.60'] } })), 1000);
    // An external host takes no addresses.
    expectCode(await send(x, createXml('ns.addrs.example.com')), 1000);
    r = await send(x, updateXml('ns.addrs.example.com', { add: { addrs: ['192.0.2.62'] } }));
    expectCode(r, 2306);
    expect(r.text(VALUE_ADDR)).to.equal('192.0.2.62');
    // Under refusePrivateAddresses the added addresses are checked.
    expectCode(await send(x, createXml('ns.addrs.strict1.strict', '193.232.128.6')), 1000);
    expectCode(await send(x, updateXml('ns.addrs.strict1.strict', { add: { addrs: ['10.1.1.1'] } })), 2306);
    expectCode(await send(x, updateXml('ns.addrs.strict1.strict', { add: { addrs: ['193.232.128.7'] } })), 1000);
  });

  it('keeps an address on a linked internal host (2305) and on hosts under required glue (2306)', async () => {
    expectCode(await send(x, createXml('ns.keep.mine.tatar', '192.0.2.80')), 1000);
    await seedDomain(t, 'user-of-keep.tatar', 'ClientY');
    await delegate(t, 'user-of-keep.tatar', 'ns.keep.mine.tatar');
    let r = await send(x, infoXml('ns.keep.mine.tatar'));
    expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['ok', 'linked']);
    r = await send(x, updateXml('ns.keep.mine.tatar', { rem: { addrs: ['192.0.2.80'] } }));
    expectCode(r, 2305);
    expectCode(await send(x, updateXml('ns.keep.mine.tatar', { rem: { addrs: ['192.0.2.80'] }, add: { addrs: ['192.0.2.81'] } })), 1000);
    // A status change of a linked host is fine.
    expectCode(await send(x, updateXml('ns.keep.mine.tatar', { add: { status: ['clientDeleteProhibited'] } })), 1000);
    r = await send(x, infoXml('ns.keep.mine.tatar'));
    expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['clientDeleteProhibited', 'linked']);

    expectCode(await send(x, createXml('ns2.glued.glue', '192.0.2.82')), 1000);
    expectCode(await send(x, updateXml('ns2.glued.glue', { rem: { addrs: ['192.0.2.82'] } })), 2306);
    expectCode(await send(x, updateXml('ns2.glued.glue', { rem: { addrs: ['192.0.2.82'] }, add: { addrs: ['2001:db8::82'] } })), 1000);
  });

  // ---------------------------------------------------------------- update: rename

  it('renames a host: 2302 to an existing name or its own, 2303/2201/2304 into a domain it may not be under', async () => {
    const h = 'ns.rename.mine.tatar';
    expectCode(await send(x, createXml(h, '192.0.2.90')), 1000);
    expectCode(await send(x, createXml('ns.taken.mine.tatar')), 1000);
    let r = await send(x, updateXml(h, { chg: 'NS.Taken.mine.tatar' }));
    expectCode(r, 2302);
    expect(r.text(VALUE_NAME)).to.equal('NS.Taken.mine.tatar');
    expectCode(await send(x, updateXml(h, { chg: h })), 2302);
    r = await send(x, updateXml(h, { chg: 'ns.rename.nowhere.tatar' }));
    expectCode(r, 2303);
    expect(r.text(VALUE_NAME)).to.equal('ns.rename.nowhere.tatar');
    expectCode(await send(x, updateXml(h, { chg: 'ns.rename.theirs.tatar' })), 2201);
    expectCode(await send(x, updateXml(h, { chg: 'ns.rename.going.tatar' })), 2304);
    expectCode(await send(x, updateXml(h, { chg: 'bad_name.mine.tatar' })), 2005);
    // Into another domain of the same registrar: the superordinate domain follows.
    expectCode(await send(x, updateXml(h, { chg: 'ns.rename.second.tatar' })), 1000);
    expect(await hostRow(t, h)).to.equal(undefined);
    expect((await hostRow(t, 'ns.rename.second.tatar'))!.superordinate).to.equal('second.tatar');
    r = await send(x, infoXml('ns.rename.second.tatar'));
    expect(r.texts(`${INF}/host:addr`)).to.deep.equal(['192.0.2.90']);
    // The old name is free again.
    expectCode(await send(x, createXml(h)), 1000);
  });

  it('renames internal ↔ external: an external host keeps no addresses (2306 unless the update removes them)', async () => {
    const h = 'ns.out.mine.tatar';
    expectCode(await send(x, createXml(h, '192.0.2.100', '2001:db8::100')), 1000);
    let r = await send(x, updateXml(h, { chg: 'ns.out.example.net' }));
    expectCode(r, 2306);
    expect(r.msg).to.match(/remove them/);
    expectCode(await send(x, updateXml(h, { chg: 'ns.out.example.net', rem: { addrs: ['192.0.2.100'] } })), 2306);
    expectCode(await send(x, updateXml(h, { chg: 'ns.out.example.net', rem: { addrs: ['192.0.2.100', '2001:db8::100'] } })), 1000);
    expect((await hostRow(t, 'ns.out.example.net'))!.superordinate).to.equal(null);
    r = await send(x, infoXml('ns.out.example.net'));
    expect(r.count(`${INF}/host:addr`)).to.equal(0);
    // external → internal, with or without addresses under optional glue; with them under required glue.
    expectCode(await send(x, updateXml('ns.out.example.net', { chg: 'ns.in.mine.tatar' })), 1000);
    expect((await hostRow(t, 'ns.in.mine.tatar'))!.superordinate).to.equal('mine.tatar');
    expectCode(await send(x, updateXml('ns.in.mine.tatar', { chg: 'ns.in.example.net' })), 1000);
    r = await send(x, updateXml('ns.in.example.net', { chg: 'ns.in.glued.glue' }));
    expectCode(r, 2003);
    expectCode(await send(x, updateXml('ns.in.example.net', { chg: 'ns.in.glued.glue', add: { addrs: ['192.0.2.101'] } })), 1000);
    expect((await hostRow(t, 'ns.in.glued.glue'))!.superordinate).to.equal('glued.glue');
    // Moving into a TLD that refuses private ranges checks every address the host keeps.
    expectCode(await send(x, updateXml('ns.in.glued.glue', { add: { addrs: ['10.0.0.101'] } })), 1000);
    expectCode(await send(x, updateXml('ns.in.glued.glue', { chg: 'ns.in.strict1.strict' })), 2306);
  });

  it('refuses to rename an external host that other registrars’ domains use (2305); its own domains do not block it', async () => {
    expectCode(await send(x, createXml('ns.shared.example.net')), 1000);
    await seedDomain(t, 'own-user.tatar', 'ClientX');
    await delegate(t, 'own-user.tatar', 'ns.shared.example.net');
    expectCode(await send(x, updateXml('ns.shared.example.net', { chg: 'ns.shared2.example.net' })), 1000);
    await seedDomain(t, 'other-user.tatar', 'ClientY');
    await delegate(t, 'other-user.tatar', 'ns.shared2.example.net');
    const r = await send(x, updateXml('ns.shared2.example.net', { chg: 'ns.shared3.example.net' }));
    expectCode(r, 2305);
    expect(r.text(VALUE_NAME)).to.equal('ns.shared2.example.net');
    // A linked external host becoming internal needs addresses for its delegations.
    expectCode(await send(x, updateXml('ns.shared2.example.net', { chg: 'ns.shared.mine.tatar' })), 2305);
    // A linked internal host may be renamed: its delegations follow it.
    expectCode(await send(x, createXml('ns.follow.mine.tatar', '192.0.2.110')), 1000);
    await delegate(t, 'other-user.tatar', 'ns.follow.mine.tatar');
    expectCode(await send(x, updateXml('ns.follow.mine.tatar', { chg: 'ns.followed.mine.tatar' })), 1000);
    expect(await seed.nameservers(t, 'other-user.tatar')).to.deep.equal(['ns.followed.mine.tatar', 'ns.shared2.example.net']);
  });

  // ---------------------------------------------------------------- delete

  it('deletes an unlinked host (its name free again, a new roid); 2305 linked, 2303 unknown, 2005 impossible', async () => {
    const h = 'ns.del.mine.tatar';
    expectCode(await send(x, createXml(h, '192.0.2.120')), 1000);
    const roid = (await hostRow(t, h))!.roid;
    await seedDomain(t, 'del-user.tatar', 'ClientX');
    await delegate(t, 'del-user.tatar', h);
    let r = await send(x, deleteXml(h));
    expectCode(r, 2305);
    expect(r.text(VALUE_NAME)).to.equal(h);
    await undelegate(t, 'del-user.tatar');
    expectCode(await send(x, deleteXml(h)), 1000);
    expectCode(await send(x, infoXml(h)), 2303);
    // No address row outlives its host (ON DELETE CASCADE).
    expect(await seed.sqlRows(t, 'SELECT COUNT(*) AS n FROM host_addresses a WHERE NOT EXISTS (SELECT 1 FROM hosts h WHERE h.id = a.host_id)')).to.deep.equal([{ n: 0 }]);
    expectCode(await send(x, createXml(h)), 1000);
    expect((await hostRow(t, h))!.roid).to.not.equal(roid);
    r = await send(x, deleteXml('ns.never.example.com'));
    expectCode(r, 2303);
    expect(r.text(VALUE_NAME)).to.equal('ns.never.example.com');
    expectCode(await send(x, deleteXml('-bad.example.com')), 2005);
  });

  // ---------------------------------------------------------------- authorization

  it('lets only the sponsor update or delete a host (2201); any registrar may check and query it', async () => {
    const h = 'ns.authz.mine.tatar';
    expectCode(await send(x, createXml(h, '192.0.2.130')), 1000);
    let r = await send(y, updateXml(h, { add: { addrs: ['192.0.2.131'] } }));
    expectCode(r, 2201);
    expect(r.text(VALUE_NAME)).to.equal(h);
    expectCode(await send(y, updateXml(h, { add: { status: ['clientDeleteProhibited'] } })), 2201);
    expectCode(await send(y, updateXml(h, { chg: 'ns.stolen.example.net' })), 2201);
    expectCode(await send(y, deleteXml(h)), 2201);
    r = await send(y, infoXml(h));
    expectCode(r, 1000);
    expect(r.text(`${INF}/host:clID`)).to.equal('ClientX');
    expect(checkAnswers(await send(y, checkXml(h)))).to.deep.equal([[h, '0', 'In use']]);
    // Unchanged by the refused commands.
    r = await send(x, infoXml(h));
    expect(r.texts(`${INF}/host:addr`)).to.deep.equal(['192.0.2.130']);
    expect(r.texts(`${INF}/host:status/@s`)).to.deep.equal(['ok']);
    expect(r.count(`${INF}/host:upID`)).to.equal(0);
  });
});
