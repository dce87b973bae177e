import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { EppClient } from '../src/client/epp-client.js';
import { requests } from '../src/client/requests.js';
import { hashSecret } from '../src/registry/passwords.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { loadConfig } from '../src/config.js';
import { PgStore } from '../src/storage/postgres/pg-store.js';
import { pgTypes } from '../src/storage/postgres/pg-types.js';
import { fingerprint } from '../src/transport/dev-certs.js';
import { issueToken } from '../src/http/tokens.js';
import { readEnvironment, resetEnvironment } from '../src/ote/environment.js';
import { runScript, type Account } from '../src/ote/runner.js';
import { loadScript } from '../src/ote/script.js';
import { checkResponse, loginXml, PASSWORDS, testCerts } from './helpers.js';
import { auditByClTRID, databaseViolations, lostAcknowledged, modelViolations } from './crash/invariants.js';
import { copyToSqlite } from './crash/pg-copy.js';
import { killHard, startServer, type ServerProcess } from './crash/server-process.js';
import { HOSTS, loginSession, prng, REGS, TLD, Worker, type Model } from './crash/workload.js';
import { newTestDatabase, onPostgres } from './support/store-under-test.js';

/**
 * Issue 23: two `registry serve` processes on one PostgreSQL database, driven at once by sessions of both
 * registrars (the PostgreSQL pass of `npm test` only: it needs the run's cluster). What one server commits
 * the other serves; two registrars racing for one name through different servers get exactly one 1000 and
 * 2302 for the rest, never a 2400; balances stay exact; and one of the two killed with SIGKILL under load
 * loses nothing it acknowledged and leaves nothing half-applied (the crash test's invariants, checked on a
 * copy of the database in SQLite's SQL).
 */
const PRICE = 1000;
const CREDIT = 1_000_000_000;
const CYCLES = Number(process.env.PG_CRASH_CYCLES ?? 4);
const WORKERS = 4;

function writeConfig(file: string, url: string, certsDir: string): void {
  writeFileSync(file, JSON.stringify({ database: url, certsDir, devFixtures: false, logLevel: 'info', epp: { port: 0, svID: 'Two Servers' }, http: { enabled: false }, rdap: { enabled: false } }));
}

/** The TLD and the two accounts with their credit, as the CLI makes them (in-process to save node starts). */
async function seedRegistry(url: string, certsDir: string, maxSessions = 40): Promise<void> {
  const store = new PgStore({ url });
  const now = new Date();
  await store.transaction(async (r) => {
    await r.tlds.upsert({ name: TLD, policy: resolvePolicy({ prices: { create: PRICE, renew: PRICE, transfer: PRICE, restore: 4 * PRICE } }) }, now);
    for (const clId of REGS) {
      const reg = await r.registrars.insert(
        {
          clId,
          name: clId,
          passwordHash: await hashSecret(PASSWORDS[clId]),
          certFingerprints: [fingerprint(readFileSync(join(certsDir, `${clId.toLowerCase()}.crt`), 'utf8'))],
          maxSessions,
        },
        now,
      );
      await r.billing.post(reg.id, CREDIT, 'credit', null, now);
    }
  });
  await store.close();
}

