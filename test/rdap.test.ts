import { expect } from 'chai';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSONPath } from 'jsonpath-plus';
import type { EppClient } from '../src/client/epp-client.js';
import { requests, type ContactParams } from '../src/client/requests.js';
import { loadConfig } from '../src/config.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { checkResponse, readLog, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';

/**
 * The RDAP service over real HTTP, against objects made over EPP in the same registry: every answer is
 * checked for the RDAP media type and `Access-Control-Allow-Origin: *`, validated against
 * schemas/rdap-response.schema.json (RFC 9083 and the 2024 gTLD profile), its link values compared with the
 * URI asked, its error code with the HTTP status, and each redaction it declares evaluated with a JSONPath
 * library: a removed element's prePath matches nothing, an emptied one's postPath matches only empty values.
 */

// ajv-formats is CommonJS: under ESM interop its module object carries the plugin as `default`.
const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default;
const ajv = new Ajv({ allErrors: true, strictTuples: false, strictTypes: false });
addFormats(ajv);
const validateResponse = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/rdap-response.schema.json'), 'utf8')));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
interface Answer {
  status: number;
  headers: Headers;
  body: Body;
  /** The URI as sent (percent-encoded). */
  uri: string;
}

const DAY = 86_400_000;
const DS = { keyTag: 12345, alg: 8, digestType: 2, digest: '49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC1234' };

/** Personal data of the contacts below: none of it may appear in a response unless the policy publishes it. */
const PERSON = {
  name: 'Petrov Petr Petrovitch',
  street: 'Primernaya st. 1',
  city: 'Moscow',
  pc: '123456',
  voice: '+7.8432000000',
  fax: '+7.8432000099',
  email: 'petrov@example.ru',
  birthday: '1980-11-10',
  passport: '01 23 123456',
};

function person(id: string, o: Partial<ContactParams> = {}): ContactParams {
  return {
    id,
    email: PERSON.email,
    voice: PERSON.voice,
    fax: PERSON.fax,
    authInfo: 'Cpw-2024x',
    postalInfo: { int: { name: PERSON.name, street: [PERSON.street], city: PERSON.city, sp: 'Tatarstan', pc: PERSON.pc, cc: 'RU' } },
    tci: { person: { birthday: PERSON.birthday, passport: [`${PERSON.passport}, issued by OVD`] } },
    ...o,
  };
}

function company(id: string, o: Partial<ContactParams> = {}): ContactParams {
  return {
    id,
    email: 'office@romashka.example',
    voice: '+7.8435550000',
    authInfo: 'Cpw-2024y',
    postalInfo: { int: { name: 'Ivan Ivanov', org: 'Romashka LLC', street: ['Lenina 5', 'Office 12'], city: 'Kazan', sp: 'Tatarstan', pc: '420000', cc: 'RU' } },
    tci: { organization: { legalAddr: [{ type: 'int', street: ['Lenina 5'], city: 'Kazan', pc: '420000', cc: 'RU' }], tin: '1655000000' } },
    ...o,
  };
}

