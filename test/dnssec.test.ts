import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { dsProblem, keyProblem, normalizeDigest, normalizePubKey, type DnssecPolicy, type DsRecord, type KeyRecord } from '../src/registry/dnssec.js';
import { resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { ALL_EXT_URIS, command, send, startTestRegistry, type TestRegistry } from './helpers.js';
import { seedContact, seedHost } from './seed.js';

// ---------------------------------------------------------------- data

const SHA256 = 'E8E6FA107705CB9BCD30FAFA23D447C14AC62DF26AC958B0DCB5BA4D8F63A13F';
const SHA1 = '2BB183AF5F22588179A53B0A98631FAD1A292118';
const SHA384 = 'A'.repeat(96);
const PUBKEY = 'AwEAAbBe1LcvvcCbuV0/cI7gNRdKMkqFgYFzk84e3Kx8Qj2CIrjuFqJTev2aPWa62BAXkBg6teVus4LftmjXab8WY4U=';
const POLICY: DnssecPolicy = { interface: 'dsData', allowedFlags: [256, 257], maxRecords: 8, acceptMaxSigLife: true };

const ds = (o: Partial<DsRecord> = {}): DsRecord => ({ keyTag: 46707, alg: 8, digestType: 2, digest: SHA256, ...o });
const key = (o: Partial<KeyRecord> = {}): KeyRecord => ({ flags: 257, protocol: 3, alg: 8, pubKey: PUBKEY, ...o });

// ---------------------------------------------------------------- seeding and commands

/** ClientX's contacts SEC-C1 and SEC-C2 and its external host ns1.example.com, through the store. */
async function seed(t: TestRegistry): Promise<void> {
  for (const h of ['SEC-C1', 'SEC-C2']) await seedContact(t, h, { pw: 'pw', email: 'sec@example.qq' });
  await seedHost(t, 'ns1.example.com');
}

async function addTld(t: TestRegistry, name: string, policy: TldPolicyInput): Promise<void> {
  await t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
}

const DOM = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const SEC = 'xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"';

function keyXml(k: Partial<KeyRecord> = {}): string {
  const v = key(k);
  return `<secDNS:keyData><secDNS:flags>${v.flags}</secDNS:flags><secDNS:protocol>${v.protocol}</secDNS:protocol><secDNS:alg>${v.alg}</secDNS:alg><secDNS:pubKey>${v.pubKey}</secDNS:pubKey></secDNS:keyData>`;
}

function dsXml(d: Partial<DsRecord> = {}, withKey?: Partial<KeyRecord>): string {
  const v = ds(d);
  return `<secDNS:dsData><secDNS:keyTag>${v.keyTag}</secDNS:keyTag><secDNS:alg>${v.alg}</secDNS:alg><secDNS:digestType>${v.digestType}</secDNS:digestType><secDNS:digest>${v.digest}</secDNS:digest>${withKey ? keyXml({ alg: v.alg, ...withKey }) : ''}</secDNS:dsData>`;
}

function createXml(name: string, secDNS?: string, ns = false): string {
  return command(
    `<create><domain:create ${DOM}><domain:name>${name}</domain:name>${ns ? '<domain:ns><domain:hostObj>ns1.example.com</domain:hostObj></domain:ns>' : ''}<domain:registrant>SEC-C1</domain:registrant><domain:contact type="admin">SEC-C1</domain:contact><domain:contact type="tech">SEC-C2</domain:contact><domain:authInfo><domain:pw>pw-secdns</domain:pw></domain:authInfo></domain:create></create>${secDNS ? `<extension><secDNS:create ${SEC}>${secDNS}</secDNS:create></extension>` : ''}`,
  );
}

function updateXml(name: string, secDNS: string, domainPart = '', urgent = false): string {
  return command(
    `<update><domain:update ${DOM}><domain:name>${name}</domain:name>${domainPart}</domain:update></update><extension><secDNS:update ${SEC}${urgent ? ' urgent="true"' : ''}>${secDNS}</secDNS:update></extension>`,
  );
}

const infoXml = (name: string) => command(`<info><domain:info ${DOM}><domain:name>${name}</domain:name></domain:info></info>`);

// ---------------------------------------------------------------- tests

describe('DNSSEC rules (src/registry/dnssec.ts)', () => {
  it('accepts the usual algorithms and digest types, RSASHA1 included', () => {
    for (const alg of [5, 7, 8, 10, 13, 14, 15, 16]) expect(dsProblem(ds({ alg }), POLICY), `alg ${alg}`).to.equal(undefined);
    expect(dsProblem(ds({ digestType: 1, digest: SHA1 }), POLICY)).to.equal(undefined);
    expect(dsProblem(ds({ digestType: 4, digest: SHA384 }), POLICY)).to.equal(undefined);
        expect(dsProblem({ ...ds({ alg: 5 }), key: key({ flags: 256, alg: 5 }) }, POLICY)).to.equal(undefined);
    expect(keyProblem(key(), POLICY)).to.equal(undefined);
  });

  it('refuses unassigned algorithms (2005) and deprecated or special ones (2306), naming secDNS:alg', () => {
    expect(dsProblem(ds({ alg: 123 }), POLICY)).to.include({ code: 2005, element: 'secDNS:alg', value: '123' });
    expect(dsProblem(ds({ alg: 4 }), POLICY)?.code).to.equal(2005);
    expect(dsProblem(ds({ alg: 255 }), POLICY)?.code).to.equal(2005);
    for (const alg of [0, 1, 2, 3, 6, 12, 252, 253, 254]) expect(dsProblem(ds({ alg }), POLICY)?.code, `alg ${alg}`).to.equal(2306);
    expect(keyProblem(key({ alg: 123 }), POLICY)?.code).to.equal(2005);
  });

  it('checks digest types and lengths', () => {
    expect(dsProblem(ds({ digestType: 255 }), POLICY)).to.include({ code: 2005, element: 'secDNS:digestType' });
    expect(dsProblem(ds({ digestType: 0 }), POLICY)?.code).to.equal(2005);
    expect(dsProblem(ds({ digestType: 3 }), POLICY)).to.include({ code: 2306, element: 'secDNS:digestType' });
    expect(dsProblem(ds({ digestType: 1 }), POLICY)).to.include({ code: 2005, element: 'secDNS:digest' });
    expect(dsProblem(ds({ digestType: 2, digest: SHA1 }), POLICY)?.code).to.equal(2005);
    expect(dsProblem(ds({ digestType: 4, digest: SHA256 }), POLICY)?.code).to.equal(2005);
    expect(normalizeDigest('e8e6 fa10')).to.equal('E8E6FA10');
  });

  it('checks key tags, flags against the policy, protocol 3, base64 public keys (whitespace allowed)', () => {
    expect(dsProblem(ds({ keyTag: 65536 }), POLICY)?.code).to.equal(2005);
    expect(dsProblem(ds({ keyTag: 0 }), POLICY)).to.equal(undefined);
    expect(keyProblem(key({ flags: 256 }), POLICY)).to.equal(undefined);
    expect(keyProblem(key({ flags: 256 }), { ...POLICY, allowedFlags: [257] })).to.include({ code: 2306, element: 'secDNS:flags' });
    expect(keyProblem(key({ flags: 385 }), POLICY)?.code).to.equal(2306);
    expect(keyProblem(key({ protocol: 4 }), POLICY)).to.include({ code: 2005, element: 'secDNS:protocol' });
    expect(keyProblem(key({ pubKey: 'not base64!' }), POLICY)).to.include({ code: 2005, element: 'secDNS:pubKey' });
    expect(keyProblem(key({ pubKey: 'AwE' }), POLICY)?.code).to.equal(2005);
    expect(keyProblem(key({ pubKey: '' }), POLICY)?.code).to.equal(2005);
    expect(keyProblem(key({ pubKey: normalizePubKey('AwEAAbBe 1LcvvcCb\n uV0/cI7g NRdKMkqF') }), POLICY)).to.equal(undefined);
    // a DS and its key name the same algorithm
    expect(dsProblem({ ...ds({ alg: 8 }), key: key({ alg: 13 }) }, POLICY)?.code).to.equal(2306);
  });
});

describe('DNSSEC on domains (RFC 5910 secDNS-1.1)', () => {
  let t: TestRegistry;
  let x: EppClient;

  before(async () => {
    t = await startTestRegistry();
    await seed(t);
    await addTld(t, 'keyd', { dnssec: { interface: 'keyData', allowedFlags: [257], maxRecords: 3, acceptMaxSigLife: true } });
    await addTld(t, 'nosec', { dnssec: { interface: 'none' } });
    await addTld(t, 'nosig', { dnssec: { interface: 'dsData', allowedFlags: [257], maxRecords: 2, acceptMaxSigLife: false } });
    x = await t.login('ClientX');
  });
  after(async () => {
    await x?.close();
    await t?.close();
  });

  it('creates with DS + nested key (OT&E 2.2.33) and maxSigLife, returned by info as secDNS:infData', async () => {
    let r = await send(x, createXml('sec1.tatar', `<secDNS:maxSigLife>604800</secDNS:maxSigLife>${dsXml({ alg: 5 }, { flags: 256 })}`));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('sec1.tatar'));
    expect(r.text('//secDNS:infData/secDNS:maxSigLife')).to.equal('604800');
    expect(r.text('//secDNS:infData/secDNS:dsData/secDNS:keyTag')).to.equal('46707');
    expect(r.text('//secDNS:infData/secDNS:dsData/secDNS:digest')).to.equal(SHA256);
    expect(r.text('//secDNS:infData/secDNS:dsData/secDNS:keyData/secDNS:flags')).to.equal('256');
    expect(r.text('//secDNS:infData/secDNS:dsData/secDNS:keyData/secDNS:pubKey')).to.equal(PUBKEY);
  });

  it('stores a lower-case digest and a pubKey with whitespace normalised; omits infData without records', async () => {
    const spaced = PUBKEY.replace(/(.{16})/g, '$1 ');
    let r = await send(x, createXml('sec2.tatar', dsXml({ digest: SHA256.toLowerCase() }, { pubKey: spaced })));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('sec2.tatar'));
    expect(r.text('//secDNS:dsData/secDNS:digest')).to.equal(SHA256);
    expect(r.text('//secDNS:dsData/secDNS:keyData/secDNS:pubKey')).to.equal(PUBKEY);
    await send(x, createXml('plain.tatar'));
    expect((await send(x, infoXml('plain.tatar'))).count('//secDNS:infData')).to.equal(0);
  });

  it('refuses bad DS data with 2005/2306 naming the element', async () => {
    let r = await send(x, createXml('bad.tatar', dsXml({ alg: 123 })));
    expect(r.code).to.equal(2005);
    expect(r.text('//e:result/e:value/secDNS:alg')).to.equal('123');
    r = await send(x, createXml('bad.tatar', dsXml({ digestType: 255 })));
    expect(r.code).to.equal(2005);
    expect(r.text('//e:result/e:value/secDNS:digestType')).to.equal('255');
    r = await send(x, createXml('bad.tatar', dsXml({ digestType: 1 })));
    expect(r.code).to.equal(2005);
    expect(r.count('//e:result/e:value/secDNS:digest')).to.equal(1);
    r = await send(x, createXml('bad.tatar', dsXml({ alg: 1 })));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('bad.tatar', dsXml({}, { flags: 385 })));
    expect(r.code).to.equal(2306);
    expect(r.text('//e:result/e:value/secDNS:flags')).to.equal('385');
    r = await send(x, createXml('bad.tatar', dsXml({}, { protocol: 2 })));
    expect(r.code).to.equal(2005);
    r = await send(x, createXml('bad.tatar', dsXml() + dsXml()));
    expect(r.code).to.equal(2306);
    expect((await send(x, infoXml('bad.tatar'))).code).to.equal(2303);
  });

  it('refuses the other interface and any secDNS where the TLD offers none (2306)', async () => {
    let r = await send(x, createXml('iface.tatar', keyXml()));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('iface.keyd', dsXml()));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('iface.nosec', dsXml()));
    expect(r.code).to.equal(2306);
    expect((await send(x, createXml('iface.nosec'))).code).to.equal(1000);
    r = await send(x, updateXml('iface.nosec', '<secDNS:rem><secDNS:all>true</secDNS:all></secDNS:rem>'));
    expect(r.code).to.equal(2306);
  });

  it('works with the keyData interface: create, add, rem, info', async () => {
    let r = await send(x, createXml('k1.keyd', keyXml()));
    expect(r.code, r.xml).to.equal(1000);
    const other = PUBKEY.replace('AwEAAb', 'AwEAAc');
    r = await send(x, updateXml('k1.keyd', `<secDNS:add>${keyXml({ pubKey: other })}</secDNS:add>`));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('k1.keyd'));
    expect(r.texts('//secDNS:infData/secDNS:keyData/secDNS:pubKey')).to.deep.equal([PUBKEY, other]);
    r = await send(x, updateXml('k1.keyd', `<secDNS:rem>${keyXml()}</secDNS:rem>`));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('k1.keyd'));
    expect(r.texts('//secDNS:infData/secDNS:keyData/secDNS:pubKey')).to.deep.equal([other]);
    r = await send(x, updateXml('k1.keyd', `<secDNS:add>${keyXml({ flags: 256 })}</secDNS:add>`));
    expect(r.code).to.equal(2306);
  });

  it('updates: rem specific records, then add; rem all; duplicates, missing records and the record limit are 2306', async () => {
    await send(x, createXml('u1.tatar', dsXml({ keyTag: 1 }) + dsXml({ keyTag: 2 })));
    let r = await send(x, updateXml('u1.tatar', `<secDNS:rem>${dsXml({ keyTag: 1 })}</secDNS:rem><secDNS:add>${dsXml({ keyTag: 3 })}</secDNS:add>`));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('u1.tatar'));
    expect(r.texts('//secDNS:dsData/secDNS:keyTag')).to.deep.equal(['2', '3']);
    r = await send(x, updateXml('u1.tatar', `<secDNS:add>${dsXml({ keyTag: 2 })}</secDNS:add>`));
    expect(r.code).to.equal(2306);
    expect(r.text('//e:result/e:value/secDNS:dsData/secDNS:keyTag')).to.equal('2');
    r = await send(x, updateXml('u1.tatar', `<secDNS:rem>${dsXml({ keyTag: 9 })}</secDNS:rem>`));
    expect(r.code).to.equal(2306);
    // rem all, then add in the same command
    r = await send(x, updateXml('u1.tatar', `<secDNS:rem><secDNS:all>true</secDNS:all></secDNS:rem><secDNS:add>${dsXml({ keyTag: 7 })}</secDNS:add>`));
    expect(r.code).to.equal(1000);
    expect((await send(x, infoXml('u1.tatar'))).texts('//secDNS:dsData/secDNS:keyTag')).to.deep.equal(['7']);
    r = await send(x, updateXml('u1.tatar', '<secDNS:rem><secDNS:all>true</secDNS:all></secDNS:rem>'));
    expect(r.code).to.equal(1000);
    expect((await send(x, infoXml('u1.tatar'))).count('//secDNS:infData')).to.equal(0);

    // the TLD's maximum number of records (2 in .nosig)
    r = await send(x, createXml('u2.nosig', dsXml({ keyTag: 1 }) + dsXml({ keyTag: 2 }) + dsXml({ keyTag: 3 })));
    expect(r.code).to.equal(2306);
    r = await send(x, createXml('u2.nosig', dsXml({ keyTag: 1 }) + dsXml({ keyTag: 2 })));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, updateXml('u2.nosig', `<secDNS:add>${dsXml({ keyTag: 3 })}</secDNS:add>`));
    expect(r.code).to.equal(2306);
  });

  it('changes maxSigLife where the policy accepts it, 2102 where not; urgent is 2102', async () => {
    await send(x, createXml('m1.tatar', dsXml()));
    let r = await send(x, updateXml('m1.tatar', '<secDNS:chg><secDNS:maxSigLife>86400</secDNS:maxSigLife></secDNS:chg>'));
    expect(r.code, r.xml).to.equal(1000);
    expect((await send(x, infoXml('m1.tatar'))).text('//secDNS:infData/secDNS:maxSigLife')).to.equal('86400');
    r = await send(x, createXml('m1.nosig', `<secDNS:maxSigLife>86400</secDNS:maxSigLife>${dsXml()}`));
    expect(r.code).to.equal(2102);
    await send(x, createXml('m2.nosig', dsXml()));
    r = await send(x, updateXml('m2.nosig', '<secDNS:chg><secDNS:maxSigLife>86400</secDNS:maxSigLife></secDNS:chg>'));
    expect(r.code).to.equal(2102);
    r = await send(x, updateXml('m2.nosig', `<secDNS:add>${dsXml({ keyTag: 5 })}</secDNS:add>`, '', true));
    expect(r.code).to.equal(2102);
  });

  it('applies a domain:update that carries both secDNS and domain changes, or neither fails and nothing changes', async () => {
    await send(x, createXml('both.tatar'));
    const nsAdd = '<domain:add><domain:ns><domain:hostObj>ns1.example.com</domain:hostObj></domain:ns><domain:status s="clientHold"/></domain:add>';
    let r = await send(x, updateXml('both.tatar', `<secDNS:add>${dsXml({ alg: 123 })}</secDNS:add>`, nsAdd));
    expect(r.code).to.equal(2005);
    r = await send(x, infoXml('both.tatar'));
    expect(r.count('//domain:ns')).to.equal(0);
    r = await send(x, updateXml('both.tatar', `<secDNS:add>${dsXml()}</secDNS:add>`, nsAdd));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('both.tatar'));
    expect(r.texts('//domain:ns/domain:hostObj')).to.deep.equal(['ns1.example.com']);
    expect(r.texts('//domain:infData/domain:status/@s')).to.deep.equal(['clientHold']);
    expect(r.text('//secDNS:dsData/secDNS:keyTag')).to.equal('46707');
  });

  it('returns no secDNS:infData to a session that did not select secDNS-1.1 at login', async () => {
    await send(x, createXml('hidden.tatar', dsXml()));
    const c = await t.login('ClientX', { extURIs: ALL_EXT_URIS.filter((u) => !u.includes('secDNS')) });
    try {
      const r = await send(c, infoXml('hidden.tatar'));
      expect(r.code).to.equal(1000);
      expect(r.count('//secDNS:infData')).to.equal(0);
    } finally {
      await c.close();
    }
  });
});
