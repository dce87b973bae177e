import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requests } from '../src/client/requests.js';
import { changeServerStatuses } from '../src/registry/operator.js';
import { checkZoneForTld, resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { publishZone, zoneFile } from '../src/zone/publish.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { command, startTestRegistry, type TestRegistry } from './helpers.js';
import { startKnot, requireDnsTools, type Knot, type Rr } from './knot.js';
import { domainCreate, domainDelete, domainRestore, domainUpdate, scenario, type Request, type Scenario } from './scenario.js';
import { seedContact } from './seed.js';

/**
 * The zone as a DNS server serves it: domains are created and changed over EPP, the zone is written
 * (`publishZone`, what `registry zone write` runs), Knot DNS loads it, and the tests ask Knot, the way a
 * resolver would, whether and how each domain is delegated. Every written file also passes BIND's
 * named-checkzone and Knot's own semantic checks.
 */

const TLD = 'zonetest';
/** испытание: an IDN TLD whose registrars send keyData; the registry computes the DS. */
const IDN_TLD = 'xn--80akhbyknj4f';
/** A TLD added with no zone settings at all: the development defaults must make a zone Knot loads. */
const PLAIN_TLD = 'plainzone';
/** A TLD of the hostAttr model: name servers are attributes of the domain, with their addresses. */
const ATTR_TLD = 'attrzone';

const ZONE_SETTINGS: TldPolicyInput['zone'] = {
  ttl: 7200,
  nameservers: [{ name: 'a.nic.zonetest', addresses: ['192.0.2.1', '2001:db8::1'] }, { name: 'ns.dns-operator.example' }],
  soa: { mname: 'a.nic.zonetest', rname: 'dns.admin@nic.zonetest', refresh: 3600, retry: 600, expire: 2_419_200, minimum: 900 },
};
const NO_CONTACTS = { requiredContacts: { admin: 0, tech: 0, billing: 0 } } as const;

const hostCreate = (name: string, addrs: string[] = []): Request => ({
  label: `host:create ${name}`,
  xml: (id) => requests.hostCreate(id, { name, addrs: addrs.map((a) => ({ ip: a.includes(':') ? ('v6' as const) : ('v4' as const), addr: a })) }),
});

/** A real DNSKEY (ECDSA P-256, algorithm 13): the public point x‖y in base64 (RFC 6605 §4). */
function ecdsaKey(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('base64');
}

const names = (rrs: Rr[], type: string) => rrs.filter((r) => r.type === type);

describe('zone publication: the TLD zone served by Knot DNS', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let s: Scenario;
  let knot: Knot;
  const serials: Record<string, number[]> = {};
  const uniq = Date.now().toString(36);
  const alpha = `alpha-${uniq}.${TLD}`;
  const beta = `beta-${uniq}.${TLD}`;
  const glueHost = `ns1.${alpha}`;
  const unusedHost = `ns2.${alpha}`;
  const external = `ns.dns-provider-${uniq}.example`;
  const DIGEST = 'E8E6FA107705CB9BCD30FAFA23D447C14AC62DF26AC958B0DCB5BA4D8F63A13F';

  /** Writes the zone, checks it with named-checkzone, has Knot load it and run its own checks. */
  async function publish(tld: string): Promise<string> {
    const r = await publishZone(t.registry.store, { database: t.config.database, tld, out: zoneFile(t.config.zone.dir, tld), now: t.clock.now().getTime() });
    (serials[tld] ??= []).push(r.serial);
    const check = spawnSync('named-checkzone', ['-i', 'local', '-k', 'fail', '-n', 'fail', tld, r.file], { encoding: 'utf8' });
    expect(check.status, `named-checkzone ${tld}:\n${check.stdout}${check.stderr}`).to.equal(0);
    expect(check.stdout).to.match(new RegExp(`loaded serial ${r.serial}\\b`));
    if (knot) {
      await knot.reload(tld, r.serial);
      const kc = knot.zoneCheck(tld);
      expect(kc.ok, `knotc zone-check ${tld}:\n${kc.output}`).to.equal(true);
    }
    return readFileSync(r.file, 'utf8');
  }

  /** The referral Knot gives for `name`: its NS targets and the glue of the additional section. */
  async function referral(name: string) {
    const r = await knot.query(name, 'NS');
    return {
      rcode: r.rcode,
      authoritative: r.aa,
      ns: names(r.authorities, 'NS').map((a) => `${a.name} ${a.data}`).sort(),
      glue: r.additionals.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => `${a.name} ${a.type} ${a.data}`).sort(),
    };
  }

  const delegated = async (name: string) => (await referral(name)).ns.length > 0;

  before(async function () {
    requireDnsTools(this);
    t = await startTestRegistry();
    const add = (name: string, policy: TldPolicyInput) => t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
    await add(TLD, { ...NO_CONTACTS, zone: ZONE_SETTINGS });
    await add(IDN_TLD, { ...NO_CONTACTS, idnScripts: ['Cyrillic'], dnssec: { interface: 'keyData', allowedFlags: [257], maxRecords: 4, acceptMaxSigLife: false }, zone: { dsDigestTypes: [2, 4] } });
    await add(PLAIN_TLD, {});
    await add(ATTR_TLD, { ...NO_CONTACTS, hostModel: 'hostAttr' });
    await seedContact(t, `ZC-${uniq}`.slice(0, 16));
    s = scenario(t);
    for (const tld of [TLD, IDN_TLD, PLAIN_TLD, ATTR_TLD]) await publish(tld);
    knot = await startKnot([TLD, IDN_TLD, PLAIN_TLD, ATTR_TLD].map((tld) => ({ tld, file: zoneFile(t.config.zone.dir, tld) })));
  });
  after(async () => {
    await knot?.stop();
    await s?.close();
    await t?.close();
  });

  it('serves the apex from the policy: SOA timers and contact, NS with their glue, the TTL; a TLD with no zone settings loads too', async () => {
    const soa = await knot.query(TLD, 'SOA');
    const rr = soa.answers.find((a) => a.type === 'SOA')!;
    expect(rr.data).to.deep.include({ mname: 'a.nic.zonetest', rname: 'dns\\.admin.nic.zonetest', refresh: 3600, retry: 600, expire: 2_419_200, minimum: 900 });
    expect(rr.ttl).to.equal(7200);
    const ns = await knot.query(TLD, 'NS');
    expect(names(ns.answers, 'NS').map((a) => a.data).sort()).to.deep.equal(['a.nic.zonetest', 'ns.dns-operator.example']);
    const a = await knot.query('a.nic.zonetest', 'AAAA');
    expect(names(a.answers, 'AAAA').map((x) => x.data)).to.deep.equal(['2001:db8::1']);
    const plain = await knot.query(PLAIN_TLD, 'SOA');
    expect(plain.rcode).to.equal('NOERROR');
    expect(names(plain.answers, 'SOA')).to.have.length(1);
  });

  it('delegates a domain created over EPP with an in-bailiwick and an external name server and a DS: exactly those NS, the glue and the DS', async () => {
    const registrant = `ZC-${uniq}`.slice(0, 16);
    await s.as('ClientX').send(domainCreate({ name: alpha, registrant, authInfo: 'zone-pw-1' })).expect(1000);
    await s.as('ClientX').send(hostCreate(glueHost, ['192.0.2.53', '2001:db8::53'])).expect(1000);
    await s.as('ClientX').send(hostCreate(unusedHost, ['192.0.2.54'])).expect(1000);
    await s.as('ClientX').send(hostCreate(external)).expect(1000);
    await s
      .as('ClientX')
      .send(domainCreate({ name: beta, registrant, authInfo: 'zone-pw-1', ns: [glueHost, external], secDNS: { dsData: [{ keyTag: 12345, alg: 13, digestType: 2, digest: DIGEST }] } }))
      .expect(1000);
    const zone = await publish(TLD);

    const r = await referral(beta);
    expect(r.rcode).to.equal('NOERROR');
    expect(r.authoritative, 'a referral, not an authoritative answer').to.equal(false);
    expect(r.ns).to.deep.equal([`${beta} ${external}`, `${beta} ${glueHost}`].sort());
    expect(r.glue).to.deep.equal([`${glueHost} A 192.0.2.53`, `${glueHost} AAAA 2001:db8::53`]);
    const ds = await knot.query(beta, 'DS');
    expect(names(ds.answers, 'DS').map((a) => [a.data.keyTag, a.data.algorithm, a.data.digestType, (a.data.digest as Buffer).toString('hex').toUpperCase()])).to.deep.equal([
      [12345, 13, 2, DIGEST],
    ]);
    // alpha has no name servers (inactive): not delegated, but its host's glue is there for beta.
    expect(await delegated(alpha)).to.equal(false);
    // A host no delegation uses gets no glue.
    expect((await knot.query(unusedHost, 'A')).rcode).to.equal('NXDOMAIN');
    expect(zone).to.not.include(unusedHost.slice(0, -TLD.length - 1));
  });

  it('takes a domain out on clientHold and serverHold and puts it back when they go; the glue only its delegation used goes with it', async () => {
    await s.as('ClientX').send(domainUpdate({ name: beta, add: { status: ['clientHold'] } })).expect(1000);
    await publish(TLD);
    expect((await knot.query(beta, 'NS')).rcode).to.equal('NXDOMAIN');
    expect((await knot.query(glueHost, 'A')).rcode).to.equal('NXDOMAIN');
    await s.as('ClientX').send(domainUpdate({ name: beta, rem: { status: ['clientHold'] } })).expect(1000);
    await publish(TLD);
    expect(await delegated(beta)).to.equal(true);

    await t.registry.store.transaction((r) => changeServerStatuses(r, beta, ['serverHold'], [], t.clock.now(), 'ZONE-TEST-1', { who: 'test operator' }));
    await publish(TLD);
    expect(await delegated(beta)).to.equal(false);
    await t.registry.store.transaction((r) => changeServerStatuses(r, beta, [], ['serverHold'], t.clock.now(), 'ZONE-TEST-2', { who: 'test operator' }));
    await publish(TLD);
    expect((await referral(beta)).glue).to.have.length(2);
  });

  it('takes a domain out when its last name server is removed, and back when one is added', async () => {
    await s.as('ClientX').send(domainUpdate({ name: beta, rem: { ns: [glueHost, external] } })).expect(1000);
    await publish(TLD);
    expect(await delegated(beta)).to.equal(false);
    expect((await knot.query(beta, 'DS')).rcode).to.equal('NXDOMAIN');
    await s.as('ClientX').send(domainUpdate({ name: beta, add: { ns: [external] } })).expect(1000);
    await publish(TLD);
    expect((await referral(beta)).ns).to.deep.equal([`${beta} ${external}`]);
    // ns1.alpha's glue went with the last delegation that used it.
    expect((await knot.query(glueHost, 'A')).rcode).to.equal('NXDOMAIN');
    await s.as('ClientX').send(domainUpdate({ name: beta, add: { ns: [glueHost] } })).expect(1000);
    await publish(TLD);
  });

  it('takes a deleted domain out through redemption and a pending restore, and puts it back when the restore is reported', async () => {
    s.after('6d'); // past the add grace period: a delete now goes to redemption
    await s.as('ClientX').send(domainDelete(beta)).expect(1001);
    await publish(TLD);
    expect(await delegated(beta)).to.equal(false);
    await s.as('ClientX').send(domainRestore(beta)).expect(1000);
    await publish(TLD);
    expect(await delegated(beta), 'pendingRestore is still pendingDelete').to.equal(false);
    const now = t.clock.now().toISOString();
    await s
      .as('ClientX')
      .send(domainRestore(beta, { preData: 'before', postData: 'after', delTime: now, resTime: now, resReason: 'Registrant error', statements: ['one statement', 'another statement'] }))
      .expect(1000);
    await publish(TLD);
    const r = await referral(beta);
    expect(r.ns).to.have.length(2);
    expect(r.glue).to.have.length(2);
  });

  it('computes DS records from keyData with the digest types of the policy (cross-checked with dnssec-dsfromkey), for an IDN written as A-labels', async () => {
    const pubKey = ecdsaKey();
    // One script per label: the run's unique suffix spelled in Cyrillic letters.
    const uname = `проверка${[...uniq].map((c) => 'абвгдежзиклмнопрстуфхцчшщэюя'[parseInt(c, 36) % 28]).join('')}.испытание`;
    const createXml = command(
      `<create><domain:create xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>${uname}</domain:name><domain:ns><domain:hostObj>${external}</domain:hostObj></domain:ns><domain:registrant>${`ZC-${uniq}`.slice(0, 16)}</domain:registrant><domain:authInfo><domain:pw>zone-pw-2</domain:pw></domain:authInfo></domain:create></create>` +
        `<extension><secDNS:create xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"><secDNS:keyData><secDNS:flags>257</secDNS:flags><secDNS:protocol>3</secDNS:protocol><secDNS:alg>13</secDNS:alg><secDNS:pubKey>${pubKey}</secDNS:pubKey></secDNS:keyData></secDNS:create></extension>`,
    );
    const cr = await s.as('ClientX').send(createXml).expect(1000);
    const aname = cr.text('//domain:creData/domain:name')!;
    expect(aname).to.match(/^xn--[a-z0-9-]+\.xn--80akhbyknj4f$/);
    const zone = await publish(IDN_TLD);
    expect(zone).to.not.match(/[^\x00-\x7f]/); // A-labels only

    // BIND's own computation of the DS of the same DNSKEY, for SHA-256 and SHA-384.
    const dir = mkdtempSync(join(tmpdir(), 'dsfromkey-'));
    const keyFile = join(dir, 'key.db');
    writeFileSync(keyFile, `${aname}. 3600 IN DNSKEY 257 3 13 ${pubKey}\n`);
    const expected = ['-2', '-a SHA-384'].map((alg) => {
      const r = spawnSync('sh', ['-c', `dnssec-dsfromkey ${alg} -f '${keyFile}' ${aname}`], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      const [, , , keyTag, a, type, digest] = r.stdout.trim().split(/\s+/);
      return [Number(keyTag), Number(a), Number(type), digest.toUpperCase()];
    });
    const ds = await knot.query(aname, 'DS');
    const served = names(ds.answers, 'DS').map((a) => [a.data.keyTag, a.data.algorithm, a.data.digestType, (a.data.digest as Buffer).toString('hex').toUpperCase()]);
    expect(served).to.have.deep.members(expected);
    expect(served).to.have.length(2);
  });

  it('publishes host attributes (hostAttr model) with the glue the registrar gave for names under the domain', async () => {
    const d = `attr-${uniq}.${ATTR_TLD}`;
    const xml = command(
      `<create><domain:create xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>${d}</domain:name><domain:ns>` +
        `<domain:hostAttr><domain:hostName>ns1.${d}</domain:hostName><domain:hostAddr ip="v4">192.0.2.77</domain:hostAddr><domain:hostAddr ip="v6">2001:db8::77</domain:hostAddr></domain:hostAttr>` +
        `<domain:hostAttr><domain:hostName>${external}</domain:hostName></domain:hostAttr>` +
        `</domain:ns><domain:registrant>${`ZC-${uniq}`.slice(0, 16)}</domain:registrant><domain:authInfo><domain:pw>zone-pw-3</domain:pw></domain:authInfo></domain:create></create>`,
    );
    await s.as('ClientX').send(xml).expect(1000);
    await publish(ATTR_TLD);
    const r = await referral(d);
    expect(r.ns).to.deep.equal([`${d} ${external}`, `${d} ns1.${d}`].sort());
    expect(r.glue).to.deep.equal([`ns1.${d} A 192.0.2.77`, `ns1.${d} AAAA 2001:db8::77`]);
    await s.as('ClientX').send(domainUpdate({ name: d, add: { status: ['clientHold'] } })).expect(1000);
    await publish(ATTR_TLD);
    expect((await knot.query(`ns1.${d}`, 'A')).rcode).to.equal('NXDOMAIN');
  });

  it('gives every publication a larger serial, and writes the same zone byte for byte from the same state (but its serial and time)', async () => {
    for (const list of Object.values(serials)) {
      for (let i = 1; i < list.length; i++) expect(list[i]).to.be.greaterThan(list[i - 1]);
    }
    const strip = (z: string) => z.replace(/^; Zone of .*\n/, '').replace(/(SOA\t\S+ \S+ )\d+/, '$1N');
    const a = await publish(TLD);
    const b = await publish(TLD);
    expect(strip(a)).to.equal(strip(b));
    expect(a).to.not.equal(b);
  });

  it('is signed by Knot DNS set up as README says (automatic signing, NSEC3 opt-out): RRSIGs on the apex and the DS, and again after a change', async () => {
    const signer = await startKnot([{ tld: TLD, file: zoneFile(t.config.zone.dir, TLD) }], undefined, { signing: true });
    try {
      const soa = await signer.query(TLD, 'SOA', { dnssec: true });
      expect(soa.answers.map((a) => a.type)).to.include.members(['SOA', 'RRSIG']);
      const ds = await signer.query(beta, 'DS', { dnssec: true });
      expect(ds.answers.filter((a) => a.type === 'RRSIG').map((a) => a.data.typeCovered)).to.deep.equal(['DS']);
      // A new delegation, published and reloaded: Knot signs the difference (an unsigned delegation: NSEC3 opt-out).
      const before = (await signer.serial(TLD))!;
      await s.as('ClientX').send(domainUpdate({ name: alpha, add: { ns: [external] } })).expect(1000);
      await publish(TLD);
      const r = spawnSync('knotc', ['-c', signer.conf, 'zone-reload', TLD], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      for (let i = 0; i < 100 && (await signer.serial(TLD)) === before; i++) await new Promise((res) => setTimeout(res, 50));
      const ref = await signer.query(alpha, 'NS', { dnssec: true });
      expect(ref.authorities.filter((a) => a.type === 'NS').map((a) => a.data)).to.deep.equal([external]);
      expect(ref.authorities.map((a) => a.type)).to.include('NSEC3');
    } finally {
      await signer.stop();
    }
  });

  it('registry zone write and zone status over the CLI; a bad --tld is refused by name', () => {
    const cfg = join(t.dir, 'cli.json');
    writeFileSync(cfg, JSON.stringify({ database: t.config.database, certsDir: t.config.certsDir, zone: { dir: t.config.zone.dir } }));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'dist/src/cli/main.js'), '-c', cfg, ...args], { encoding: 'utf8' });
    const out = join(t.dir, 'cli-zone', 'zonetest.zone');
    const w = cli('zone', 'write', '--tld', TLD, '--out', out);
    expect(w.status, w.stderr).to.equal(0);
    const serial = Number(/serial (\d+)/.exec(w.stdout)![1]);
    expect(serial).to.be.greaterThan(Math.max(...serials[TLD]));
    expect(w.stdout).to.match(/: serial \d+, 2 delegations of 2 domains, 1 DS, 2 glue records, \d+ bytes in \d+ ms\n$/);
    expect(readFileSync(out, 'utf8')).to.include(`SOA\ta.nic.zonetest. dns\\.admin.nic.zonetest. ${serial} `);
    const st = cli('zone', 'status');
    expect(st.status, st.stderr).to.equal(0);
    expect(st.stdout).to.match(new RegExp(`^${TLD}\\tserial ${serial}\\t.*\\tcurrent\\t${out.replace(/[.]/g, '\\.')}$`, 'm'));
    const bad = cli('zone', 'write', '--tld', 'nosuchtld');
    expect(bad.status).to.equal(1);
    expect(bad.stderr.trim()).to.equal('registry: --tld nosuchtld: no such TLD (see registry tld list)');
  });

  it('refuses bad zone settings with a message naming the value', () => {
    const bad = (zone: unknown) => () => resolvePolicy({ zone } as TldPolicyInput);
    expect(bad({ ttl: -1 })).to.throw('zone.ttl must be an integer');
    expect(bad({ nameservers: [] })).to.throw('zone.nameservers must list 1 to 13 name servers');
    expect(bad({ nameservers: [{ name: 'bad_name.example' }] })).to.throw('zone.nameservers[0].name "bad_name.example"');
    expect(bad({ nameservers: [{ name: 'ns.example', addresses: ['300.1.1.1'] }] })).to.throw('zone.nameservers[0].addresses "300.1.1.1"');
    expect(bad({ soa: { rname: 'no-at-sign' } })).to.throw('zone.soa.rname "no-at-sign" must be a mailbox user@host');
    expect(bad({ dsDigestTypes: [3] })).to.throw('zone.dsDigestTypes must list one or more of 1, 2, 4');
    expect(bad({ colour: 'blue' })).to.throw('unknown field colour');
    expect(() => checkZoneForTld('zonetest', resolvePolicy({ zone: { nameservers: [{ name: 'a.nic.zonetest' }] } }))).to.throw('a.nic.zonetest is inside .zonetest: give its addresses');
    expect(() => checkZoneForTld('zonetest', resolvePolicy({ zone: { nameservers: [{ name: 'ns.example', addresses: ['192.0.2.1'] }] } }))).to.throw('ns.example is outside .zonetest');
  });
});