describe('RDAP service', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let base: string;
  let n = 0;

  async function ok(c: EppClient, xml: string, code = 1000): Promise<CheckedResponse> {
    const r = checkResponse(await c.request(xml));
    expect(r.code, r.xml).to.equal(code);
    return r;
  }
  const tr = () => `rdap-${++n}`;

  /** GET (or another method) over HTTP, with every check of the module comment. */
  async function rdap(path: string, init: RequestInit = {}): Promise<Answer> {
    const res = await fetch(base + path, { headers: { accept: 'application/rdap+json' }, ...init });
    const uri = res.url;
    const text = await res.text();
    expect(res.headers.get('access-control-allow-origin'), `CORS header on ${path}`).to.equal('*');
    if (init.method === 'HEAD') return { status: res.status, headers: res.headers, body: null, uri };
    expect(res.headers.get('content-type'), `content type of ${path}`).to.match(/^application\/rdap\+json(;|$)/);
    const body = JSON.parse(text) as Body;
    const parsed: unknown = body;
    if (!validateResponse(parsed)) {
      throw new Error(`the answer to ${path} does not validate against schemas/rdap-response.schema.json: ${ajv.errorsText(validateResponse.errors)}\n${JSON.stringify(body, null, 1)}`);
    }
    if (body.errorCode !== undefined) expect(body.errorCode, 'errorCode').to.equal(res.status);
    // Every link names the URI asked as its context (TIG 3.2/3.3, profile 2.6.3, 2.10), except a registrar's
    // "about" link, whose value is the registrar's RDAP base URL (profile 2.4.6).
    for (const l of JSONPath({ path: '$..links[*]', json: body }) as Array<{ rel: string; value: string }>) {
      if (l.rel !== 'about') expect(l.value, `value of a ${l.rel} link`).to.equal(uri);
    }
    for (const r of (body.redacted ?? []) as Array<{ method: string; prePath?: string; postPath?: string; name: object }>) {
      if (r.method === 'removal' && r.prePath) {
        expect(JSONPath({ path: r.prePath, json: body }), `removed ${JSON.stringify(r.name)} still there`).to.deep.equal([]);
      }
      if (r.method === 'emptyValue') {
        const values = JSONPath({ path: r.postPath!, json: body }) as unknown[];
        expect(values, `emptied ${JSON.stringify(r.name)} not found`).to.not.be.empty;
        for (const v of values) expect(v, `emptied ${JSON.stringify(r.name)}`).to.be.oneOf(['']);
      }
    }
    return { status: res.status, headers: res.headers, body, uri };
  }

  const entity = (body: Body, role: string) => (body.entities as Body[]).find((e) => e.roles?.includes(role));
  const vcard = (e: Body, prop: string) => (e.vcardArray[1] as Body[]).filter((p) => p[0] === prop);
  const redactions = (body: Body) => ((body.redacted ?? []) as Body[]).map((r) => r.name.type ?? r.name.description);
  const eventDate = (body: Body, action: string) => (body.events as Body[]).find((e) => e.eventAction === action)?.eventDate;

  before(async () => {
    t = await startTestRegistry();
    base = t.registry.rdap!.baseUrl;
    x = await t.login('ClientX');
    y = await t.login('ClientY');
    await ok(x, requests.contactCreate(tr(), person('rd-person')));
    await ok(x, requests.contactCreate(tr(), company('rd-company', { disclose: { flag: true, name: ['int'], org: ['int'], addr: ['int'], email: true } })));
    await ok(x, requests.contactCreate(tr(), person('rd-consent', { disclose: { flag: true, name: ['int'], addr: ['int'], voice: true, email: true } })));
  });
  after(async () => {
    await x?.close();
    await y?.close();
    await t?.close();
  });

  const createDomain = (c: EppClient, name: string, o: { registrant?: string; tech?: string; ns?: string[]; ds?: boolean } = {}) =>
    ok(
      c,
      requests.domainCreate(tr(), {
        name,
        period: { value: 1, unit: 'y' },
        registrant: o.registrant ?? 'rd-person',
        contacts: [
          { type: 'admin', id: 'rd-person' },
          { type: 'tech', id: o.tech ?? 'rd-person' },
        ],
        ns: o.ns,
        authInfo: 'Dpw-2024z',
        secDNS: o.ds ? { dsData: [DS] } : undefined,
      }),
    );

  it('a worker that ends unexpectedly is logged and started again on the same port; EPP goes on meanwhile', async () => {
    const rdap = t.registry.rdap!.worker!;
    const before = rdap.threadId;
    await rdap.terminateWorker();
    // EPP answers while RDAP is out.
    await createDomain(x, 'rdap-restart.tatar');
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = await fetch(`${base}domain/rdap-restart.tatar`).then((r) => r.status, () => 0);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).to.equal(200);
    expect(rdap.restarts).to.equal(1);
    expect(rdap.threadId).to.not.equal(before);
    expect(rdap.listening).to.equal(true);
    expect(readLog(t)).to.match(/RDAP worker ended unexpectedly \(exit code 1\): starting it again in 1000 ms/);
    expect(readLog(t)).to.match(/RDAP worker started again on 127\.0\.0\.1:/);
  });

  it('runs in a worker thread of its own: it answers, at once, a change made over EPP while the EPP thread is blocked', async () => {
    expect(t.registry.rdap!.thread).to.equal('worker');
    await createDomain(x, 'rdap-thread.tatar');
    await ok(x, requests.domainUpdate(tr(), { name: 'rdap-thread.tatar', add: { status: ['clientHold'] } }));
    // spawnSync blocks this thread, where EPP, the HTTP API and this test run: only a lookup that needs
    // nothing of it is answered (in the main thread, curl would time out).
    const r = spawnSync('curl', ['-s', '--max-time', '10', '-w', '\\n%{http_code}', `${base}domain/rdap-thread.tatar`], { encoding: 'utf8' });
    const [body, status] = [r.stdout.slice(0, r.stdout.lastIndexOf('\n')), r.stdout.slice(r.stdout.lastIndexOf('\n') + 1)];
    expect(status, r.stderr).to.equal('200');
    const answer = JSON.parse(body) as Body;
    expect(answer.ldhName).to.equal('rdap-thread.tatar');
    expect(answer.status).to.include('client hold');
    expect(validateResponse(answer), ajv.errorsText(validateResponse.errors)).to.equal(true);
  });

  it('answers a domain created over EPP in the same test, at once (same core, no cache)', async () => {
    await createDomain(x, 'rdap-first.tatar');
    const info = await ok(x, requests.info(tr(), 'domain', 'rdap-first.tatar'));
    const a = await rdap('domain/rdap-first.tatar');
    expect(a.status).to.equal(200);
    expect(a.body.objectClassName).to.equal('domain');
    expect(a.body.ldhName).to.equal('rdap-first.tatar');
    expect(a.body.unicodeName).to.equal(undefined);
    expect(a.body.handle).to.equal(info.text('//domain:infData/domain:roid'));
    expect(a.body.rdapConformance).to.deep.equal(['rdap_level_0', 'icann_rdap_response_profile_1', 'icann_rdap_technical_implementation_guide_1', 'redacted']);
    // No nameservers yet: inactive (RFC 5731) and in the add grace period (RFC 3915), as RFC 8056 maps them.
    expect(a.body.status).to.deep.equal(['inactive', 'add period']);
    expect(eventDate(a.body, 'registration')).to.equal(info.text('//domain:infData/domain:crDate')!.replace(/\.\d+Z$/, 'Z'));
    expect(eventDate(a.body, 'expiration')).to.equal(info.text('//domain:infData/domain:exDate')!.replace(/\.\d+Z$/, 'Z'));
    expect(eventDate(a.body, 'last update of RDAP database')).to.equal(t.clock.now().toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(a.body.links).to.deep.include({ value: a.uri, rel: 'self', href: `${base}domain/rdap-first.tatar`, type: 'application/rdap+json' });
    expect(a.body.links).to.deep.include({ value: a.uri, rel: 'related', href: 'https://rdap.clientx.example/domain/rdap-first.tatar', type: 'application/rdap+json' });
    expect(a.body.secureDNS).to.deep.equal({ delegationSigned: false });
    expect(a.body.nameservers).to.deep.equal([]);
    expect(a.body.notices.map((x: Body) => x.title)).to.deep.equal(['Terms of Service', 'Status Codes', 'RDDS Inaccuracy Complaint Form']);
    // A change over EPP is in the very next answer.
    await ok(x, requests.domainUpdate(tr(), { name: 'rdap-first.tatar', add: { status: ['clientHold'] } }));
    expect((await rdap('domain/rdap-first.tatar')).body.status).to.deep.equal(['client hold', 'inactive', 'add period']);
  });

  it('names the registrar as the profile asks: IANA ID as handle and publicId, fn, about link, abuse contact', async () => {
    const a = await rdap('domain/rdap-first.tatar');
    const registrars = (a.body.entities as Body[]).filter((e) => e.roles.includes('registrar'));
    expect(registrars).to.have.length(1);
    const r = registrars[0];
    expect(r.handle).to.equal('9995');
    expect(r.publicIds).to.deep.equal([{ type: 'IANA Registrar ID', identifier: '9995' }]);
    expect(vcard(r, 'fn')[0][3]).to.equal('OT&E registrar X');
    expect(r.links).to.deep.include({ value: 'https://rdap.clientx.example/', rel: 'about', href: 'https://clientx.example/', type: 'text/html' });
    const abuse = r.entities.find((e: Body) => e.roles.includes('abuse'));
    expect(vcard(abuse, 'email')[0][3]).to.equal('abuse@clientx.example');
    expect(vcard(abuse, 'tel')[0]).to.deep.equal(['tel', { type: 'voice' }, 'uri', 'tel:+7.8435550100']);
    // The same registrar looked up by its IANA Registrar ID.
    const e = await rdap('entity/9995');
    expect(e.status).to.equal(200);
    expect(e.body.handle).to.equal('9995');
    expect(e.body.status).to.deep.equal(['active']);
    expect(e.body.links).to.deep.include({ value: e.uri, rel: 'self', href: `${base}entity/9995`, type: 'application/rdap+json' });
    // Looked up by itself, its postal address and phone (profile 3.1), from the OT&E fixtures; not in a domain.
    expect(vcard(e.body, 'adr')).to.deep.equal([['adr', { cc: 'RU' }, 'text', ['', '', ['12 Example Street', 'Office 4'], 'Kazan', 'Tatarstan', '420111', '']]]);
    expect(vcard(e.body, 'tel')).to.deep.equal([['tel', { type: 'voice' }, 'uri', 'tel:+7.8435550101']]);
    expect(vcard(r, 'adr')).to.deep.equal([]);
    const y = await rdap('entity/9996');
    expect(vcard(y.body, 'adr')).to.deep.equal([['adr', { cc: 'RU' }, 'text', ['', '', '7 Test Avenue', 'Moscow', '', '101000', '']]]);
    // The schema asks for them (profile 3.1): a registrar lookup without its address or phone is refused.
    for (const prop of ['adr', 'tel']) {
      const mutated = JSON.parse(JSON.stringify(e.body)) as Body;
      mutated.vcardArray[1] = mutated.vcardArray[1].filter((p: Body) => p[0] !== prop);
      expect(validateResponse(mutated), `a registrar without ${prop}`).to.equal(false);
    }
  });

  it("redacts the contacts' personal data by default and declares each redaction (Registration Data Policy, RFC 9537)", async () => {
    const a = await rdap('domain/rdap-first.tatar');
    const text = JSON.stringify(a.body);
    for (const [what, value] of Object.entries(PERSON)) expect(text, `${what} published`).to.not.contain(value);
    const registrant = entity(a.body, 'registrant');
    expect(registrant.handle, 'Registry Registrant ID published').to.equal(undefined);
    expect(vcard(registrant, 'fn')).to.deep.equal([['fn', {}, 'text', '']]);
    // State/province and country are published; the country as the cc parameter with an empty name.
    expect(vcard(registrant, 'adr')).to.deep.equal([['adr', { cc: 'RU' }, 'text', ['', '', '', '', 'Tatarstan', '', '']]]);
    for (const prop of ['tel', 'email', 'org']) expect(vcard(registrant, prop), prop).to.deep.equal([]);
    const tech = entity(a.body, 'technical');
    expect(tech.handle).to.equal(undefined);
    expect(vcard(tech, 'fn')[0][3]).to.equal('');
    expect(vcard(tech, 'adr'), 'no address in a technical contact').to.deep.equal([]);
    expect(entity(a.body, 'administrative'), 'no administrative contact (not registration data under the policy)').to.equal(undefined);
    expect(redactions(a.body)).to.have.members([
      'Registry Registrant ID',
      'Registrant Name',
      'Registrant Organization',
      'Registrant Street',
      'Registrant City',
      'Registrant Postal Code',
      'Registrant Phone',
      'Registrant Phone Ext',
      'Registrant Fax',
      'Registrant Fax Ext',
      'Registrant Email',
      'Registry Tech ID',
      'Tech Name',
      'Tech Phone',
      'Tech Phone Ext',
      'Tech Email',
      'Administrative Contact',
    ]);
    const name = (a.body.redacted as Body[]).find((r) => r.name.type === 'Registrant Name');
    expect(name).to.deep.include({ method: 'emptyValue', pathLang: 'jsonpath', postPath: "$.entities[1].vcardArray[1][?(@[0]=='fn')][3]" });
    const id = (a.body.redacted as Body[]).find((r) => r.name.type === 'Registry Registrant ID');
    expect(id).to.deep.include({ method: 'removal', prePath: '$.entities[1].handle' });
  });

  it('publishes what a legal person consents to (contact:disclose flag="1"), never a natural person\'s, nor TCI data', async () => {
    await createDomain(x, 'rdap-company.tatar', { registrant: 'rd-company', tech: 'rd-consent' });
    const a = await rdap('domain/rdap-company.tatar');
    const registrant = entity(a.body, 'registrant');
    expect(vcard(registrant, 'fn')[0][3]).to.equal('Ivan Ivanov');
    expect(vcard(registrant, 'org')[0][3]).to.equal('Romashka LLC');
    expect(vcard(registrant, 'adr')[0][3]).to.deep.equal(['', '', ['Lenina 5', 'Office 12'], 'Kazan', 'Tatarstan', '420000', '']);
    expect(vcard(registrant, 'email')[0][3]).to.equal('office@romashka.example');
    // Not listed under disclose: still withheld.
    expect(vcard(registrant, 'tel')).to.deep.equal([]);
    expect(redactions(a.body)).to.include.members(['Registry Registrant ID', 'Registrant Phone', 'Registrant Fax']);
    expect(redactions(a.body)).to.not.include.members(['Registrant Name', 'Registrant Organization', 'Registrant Street', 'Registrant Email']);
    // The TIN of the TCI extension stays private.
    expect(JSON.stringify(a.body)).to.not.contain('1655000000');
    // A natural person's consent does not count under the OT&E TLDs' policy (legal persons only).
    const tech = entity(a.body, 'technical');
    expect(vcard(tech, 'fn')[0][3]).to.equal('');
    expect(redactions(a.body)).to.include.members(['Tech Name', 'Tech Phone', 'Tech Email']);
    expect(JSON.stringify(a.body)).to.not.contain(PERSON.name);
  });

  it("follows a TLD's policy: published elements, consent of everyone, and a contact's flag=\"0\"", async () => {
    await t.registry.store.transaction((r) =>
      r.tlds.upsert({ name: 'rdaptest', policy: resolvePolicy({ contactExtension: 'tci', rdap: { publish: ['email', 'voice'], consent: 'everyone' } }) }, t.clock.now()),
    );
    await ok(x, requests.contactCreate(tr(), person('rd-private', { disclose: { flag: false, email: true } })));
    await createDomain(x, 'open.rdaptest', { registrant: 'rd-consent', tech: 'rd-private' });
    const a = await rdap('domain/open.rdaptest');
    const registrant = entity(a.body, 'registrant');
    // Consent counts for everyone here: name and address; and the TLD publishes phone and e-mail.
    expect(vcard(registrant, 'fn')[0][3]).to.equal(PERSON.name);
    expect(vcard(registrant, 'adr')[0][3]).to.deep.equal(['', '', PERSON.street, PERSON.city, 'Tatarstan', PERSON.pc, '']);
    expect(vcard(registrant, 'tel')).to.deep.equal([['tel', { type: 'voice' }, 'uri', `tel:${PERSON.voice}`]]);
    expect(vcard(registrant, 'email')[0][3]).to.equal(PERSON.email);
    // rd-private said no to its e-mail: withheld although the TLD publishes e-mail; its phone is published.
    const tech = entity(a.body, 'technical');
    expect(vcard(tech, 'email')).to.deep.equal([]);
    expect(vcard(tech, 'tel')).to.have.length(1);
    expect(redactions(a.body)).to.include('Tech Email').and.not.include('Tech Phone');
    // The paths the redactions use find the elements where they are published (so a path that matches
    // nothing in a redacted response means the element is gone, not that the path is wrong).
    for (const path of ["$.entities[1].vcardArray[1][?(@[1].type=='voice')]", "$.entities[1].vcardArray[1][?(@[0]=='email')]", "$.entities[2].vcardArray[1][?(@[1].type=='voice')]"]) {
      expect(JSONPath({ path, json: a.body }), path).to.have.length(1);
    }
    expect(JSONPath({ path: "$.entities[1].vcardArray[1][?(@[0]=='adr')][3][2]", json: a.body })).to.deep.equal([PERSON.street]);
  });

  it('looks up U-label and A-label names in any case, and gives IDNs their unicodeName', async () => {
    await createDomain(x, 'пример.дети');
    const aLabel = 'xn--e1afmkfd.xn--d1acj3b';
    for (const q of ['пример.дети', 'ПРИМЕР.ДЕТИ', aLabel, aLabel.toUpperCase(), `${aLabel}.`]) {
      const a = await rdap(`domain/${encodeURIComponent(q)}`);
      expect(a.status, q).to.equal(200);
      expect(a.body.ldhName).to.equal(aLabel);
      expect(a.body.unicodeName).to.equal('пример.дети');
      expect(a.body.links[0].href).to.equal(`${base}domain/${aLabel}`);
    }
  });

  it('serves nameservers with their glue addresses and statuses, in the domain and by themselves', async () => {
    await createDomain(x, 'rdap-ns.tatar');
    await ok(x, requests.hostCreate(tr(), { name: 'ns1.rdap-ns.tatar', addrs: [{ ip: 'v4', addr: '192.0.2.53' }, { ip: 'v6', addr: '2001:db8::53' }] }));
    await ok(x, requests.hostCreate(tr(), { name: 'ns.external-dns.example' }));
    let ns = await rdap('nameserver/NS1.rdap-ns.tatar');
    expect(ns.status).to.equal(200);
    expect(ns.body.status).to.deep.equal(['active']);
    await ok(x, requests.domainUpdate(tr(), { name: 'rdap-ns.tatar', add: { ns: ['ns1.rdap-ns.tatar', 'ns.external-dns.example'] } }));
    ns = await rdap('nameserver/ns1.rdap-ns.tatar');
    expect(ns.body).to.deep.include({ objectClassName: 'nameserver', ldhName: 'ns1.rdap-ns.tatar', ipAddresses: { v4: ['192.0.2.53'], v6: ['2001:db8::53'] } });
    expect(ns.body.status).to.deep.equal(['active', 'associated']);
    expect(ns.body.handle).to.match(/^H\d+-REG$/);
    expect(entity(ns.body, 'registrar').handle).to.equal('9995');
    const d = await rdap('domain/rdap-ns.tatar');
    expect(d.body.status).to.deep.equal(['active', 'add period']);
    expect(d.body.nameservers.map((s: Body) => s.ldhName)).to.have.members(['ns1.rdap-ns.tatar', 'ns.external-dns.example']);
    const glue = d.body.nameservers.find((s: Body) => s.ldhName === 'ns1.rdap-ns.tatar');
    expect(glue).to.deep.include({ handle: ns.body.handle, ipAddresses: { v4: ['192.0.2.53'], v6: ['2001:db8::53'] } });
    expect(glue.links[0].href).to.equal(`${base}nameserver/ns1.rdap-ns.tatar`);
    expect(d.body.nameservers.find((s: Body) => s.ldhName === 'ns.external-dns.example').ipAddresses).to.equal(undefined);
  });

  it('publishes the DNSSEC data as secureDNS', async () => {
    await createDomain(x, 'rdap-signed.tatar', { ds: true });
    const a = await rdap('domain/rdap-signed.tatar');
    expect(a.body.secureDNS).to.deep.equal({ delegationSigned: true, dsData: [{ keyTag: DS.keyTag, algorithm: DS.alg, digest: DS.digest, digestType: DS.digestType }] });
  });

  it('shows a transfer as it happens: pending transfer, then the new registrar, the transfer event and period', async () => {
    await createDomain(x, 'rdap-move.tatar');
    await ok(y, requests.domainTransfer(tr(), { op: 'request', name: 'rdap-move.tatar', authInfo: 'Dpw-2024z' }), 1001);
    let a = await rdap('domain/rdap-move.tatar');
    expect(a.body.status).to.include('pending transfer');
    expect(entity(a.body, 'registrar').handle).to.equal('9995');
    await ok(x, requests.domainTransfer(tr(), { op: 'approve', name: 'rdap-move.tatar' }));
    a = await rdap('domain/rdap-move.tatar');
    expect(a.body.status).to.not.include('pending transfer');
    expect(a.body.status).to.include('transfer period');
    expect(entity(a.body, 'registrar').handle).to.equal('9996');
    expect(a.body.links.find((l: Body) => l.rel === 'related').href).to.equal('https://rdap.clienty.example/domain/rdap-move.tatar');
    expect(eventDate(a.body, 'transfer')).to.be.a('string');
  });

  it('shows an auto-approved transfer at its instant, without waiting for an EPP command or the sweep timer', async () => {
    await createDomain(x, 'rdap-auto.tatar');
    await ok(y, requests.domainTransfer(tr(), { op: 'request', name: 'rdap-auto.tatar', authInfo: 'Dpw-2024z' }), 1001);
    expect(entity((await rdap('domain/rdap-auto.tatar')).body, 'registrar').handle).to.equal('9995');
    t.clock.advance(6 * DAY);
    const a = await rdap('domain/rdap-auto.tatar');
    expect(entity(a.body, 'registrar').handle).to.equal('9996');
    expect(a.body.status).to.not.include('pending transfer');
  });

  it('shows a delete and a restore: pending delete with redemption period, pending restore, active again', async () => {
    await createDomain(x, 'rdap-gone.tatar');
    t.clock.advance(6 * DAY); // past the add grace period: the delete sends it to redemption
    await ok(x, requests.delete(tr(), 'domain', 'rdap-gone.tatar'));
    let a = await rdap('domain/rdap-gone.tatar');
    expect(a.body.status).to.deep.equal(['pending delete', 'inactive', 'redemption period']);
    await ok(x, requests.domainRestore(tr(), { name: 'rdap-gone.tatar' }));
    a = await rdap('domain/rdap-gone.tatar');
    expect(a.body.status).to.include.members(['pending delete', 'pending restore']).and.not.include('redemption period');
    const now = t.clock.now().toISOString();
    await ok(
      x,
      requests.domainRestore(tr(), {
        name: 'rdap-gone.tatar',
        report: { preData: 'pre', postData: 'post', delTime: now, resTime: now, resReason: 'registrant error', statements: ['s1', 's2'] },
      }),
    );
    a = await rdap('domain/rdap-gone.tatar');
    expect(a.body.status).to.deep.equal(['inactive']);
  });

  it('looks up a contact by its handle (ROID), redacted under the strictest policy of the TLDs served', async () => {
    const info = await ok(x, requests.info(tr(), 'contact', 'rd-person'));
    const roid = info.text('//contact:infData/contact:roid')!;
    const a = await rdap(`entity/${roid}`);
    expect(a.status).to.equal(200);
    expect(a.body.handle).to.equal(roid);
    expect(a.body.status).to.deep.equal(['active', 'associated']);
    expect(vcard(a.body, 'fn')[0][3]).to.equal('');
    expect(JSON.stringify(a.body)).to.not.contain(PERSON.email).and.not.contain(PERSON.birthday);
    expect(redactions(a.body)).to.include.members(['Contact Name', 'Contact Email', 'Contact Phone']);
    expect(a.body.redacted.find((r: Body) => r.name.description === 'Contact Name').postPath).to.equal("$.vcardArray[1][?(@[0]=='fn')][3]");
  });

  it('answers 404 with an RDAP error for what is not here, 400 for what is malformed, 501 for searches', async () => {
    const cases: Array<[string, number]> = [
      ['domain/nothing-here.tatar', 404],
      ['domain/not-a-domain.invalid', 404],
      ['domain/rdap-first.com', 404],
      ['domain/sub.rdap-first.tatar', 404],
      ['nameserver/ns9.nowhere.example', 404],
      ['entity/4242', 404],
      ['entity/C999999-REG', 404],
      ['domain/-bad-.tatar', 400],
      ['domain/xn--bogus.tatar', 400],
      ['domain/a..tatar', 400],
      [`domain/${'a'.repeat(64)}.tatar`, 400],
      ['domain/tatar', 400],
      ['nameserver/bad_name!.example', 400],
      ['domain/', 400],
      ['entity/%20', 400],
      ['autnum/64496', 501],
      ['ip/192.0.2.0', 501],
      ['domains?name=rdap*.tatar', 501],
      ['nameservers?ip=192.0.2.53', 501],
      ['entities?fn=Petrov*', 501],
      ['something/else', 400],
    ];
    for (const [path, status] of cases) {
      const a = await rdap(path);
      expect(a.status, path).to.equal(status);
      expect(a.body.description.join(' '), path).to.be.a('string').and.not.empty;
    }
    expect((await rdap('domain/-bad-.tatar')).body.description[0]).to.match(/starts or ends with a hyphen/);
    expect((await rdap('domain/not-a-domain.invalid')).body.description[0]).to.match(/TLD is not served/);
    expect((await rdap('help', { method: 'POST' })).status).to.equal(405);
  });

  it('answers HEAD with the status of GET and no body; a CORS preflight; the help', async () => {
    for (const [path, status] of [
      ['domain/rdap-first.tatar', 200],
      ['domain/nothing-here.tatar', 404],
      ['domain/-bad-.tatar', 400],
      ['help', 200],
    ] as const) {
      const head = await rdap(path, { method: 'HEAD' });
      expect(head.status, path).to.equal(status);
      expect(head.headers.get('content-type'), path).to.match(/^application\/rdap\+json/);
    }
    const pre = await fetch(`${base}domain/rdap-first.tatar`, { method: 'OPTIONS', headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' } });
    expect(pre.status).to.equal(204);
    expect(pre.headers.get('access-control-allow-origin')).to.equal('*');
    expect(pre.headers.get('access-control-allow-methods')).to.contain('GET');
    const help = await rdap('help');
    expect(help.status).to.equal(200);
    expect(help.body.notices[0].title).to.equal('Terms of Service');
  });

  it('has a response schema that refuses what the RFC and the profile rule out', async () => {
    const good = (await rdap('domain/rdap-ns.tatar')).body;
    expect(validateResponse(good)).to.equal(true);
    const broken: Array<[string, (b: Body) => void]> = [
      ['no rdapConformance', (b) => delete b.rdapConformance],
      ['no profile identifier', (b) => (b.rdapConformance = ['rdap_level_0', 'redacted'])],
      ['an EPP status', (b) => b.status.push('ok')],
      ['a status twice', (b) => b.status.push(b.status[0])],
      ['no status codes notice', (b) => b.notices.splice(1, 1)],
      ['no terms of service', (b) => b.notices.splice(0, 1)],
      ['a link without value', (b) => delete b.links[0].value],
      ['no expiration event', (b) => (b.events = b.events.filter((e: Body) => e.eventAction !== 'expiration'))],
      ['an unknown event action', (b) => b.events.push({ eventAction: 'created', eventDate: b.events[0].eventDate })],
      ['a date without zone', (b) => (b.events[0].eventDate = '2024-01-01T00:00:00')],
      ['no registrar', (b) => (b.entities = b.entities.filter((e: Body) => !e.roles.includes('registrar')))],
      ['a registrar without abuse contact', (b) => delete entity(b, 'registrar').entities],
      ['a country name', (b) => (entity(b, 'registrant').vcardArray[1].find((p: Body) => p[0] === 'adr')[3][6] = 'Russia')],
      ['a phone without type', (b) => entity(b, 'registrar').entities[0].vcardArray[1].find((p: Body) => p[0] === 'tel').splice(1, 1, {})],
      ['no secureDNS', (b) => delete b.secureDNS],
      ['signed without data', (b) => (b.secureDNS.delegationSigned = true)],
      ['a redaction with type and description', (b) => (b.redacted[0].name.description = 'x')],
      ['redactions without "redacted" conformance', (b) => (b.rdapConformance = b.rdapConformance.filter((c: string) => c !== 'redacted'))],
      ['an emptied value without postPath', (b) => delete b.redacted.find((r: Body) => r.method === 'emptyValue').postPath],
      ['a malformed handle', (b) => (b.handle = 'D1')],
      ['an A-label in unicodeName only', (b) => (b.ldhName = 'not a name')],
      ['a member RFC 9083 does not have', (b) => (b.whois = 'x')],
    ];
    for (const [what, mutate] of broken) {
      const b = structuredClone(good);
      mutate(b);
      expect(validateResponse(b), what).to.equal(false);
    }
  });

  it('takes its settings from the configuration, checked where they enter', () => {
    const c = loadConfig({ env: { REGISTRY_RDAP_HOST: '0.0.0.0', REGISTRY_RDAP_PORT: '8443', REGISTRY_RDAP_BASE_URL: 'https://rdap.example.net/rdap' }, base: t.dir });
    expect(c.rdap).to.deep.include({ host: '0.0.0.0', port: 8443, baseUrl: 'https://rdap.example.net/rdap/', enabled: true });
    expect(loadConfig({ base: t.dir }).rdap).to.deep.include({ host: '127.0.0.1', port: 7480, baseUrl: '' });
    expect(() => loadConfig({ env: { REGISTRY_RDAP_PORT: '70000' }, base: t.dir })).to.throw(/rdap.port must be an integer/);
    expect(() => loadConfig({ env: { REGISTRY_RDAP_BASE_URL: 'rdap.example.net' }, base: t.dir })).to.throw(/rdap.baseUrl must be an absolute http or https URL/);
    expect(() => loadConfig({ env: { REGISTRY_RDAP_TLS_CERT: '/nonexistent.crt' }, base: t.dir })).to.throw(/rdap.tls.cert and rdap.tls.key go together/);
    expect(() => loadConfig({ env: { REGISTRY_RDAP_TLS_CERT: '/nonexistent.crt', REGISTRY_RDAP_TLS_KEY: '/nonexistent.key' }, base: t.dir })).to.throw(/rdap.tls.cert \/nonexistent.crt does not exist/);
    expect(() => resolvePolicy({ rdap: { publish: ['passport' as 'name'], consent: 'everyone' } })).to.throw(/rdap.publish must list distinct contact elements/);
  });
});

describe('RDAP service over TLS, disabled', function () {
  this.timeout(60_000);

  it('serves HTTPS when a certificate is configured, and nothing when rdap.enabled is false', async () => {
    const t = await startTestRegistry((c) => {
      c.rdap.tls = { cert: c.tls.cert, key: c.tls.key };
    });
    try {
      expect(t.registry.rdap!.baseUrl).to.match(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const { request } = await import('node:https');
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${t.registry.rdap!.baseUrl}help`, { ca: readFileSync(join(t.config.certsDir, 'ca.crt')), servername: 'localhost' }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).to.equal(200);
      expect(validateResponse(JSON.parse(answer.body))).to.equal(true);
    } finally {
      await t.close();
    }
    const off = await startTestRegistry((c) => (c.rdap.enabled = false));
    try {
      expect(off.registry.rdap).to.equal(undefined);
    } finally {
      await off.close();
    }
  });
});

describe('RDAP rate limiting (RFC 7480 §5.5)', function () {
  this.timeout(60_000);

  it('answers a client over its rate 429 with an RDAP error body and Retry-After, then serves it again', async () => {
    const t = await startTestRegistry((c) => {
      c.rdap.rateLimit = { perSecond: 2, burst: 3 };
    });
    try {
      const get = async () => {
        const res = await fetch(`${t.registry.rdap!.baseUrl}help`, { headers: { accept: 'application/rdap+json' } });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), cors: res.headers.get('access-control-allow-origin'), body: (await res.json()) as Record<string, unknown> };
      };
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await get());
      // The burst of 3 (and perhaps one refilled token, on a slow machine) is served; the rest is refused.
      expect(answers.slice(0, 3).map((a) => a.status)).to.deep.equal([200, 200, 200]);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).to.be.greaterThan(0);
      for (const a of refused) {
        expect(a.retryAfter).to.match(/^[1-9]\d*$/);
        expect(a.type).to.match(/^application\/rdap\+json/);
        expect(a.cors).to.equal('*');
        expect(a.body.errorCode).to.equal(429);
        expect((a.body.description as string[]).join(' ')).to.match(/more than 2 queries a second .* from 127\.0\.0\.1/);
        expect(validateResponse(a.body), ajv.errorsText(validateResponse.errors)).to.equal(true);
      }
      await new Promise((r) => setTimeout(r, Number(refused[0].retryAfter) * 1000));
      expect((await get()).status).to.equal(200);
    } finally {
      await t.close();
    }
  });

  it('takes its limit from the configuration, checked where it enters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdap-rate-'));
    expect(loadConfig({ base: dir }).rdap.rateLimit).to.deep.equal({ perSecond: 0, burst: 50 });
    expect(loadConfig({ env: { REGISTRY_RDAP_RATE_LIMIT_PER_SECOND: '20', REGISTRY_RDAP_RATE_LIMIT_BURST: '100' }, base: dir }).rdap.rateLimit).to.deep.equal({ perSecond: 20, burst: 100 });
    expect(() => loadConfig({ env: { REGISTRY_RDAP_RATE_LIMIT_PER_SECOND: '-1' }, base: dir })).to.throw(/rdap.rateLimit.perSecond must be an integer from 0/);
    expect(() => loadConfig({ env: { REGISTRY_RDAP_RATE_LIMIT_BURST: '0' }, base: dir })).to.throw(/rdap.rateLimit.burst must be an integer from 1/);
    expect(() => loadConfig({ env: { REGISTRY_RDAP_RATE_LIMIT_BURST: 'lots' }, base: dir })).to.throw(/REGISTRY_RDAP_RATE_LIMIT_BURST=lots/);
  });
});
