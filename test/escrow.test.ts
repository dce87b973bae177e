import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlDocument, type XmlElement, type XsdValidator } from 'libxml2-wasm';
import type { EppClient } from '../src/client/epp-client.js';
import { requests } from '../src/client/requests.js';
import { makeDeposit, type DepositOutcome } from '../src/escrow/deposit.js';
import { writeRyde, writeSignature } from '../src/escrow/ryde.js';
import { DEV_KEY_FILES, generateDevKeys, loadDepositKeys, readPublicKey, readSecretKey, type DepositKeys } from '../src/escrow/keys.js';
import { RDE_NS } from '../src/escrow/namespaces.js';
import { compileEscrowSchemas } from '../src/escrow/schemas.js';
import { verifyDeposit } from '../src/escrow/verify.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { compileSchemaFiles } from '../src/protocol/schema.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { openEscrowStore } from '../src/storage/open.js';
import { keepArtifact } from './artifacts.js';
import { sqlRows } from './seed.js';
import { command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

/** A command's exit status and output, without blocking this process's event loop (the registry runs in it). */
function spawnAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const REF = join(REPO_ROOT, '../shared/reference');
const MIN = 60_000;
const DAY = 86_400_000;

/** Prefixes for reading deposits with XPath. */
const NS = {
  rde: RDE_NS.rde,
  h: RDE_NS.rdeHeader,
  d: RDE_NS.rdeDomain,
  ho: RDE_NS.rdeHost,
  c: RDE_NS.rdeContact,
  r: RDE_NS.rdeRegistrar,
  i: RDE_NS.rdeIDN,
  n: RDE_NS.rdeNNDN,
  p: RDE_NS.rdeEppParams,
  rep: RDE_NS.rdeReport,
  tc: RDE_NS.rdeTciContact,
  td: RDE_NS.rdeTciDomain,
  domain: RDE_NS.domain,
  contact: RDE_NS.contact,
  secDNS: RDE_NS.secDNS,
  tci: RDE_NS.tci,
  tcidom: RDE_NS.tcidom,
  epp: RDE_NS.epp,
};

/**
 * The reference schemas (../shared/reference: the EPP RFCs', the TCI extensions' and the escrow ones) with
 * this registry's two TCI escrow schemas: an oracle independent of the copies in schemas/.
 */
function referenceSchemas(): XsdValidator | undefined {
  if (!existsSync(REF)) return undefined;
  const files: Array<[string, string, string]> = [
    ['urn:ietf:params:xml:ns:eppcom-1.0', 'eppcom-1.0.xsd', `${REF}/epp-xsd/eppcom-1.0.xsd`],
    [RDE_NS.epp, 'epp-1.0.xsd', `${REF}/epp-xsd/epp-1.0.xsd`],
    [RDE_NS.host, 'host-1.0.xsd', `${REF}/epp-xsd/host-1.0.xsd`],
    [RDE_NS.domain, 'domain-1.0.xsd', `${REF}/epp-xsd/domain-1.0.xsd`],
    [RDE_NS.contact, 'contact-1.0.xsd', `${REF}/epp-xsd/contact-1.0.xsd`],
    [RDE_NS.secDNS, 'secDNS-1.1.xsd', `${REF}/epp-xsd/secDNS-1.1.xsd`],
    [RDE_NS.rgp, 'rgp-1.0.xsd', `${REF}/epp-xsd/rgp-1.0.xsd`],
    ...readdirSync(`${REF}/tci-xsd`)
      .filter((f) => f.endsWith('.xsd'))
      .map((f): [string, string, string] => [f.includes('domain') ? RDE_NS.tcidom : RDE_NS.tci, `tci-${f}`, `${REF}/tci-xsd/${f}`]),
    ...['rde-1.0', 'rdeDnrdCommon-1.0', 'rdeIDN-1.0', 'rdeHeader-1.0', 'rdeDomain-1.0', 'rdeHost-1.0', 'rdeContact-1.0', 'rdeRegistrar-1.0', 'rdeNNDN-1.0', 'rdeEppParams-1.0', 'rdePolicy-1.0', 'rdeReport-1.0'].map(
      (f): [string, string, string] => [`urn:ietf:params:xml:ns:${f}`, `${f}.xsd`, `${REF}/rde-xsd/${f}.xsd`],
    ),
    [RDE_NS.rdeTciContact, 'rdeTciContact-1.0.xsd', join(REPO_ROOT, 'schemas/rde/rdeTciContact-1.0.xsd')],
    [RDE_NS.rdeTciDomain, 'rdeTciDomain-1.0.xsd', join(REPO_ROOT, 'schemas/rde/rdeTciDomain-1.0.xsd')],
  ];
  return compileSchemaFiles(Object.fromEntries(files.map(([, f, p]) => [f, p])), Object.fromEntries(files.map(([ns, f]) => [ns, f])));
}

/** Runs GnuPG (an independent OpenPGP implementation) in its own home. */
function gpg(home: string, args: string[], input?: Buffer): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', ...args], { input });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** What GnuPG makes of a deposit: the signature checked, the packets listed, the tar decrypted and listed, the XML. */
function openWithGpg(home: string, d: DepositOutcome): { xml: string; packets: string; sigPackets: string; tarMembers: string[] } {
  const verify = gpg(home, ['--status-fd', '1', '--verify', d.files.sig, d.files.ryde]);
  expect(verify.status, verify.stderr).to.equal(0);
  expect(verify.stdout.toString()).to.match(/\[GNUPG:\] GOODSIG /).and.match(/\[GNUPG:\] VALIDSIG /);
  const sigPackets = gpg(home, ['--list-packets', d.files.sig]).stdout.toString();
  const packets = gpg(home, ['--list-packets', d.files.ryde]);
  expect(packets.status, packets.stderr).to.equal(0);
  const tar = gpg(home, ['--decrypt', d.files.ryde]);
  expect(tar.status, tar.stderr).to.equal(0);
  const dir = mkdtempSync(join(tmpdir(), 'escrow-tar-'));
  try {
    writeFileSync(join(dir, 'deposit.tar'), tar.stdout);
    const list = spawnSync('tar', ['-tvf', join(dir, 'deposit.tar')], { encoding: 'utf8' });
    const members = list.stdout.trim().split('\n');
    const xml = spawnSync('tar', ['-xOf', join(dir, 'deposit.tar')], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
    return { xml, packets: packets.stdout.toString(), sigPackets, tarMembers: members };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A deposit's objects as plain data, read with libxml2's XPath. */
interface DepositView {
  type: string;
  id: string;
  prevId: string | null;
  resend: string;
  watermark: string;
  menu: string[];
  counts: Record<string, number>;
  domains: Map<string, Record<string, unknown>>;
  hosts: Map<string, Record<string, unknown>>;
  contacts: Map<string, Record<string, unknown>>;
  registrars: Map<string, Record<string, unknown>>;
  tciContacts: Map<string, string>;
  tciDomains: Map<string, string[]>;
  nndn: Array<{ aName: string; uName?: string; table?: string; state: string }>;
  idnTables: Array<{ id: string; url: string }>;
  eppParams: { objURIs: string[]; extURIs: string[] };
  deletes: Record<string, string[]>;
}

function readDeposit(xml: string): DepositView {
  const doc = XmlDocument.fromString(xml);
  try {
    const all = (path: string, ctx?: XmlElement) => (ctx ?? doc).find(path, NS) as XmlElement[];
    const one = (path: string, ctx: XmlElement) => ctx.get(path, NS)?.content;
    const attr = (path: string, ctx: XmlElement) => all(path, ctx).map((e) => e.content);
    const root = doc.root;
    const v: DepositView = {
      type: root.attr('type')!.value,
      id: root.attr('id')!.value,
      prevId: root.attr('prevId')?.value ?? null,
      resend: root.attr('resend')!.value,
      watermark: one('rde:watermark', root)!,
      menu: all('/rde:deposit/rde:rdeMenu/rde:objURI').map((e) => e.content),
      counts: Object.fromEntries(all('//h:header/h:count').map((e) => [e.attr('uri')!.value, Number(e.content)])),
      domains: new Map(),
      hosts: new Map(),
      contacts: new Map(),
      registrars: new Map(),
      tciContacts: new Map(),
      tciDomains: new Map(),
      nndn: [],
      idnTables: all('//i:idnTableRef').map((e) => ({ id: e.attr('id')!.value, url: one('i:url', e)! })),
      eppParams: { objURIs: attr('//p:eppParams/p:objURI', root), extURIs: attr('//p:eppParams/p:svcExtension/epp:extURI', root) },
      deletes: {},
    };
    for (const d of all('/rde:deposit/rde:contents/d:domain')) {
      v.domains.set(one('d:name', d)!, {
        roid: one('d:roid', d),
        uName: one('d:uName', d),
        idnTableId: one('d:idnTableId', d),
        statuses: attr('d:status/@s', d).sort(),
        rgp: attr('d:rgpStatus/@s', d).sort(),
        registrant: one('d:registrant', d),
        contacts: all('d:contact', d).map((c) => `${c.attr('type')!.value}:${c.content}`).sort(),
        ns: attr('d:ns/domain:hostObj', d).sort(),
        clID: one('d:clID', d),
        crDate: one('d:crDate', d),
        exDate: one('d:exDate', d),
        upDate: one('d:upDate', d),
        trDate: one('d:trDate', d),
        ds: all('d:secDNS/secDNS:dsData', d).map((x) => ['keyTag', 'alg', 'digestType', 'digest'].map((k) => one(`secDNS:${k}`, x)).join(' ')),
        trStatus: one('d:trnData/d:trStatus', d),
      });
    }
    for (const h of all('/rde:deposit/rde:contents/ho:host')) {
      v.hosts.set(one('ho:name', h)!, {
        roid: one('ho:roid', h),
        statuses: attr('ho:status/@s', h).sort(),
        addrs: attr('ho:addr', h).sort(),
        clID: one('ho:clID', h),
        crDate: one('ho:crDate', h),
        upDate: one('ho:upDate', h),
      });
    }
    for (const c of all('/rde:deposit/rde:contents/c:contact')) {
      v.contacts.set(one('c:id', c)!, {
        roid: one('c:roid', c),
        statuses: attr('c:status/@s', c).sort(),
        intName: one('c:postalInfo[@type="int"]/contact:name', c),
        locName: one('c:postalInfo[@type="loc"]/contact:name', c),
        city: one('c:postalInfo/contact:addr/contact:city', c),
        cc: one('c:postalInfo/contact:addr/contact:cc', c),
        voice: one('c:voice', c),
        voiceX: all('c:voice', c)[0]?.attr('x')?.value,
        email: one('c:email', c),
        clID: one('c:clID', c),
        crDate: one('c:crDate', c),
        disclose: all('c:disclose', c)[0]?.attr('flag')?.value,
        authInfo: all('.//*[local-name()="authInfo" or local-name()="pw"]', c).length,
      });
    }
    for (const r of all('/rde:deposit/rde:contents/r:registrar')) {
      v.registrars.set(one('r:id', r)!, {
        name: one('r:name', r),
        gurid: one('r:gurid', r),
        status: one('r:status', r),
        email: one('r:email', r),
        voice: one('r:voice', r),
        postalInfo: [all('r:postalInfo', r)[0]?.attr('type')?.value, all('r:postalInfo/r:addr/r:street', r).map((e) => e.content), one('r:postalInfo/r:addr/r:city', r), one('r:postalInfo/r:addr/r:sp', r), one('r:postalInfo/r:addr/r:pc', r), one('r:postalInfo/r:addr/r:cc', r)],
      });
    }
    for (const x of all('/rde:deposit/rde:contents/tc:contact')) v.tciContacts.set(one('tc:id', x)!, one('tci:infData', x)!.replace(/\s+/g, ' ').trim());
    for (const x of all('/rde:deposit/rde:contents/td:domain')) v.tciDomains.set(one('td:name', x)!, attr('tcidom:infData/tcidom:description', x));
    for (const n of all('/rde:deposit/rde:contents/n:NNDN')) {
      v.nndn.push({ aName: one('n:aName', n)!, uName: one('n:uName', n), table: one('n:idnTableId', n), state: one('n:nameState', n)! });
    }
    const prefix = (uri: string) => Object.entries(RDE_NS).find(([, u]) => u === uri)![0];
    for (const del of all('/rde:deposit/rde:deletes/*')) (v.deletes[`${prefix(del.namespaceUri)}:${del.name}`] ??= []).push(...all('*', del).map((e) => e.content));
    return v;
  } finally {
    doc.dispose();
  }
}

function validateWith(schemas: XsdValidator | undefined, xml: string): void {
  if (!schemas) return; // ../shared absent: the reference oracle is skipped, as for the EPP responses
  const doc = XmlDocument.fromString(xml);
  try {
    schemas.validate(doc);
  } finally {
    doc.dispose();
  }
}

describe('registry data escrow (RFC 8909/9022 deposits, RyDE packaging)', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let keysDir: string;
  let keys: DepositKeys;
  let out: string;
  let gnupg: string;
  let ours: XsdValidator;
  let reference: XsdValidator | undefined;
  let n = 0;
  const tr = () => `esc-${++n}`;
  const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);

  const ok = async (c: EppClient, xml: string, code = 1000): Promise<CheckedResponse> => {
    const r = await send(c, xml);
    expect(r.code, r.xml).to.equal(code);
    return r;
  };

  const deposit = async (tld: string, type: 'full' | 'diff', at: Date, k = keys): Promise<DepositOutcome> => {
    const store = await openEscrowStore(t.config.database);
    try {
      return await makeDeposit({ tld, type, watermark: at, outDir: out, now: t.clock.now(), keys: k, store });
    } finally {
      await store.close();
    }
  };

  /** Decrypts and checks a deposit with GnuPG, validates it against both schema sets, and reads it. */
  const open = (d: DepositOutcome) => {
    const g = openWithGpg(gnupg, d);
    keepArtifact(`escrow/${d.base}.xml`, g.xml);
    validateWith(ours, g.xml);
    validateWith(reference, g.xml);
    return { ...g, view: readDeposit(g.xml) };
  };

  const contact = (id: string, extra: Partial<Parameters<typeof requests.contactCreate>[1]> = {}) =>
    requests.contactCreate(tr(), {
      id,
      email: `${id}@example.net`,
      voice: '+7.8435551234',
      authInfo: 'Contact-pw1',
      postalInfo: { int: { name: `Person ${id}`, street: ['1 Main St'], city: 'Kazan', cc: 'RU' } },
      tci: { person: { birthday: '1980-01-02', passport: ['1234 567890, issued by OVD Kazan'] } },
      ...extra,
    });

  before(async () => {
    t = await startTestRegistry();
    t.clock.set(new Date(T0));
    keysDir = mkdtempSync(join(tmpdir(), 'escrow-keys-'));
    await generateDevKeys(keysDir, 'curve25519');
    keys = await loadDepositKeys({ agentPublicKey: join(keysDir, DEV_KEY_FILES.agentPublic), signingKey: join(keysDir, DEV_KEY_FILES.signingSecret), signingKeyPassphraseFile: '' });
    out = join(t.dir, 'escrow');
    gnupg = mkdtempSync(join(tmpdir(), 'escrow-gnupg-'));
    for (const f of [DEV_KEY_FILES.agentSecret, DEV_KEY_FILES.signingPublic]) {
      const r = gpg(gnupg, ['--import', join(keysDir, f)]);
      expect(r.status, r.stderr).to.equal(0);
    }
    ours = compileEscrowSchemas(join(REPO_ROOT, 'schemas'));
    reference = referenceSchemas();
    // A conventional gTLD beside the two OT&E TLDs: no TCI dialect, reserved names, no IDN scripts.
    await t.registry.services.store.transaction((r) =>
      r.tlds.upsert({ name: 'example', policy: resolvePolicy({ reservedNames: ['reserved', 'nic'] }) }, new Date(T0)),
    );

    x = await t.login('ClientX');
    y = await t.login('ClientY');
    await ok(x, contact('esc-c1', { voice: '+7.8435551234', fax: '+7.8435554321' }));
    await ok(x, contact('esc-c2', { tci: { organization: { legalAddr: [{ type: 'loc', street: ['ул. Баумана, 1'], city: 'Казань', cc: 'RU' }], tin: '1655000000' } } }));
    await ok(
      y,
      contact('esc-c3', {
        postalInfo: { int: { name: 'Yvonne <Y> & Co', street: ['2 Side St'], city: 'Paris', cc: 'FR' }, loc: { name: 'Ивонна', street: ['2 Side St'], city: 'Париж', cc: 'FR' } },
      }),
    );
    await ok(x, requests.hostCreate(tr(), { name: 'ns1.escrow-dns.net' }));
    await ok(y, requests.hostCreate(tr(), { name: 'ns2.escrow-dns.net' }));
    const ds = { keyTag: 12345, alg: 8, digestType: 2, digest: 'A'.repeat(64) };
    await ok(x, requests.domainCreate(tr(), { name: 'alpha.tatar', registrant: 'esc-c1', contacts: [{ type: 'admin', id: 'esc-c1' }, { type: 'tech', id: 'esc-c2' }], ns: ['ns1.escrow-dns.net'], authInfo: 'Domain-pw1', secDNS: { dsData: [ds] } }));
    await ok(x, requests.domainCreate(tr(), { name: 'beta.tatar', registrant: 'esc-c2', contacts: [{ type: 'admin', id: 'esc-c2' }, { type: 'tech', id: 'esc-c2' }], authInfo: 'Domain-pw2' }));
    await ok(x, requests.domainCreate(tr(), { name: 'тест.дети', registrant: 'esc-c1', contacts: [{ type: 'admin', id: 'esc-c1' }, { type: 'tech', id: 'esc-c1' }], ns: ['ns2.escrow-dns.net'], authInfo: 'Domain-pw3' }));
    await ok(y, requests.domainCreate(tr(), { name: 'gamma.example', registrant: 'esc-c3', contacts: [{ type: 'admin', id: 'esc-c3' }, { type: 'tech', id: 'esc-c3' }], ns: ['ns2.escrow-dns.net'], authInfo: 'Domain-pw4' }));
    // An internal host with glue under alpha.tatar, and a description through the TCI domain extension.
    await ok(x, requests.hostCreate(tr(), { name: 'ns.alpha.tatar', addrs: [{ ip: 'v4', addr: '192.0.2.53' }, { ip: 'v6', addr: '2001:db8::53' }] }));
    await ok(
      x,
      command(
        `<update><domain:update xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>alpha.tatar</domain:name><domain:add><domain:ns><domain:hostObj>ns.alpha.tatar</domain:hostObj></domain:ns></domain:add></domain:update></update>` +
          `<extension><tcidom:update xmlns:tcidom="http://www.tcinet.ru/epp/tci-domain-ext-1.0"><tcidom:chg><tcidom:description>Alpha &amp; Co</tcidom:description><tcidom:description>second line</tcidom:description></tcidom:chg></tcidom:update></extension>`,
        tr(),
      ),
    );
    await ok(x, requests.domainUpdate(tr(), { name: 'beta.tatar', add: { status: ['clientTransferProhibited'] } }));
    // For the differential deposit: a domain to transfer, one to purge, a contact to delete.
    await ok(x, requests.domainCreate(tr(), { name: 'epsilon.tatar', registrant: 'esc-c1', contacts: [{ type: 'admin', id: 'esc-c1' }, { type: 'tech', id: 'esc-c1' }], authInfo: 'Domain-pw5' }));
    await ok(x, requests.domainCreate(tr(), { name: 'zeta.tatar', registrant: 'esc-c1', contacts: [{ type: 'admin', id: 'esc-c1' }, { type: 'tech', id: 'esc-c1' }], authInfo: 'Domain-pw6' }));
    await ok(x, contact('esc-c4'));
    t.clock.set(new Date(T0 + 5 * MIN + 30_000));
  });

  after(async () => {
    await x?.close();
    await y?.close();
    await t?.close();
    for (const d of [keysDir, gnupg]) if (d) rmSync(d, { recursive: true, force: true });
  });

  /** domain:info by the sponsor, as the client sees it. */
  async function info(c: EppClient, object: 'domain' | 'host' | 'contact', name: string): Promise<CheckedResponse> {
    return ok(c, requests.info(tr(), object, name));
  }

  const W1 = new Date(T0 + 5 * MIN);
  const deposits: Record<string, { d: DepositOutcome; view: DepositView; xml: string }> = {};

  for (const tld of ['tatar', 'xn--d1acj3b', 'example']) {
    it(`full deposit of .${tld}: GnuPG verifies the SHA-256 signature and opens SEIPD v1 (MDC) → ZLIB → literal → tar of BASE.xml alone; the XML validates`, async () => {
      const d = await deposit(tld, 'full', W1);
      expect(d.base).to.equal(`${tld}_2026-06-01_full_S1_R0`);
      expect(readdirSync(out).filter((f) => f.startsWith(`${tld}_`)).sort()).to.deep.equal([`${d.base}.rep`, `${d.base}.ryde`, `${d.base}.sig`]);
      expect(readdirSync(out).filter((f) => f.startsWith('.'))).to.deep.equal([]);
      const g = open(d);
      expect(g.sigPackets).to.match(/digest algo 8,/); // SHA-256
      expect(g.packets).to.match(/:pubkey enc packet:/);
      // One encrypted packet, integrity-protected (SEIPD v1: GnuPG shows its MDC method; a legacy one has none).
      expect(g.packets.match(/:encrypted data packet:/g)).to.have.length(1);
      expect(g.packets).to.match(/:encrypted data packet:\s+length: unknown\s+mdc_method: 2/);
      expect(g.packets).to.match(/:compressed packet: algo=[123]/);
      expect(g.packets).to.match(/:literal data packet:/);
      expect(g.tarMembers).to.have.length(1);
      expect(g.tarMembers[0]).to.match(new RegExp(` ${d.base}\\.xml$`));
      deposits[tld] = { d, view: g.view, xml: g.xml };
    });
  }

  it('verify (the restore drill) opens, checks and counts each deposit; the report matches the deposit', async () => {
    const agent = await readSecretKey(join(keysDir, DEV_KEY_FILES.agentSecret), undefined, 'agent key', '-');
    const signer = await readPublicKey(join(keysDir, DEV_KEY_FILES.signingPublic), 'signer', '-');
    for (const { d, view } of Object.values(deposits)) {
      const v = await verifyDeposit(out, d.base, { agent, signer }, ours, out);
      expect(v.counts).to.deep.equal(d.counts);
      expect(view.counts).to.deep.equal(d.counts);
      // The report: same id, resend, kind, watermark and a copy of the header's counts; valid against both schema sets.
      const rep = readFileSync(d.files.rep, 'utf8');
      validateWith(ours, rep);
      validateWith(reference, rep);
      const doc = XmlDocument.fromString(rep);
      try {
        const text = (p: string) => doc.get(p, NS)!.content;
        expect(text('/rep:report/rep:id')).to.equal(view.id);
        expect(text('/rep:report/rep:resend')).to.equal(view.resend);
        expect(text('/rep:report/rep:kind')).to.equal(view.type);
        expect(text('/rep:report/rep:watermark')).to.equal(view.watermark);
        expect(text('/rep:report/h:header/h:tld')).to.equal(d.base.split('_')[0]);
        expect(Object.fromEntries((doc.find('/rep:report/h:header/h:count', NS) as XmlElement[]).map((e) => [e.attr('uri')!.value, Number(e.content)]))).to.deep.equal(view.counts);
      } finally {
        doc.dispose();
      }
    }
  });

  it('verify refuses a deposit, signed and encrypted as it should be, whose counts are wrong or whose XML is not valid', async () => {
    const { d, xml } = deposits.tatar;
    const agent = await readSecretKey(join(keysDir, DEV_KEY_FILES.agentSecret), undefined, 'agent key', '-');
    const signer = await readPublicKey(join(keysDir, DEV_KEY_FILES.signingPublic), 'signer', '-');
    const repackaged = async (altered: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'escrow-altered-'));
      writeFileSync(join(dir, `${d.base}.xml`), altered);
      await writeRyde(join(dir, `${d.base}.xml`), `${d.base}.xml`, `${d.base}.tar`, join(dir, `${d.base}.ryde`), keys, new Date());
      await writeSignature(join(dir, `${d.base}.ryde`), join(dir, `${d.base}.sig`), keys, new Date());
      writeFileSync(join(dir, `${d.base}.rep`), readFileSync(d.files.rep));
      rmSync(join(dir, `${d.base}.xml`));
      try {
        return await verifyDeposit(dir, d.base, { agent, signer }, ours, dir).then(
          () => 'verified',
          (e: Error) => e.message,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(await repackaged(xml)).to.equal('verified');
    const miscounted = xml.replace(/(<rdeHeader:count uri="urn:ietf:params:xml:ns:rdeDomain-1.0">)(\d+)/, (_, a, n) => `${a}${Number(n) + 1}`);
    expect(await repackaged(miscounted)).to.match(/objects found: .*rdeDomain-1\.0":4\}?.*expected .*rdeDomain-1\.0":5/);
    const invalid = xml.replace(/<rdeDomain:roid>[^<]*<\/rdeDomain:roid>/, '');
    expect(await repackaged(invalid)).to.match(/a batch of contents is not valid against the escrow schemas/);
    expect(await repackaged(`${xml}<extra/>`)).to.match(/not well-formed: a second root element \(extra\)/);
  });

  it('the header counts every object type and the menu lists exactly those URIs, by the TLD model', () => {
    const tci = [RDE_NS.rdeTciContact, RDE_NS.rdeTciDomain];
    const base = [RDE_NS.rdeDomain, RDE_NS.rdeHost, RDE_NS.rdeContact, RDE_NS.rdeRegistrar, RDE_NS.rdeIDN, RDE_NS.rdeNNDN, RDE_NS.rdeEppParams];
    expect(deposits.tatar.view.menu).to.deep.equal([...base, ...tci]);
    expect(deposits.example.view.menu).to.deep.equal(base);
    for (const { view } of Object.values(deposits)) expect(Object.keys(view.counts)).to.deep.equal(view.menu);
    expect(deposits.tatar.view.counts[RDE_NS.rdeDomain]).to.equal(4);
    expect(deposits['xn--d1acj3b'].view.counts[RDE_NS.rdeDomain]).to.equal(1);
    expect(deposits.example.view.counts[RDE_NS.rdeDomain]).to.equal(1);
    expect(deposits.example.view.counts[RDE_NS.rdeIDN]).to.equal(0);
    expect(deposits.tatar.view.counts[RDE_NS.rdeEppParams]).to.equal(1);
  });

  it('every domain equals what <domain:info> tells its sponsor; IDN names carry their U-label and IDN table', async () => {
    for (const [tld, { view }] of Object.entries(deposits)) {
      const rows = await sqlRows(t, 'SELECT name FROM domains WHERE tld = ? AND created_at <= ?', tld, W1.getTime());
      const names = rows.map((r) => r.name as string).sort();
      expect([...view.domains.keys()].sort(), tld).to.deep.equal(names);
      for (const [name, d] of view.domains) {
        const sponsor = d.clID === 'ClientX' ? x : y;
        const r = await info(sponsor, 'domain', name);
        const I = '//domain:infData';
        expect(d.roid).to.equal(r.text(`${I}/domain:roid`));
        expect(d.statuses).to.deep.equal(r.texts(`${I}/domain:status/@s`).sort());
        expect(d.rgp).to.deep.equal(r.texts('//rgp:infData/rgp:rgpStatus/@s').sort());
        expect(d.registrant).to.equal(r.text(`${I}/domain:registrant`));
        expect(d.contacts).to.deep.equal(r.texts(`${I}/domain:contact`).map((c, i) => `${r.texts(`${I}/domain:contact/@type`)[i]}:${c}`).sort());
        expect(d.ns).to.deep.equal(r.texts(`${I}/domain:ns/domain:hostObj`).sort());
        expect(d.clID).to.equal(r.text(`${I}/domain:clID`));
        for (const k of ['crDate', 'exDate', 'upDate', 'trDate']) expect(d[k], `${name} ${k}`).to.equal(r.text(`${I}/domain:${k}`));
        expect(d.ds).to.deep.equal(r.texts('//secDNS:infData/secDNS:dsData/secDNS:keyTag').map((_, i) => ['keyTag', 'alg', 'digestType', 'digest'].map((k) => r.texts(`//secDNS:infData/secDNS:dsData/secDNS:${k}`)[i]).join(' ')));
      }
    }
    const alpha = deposits.tatar.view.domains.get('alpha.tatar')!;
    expect(alpha.rgp).to.deep.equal(['addPeriod']);
    expect(alpha.ds).to.deep.equal([`12345 8 2 ${'A'.repeat(64)}`]);
    expect(deposits.tatar.view.tciDomains.get('alpha.tatar')).to.deep.equal(['Alpha & Co', 'second line']);
    const idn = deposits['xn--d1acj3b'].view.domains.get('xn--e1aybc.xn--d1acj3b')!;
    expect(idn.uName).to.equal('тест.дети');
    expect(idn.idnTableId).to.equal('cyrillic');
    expect(deposits['xn--d1acj3b'].view.idnTables).to.deep.equal([{ id: 'cyrillic', url: 'https://www.iana.org/domains/idn-tables' }]);
  });

  it('every host and contact equals its <info>; contacts keep postal info, disclose and TCI data, never an authInfo', async () => {
    const { view } = deposits.tatar;
    expect([...view.hosts.keys()].sort()).to.deep.equal(['ns.alpha.tatar', 'ns1.escrow-dns.net', 'ns2.escrow-dns.net']);
    for (const [name, h] of view.hosts) {
      const r = await info(h.clID === 'ClientX' ? x : y, 'host', name);
      expect(h.roid).to.equal(r.text('//host:infData/host:roid'));
      expect(h.statuses).to.deep.equal(r.texts('//host:infData/host:status/@s').sort());
      expect(h.addrs).to.deep.equal(r.texts('//host:infData/host:addr').sort());
      expect(h.crDate).to.equal(r.text('//host:infData/host:crDate'));
    }
    expect(view.hosts.get('ns1.escrow-dns.net')!.statuses).to.deep.equal(['linked', 'ok']);
    for (const id of ['esc-c1', 'esc-c2', 'esc-c3']) {
      const c = view.contacts.get(id)!;
      const r = await info(c.clID === 'ClientX' ? x : y, 'contact', id);
      const I = '//contact:infData';
      expect(c.roid).to.equal(r.text(`${I}/contact:roid`));
      expect(c.statuses).to.deep.equal(r.texts(`${I}/contact:status/@s`).sort());
      expect(c.intName).to.equal(r.text(`${I}/contact:postalInfo[@type="int"]/contact:name`));
      expect(c.locName).to.equal(r.text(`${I}/contact:postalInfo[@type="loc"]/contact:name`));
      expect(c.voice).to.equal(r.text(`${I}/contact:voice`));
      expect(c.email).to.equal(r.text(`${I}/contact:email`));
      expect(c.crDate).to.equal(r.text(`${I}/contact:crDate`));
      expect(c.authInfo).to.equal(0);
      const tciInfo = r.text('//tci:infData');
      if (tciInfo !== undefined) expect(view.tciContacts.get(id)).to.equal(tciInfo.replace(/\s+/g, ' ').trim());
      else expect(view.tciContacts.has(id)).to.equal(false);
    }
    expect(view.contacts.get('esc-c3')!.intName).to.equal('Yvonne <Y> & Co');
    expect(view.tciContacts.get('esc-c2')).to.contain('1655000000');
    // The conventional TLD gets the contacts too, without the TCI objects.
    expect(deposits.example.view.contacts.has('esc-c1')).to.equal(true);
    expect(deposits.example.view.tciContacts.size).to.equal(0);
    // No authInfo anywhere: the passwords the clients set appear nowhere in any deposit.
    for (const { xml } of Object.values(deposits)) {
      for (const pw of ['Contact-pw1', 'Domain-pw1', 'Domain-pw2', 'Domain-pw3', 'Domain-pw4', 'Domain-pw5', 'Domain-pw6']) expect(xml).to.not.contain(pw);
    }
  });

  it('registrars carry their IANA ids; NNDN objects hold the reserved names; the EPP parameters are the greeting\'s', async () => {
    const { view } = deposits.example;
    expect(view.registrars.get('ClientX')).to.deep.include({ name: 'OT&E registrar X', gurid: '9995', status: 'ok', voice: '+7.8435550101' });
    expect(view.registrars.get('ClientX')!.postalInfo).to.deep.equal(['int', ['12 Example Street', 'Office 4'], 'Kazan', 'Tatarstan', '420111', 'RU']);
    expect(view.registrars.get('ClientY')).to.deep.include({ gurid: '9996' });
    expect(view.nndn).to.deep.equal([
      { aName: 'nic.example', uName: undefined, table: undefined, state: 'withheld' },
      { aName: 'reserved.example', uName: undefined, table: undefined, state: 'withheld' },
    ]);
    // ICANN's test compares the EPP parameters object with the greeting: the same objURIs and extURIs.
    const g = XmlDocument.fromString(x.greeting);
    try {
      const uris = (p: string) => (g.find(p, { e: RDE_NS.epp }) as XmlElement[]).map((e) => e.content);
      expect(view.eppParams.objURIs).to.deep.equal(uris('//e:svcMenu/e:objURI'));
      expect(view.eppParams.extURIs).to.deep.equal(uris('//e:svcMenu/e:svcExtension/e:extURI'));
    } finally {
      g.dispose();
    }
    expect(view.eppParams.extURIs).to.include('http://www.tcinet.ru/epp/tci-contact-ext-1.0');
  });

  it('a differential deposit holds exactly what changed since the full one: a create, an update, a transfer, and the purge and contact delete as deletions', async () => {
    t.clock.set(new Date(T0 + DAY));
    await ok(x, requests.domainCreate(tr(), { name: 'delta.tatar', registrant: 'esc-c2', contacts: [{ type: 'admin', id: 'esc-c2' }, { type: 'tech', id: 'esc-c1' }], authInfo: 'Domain-pw7' }));
    await ok(x, requests.domainUpdate(tr(), { name: 'alpha.tatar', add: { status: ['clientHold'] } }));
    await ok(y, requests.domainTransfer(tr(), { op: 'request', name: 'epsilon.tatar', authInfo: 'Domain-pw5' }), 1001);
    await ok(x, requests.domainTransfer(tr(), { op: 'approve', name: 'epsilon.tatar' }));
    await ok(x, requests.delete(tr(), 'domain', 'zeta.tatar')); // inside the add grace period: purged at once
    await ok(x, requests.delete(tr(), 'contact', 'esc-c4'));
    t.clock.set(new Date(T0 + DAY + 6 * MIN));
    const d = await deposit('tatar', 'diff', new Date(T0 + DAY + 5 * MIN));
    expect(d.base).to.equal('tatar_2026-06-02_diff_S1_R0');
    const { view } = open(d);
    expect(view.type).to.equal('DIFF');
    expect(view.prevId).to.equal(deposits.tatar.view.id);
    expect([...view.domains.keys()].sort()).to.deep.equal(['alpha.tatar', 'delta.tatar', 'epsilon.tatar']);
    expect(view.domains.get('alpha.tatar')!.statuses).to.include('clientHold');
    expect(view.domains.get('epsilon.tatar')).to.deep.include({ clID: 'ClientY', trStatus: 'clientApproved' });
    expect(view.deletes).to.deep.equal({ 'rdeDomain:delete': ['zeta.tatar'], 'rdeContact:delete': ['esc-c4'] });
    expect([...view.hosts.keys()]).to.deep.equal([]);
    expect([...view.contacts.keys()]).to.deep.equal([]);
    expect([...view.registrars.keys()]).to.deep.equal([]);
    expect(view.nndn).to.deep.equal([]);
    expect(view.idnTables).to.deep.equal([]);
    expect(view.counts).to.deep.include({ [RDE_NS.rdeDomain]: 3, [RDE_NS.rdeHost]: 0, [RDE_NS.rdeContact]: 0, [RDE_NS.rdeEppParams]: 1, [RDE_NS.rdeTciDomain]: 1 });
    const agent = await readSecretKey(join(keysDir, DEV_KEY_FILES.agentSecret), undefined, 'agent key', '-');
    const signer = await readPublicKey(join(keysDir, DEV_KEY_FILES.signingPublic), 'signer', '-');
    const v = await verifyDeposit(out, d.base, { agent, signer }, ours, out);
    expect(v.deletes).to.deep.equal({ 'rdeDomain:delete': 1, 'rdeContact:delete': 1 });
    // Nothing changed since: the next diff is empty but for the EPP parameters.
    t.clock.set(new Date(T0 + 2 * DAY + 6 * MIN));
    const empty = open(await deposit('tatar', 'diff', new Date(T0 + 2 * DAY)));
    expect(empty.view.domains.size + empty.view.hosts.size + empty.view.contacts.size + Object.keys(empty.view.deletes).length).to.equal(0);
    expect(empty.view.prevId).to.equal(view.id);
  });

  it('a deposit made again for the same watermark is a resend (R1), with the same id', async () => {
    const d = await deposit('example', 'full', W1);
    expect(d.base).to.equal('example_2026-06-01_full_S1_R1');
    const { view } = open(d);
    expect(view.resend).to.equal('1');
    expect(view.id).to.equal(deposits.example.view.id);
  });

  it('RSA keys, and a signing key protected by a passphrase, work the same; a wrong passphrase is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'escrow-rsa-'));
    try {
      await generateDevKeys(dir, 'rsa', 'Escrow-Passphrase-1');
      writeFileSync(join(dir, 'pass'), 'Escrow-Passphrase-1\n');
      const files = { agentPublicKey: join(dir, DEV_KEY_FILES.agentPublic), signingKey: join(dir, DEV_KEY_FILES.signingSecret), signingKeyPassphraseFile: join(dir, 'pass') };
      const rsa = await loadDepositKeys(files, {});
      expect(rsa.signing.getAlgorithmInfo().algorithm).to.equal('rsaEncryptSign');
      for (const f of [DEV_KEY_FILES.agentSecret, DEV_KEY_FILES.signingPublic]) expect(gpg(gnupg, ['--import', join(dir, f)]).status).to.equal(0);
      t.clock.set(new Date(T0 + 3 * DAY));
      const { view } = open(await deposit('xn--d1acj3b', 'full', new Date(T0 + 3 * DAY - 10 * MIN), rsa));
      expect(view.domains.has('xn--e1aybc.xn--d1acj3b')).to.equal(true);
      writeFileSync(join(dir, 'wrong'), 'not-it');
      const err = await loadDepositKeys({ ...files, signingKeyPassphraseFile: join(dir, 'wrong') }, {}).catch((e: Error) => e);
      expect(String(err)).to.match(/escrow signing key .* the passphrase does not unlock it/);
      const env = await loadDepositKeys({ ...files, signingKeyPassphraseFile: join(dir, 'wrong') }, { REGISTRY_ESCROW_SIGNING_KEY_PASSPHRASE: 'Escrow-Passphrase-1' });
      expect(env.signing.isDecrypted()).to.equal(true);
      const none = await loadDepositKeys({ ...files, signingKeyPassphraseFile: '' }, {}).catch((e: Error) => e);
      expect(String(none)).to.match(/is protected by a passphrase/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('through the CLI', () => {
    let env: NodeJS.ProcessEnv;
    let transcripts = 0;
    const cli = async (...args: string[]) => {
      // Asynchronous: the registry in this process must go on answering (and committing) while the CLI runs.
      const r = await spawnAsync(process.execPath, [CLI, ...args], env);
      keepArtifact(`escrow-cli/${++transcripts}-${args.slice(0, 2).join('-')}.txt`, `$ registry ${args.join(' ')}\n${r.stdout}${r.stderr}exit ${r.status}\n`);
      return r;
    };
    const files = (dir: string) => readdirSync(dir).sort();
    /** A refusal: exit status not 0, one line on stderr naming the problem, nothing written. */
    const refused = (r: Awaited<ReturnType<typeof cli>>, re: RegExp, dir: string, before: string[]) => {
      expect(r.status, r.stdout + r.stderr).to.not.equal(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(re);
      expect(files(dir)).to.deep.equal(before);
    };

    before(() => {
      // The default key paths are the development files beside the certificates: keysDir stands for that folder.
      env = { ...process.env, REGISTRY_DATABASE: t.config.database, REGISTRY_CERTS_DIR: keysDir, REGISTRY_EPP_PORT: '0', REGISTRY_DEV_FIXTURES: 'false', REGISTRY_ESCROW_OUT_DIR: join(t.dir, 'cli-escrow') };
      mkdirSync(join(t.dir, 'cli-escrow'));
    });

    it('deposit writes the three files and verify opens, checks and reports them', async () => {
      const dir = join(t.dir, 'cli-escrow');
      const r = await cli('escrow', 'deposit', '--tld', 'tatar', '--at', '2026-06-01T10:05:00Z');
      expect(r.status, r.stderr).to.equal(0);
      expect(files(dir)).to.deep.equal(['tatar_2026-06-01_full_S1_R1.rep', 'tatar_2026-06-01_full_S1_R1.ryde', 'tatar_2026-06-01_full_S1_R1.sig']);
      const v = await cli('escrow', 'verify', dir);
      expect(v.status, v.stderr).to.equal(0);
      expect(v.stdout).to.match(/tatar_2026-06-01_full_S1_R1: OK — FULL deposit 202606011005F of tatar/);
      // alpha, beta, epsilon: created before the watermark and still there (zeta was purged, delta came later).
      expect(v.stdout).to.match(/rdeDomain-1\.0\t3\n/);
    });

    it('refuses a missing key, an unknown TLD and an output folder it cannot write: one line, non-zero exit, no file', async () => {
      const dir = join(t.dir, 'cli-escrow');
      const before = files(dir);
      env.REGISTRY_ESCROW_AGENT_PUBLIC_KEY = join(keysDir, 'no-such-key.asc');
      refused(await cli('escrow', 'deposit', '--tld', 'tatar'), /^registry: escrow agent public key .*no-such-key\.asc does not exist/, dir, before);
      delete env.REGISTRY_ESCROW_AGENT_PUBLIC_KEY;
      refused(await cli('escrow', 'deposit', '--tld', 'nosuchtld'), /^registry: TLD nosuchtld is not served by this registry$/, dir, before);
      const notADir = join(t.dir, 'a-file');
      writeFileSync(notADir, 'x');
      refused(await cli('escrow', 'deposit', '--tld', 'tatar', '--out', notADir), /^registry: output folder .*a-file is not writable: not a folder$/, dir, before);
      refused(await cli('escrow', 'deposit', '--tld', 'tatar', '--type', 'diff', '--at', '2026-01-01T00:00:00Z'), /^registry: no deposit of tatar before 2026-01-01T00:00:00.000Z/, dir, before);
      refused(await cli('escrow', 'deposit', '--tld', 'tatar', '--at', 'yesterday'), /yesterday is not an ISO 8601 instant/, dir, before);
    });

    it('verify refuses a deposit whose .ryde was altered', async () => {
      const dir = join(t.dir, 'cli-escrow');
      const ryde = join(dir, 'tatar_2026-06-01_full_S1_R1.ryde');
      const bytes = readFileSync(ryde);
      bytes[bytes.length - 5] ^= 0xff;
      writeFileSync(ryde, bytes);
      const r = await cli('escrow', 'verify', dir);
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.match(/^registry: signature .* does not verify/);
      // Signed again over the altered bytes: the signature holds, and the integrity check (MDC) refuses it.
      rmSync(`${ryde.slice(0, -5)}.sig`);
      await writeSignature(ryde, `${ryde.slice(0, -5)}.sig`, keys, new Date());
      const again = await cli('escrow', 'verify', dir);
      expect(again.status).to.not.equal(0);
      expect(again.stderr).to.match(/^registry: .*ryde: decryption or the tar inside failed: .*(Modification detected|MDC|integrity)/i);
      expect(files(dir).filter((f) => f.startsWith('.'))).to.deep.equal([]);
    });

    it('takes the TLD as a U-label too', async () => {
      const dir = join(t.dir, 'cli-escrow');
      const r = await cli('escrow', 'deposit', '--tld', 'дети', '--at', '2026-06-01T10:05:00Z');
      expect(r.status, r.stderr).to.equal(0);
      expect(files(dir)).to.include('xn--d1acj3b_2026-06-01_full_S1_R1.ryde');
    });
  });

  it('import: a full deposit restored into an empty registry gives the same <info> answers (but for the authInfo, which deposits do not hold)', async () => {
    t.clock.set(new Date(T0 + 3 * DAY + 10 * MIN));
    const d = await deposit('tatar', 'full', new Date(T0 + 3 * DAY));
    // Import writes an embedded SQLite registry whichever store the suite runs on (README, PostgreSQL).
    const t2 = await startTestRegistry((c) => (c.database = join(c.zone.dir, '..', 'imported.sqlite')));
    t2.clock.set(t.clock.now());
    const x2 = await t2.login('ClientX');
    const y2 = await t2.login('ClientY');
    try {
      const env = { ...process.env, REGISTRY_DATABASE: t2.config.database, REGISTRY_CERTS_DIR: keysDir, REGISTRY_EPP_PORT: '0', REGISTRY_DEV_FIXTURES: 'false' };
      const r = await spawnAsync(process.execPath, [CLI, 'escrow', 'import', out, '--base', d.base], env);
      keepArtifact('escrow-cli/import.txt', r.stdout + r.stderr);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout, r.stdout).to.match(/4 domains, 3 hosts, 3 contacts/);
      // The answer as a client reads it, without what differs by design: the transaction ids, the message
      // queue and the authInfo (a new random one).
      const answer = (res: CheckedResponse) =>
        res.xml
          .replace(/<trID>.*<\/trID>/s, '')
          .replace(/<msgQ[^>]*\/>|<msgQ.*<\/msgQ>/s, '')
          .replace(/<(domain|contact):authInfo>.*?<\/\1:authInfo>/s, '');
      const same = async (object: 'domain' | 'host' | 'contact', name: string, clId: string) => {
        const [a, b] = clId === 'ClientX' ? [x, x2] : [y, y2];
        expect(answer(await ok(b, requests.info(tr(), object, name))), `${object} ${name}`).to.equal(answer(await ok(a, requests.info(tr(), object, name))));
      };
      for (const name of ['alpha.tatar', 'beta.tatar', 'delta.tatar']) await same('domain', name, 'ClientX');
      await same('domain', 'epsilon.tatar', 'ClientY');
      await same('host', 'ns.alpha.tatar', 'ClientX');
      await same('host', 'ns1.escrow-dns.net', 'ClientX');
      for (const id of ['esc-c1', 'esc-c2']) await same('contact', id, 'ClientX');
      // The restored registry works on: the sponsor sets a new authInfo and another registrar can use it.
      await ok(x2, requests.domainUpdate(tr(), { name: 'delta.tatar', chg: { authInfo: 'New-auth-1' } }));
      await ok(y2, requests.domainTransfer(tr(), { op: 'request', name: 'delta.tatar', authInfo: 'New-auth-1' }), 1001);
      // A second import into the now populated registry is refused, changing nothing.
      const again = await spawnAsync(process.execPath, [CLI, 'escrow', 'import', out, '--base', d.base], env);
      expect(again.status).to.not.equal(0);
      expect(again.stderr.trim()).to.equal('registry: the registry is not empty: an import needs a database without domains, hosts or contacts');
    } finally {
      await x2.close();
      await y2.close();
      await t2.close();
    }
  });

  it('a differential deposit holds the domains whose grace period ended since the previous one (their RFC 3915 state changed without a write)', async () => {
    // The previous deposit of .tatar is the import test's full one, at T0 + 3 days; alpha's and beta's add grace
    // periods end at T0 + 5 days, delta's at T0 + 6 days.
    t.clock.set(new Date(T0 + 5 * DAY + 60 * MIN));
    const { view } = open(await deposit('tatar', 'diff', new Date(T0 + 5 * DAY + 30 * MIN)));
    expect(view.domains.has('alpha.tatar')).to.equal(true);
    expect(view.domains.has('beta.tatar')).to.equal(true);
    expect(view.domains.get('alpha.tatar')!.rgp).to.deep.equal([]);
    expect(view.domains.has('delta.tatar')).to.equal(false);
    expect(view.hosts.size + view.contacts.size + Object.keys(view.deletes).length).to.equal(0);
  });

  it("npm start's development set-up wrote the development escrow keys beside the certificates", () => {
    for (const f of Object.values(DEV_KEY_FILES)) expect(existsSync(join(t.config.certsDir, f)), f).to.equal(true);
  });
});