describe('PostgreSQL: two server processes on one database', function () {
  this.timeout(120_000 + CYCLES * 15_000);
  let dir: string;
  let certsDir: string;
  let db: { url: string; drop(): Promise<void> };
  let configFile: string;
  const servers: Array<ServerProcess | undefined> = [undefined, undefined];

  before(async function () {
    if (!onPostgres) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'epp-pg-two-'));
    certsDir = testCerts();
    db = await newTestDatabase();
    configFile = join(dir, 'registry.json');
    writeConfig(configFile, db.url, certsDir);
    await seedRegistry(db.url, certsDir);
    for (const i of [0, 1]) servers[i] = await startServer(configFile);
    for (const s of servers) expect(s!.database.durability, 'durability each server runs with').to.equal('FULL');
    const setup = await loginSession({ port: servers[0]!.port, certsDir }, 'ClientX', 'pg-setup-login');
    for (const name of HOSTS) expect(checkResponse(await setup.request(requests.hostCreate(`pg-setup-${name}`, { name }))).code).to.equal(1000);
    for (const reg of REGS) {
      const id = `pg-${reg.toLowerCase()}`;
      const s = reg === 'ClientX' ? setup : await loginSession({ port: servers[1]!.port, certsDir }, 'ClientY', 'pg-setup-login-y');
      const xml = requests.contactCreate(`pg-setup-${id}`, { id, email: `${id}@example.net`, authInfo: 'pw-contact-secret', postalInfo: { int: { name: id, street: ['1 Main St'], city: 'Kazan', cc: 'RU' } } });
      expect(checkResponse(await s.request(xml)).code).to.equal(1000);
      if (s !== setup) await s.close();
    }
    await setup.close();
  });

  after(async () => {
    for (const s of servers) if (s) await killHard(s);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const session = (server: number, reg: 'ClientX' | 'ClientY', trid: string) => loginSession({ port: servers[server]!.port, certsDir }, reg, trid);

  async function balances(): Promise<Record<string, number>> {
    const c = new pg.Client({ connectionString: db.url, types: pgTypes });
    await c.connect();
    try {
      const rows = (await c.query('SELECT cl_id, balance FROM registrars')).rows as Array<{ cl_id: string; balance: number }>;
      return Object.fromEntries(rows.map((r) => [r.cl_id, r.balance]));
    } finally {
      await c.end();
    }
  }

  it('two registrars racing for one name through different servers: exactly one 1000, the others 2302, never 2400; balances exact', async () => {
    const before = await balances();
    // Three sessions per registrar, X on server 0 and Y on server 1, all sending the same 20 names at once.
    const sessions: Array<{ reg: 'ClientX' | 'ClientY'; c: EppClient }> = [];
    for (let i = 0; i < 3; i++) {
      sessions.push({ reg: 'ClientX', c: await session(0, 'ClientX', `race-login-x${i}`) });
      sessions.push({ reg: 'ClientY', c: await session(1, 'ClientY', `race-login-y${i}`) });
    }
    const names = Array.from({ length: 20 }, (_, i) => `race${i}-${Date.now().toString(36)}.${TLD}`);
    const results = await Promise.all(
      sessions.map(async ({ reg, c }, si) => {
        const codes: Array<{ name: string; reg: string; code: number }> = [];
        for (const name of names) {
          const contact = `pg-${reg.toLowerCase()}`;
          const xml = requests.domainCreate(`race-${si}-${name}`, { name, registrant: contact, contacts: [{ type: 'admin', id: contact }, { type: 'tech', id: contact }], authInfo: 'pw-race-secret' });
          codes.push({ name, reg, code: checkResponse(await c.request(xml)).code });
        }
        return codes;
      }),
    );
    for (const { c } of sessions) await c.close();
    const all = results.flat();
    expect(all.filter((r) => r.code !== 1000 && r.code !== 2302), 'only 1000 and 2302').to.deep.equal([]);
    for (const name of names) expect(all.filter((r) => r.name === name && r.code === 1000), name).to.have.length(1);
    const wins: Record<string, number> = { ClientX: 0, ClientY: 0 };
    for (const r of all) if (r.code === 1000) wins[r.reg]++;
    const after = await balances();
    for (const reg of REGS) expect(before[reg] - after[reg], `${reg} paid for what it won`).to.equal(wins[reg] * PRICE);
    // What one server committed, the other serves.
    const y = await session(1, 'ClientY', 'race-info');
    const x = await session(0, 'ClientX', 'race-info');
    for (const name of names.slice(0, 5)) {
      const winner = all.find((r) => r.name === name && r.code === 1000)!.reg;
      // Either registrar may query it; both servers name the same sponsor.
      for (const c of [x, y]) expect(checkResponse(await c.request(requests.info(`i-${name}`, 'domain', name))).text('//domain:clID')).to.equal(winner);
    }
    await x.close();
    await y.close();
  });

  it('a transfer requested through one server is queued for the sponsor and approved through the other', async () => {
    const x = await session(0, 'ClientX', 'tr-login-x');
    const y = await session(1, 'ClientY', 'tr-login-y');
    const name = `moved-${Date.now().toString(36)}.${TLD}`;
    const c = 'pg-clientx';
    expect(checkResponse(await x.request(requests.domainCreate('tr-create', { name, registrant: c, contacts: [{ type: 'admin', id: c }, { type: 'tech', id: c }], authInfo: 'pw-moved-secret' }))).code).to.equal(1000);
    const queued = Number(checkResponse(await x.request(requests.poll('tr-poll-0', 'req'))).text('//e:msgQ/@count') ?? 0);
    expect(checkResponse(await y.request(requests.domainTransfer('tr-req', { op: 'request', name, authInfo: 'pw-moved-secret' }))).code).to.equal(1001);
    const poll = checkResponse(await x.request(requests.poll('tr-poll', 'req')));
    expect(poll.code).to.equal(1301);
    expect(Number(poll.text('//e:msgQ/@count'))).to.equal(queued + 1);
    expect(checkResponse(await x.request(requests.domainTransfer('tr-approve', { op: 'approve', name }))).code).to.equal(1000);
    const info = checkResponse(await y.request(requests.info('tr-info', 'domain', name)));
    expect(info.text('//domain:clID')).to.equal('ClientY');
    await x.close();
    await y.close();
  });

  it(`kill -9 of one server under load from both (${CYCLES} times): nothing acknowledged lost, nothing half-applied`, async () => {
    const random = prng(23);
    const model: Model = { contacts: new Map(), domains: new Map() };
    const workers = Array.from({ length: WORKERS }, (_, i) => new Worker(i + 1, model, prng(2300 + i)));
    const stats = { acked: 0, inFlight: 0 };
    // A database of its own: the invariants account for every object in it by the workload's commands.
    for (const [i, s] of servers.entries()) {
      if (s) await killHard(s);
      servers[i] = undefined;
    }
    await db.drop();
    db = await newTestDatabase();
    writeConfig(configFile, db.url, certsDir);
    await seedRegistry(db.url, certsDir);
    for (const i of [0, 1]) servers[i] = await startServer(configFile);
    const setup = await session(0, 'ClientX', 'crash-setup-login');
    for (const name of HOSTS) expect(checkResponse(await setup.request(requests.hostCreate(`crash-setup-${name}`, { name }))).code).to.equal(1000);
    await setup.close();
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      // Workers alternate between the two servers.
      const ok = await Promise.all(workers.map((w, i) => w.connect({ port: servers[i % 2]!.port, certsDir })));
      expect(ok, 'every worker logs in').to.not.include(false);
      const runs = workers.map((w) => w.run());
      await sleep(100 + random() * 900);
      const victim = cycle % 2;
      await killHard(servers[victim]!);
      servers[victim] = undefined;
      // The other server's sessions end here too (their command in flight is settled like the others).
      for (const w of workers) w.disconnect();
      await Promise.all(runs);
      servers[victim] = await startServer(configFile);
      // Commands the surviving server was still running for a dropped session finish within its transaction.
      await sleep(200);
      const copy = await copyToSqlite(db.url);
      const violations: string[] = [];
      try {
        const audit = auditByClTRID(copy);
        for (const w of workers) {
          const cmd = w.inFlight;
          if (!cmd) continue;
          const row = audit.get(cmd.clTRID);
          if (row && row.code !== cmd.expectCode) violations.push(`in-flight ${cmd.command} ${cmd.object} ended with ${row.code}`);
          stats.inFlight++;
          w.settle(row !== undefined);
        }
        violations.push(...lostAcknowledged(audit, workers.flatMap((w) => w.acked)));
        violations.push(...modelViolations(copy, model));
        violations.push(...databaseViolations(copy, PRICE));
      } finally {
        copy.close();
      }
      expect(violations, `after kill ${cycle}`).to.deep.equal([]);
    }
    stats.acked = workers.reduce((n, w) => n + w.acked.length, 0);
    expect(stats.acked).to.be.greaterThan(0);
    console.log(`      ${CYCLES} kills of one of two servers: ${stats.acked} commands acknowledged, ${stats.inFlight} in flight at a kill; ${model.domains.size} domains`);
  });
});

