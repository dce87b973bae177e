import { expect } from 'chai';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requests } from '../src/client/requests.js';
import { hashSecret } from '../src/registry/passwords.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { fingerprint } from '../src/transport/dev-certs.js';
import { checkResponse, PASSWORDS, testCerts } from './helpers.js';
import { auditByClTRID, databaseViolations, lostAcknowledged, modelViolations } from './crash/invariants.js';
import { killHard, startServer, type ServerProcess } from './crash/server-process.js';
import { HOSTS, loginSession, prng, REGS, sample, TLD, Worker, type Cmd, type Model } from './crash/workload.js';

/**
 * Durability (issue 7): the server runs as a child process and is killed with SIGKILL at random moments
 * while workers of two registrars create contacts and domains, update domains and transfer them between
 * the registrars; it is restarted on the same database each time. After every restart:
 * - every acknowledged command is in the database: its audit row with the svTRID the client got, and its
 *   effect (the model of every committed command equals the database, object by object, and over EPP info);
 * - a command in flight at the kill is either absent or whole: its audit row tells whether it committed, and
 *   the model must then match with or without it;
 * - SQL invariants over the whole database hold (domain with its contacts, nameservers, debit, grace period
 *   and audit row; transfer with its sponsorship change, debit and poll messages; balances equal to their
 *   ledger), whether or not any client heard of the command.
 * The process is killed, not the machine: this proves atomicity and answer-after-commit, not what reaches the
 * disk on power loss (that is durability FULL's job, checked here to be what the server runs with).
 *
 * CRASH_CYCLES (default 10), CRASH_SEED (7), CRASH_WORKERS (4) make a long run, e.g.
 * CRASH_CYCLES=300 npx mocha --no-config --exit dist/test/crash-durability.test.js
 */
const CYCLES = Number(process.env.CRASH_CYCLES ?? 10);
const SEED = Number(process.env.CRASH_SEED ?? 7);
const WORKERS = Number(process.env.CRASH_WORKERS ?? 4);
const PRICE = 1000;
/** Objects changed before a kill that are also checked over EPP after it (the SQL checks cover all). */
const EPP_SAMPLE = 20;
/** Kill moments: this long after the load started, uniformly. */
const KILL_AFTER_MS = { min: 50, max: 1000 };

