import { expect } from 'chai';
import Database from 'better-sqlite3';
import { requests } from '../src/client/requests.js';
import { loadConfig } from '../src/config.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlRows } from './seed.js';
import { onPostgres } from './support/store-under-test.js';
import pg from 'pg';
import { loginXml, send, startTestRegistry, testCerts, type TestRegistry } from './helpers.js';
import { CLI } from './crash/server-process.js';

/**
 * Operating the registry (issue 22): /healthz, /readyz and /metrics on the HTTP listener, over real HTTP and
 * after real EPP, RDAP and HTTP traffic; and the per-registrar command-rate limit over real EPP sessions.
 */

async function get(t: TestRegistry, path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${t.registry.http!.port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one sample line of the Prometheus text (undefined when absent). */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('operations: health, readiness and metrics', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry();
  });
  after(() => t.close());

  it('GET /healthz answers 200 without a token', async () => {
    const r = await get(t, '/healthz');
    expect(r.status).to.equal(200);
    expect(JSON.parse(r.text)).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz answers 200 with every check ok: a database write, the schemas, the listeners', async () => {
    const r = await get(t, '/readyz');
    expect(r.status, r.text).to.equal(200);
    expect(JSON.parse(r.text)).to.deep.equal({ status: 'ready', checks: { database: 'ok', schemas: 'ok', epp: 'ok', rdap: 'ok' } });
    // The check is a real write: its row is there.
    const [row] = (await sqlRows(t, "SELECT value FROM settings WHERE key = 'ops.readyz'")) as Array<{ value: string }>;
    expect(new Date(row.value).getTime()).to.be.greaterThan(0);
  });

  it('GET /metrics counts commands by type and result code, latencies, sessions, group commits, syncs, poll queues, login failures, RDAP and HTTP requests', async () => {
    const x = await t.login('ClientX');
    for (let i = 0; i < 3; i++) expect((await send(x, requests.check(`chk-${i}`, 'domain', ['metrics-a.tatar']))).code).to.equal(1000);
    expect((await send(x, requests.info("info-1", 'domain', 'no-such-domain.tatar'))).code).to.equal(2303);
    const y = await t.connect('clienty');
    expect((await send(y, loginXml('ClientY', 'wrong-password'))).code).to.equal(2200);
    await y.close();
    expect((await fetch(`${t.registry.rdap!.baseUrl}domain/no-such-domain.tatar`)).status).to.equal(404);
    expect((await fetch(`http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1/status`)).status).to.equal(401);
    const before = sample((await get(t, '/metrics')).text, 'registry_http_requests_total{method="GET",route="/healthz",status="200"}') ?? 0;
    expect((await get(t, '/healthz')).status).to.equal(200);

    const m = await get(t, '/metrics');
    expect(m.status).to.equal(200);
    expect(m.type).to.match(/^text\/plain; version=0\.0\.4/);
    const text = m.text;
    expect(sample(text, 'registry_commands_total{command="domain:check",code="1000"}')).to.equal(3);
    expect(sample(text, 'registry_commands_total{command="domain:info",code="2303"}')).to.equal(1);
    expect(sample(text, 'registry_commands_total{command="login",code="2200"}')).to.equal(1);
    expect(sample(text, 'registry_command_duration_seconds_count{command="domain:check"}')).to.equal(3);
    expect(sample(text, 'registry_command_duration_seconds_bucket{command="domain:check",le="+Inf"}')).to.equal(3);
    expect(sample(text, 'registry_command_duration_seconds_sum{command="domain:check"}')).to.be.greaterThan(0);
    expect(sample(text, 'registry_login_failures_total{code="2200"}')).to.equal(1);
    expect(sample(text, 'registry_epp_sessions{registrar="ClientX"}')).to.equal(1);
    expect(sample(text, 'registry_epp_connections')).to.equal(1);
    // SQLite's group commits and WAL syncs (PostgreSQL flushes its own WAL: no such figures there).
    if (!onPostgres) {
      expect(sample(text, 'registry_group_commit_commands_count')).to.be.greaterThan(0);
      expect(sample(text, 'registry_wal_sync_seconds_count')).to.be.greaterThan(0);
    }
    expect(sample(text, 'registry_poll_queue_messages{registrar="ClientX"}')).to.equal(0);
    expect(sample(text, 'registry_rdap_requests_total{type="domain",status="404"}')).to.equal(1);
    expect(sample(text, 'registry_http_requests_total{method="GET",route="/api/v1/registrar/v1/status",status="401"}')).to.equal(1);
    // The probes themselves are HTTP requests too (counted when answered); they need no token.
    expect(sample(text, 'registry_http_requests_total{method="GET",route="/healthz",status="200"}')).to.equal(before + 1);
    await x.close();
  });

  it('/readyz answers 503 naming the database when no write can be committed (another process holds the write lock)', async () => {
    let r;
    if (onPostgres) {
      // Another session holds a lock that keeps every write to settings waiting.
      const other = new pg.Client({ connectionString: t.config.database });
      await other.connect();
      await other.query('BEGIN');
      await other.query('LOCK TABLE settings IN EXCLUSIVE MODE');
      try {
        r = await get(t, '/readyz');
      } finally {
        await other.query('ROLLBACK');
        await other.end();
      }
    } else {
      const other = new Database(t.config.database);
      other.pragma('busy_timeout = 0');
      other.prepare('BEGIN IMMEDIATE').run();
      try {
        r = await get(t, '/readyz');
      } finally {
        other.prepare('ROLLBACK').run();
        other.close();
      }
    }
    expect(r.status).to.equal(503);
    const body = JSON.parse(r.text);
    expect(body.status).to.equal('not ready');
    expect(body.checks.database).to.match(/^not writable: /);
    expect(body.checks.schemas).to.equal('ok');
    expect((await get(t, '/readyz')).status).to.equal(200);
  });

  it('/metrics answers only the addresses of http.metricsAllow (403 elsewhere); a bad range is refused at start', async () => {
    const other = await startTestRegistry((c) => (c.http.metricsAllow = ['10.0.0.0/8']));
    try {
      const r = await get(other, '/metrics');
      expect(r.status).to.equal(403);
      expect(r.text).to.include('127.0.0.1');
      expect((await get(other, '/healthz')).status).to.equal(200);
    } finally {
      await other.close();
    }
    expect(() => loadConfig({ env: { REGISTRY_HTTP_METRICS_ALLOW: '10.0.0.0/33' }, base: t.dir })).to.throw(/http\.metricsAllow: 10\.0\.0\.0\/33 is not an IP address or CIDR range/);
    expect(() => loadConfig({ env: { REGISTRY_HTTP_METRICS_ALLOW: 'banana' }, base: t.dir })).to.throw(/banana is not an IP address/);
  });
});