/** Rows of `sql` on the database at `url`. */
async function query(url: string, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: url, types: pgTypes });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Retries `fn` until it returns true, for at most `ms`; false if it never did. */
async function eventually(fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return true;
    await sleep(100);
  }
  return false;
}

describe('PostgreSQL: limits shared by two server processes', function () {
  this.timeout(120_000);
  let dir: string;
  let certsDir: string;
  let db: { url: string; drop(): Promise<void> };
  let configFile: string;
  const servers: ServerProcess[] = [];
  const session = (server: number, reg: 'ClientX' | 'ClientY', trid: string) => loginSession({ port: servers[server].port, certsDir }, reg, trid);
  /** A connection to server `i` as `reg`, its login's result code, and the time the login took. */
  async function tryLogin(i: number, reg: 'ClientX' | 'ClientY', pw = PASSWORDS[reg]): Promise<{ c: EppClient; code: number; ms: number }> {
    const c = await EppClient.connect({
      host: '127.0.0.1',
      port: servers[i].port,
      ca: join(certsDir, 'ca.crt'),
      cert: join(certsDir, `${reg.toLowerCase()}.crt`),
      key: join(certsDir, `${reg.toLowerCase()}.key`),
      servername: 'localhost',
      timeout: 15_000,
    });
    const started = Date.now();
    const code = checkResponse(await c.request(loginXml(reg, pw, { clTRID: `lim-${Date.now()}` }))).code;
    return { c, code, ms: Date.now() - started };
  }

  before(async function () {
    if (!onPostgres) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'epp-pg-limits-'));
    certsDir = testCerts();
    db = await newTestDatabase();
    configFile = join(dir, 'registry.json');
    // A heartbeat a second (a killed server's sessions stop counting after 3 s); HTTP limits counted per day.
    const http = { enabled: true, rateLimit: { windowSeconds: 86400, perToken: 4, perRegistrar: 1000 } };
    writeFileSync(configFile, JSON.stringify({ database: db.url, certsDir, devFixtures: false, logLevel: 'info', heartbeatSeconds: 1, epp: { port: 0, svID: 'Two Servers' }, http, rdap: { enabled: false } }));
    // Two sessions per registrar.
    await seedRegistry(db.url, certsDir, 2);
    for (let i = 0; i < 2; i++) servers.push(await startServer(configFile));
  });

  after(async () => {
    for (const s of servers) await killHard(s);
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("counts a registrar's sessions on both servers: 2502 through either over max_sessions; a killed server's sessions stop counting after three heartbeats", async () => {
    const a = await tryLogin(0, 'ClientX');
    const b = await tryLogin(1, 'ClientX');
    expect([a.code, b.code]).to.deep.equal([1000, 1000]);
    for (const i of [0, 1]) {
      const third = await tryLogin(i, 'ClientX');
      expect(third.code, `a third session through server ${i}`).to.equal(2502);
      await third.c.close();
    }
    // Another registrar is not affected.
    const y = await tryLogin(1, 'ClientY');
    expect(y.code).to.equal(1000);
    await y.c.close();
    // A session ended on one server frees its place for a login through the other.
    await a.c.close();
    let again: Awaited<ReturnType<typeof tryLogin>> | undefined;
    expect(
      await eventually(async () => {
        again = await tryLogin(1, 'ClientX');
        if (again.code !== 1000) await again.c.close();
        return again.code === 1000;
      }, 5000),
      'the place of a closed session is given back',
    ).to.equal(true);
    // ClientX now holds one session on each server. Server 1 dies with SIGKILL: its session stays counted
    // until it misses three heartbeats, then a login through server 0 gets its place.
    await killHard(servers[1]);
    const early = await tryLogin(0, 'ClientX');
    expect(early.code, 'right after the kill the session still counts').to.equal(2502);
    await early.c.close();
    const started = Date.now();
    let late: Awaited<ReturnType<typeof tryLogin>> | undefined;
    expect(
      await eventually(async () => {
        late = await tryLogin(0, 'ClientX');
        if (late.code !== 1000) await late.c.close();
        return late.code === 1000;
      }, 15_000),
      'the dead server\'s session stops counting',
    ).to.equal(true);
    expect(Date.now() - started, 'not before three missed heartbeats').to.be.at.least(1500);
    servers[1] = await startServer(configFile);
    await late!.c.close();
    await b.c.close().catch(() => undefined);
    await again!.c.close().catch(() => undefined);
    expect(await eventually(async () => (await query(db.url, "SELECT count(*)::int AS n FROM epp_sessions"))[0].n === 0, 5000), 'no session row left').to.equal(true);
  });

  it('numbers svTRIDs registry-wide: each server takes blocks of the PostgreSQL sequence, none given twice', async () => {
    const seen: number[][] = [];
    for (const i of [0, 1]) {
      const c = await session(i, 'ClientY', `svtrid-login-${i}`);
      const numbers: number[] = [];
      for (let k = 0; k < 5; k++) {
        const svTRID = checkResponse(await c.request(requests.poll(`svtrid-${i}-${k}`, 'req'))).text('//e:svTRID')!;
        expect(svTRID).to.match(/^REG-\d+$/);
        numbers.push(Number(svTRID.slice(4)));
      }
      await c.close();
      seen.push(numbers);
    }
    for (const numbers of seen) expect(numbers, 'consecutive within one server').to.deep.equal(numbers.map((_, k) => numbers[0] + k));
    expect(seen[0].filter((n) => seen[1].includes(n)), 'no number from both servers').to.deep.equal([]);
    // The blocks are the sequence's: 1,000 numbers each, from where nextval left them.
    const blocks = seen.map((numbers) => Math.floor((numbers[0] - 1) / 1000));
    expect(blocks[0]).to.not.equal(blocks[1]);
    const [{ last }] = await query(db.url, 'SELECT last_value AS last FROM svtrid_seq');
    for (const numbers of seen) expect(numbers[0]).to.be.below(Number(last) + 1000);
  });

  it("paces a registrar's EPP commands at its rate across both servers: each server takes its share", async () => {
    const setRate = async (rate: number | null) => {
      const store = new PgStore({ url: db.url });
      await store.transaction(async (r) => r.registrars.update((await r.registrars.byClId('ClientY'))!.id, { commandRate: rate }, new Date()));
      await store.close();
    };
    await setRate(10);
    try {
      await sleep(2500); // each server reads the rates every 2 s
      const c = await session(0, 'ClientY', 'pace-login');
      const started = Date.now();
      for (let k = 0; k < 15; k++) checkResponse(await c.request(requests.poll(`pace-${k}`, 'req')));
      const ms = Date.now() - started;
      await c.close();
      // 10 commands/s shared by two servers is 5/s on this one: a burst of 5, then one every 200 ms, so 15
      // commands take at least 2 s (at the whole rate, a burst of 10 and 5 more at 100 ms: 0.5 s).
      expect(ms, 'paced at half the rate').to.be.at.least(1800);
    } finally {
      await setRate(null);
    }
  });

  it('slows logins through one server after failures through the other, and a success there clears the count', async () => {
    // Five failures of ClientY through server 0 (two connections: the third failure in one closes it).
    for (const n of [3, 2]) {
      const { c } = await tryLogin(0, 'ClientY', 'wrong-password-1');
      for (let i = 1; i < n; i++) checkResponse(await c.request(loginXml('ClientY', 'wrong-password-1', { clTRID: `bad-${i}` })));
      await c.close();
    }
    const [row] = await query(db.url, "SELECT n FROM login_failures WHERE clid = 'ClientY'");
    expect(row?.n, 'failures counted in the database').to.equal(5);
    // Through server 1 the next attempt waits the backoff of five failures (250 ms) before it is checked.
    const ok = await tryLogin(1, 'ClientY');
    expect(ok.code).to.equal(1000);
    expect(ok.ms, 'the login through the other server was slowed down').to.be.at.least(240);
    await ok.c.close();
    expect(await query(db.url, "SELECT n FROM login_failures WHERE clid = 'ClientY'"), 'a success clears the count').to.deep.equal([]);
  });

  it('counts HTTP requests of one token through both servers into one window, and runs an idempotent retry sent to both at once once', async () => {
    const { token } = await issueToken(new PgStore({ url: db.url }), { clId: 'ClientX', channel: 'two-servers' }, new Date());
    const bases = await Promise.all(servers.map(async (s) => `http://127.0.0.1:${await s.httpPort}/api/v1/registrar/v1`));
    const call = (i: number, method: string, path: string, body?: unknown) =>
      fetch(bases[i] + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const remaining: string[] = [];
    for (const i of [0, 1, 0, 1]) {
      const r = await call(i, 'GET', '/status');
      expect(r.status).to.equal(200);
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining, 'one count for both servers').to.deep.equal(['3', '2', '1', '0']);
    for (const i of [0, 1]) {
      const r = await call(i, 'GET', '/status');
      expect(r.status, `server ${i} over the limit`).to.equal(429);
      expect(((await r.json()) as { error: { code: string } }).error.code).to.equal('registrar_rate_limit_exceeded');
    }
  });

  it('runs a renew retried through both servers at once exactly once: one answer replayed, one debit, one year', async () => {
    const x = await session(0, 'ClientX', 'idem-login');
    const id = 'idem-contact';
    const contact = requests.contactCreate('idem-c', { id, email: 'idem@example.net', authInfo: 'pw-contact-secret', postalInfo: { int: { name: id, street: ['1 Main St'], city: 'Kazan', cc: 'RU' } } });
    expect(checkResponse(await x.request(contact)).code).to.equal(1000);
    const name = `idem-${Date.now().toString(36)}.${TLD}`;
    expect(checkResponse(await x.request(requests.domainCreate('idem-d', { name, registrant: id, contacts: [{ type: 'admin', id }, { type: 'tech', id }], authInfo: 'pw-idem-secret' }))).code).to.equal(1000);
    await x.close();
    const expiry = async () => String((await query(db.url, 'SELECT expires_at FROM domains WHERE name = $1', [name]))[0].expires_at);
    const before = { balance: (await query(db.url, "SELECT balance FROM registrars WHERE cl_id = 'ClientX'"))[0].balance as number, expiry: await expiry() };
    const { token } = await issueToken(new PgStore({ url: db.url }), { clId: 'ClientX', channel: 'two-servers-idem' }, new Date());
    const bases = await Promise.all(servers.map(async (s) => `http://127.0.0.1:${await s.httpPort}/api/v1/registrar/v1`));
    const answers = await Promise.all(
      bases.map(async (base) => {
        const r = await fetch(`${base}/domains/${name}/renew`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ years: 1, idempotency_key: 'renew-once' }),
        });
        return { status: r.status, replayed: r.headers.get('idempotent-replayed'), text: await r.text() };
      }),
    );
    expect(answers.map((a) => a.status), answers.map((a) => a.text).join('\n')).to.deep.equal([200, 200]);
    expect(answers[0].text, 'the same answer through both servers').to.equal(answers[1].text);
    expect(answers.filter((a) => a.replayed === 'true'), 'exactly one replay').to.have.length(1);
    const after = { balance: (await query(db.url, "SELECT balance FROM registrars WHERE cl_id = 'ClientX'"))[0].balance as number, expiry: await expiry() };
    expect(before.balance - after.balance, 'one debit').to.equal(PRICE);
    expect(new Date(Number(after.expiry)).getUTCFullYear() - new Date(Number(before.expiry)).getUTCFullYear(), 'one year added').to.equal(1);
    expect(await query(db.url, 'SELECT http_status FROM http_idempotency'), 'the stored outcome, no claim left pending').to.deep.equal([{ http_status: 200 }]);
  });
});

