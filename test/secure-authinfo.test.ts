import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { issueToken } from '../src/http/tokens.js';
import { NS } from '../src/protocol/namespaces.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { MIGRATIONS } from '../src/storage/migrations.js';
import { ALL_EXT_URIS, command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import { sqlRows, sqliteDb } from './seed.js';

const DAY = 86_400_000;
const DOM = `xmlns:domain="${NS.domain}"`;
const CON = `xmlns:contact="${NS.contact}"`;
const INF = '//domain:infData';

const pwXml = (prefix: 'domain' | 'contact', pw: string | null) =>
  `<${prefix}:authInfo>${pw === null ? `<${prefix}:null/>` : pw === '' ? `<${prefix}:pw/>` : `<${prefix}:pw>${pw}</${prefix}:pw>`}</${prefix}:authInfo>`;
const createDomain = (name: string, pw: string) =>
  command(`<create><domain:create ${DOM}><domain:name>${name}</domain:name>${pwXml('domain', pw)}</domain:create></create>`);
const setDomainAuth = (name: string, pw: string | null) =>
  command(`<update><domain:update ${DOM}><domain:name>${name}</domain:name><domain:chg>${pwXml('domain', pw)}</domain:chg></domain:update></update>`);
const domainInfo = (name: string, pw?: string) =>
  command(`<info><domain:info ${DOM}><domain:name>${name}</domain:name>${pw === undefined ? '' : pwXml('domain', pw)}</domain:info></info>`);
const domainTransfer = (op: string, name: string, pw?: string) =>
  command(`<transfer op="${op}"><domain:transfer ${DOM}><domain:name>${name}</domain:name>${pw === undefined ? '' : pwXml('domain', pw)}</domain:transfer></transfer>`);
const createContact = (id: string, pw: string) =>
  command(
    `<create><contact:create ${CON}><contact:id>${id}</contact:id><contact:postalInfo type="int"><contact:name>Secure Person</contact:name>` +
      `<contact:addr><contact:street>1 Main St</contact:street><contact:city>Kazan</contact:city><contact:cc>RU</contact:cc></contact:addr></contact:postalInfo>` +
      `<contact:email>secure@example.qq</contact:email>${pwXml('contact', pw)}</contact:create></create>` +
      `<extension><tci:create xmlns:tci="${NS.tciContact}"><tci:person><tci:birthday>1970-01-01</tci:birthday><tci:passport>1234 567890</tci:passport></tci:person></tci:create></extension>`,
  );
const setContactAuth = (id: string, pw: string) =>
  command(`<update><contact:update ${CON}><contact:id>${id}</contact:id><contact:chg>${pwXml('contact', pw)}</contact:chg></contact:update></update>`);
const contactInfo = (id: string, pw?: string) =>
  command(`<info><contact:info ${CON}><contact:id>${id}</contact:id>${pw === undefined ? '' : pwXml('contact', pw)}</contact:info></info>`);
const contactTransfer = (op: string, id: string, pw?: string) =>
  command(`<transfer op="${op}"><contact:transfer ${CON}><contact:id>${id}</contact:id>${pw === undefined ? '' : pwXml('contact', pw)}</contact:transfer></transfer>`);

/** Whether an info answer is the full view a matching authInfo gives another registrar (crID is not public). */
const fullView = (r: CheckedResponse) => r.count(`${INF}/domain:crID`) === 1;

/**
 * RFC 9154 secure authorization information for transfer: authInfo kept only as a salted hash and never
 * shown (an empty one for the sponsor), an empty value on create (none set) or on update (unset), no
 * transfer without one set, none after a transfer, a TTL per TLD policy, the TLD's create and length rules,
 * the migration of values kept in clear, and the HTTP API's auth codes.
 */
describe('secure authorization information for transfer (RFC 9154)', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  let n = 0;
  const uniq = (tld = 'loose') => `sa${++n}-${Date.now().toString(36)}.${tld}`;
  const row = async (sql: string, ...args: unknown[]) => (await sqlRows(t, sql, ...args))[0];

  before(async () => {
    t = await startTestRegistry();
    await t.registry.store.transaction(async (r) => {
      await r.tlds.upsert({ name: 'loose', policy: resolvePolicy({ dataModel: 'minimum', requiredContacts: { admin: 0, tech: 0, billing: 0 } }) }, new Date());
      // A registry that follows RFC 9154 to the letter: empty authInfo on create, strong values, a 3-day TTL.
      await r.tlds.upsert(
        {
          name: 'strict',
          policy: resolvePolicy({ dataModel: 'minimum', requiredContacts: { admin: 0, tech: 0, billing: 0 }, authInfo: { onCreate: 'empty', minLength: 16, ttlDays: 3 } }),
        },
        new Date(),
      );
    });
    // The client signals RFC 9154 at login (the server offers it in its greeting).
    x = await t.login('ClientX', { extURIs: [...ALL_EXT_URIS, NS.secureAuthInfo] });
    y = await t.login('ClientY', { extURIs: [...ALL_EXT_URIS, NS.secureAuthInfo] });
  });
  after(async () => {
    await x.close();
    await y.close();
    await t.close();
  });

  it('keeps an authInfo only as a salted hash and never shows it: the sponsor gets an empty one, a gaining registrar checks a value with info', async () => {
    const name = uniq();
    expect((await send(x, createDomain(name, 'first-Value-123'))).code).to.equal(1000);
    const stored = (await row('SELECT * FROM domains WHERE name = ?', name));
    expect(stored.auth_hash).to.match(/^scrypt\$256\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(JSON.stringify(stored)).to.not.include('first-Value-123');
    expect(stored).to.not.have.property('auth_pw');
    // Two objects with the same value get different hashes (a salt each).
    const other = uniq();
    await send(x, createDomain(other, 'first-Value-123'));
    expect((await row('SELECT auth_hash FROM domains WHERE name = ?', other)).auth_hash).to.not.equal(stored.auth_hash);

    const mine = await send(x, domainInfo(name));
    expect(mine.count(`${INF}/domain:authInfo/domain:pw`)).to.equal(1);
    expect(mine.text(`${INF}/domain:authInfo/domain:pw`)).to.equal('');
    expect(mine.xml).to.not.include('first-Value-123');
    expect(fullView(await send(y, domainInfo(name, 'first-Value-123')))).to.equal(true);
    expect(fullView(await send(y, domainInfo(name, 'first-Value-124')))).to.equal(false);

    expect((await send(x, createContact('SA-C1', 'contact-Value-1'))).code).to.equal(1000);
    expect((await row('SELECT auth_hash FROM contacts WHERE handle = ?', 'SA-C1')).auth_hash).to.match(/^scrypt\$256\$/);
    const c = await send(x, contactInfo('SA-C1'));
    expect(c.text('//contact:infData/contact:authInfo/contact:pw')).to.equal('');
    expect((await send(y, contactInfo('SA-C1', 'contact-Value-1'))).code).to.equal(1000);
    expect((await send(y, contactInfo('SA-C1', 'contact-Value-2'))).code).to.equal(2201);
  });

  it('creates with an empty authInfo (none set): no transfer until the sponsor sets one; a completed transfer unsets it', async () => {
    const name = uniq();
    expect((await send(x, createDomain(name, ''))).code).to.equal(1000);
    expect((await row('SELECT auth_hash, auth_set_at FROM domains WHERE name = ?', name))).to.deep.equal({ auth_hash: null, auth_set_at: null });
    // Nothing matches an unset authInfo, and an empty one matches nothing.
    for (const pw of ['anything-1', '']) {
      const r = await send(y, domainTransfer('request', name, pw));
      expect(r.code, pw).to.equal(2202);
      expect(r.msg).to.include('none is set');
    }
    expect(fullView(await send(y, domainInfo(name, '')))).to.equal(false);
    expect((await send(x, setDomainAuth(name, 'transfer-Code-42'))).code).to.equal(1000);
    expect((await send(y, domainTransfer('request', name, ''))).code).to.equal(2202);
    expect((await send(y, domainTransfer('request', name, 'transfer-Code-42'))).code).to.equal(1001);
    expect((await send(x, domainTransfer('approve', name))).code).to.equal(1000);
    expect((await row('SELECT auth_hash, auth_set_at FROM domains WHERE name = ?', name))).to.deep.equal({ auth_hash: null, auth_set_at: null });
    expect((await send(y, domainInfo(name))).text(`${INF}/domain:authInfo/domain:pw`)).to.equal('');
    expect(fullView(await send(x, domainInfo(name, 'transfer-Code-42')))).to.equal(false);
    expect((await send(x, domainTransfer('request', name, 'transfer-Code-42'))).code).to.equal(2202);

    // Contacts alike: <contact:pw/> on create sets none; a transfer unsets the one set since.
    expect((await send(x, createContact('SA-C2', ''))).code).to.equal(1000);
    expect((await send(y, contactTransfer('request', 'SA-C2', 'anything-1'))).code).to.equal(2202);
    expect((await send(x, setContactAuth('SA-C2', 'contact-Code-7'))).code).to.equal(1000);
    expect((await send(y, contactTransfer('request', 'SA-C2', 'contact-Code-7'))).code).to.equal(1001);
    expect((await send(x, contactTransfer('approve', 'SA-C2'))).code).to.equal(1000);
    expect((await row('SELECT auth_hash, auth_set_at FROM contacts WHERE handle = ?', 'SA-C2'))).to.deep.equal({ auth_hash: null, auth_set_at: null });
    expect((await send(x, contactTransfer('request', 'SA-C2', 'contact-Code-7'))).code).to.equal(2202);
  });

  it('unsets the authInfo with an empty value on update (<domain:pw/>, <domain:null/>, <contact:pw/>); a blank one is refused (2306)', async () => {
    for (const unset of ['', null]) {
      const name = uniq();
      await send(x, createDomain(name, 'before-Unset-1'));
      expect(fullView(await send(y, domainInfo(name, 'before-Unset-1')))).to.equal(true);
      expect((await send(x, setDomainAuth(name, unset))).code).to.equal(1000);
      expect((await row('SELECT auth_hash FROM domains WHERE name = ?', name)).auth_hash).to.equal(null);
      expect(fullView(await send(y, domainInfo(name, 'before-Unset-1')))).to.equal(false);
      expect((await send(y, domainTransfer('request', name, 'before-Unset-1'))).code).to.equal(2202);
    }
    const name = uniq();
    await send(x, createDomain(name, 'kept-Value-1'));
    expect((await send(x, setDomainAuth(name, ' '))).code).to.equal(2306);
    expect(fullView(await send(y, domainInfo(name, 'kept-Value-1')))).to.equal(true);

    await send(x, createContact('SA-C3', 'contact-Value-3'));
    expect((await send(x, setContactAuth('SA-C3', ''))).code).to.equal(1000);
    expect((await send(y, contactInfo('SA-C3', 'contact-Value-3'))).code).to.equal(2201);
    expect((await send(y, contactTransfer('request', 'SA-C3', 'contact-Value-3'))).code).to.equal(2202);
  });

  it('lets an authInfo work for the TTL of its TLD (14 days by default, 3 in .strict) and for 14 days on a contact, not after', async () => {
    const loose = uniq();
    await send(x, createDomain(loose, 'ttl-Value-14'));
    const strict = uniq('strict');
    await send(x, createDomain(strict, ''));
    await send(x, setDomainAuth(strict, 'a-Strong-Value-of-24-chr'));
    await send(x, createContact('SA-C4', 'contact-Ttl-14'));

    t.clock.advance(2 * DAY);
    expect(fullView(await send(y, domainInfo(strict, 'a-Strong-Value-of-24-chr')))).to.equal(true);
    t.clock.advance(2 * DAY);
    expect(fullView(await send(y, domainInfo(strict, 'a-Strong-Value-of-24-chr')))).to.equal(false);
    expect((await send(y, domainTransfer('request', strict, 'a-Strong-Value-of-24-chr'))).code).to.equal(2202);

    t.clock.advance(9 * DAY);
    expect(fullView(await send(y, domainInfo(loose, 'ttl-Value-14')))).to.equal(true);
    expect((await send(y, contactInfo('SA-C4', 'contact-Ttl-14'))).code).to.equal(1000);
    t.clock.advance(2 * DAY);
    expect(fullView(await send(y, domainInfo(loose, 'ttl-Value-14')))).to.equal(false);
    expect((await send(y, domainTransfer('request', loose, 'ttl-Value-14'))).code).to.equal(2202);
    expect((await send(y, contactInfo('SA-C4', 'contact-Ttl-14'))).code).to.equal(2201);
    // Set again, it works again for as long.
    await send(x, setDomainAuth(loose, 'ttl-Value-14'));
    expect((await send(y, domainTransfer('request', loose, 'ttl-Value-14'))).code).to.equal(1001);
  });

  it('refuses a value on create where the TLD takes only an empty one (2306), and values shorter than its minimum (2306)', async () => {
    const name = uniq('strict');
    const r = await send(x, createDomain(name, 'a-Strong-Value-of-24-chr'));
    expect(r.code).to.equal(2306);
    expect(r.count('//e:value/domain:pw')).to.equal(1);
    expect(r.msg).to.include('RFC 9154');
    expect((await send(x, domainInfo(name))).code).to.equal(2303);
    expect((await send(x, createDomain(name, ''))).code).to.equal(1000);
    const short = await send(x, setDomainAuth(name, 'fifteen-chars-1'));
    expect(short.code).to.equal(2306);
    expect(short.msg).to.include('16');
    expect((await send(x, setDomainAuth(name, 'sixteen-chars-12'))).code).to.equal(1000);
    // .loose (the default policy, as the OT&E TLDs) takes a value on create, of any length.
    expect((await send(x, createDomain(uniq(), 'x'))).code).to.equal(1000);
  });

  it('makes a strong auth code over HTTP on request, shows it once, never reads it back, and unsets it with PATCH', async () => {
    const base = `http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1`;
    const token = (await issueToken(t.registry.store, { clId: 'ClientX', channel: 'sa-clientx' }, new Date())).token;
    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const name = `sa-http-${Date.now().toString(36)}.defiwallet`;
    expect((await call('POST', '/domains', { domain: name, idempotency_key: `sa-${name}` })).status).to.equal(201);
    expect((await send(y, domainTransfer('request', name, 'anything-1'))).code).to.equal(2202);

    const made = await call('POST', `/domains/${name}/auth-code`, {});
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const code = made.body.auth_code as string;
    expect(code).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(made.body.expires_at) - t.clock.now().getTime()).to.be.closeTo(14 * DAY, 1000);
    expect((await call('GET', `/domains/${name}`)).body.registration).to.not.have.property('auth_code');
    expect(JSON.stringify(await sqlRows(t, 'SELECT * FROM http_requests'))).to.not.include(code);
    expect(JSON.stringify(await sqlRows(t, 'SELECT * FROM http_idempotency'))).to.not.include(code);
    const keyed = await call('POST', `/domains/${name}/auth-code`, {}, { 'idempotency-key': 'sa-key-1' });
    expect([keyed.status, keyed.body.error.code]).to.deep.equal([400, 'idempotency_not_supported']);

    // A new code replaces the one before.
    const again = await call('POST', `/domains/${name}/auth-code`, {});
    expect(again.body.auth_code).to.not.equal(code);
    expect((await send(y, domainTransfer('request', name, code))).code).to.equal(2202);
    expect((await call('PATCH', `/domains/${name}`, { auth_code: null, idempotency_key: `sa-unset-${name}` })).status).to.equal(200);
    expect((await send(y, domainTransfer('request', name, again.body.auth_code))).code).to.equal(2202);
    const last = await call('POST', `/domains/${name}/auth-code`, {});
    expect((await send(y, domainTransfer('request', name, last.body.auth_code))).code).to.equal(1001);
  });

  it('re-hashes the values a registry kept in clear when it migrates, and they keep working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epp-authmig-'));
    const path = join(dir, 'registry.sqlite');
    try {
      const db = new Database(path);
      db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      const ordered = [...MIGRATIONS].sort((a, b) => a.version - b.version);
      const mine = ordered.findIndex((m) => m.name.startsWith('authInfo kept only as a salted hash'));
      expect(mine).to.be.above(0);
      for (const m of ordered.slice(0, mine)) {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }
      const now = Date.now();
      const rid = Number(db.prepare("INSERT INTO registrars (cl_id, name, password_hash, created_at, updated_at) VALUES ('ClientX', 'X', 'x', ?, ?)").run(now, now).lastInsertRowid);
      db.prepare("INSERT INTO tlds (name, policy, created_at) VALUES ('tatar', '{}', ?)").run(now);
      const postal = JSON.stringify({ name: 'Mig Person', street: ['1 Main St'], city: 'Kazan', cc: 'RU' });
      db.prepare(
        "INSERT INTO contacts (id, handle, roid, sponsor_id, creator_id, created_at, auth_pw, email, postal_int) VALUES (900001, 'MIG-SA', 'C900001-REG', ?, ?, ?, 'old-Contact-pw', 'm@example.qq', ?)",
      ).run(rid, rid, now, postal);
      db.prepare(
        "INSERT INTO domains (id, name, tld, roid, sponsor_id, creator_id, registrant_id, created_at, expires_at, auth_pw) VALUES (900001, 'mig-sa.tatar', 'tatar', 'D900001-REG', ?, ?, 900001, ?, ?, 'old-Domain-pw')",
      ).run(rid, rid, now, now + 365 * DAY);
      db.close();

      const m = await startTestRegistry((c) => (c.database = path));
      try {
        const mdb = sqliteDb(m)!;
        const cols = (table: string) => (mdb.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
        expect(cols('domains')).to.include.members(['auth_hash', 'auth_set_at']).and.not.include('auth_pw');
        expect(cols('contacts')).to.include.members(['auth_hash', 'auth_set_at']).and.not.include('auth_pw');
        const d = mdb.prepare("SELECT auth_hash, auth_set_at FROM domains WHERE name = 'mig-sa.tatar'").get() as { auth_hash: string; auth_set_at: number };
        expect(d.auth_hash).to.match(/^scrypt\$256\$/);
        expect(Math.abs(d.auth_set_at - Date.now())).to.be.below(60_000);
        expect(JSON.stringify(mdb.prepare('SELECT * FROM domains').all()) + JSON.stringify(mdb.prepare('SELECT * FROM contacts').all())).to.not.include('old-');
        const my = await m.login('ClientY');
        try {
          expect(fullView(await send(my, domainInfo('mig-sa.tatar', 'old-Domain-pw')))).to.equal(true);
          expect((await send(my, contactInfo('MIG-SA', 'old-Contact-pw'))).code).to.equal(1000);
          expect((await send(my, domainTransfer('request', 'mig-sa.tatar', 'old-Domain-pw'))).code).to.equal(1001);
        } finally {
          await my.close();
        }
      } finally {
        await m.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