describe('operations: per-registrar command-rate limits (EPP fairness)', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry((c) => (c.rdap.enabled = false));
  });
  after(() => t.close());

  it("delays a registrar's commands over its rate (never refused), without slowing another registrar", async () => {
    const RATE = 20;
    const COMMANDS = 60; // 20 at once (a second's burst), then 20 a second: at least 2 s
    await t.registry.store.transaction(async (r) => r.registrars.update((await r.registrars.byClId('ClientX'))!.id, { commandRate: RATE }, new Date()));
    // The server reads the rates every 2 s.
    await new Promise((r) => setTimeout(r, 2500));
    const flood = await Promise.all([0, 1, 2, 3].map(() => t.login('ClientX')));
    const y = await t.login('ClientY');
    const codes: number[] = [];
    const started = Date.now();
    const flooding = Promise.all(
      flood.map(async (c, s) => {
        for (let i = 0; i < COMMANDS / flood.length; i++) codes.push((await send(c, requests.check(`flood-${s}-${i}`, 'domain', ['taken.tatar']))).code);
      }),
    ).then(() => Date.now() - started);
    // ClientY's session, during the flood: its commands are not held back.
    const quiet: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      expect((await send(y, requests.check(`quiet-${i}`, 'domain', ['quiet.tatar']))).code).to.equal(1000);
      quiet.push(Date.now() - t0);
    }
    const quietDone = Date.now() - started;
    const floodMs = await flooding;
    expect(codes).to.have.length(COMMANDS);
    expect(codes.every((c) => c === 1000)).to.equal(true);
    // 60 commands at 20/s after a burst of 20: the last starts 2 s after the first at the earliest.
    expect(floodMs).to.be.at.least(1950);
    expect(quietDone).to.be.lessThan(floodMs);
    const m = await get(t, '/metrics');
    expect(sample(m.text, 'registry_paced_commands_total{registrar="ClientX"}')).to.be.at.least((COMMANDS - RATE) / 2);
    expect(sample(m.text, 'registry_pacing_delay_seconds_total{registrar="ClientX"}')).to.be.greaterThan(1);
    expect(m.text).not.to.include('registry_paced_commands_total{registrar="ClientY"}');

    // Taken off: the next commands are not delayed.
    await t.registry.store.transaction(async (r) => r.registrars.update((await r.registrars.byClId('ClientX'))!.id, { commandRate: null }, new Date()));
    await new Promise((r) => setTimeout(r, 2500));
    const before = sample((await get(t, '/metrics')).text, 'registry_paced_commands_total{registrar="ClientX"}');
    await Promise.all(flood.map((c, s) => send(c, requests.check(`after-${s}`, 'domain', ['taken.tatar']))));
    expect(sample((await get(t, '/metrics')).text, 'registry_paced_commands_total{registrar="ClientX"}')).to.equal(before);
    for (const c of [...flood, y]) await c.close();
  });
});

describe('operations: registrar set --rate (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'epp-rate-'));
    env = { ...process.env, REGISTRY_DATABASE: join(dir, 'db.sqlite'), REGISTRY_CERTS_DIR: testCerts(), REGISTRY_DEV_FIXTURES: 'false' };
    expect(cli('init').status).to.equal(0);
    expect(cli('registrar', 'add', 'RateX', '--password', 'rate-PW-1').status).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sets, shows and removes a rate; a bad one is refused with a one-line message naming it, changing nothing', () => {
    for (const bad of ['banana', '0', '-5', '2.5', '100001']) {
      const r = cli('registrar', 'set', 'RateX', '--rate', bad);
      expect(r.status, bad).to.equal(1);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.include(`${bad} is not a command rate (commands per second from 1 to 100000, or off)`);
    }
    expect(cli('registrar', 'list').stdout).to.match(/^RateX\t.*\trate=-\/s\t/m);
    expect(cli('registrar', 'set', 'RateX', '--rate', '50').status).to.equal(0);
    expect(cli('registrar', 'list').stdout).to.match(/^RateX\t.*\trate=50\/s\t/m);
    expect(cli('registrar', 'set', 'RateX', '--rate', 'banana').status).to.equal(1);
    expect(cli('registrar', 'list').stdout).to.match(/^RateX\t.*\trate=50\/s\t/m);
    expect(cli('registrar', 'set', 'RateX', '--rate', 'off').status).to.equal(0);
    expect(cli('registrar', 'list').stdout).to.match(/^RateX\t.*\trate=-\/s\t/m);
  });
});