describe('durability: kill -9 under concurrent load, restart, nothing acknowledged lost, nothing half-applied', function () {
  this.timeout(60_000 + CYCLES * 10_000);
  let dir: string;
  let dbFile: string;
  let configFile: string;
  let certsDir: string;
  let server: ServerProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'epp-crash-'));
    certsDir = testCerts();
    dbFile = join(dir, 'registry.sqlite');
    configFile = join(dir, 'registry.json');
    // Nothing about durability is configured: the server must be durable by default.
    writeFileSync(
      configFile,
      JSON.stringify({ database: dbFile, certsDir, devFixtures: false, logLevel: 'info', epp: { port: 0, svID: 'Crash Test' }, http: { enabled: false } }),
    );
    // The TLD and the two accounts, as the CLI's `tld add`, `registrar add` and `balance credit` make them
    // (in-process here to save a few node starts); the credit goes through the ledger like any balance change.
    const store = new SqliteStore({ path: dbFile });
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
            maxSessions: WORKERS + 2,
          },
          now,
        );
        await r.billing.post(reg.id, 1_000_000_000, 'credit', null, now);
      }
    });
    await store.close();
  });

  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(async () => {
    if (server) await killHard(server);
    // A failure leaves the database and the config behind as evidence.
    if (failed) console.log(`      kept for inspection: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<ServerProcess> {
    const s = await startServer(configFile);
    // What SQLite itself reports in the child: WAL; SQLite itself at NORMAL or FULL (NORMAL still syncs at
    // checkpoints); the store syncing the WAL before any change is answered, which is what makes an
    // acknowledged change survive power loss.
    expect(s.database.journalMode, 'journal mode the server runs with').to.equal('wal');
    expect(s.database.sqliteSynchronous, 'SQLite synchronous').to.be.oneOf(['NORMAL', 'FULL']);
    expect(s.database.durability, 'durability the server runs with').to.equal('FULL');
    return s;
  }

  it(`keeps every acknowledged command and never half of one across ${CYCLES} kills at random moments`, async () => {
    const random = prng(SEED);
    const model: Model = { contacts: new Map(), domains: new Map() };
    const workers = Array.from({ length: WORKERS }, (_, i) => new Worker(i + 1, model, prng(SEED * 1000 + i + 1)));
    const stats = { acked: {} as Record<string, number>, inFlight: 0, inFlightCommitted: 0 };

    server = await start();
    const conn = () => ({ port: server!.port, certsDir });
    const setup = await loginSession(conn(), 'ClientX', 'crash-setup-login');
    for (const name of HOSTS) expect(checkResponse(await setup.request(requests.hostCreate(`crash-setup-${name}`, { name }))).code).to.equal(1000);
    await setup.close();

    let changed: Array<Pick<Cmd, 'command' | 'object'>> = [];
    const connectAll = async () => expect(await Promise.all(workers.map((w) => w.connect(conn()))), 'every worker logs in').to.not.include(false);
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await connectAll();
      // What a registrar sees over EPP of some of the objects changed before the last kill (all of them at the end).
      await checkOverEpp(workers[0], model, sample(changed, EPP_SAMPLE, random));
      const runs = workers.map((w) => w.run());
      await sleep(KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      await killHard(server);
      server = undefined;
      await Promise.all(runs); // a worker fails only on a response the model did not predict
      for (const w of workers) w.disconnect();

      server = await start();
      const violations: string[] = [];
      changed = workers.flatMap((w) => w.ackedSinceLastCall());
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        const audit = auditByClTRID(db);
        // The command each worker had in flight: committed whole (its audit row exists) or not at all.
        for (const w of workers) {
          const cmd = w.inFlight;
          if (!cmd) continue;
          const row = audit.get(cmd.clTRID);
          if (row && row.code !== cmd.expectCode) violations.push(`in-flight ${cmd.command} ${cmd.object} ended with ${row.code}`);
          stats.inFlight++;
          if (row) {
            stats.inFlightCommitted++;
            changed.push(cmd);
          }
          w.settle(row !== undefined);
        }
        violations.push(...lostAcknowledged(audit, workers.flatMap((w) => w.acked)));
        violations.push(...modelViolations(db, model));
        violations.push(...databaseViolations(db, PRICE));
        if (db.pragma('journal_mode', { simple: true }) !== 'wal') violations.push('the database is not in WAL mode');
      } finally {
        db.close();
      }
      expect(violations, `after kill ${cycle}`).to.deep.equal([]);
    }

    for (const c of workers.flatMap((w) => w.acked)) stats.acked[c.command] = (stats.acked[c.command] ?? 0) + 1;
    console.log(
      `      ${CYCLES} kills (seed ${SEED}, ${WORKERS} workers): acknowledged ${JSON.stringify(stats.acked)}; ` +
        `in flight at a kill ${stats.inFlight}, of which committed ${stats.inFlightCommitted}; ${model.domains.size} domains, ${model.contacts.size} contacts`,
    );
    // The run exercised what it claims to: every kind of command was acknowledged, and kills caught commands in flight.
    for (const command of ['contact:create', 'domain:create', 'domain:update', 'domain:transfer-request', 'domain:transfer-approve']) {
      expect(stats.acked[command] ?? 0, command).to.be.greaterThan(0);
    }
    expect(stats.inFlight).to.be.greaterThan(0);

    // Finally every domain, as its sponsor sees it over EPP, and a clean shutdown.
    await connectAll();
    await checkOverEpp(workers[0], model, [...model.domains.keys()].map((name) => ({ command: 'domain:create', object: name })));
    for (const w of workers) w.disconnect();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).to.equal(0);
    server = undefined;
  });
});

/** domain:info by the sponsor (and contact:info by the creator) of the objects these commands touched, against the model. */
async function checkOverEpp(worker: Worker, model: Model, cmds: Array<Pick<Cmd, 'command' | 'object'>>): Promise<void> {
  const sessions = { ClientX: worker.session('ClientX'), ClientY: worker.session('ClientY') };
  const domains = new Set(cmds.filter((c) => c.command.startsWith('domain:')).map((c) => c.object));
  const contacts = new Set(cmds.filter((c) => c.command === 'contact:create').map((c) => c.object));
  for (const name of domains) {
    const d = model.domains.get(name)!;
    const r = checkResponse(await sessions[d.sponsor].request(requests.info(`info-${name}`, 'domain', name)));
    const got = {
      code: r.code,
      clID: r.text('//domain:clID'),
      crID: r.text('//domain:crID'),
      registrant: r.text('//domain:registrant'),
      admin: r.texts("//domain:contact[@type='admin']"),
      tech: r.texts("//domain:contact[@type='tech']"),
      ns: r.texts('//domain:hostObj').sort(),
      clientHold: r.count("//domain:status[@s='clientHold']") === 1,
      pendingTransfer: r.count("//domain:status[@s='pendingTransfer']") === 1,
    };
    expect(got, `domain:info ${name}`).to.deep.equal({
      code: 1000,
      clID: d.sponsor,
      crID: d.creator,
      registrant: d.registrant,
      admin: [d.held ? d.tech : d.admin],
      tech: [d.tech],
      ns: [...HOSTS].sort(),
      clientHold: d.held,
      pendingTransfer: d.pendingTransfer,
    });
  }
  for (const id of contacts) {
    const owner = model.contacts.get(id)!;
    const r = checkResponse(await sessions[owner].request(requests.info(`info-${id}`, 'contact', id)));
    expect({ code: r.code, clID: r.text('//contact:clID') }, `contact:info ${id}`).to.deep.equal({ code: 1000, clID: owner });
  }
}