describe('PostgreSQL: both OT&E scripts against either of two server processes', function () {
  this.timeout(240_000);
  let dir: string;
  let certsDir: string;
  let db: { url: string; drop(): Promise<void> };
  let store: PgStore;
  const servers: ServerProcess[] = [];

  before(async function () {
    if (!onPostgres) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'epp-pg-ote-'));
    certsDir = testCerts();
    db = await newTestDatabase();
    store = new PgStore({ url: db.url });
    const configFile = join(dir, 'registry.json');
    writeConfig(configFile, db.url, certsDir);
    // The environments exist before the servers start, as `registry ote load` leaves them.
    for (const env of ['tatar', 'deti']) await resetEnvironment(store, certsDir, readEnvironment(env), new Date());
    for (let i = 0; i < 2; i++) servers.push(await startServer(configFile));
  });

  after(async () => {
    for (const s of servers) await killHard(s);
    await store?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [tatarOn, detiOn] of [
    [0, 1],
    [1, 0],
  ]) {
    it(`tatar through server ${tatarOn}, then deti through server ${detiOn}: every step passes`, async () => {
      const accounts: Record<string, Account> = {
        ClientX: { password: PASSWORDS.ClientX, cert: join(certsDir, 'clientx.crt'), key: join(certsDir, 'clientx.key') },
        ClientY: { password: PASSWORDS.ClientY, cert: join(certsDir, 'clienty.crt'), key: join(certsDir, 'clienty.key') },
      };
      for (const [name, on] of [
        ['tatar', tatarOn],
        ['deti', detiOn],
      ] as const) {
        // Both scripts use the same contact ids and host names: each starts from both environments reset.
        for (const env of ['tatar', 'deti']) await resetEnvironment(store, certsDir, readEnvironment(env), new Date());
        const r = await runScript(loadScript(name), { host: '127.0.0.1', port: servers[on].port, ca: join(certsDir, 'ca.crt'), servername: 'localhost', accounts });
        const failed = r.steps.filter((st) => !st.ok).map((st) => `${st.id} ${st.command} ${st.object}: ${st.problems.join('; ')}`);
        expect(failed, `${name} on server ${on}:\n${failed.join('\n')}`).to.deep.equal([]);
        expect(r.passed).to.equal(true);
      }
    });
  }
});

describe('the PostgreSQL database setting (both passes)', () => {
  it('is checked where it enters: a malformed URL is refused by name without echoing it, a good one is kept as given (never taken for a file path)', () => {
    for (const v of ['postgres:registry', 'postgres://registry:s3cret@db1/', 'postgresql://registry:s3cret@db1']) {
      let message = '';
      try {
        loadConfig({ env: { REGISTRY_DATABASE: v } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, v).to.match(/^database: a PostgreSQL URL must look like postgres:\/\//);
      expect(message).to.not.include('s3cret');
    }
    for (const v of ['postgres://registry@db1:5432/registry', 'postgres:///registry?host=/run/postgresql']) expect(loadConfig({ env: { REGISTRY_DATABASE: v } }).database).to.equal(v);
  });
});
