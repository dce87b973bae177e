import { expect } from 'chai';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EppClient } from '../src/client/epp-client.js';
import { requests } from '../src/client/requests.js';
import { hashSecret } from '../src/registry/passwords.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { SCHEMA_VERSION, SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { fingerprint } from '../src/transport/dev-certs.js';
import { keepArtifact } from './artifacts.js';
import { checkResponse, loginXml, PASSWORDS, testCerts } from './helpers.js';
import { CLI, startServer, type ServerProcess } from './crash/server-process.js';

/**
 * Backup and restore (issue 22), the way an operator runs them: `registry backup FILE` against a registry
 * serving EPP while sessions keep creating domains, `registry restore FILE` refused while a registry serves
 * the database, and the restore drill: data over EPP → backup → restore into a new path → serve → the same
 * <info> answers. Also the schema version check: a database written by a newer version is refused at start.
 */

const TLD = 'drill';

describe('backup, restore and the schema version check', function () {
  this.timeout(120_000);
  let dir: string;
  let certsDir: string;
  let server: ServerProcess | undefined;
  const configFor = (name: string, database: string) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({ database, certsDir, devFixtures: false, logLevel: 'info', epp: { port: 0, svID: 'Drill Registry' }, http: { enabled: false }, rdap: { enabled: false }, zone: { publish: false } }),
    );
    return file;
  };
  let liveConfig: string;
  let liveDb: string;
  let transcripts = 0;
  const cli = (config: string, ...args: string[]) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
    const r = spawnSync(process.execPath, [CLI, '-c', config, ...args], { env, encoding: 'utf8' });
    keepArtifact(`backup/${++transcripts}-${args[0]}.txt`, r.stdout + r.stderr);
    return r;
  };
  /** The same, without blocking this process: the EPP sessions below keep writing while it runs. */
  const cliAsync = (config: string, ...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
      const child = spawn(process.execPath, [CLI, '-c', config, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => {
        keepArtifact(`backup/${++transcripts}-${args[0]}.txt`, stdout + stderr);
        resolve({ status, stdout, stderr });
      });
    });
  const connect = async (port: number) => {
    const c = await EppClient.connect({
      host: '127.0.0.1',
      port,
      ca: join(certsDir, 'ca.crt'),
      cert: join(certsDir, 'clientx.crt'),
      key: join(certsDir, 'clientx.key'),
      servername: 'localhost',
    });
    expect(checkResponse(await c.request(loginXml('ClientX', PASSWORDS.ClientX))).code).to.equal(1000);
    return c;
  };
  /** The <resData> of a domain:info answer: what must be equal after a restore (the trIDs differ). */
  const info = async (c: EppClient, name: string) => {
    const xml = await c.request(requests.info(`info-${name}`, 'domain', name));
    expect(checkResponse(xml).code, xml).to.equal(1000);
    return xml.slice(xml.indexOf('<resData>'), xml.indexOf('</resData>'));
  };
  const create = async (c: EppClient, name: string) => {
    const r = checkResponse(await c.request(requests.domainCreate(`create-${name}`, { name, authInfo: '' })));
    expect(r.code, r.xml).to.equal(1000);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'epp-backup-'));
    certsDir = testCerts();
    liveDb = join(dir, 'live.sqlite');
    liveConfig = configFor('live', liveDb);
    const store = new SqliteStore({ path: liveDb });
    const now = new Date();
    await store.transaction(async (r) => {
      await r.tlds.upsert({ name: TLD, policy: resolvePolicy({ dataModel: 'minimum', prices: { create: 100, renew: 100, transfer: 100, restore: 400 } }) }, now);
      const reg = await r.registrars.insert(
        { clId: 'ClientX', name: 'ClientX', passwordHash: await hashSecret(PASSWORDS.ClientX), certFingerprints: [fingerprint(readFileSync(join(certsDir, 'clientx.crt'), 'utf8'))], maxSessions: 10 },
        now,
      );
      await r.billing.post(reg.id, 1_000_000_000, 'credit', null, now);
    });
    await store.close();
  });
  after(async () => {
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up a serving registry under writes, consistently; refuses to restore while it serves; the restored copy serves the same <info> answers', async () => {
    server = await startServer(liveConfig);
    const c = await connect(server.port);
    const names = Array.from({ length: 20 }, (_, i) => `before-${i}.${TLD}`);
    for (const n of names) await create(c, n);
    const before = new Map<string, string>();
    for (const n of names) before.set(n, await info(c, n));

    // Four sessions keep creating domains while the backup runs in another process.
    let writing = true;
    let written = 0;
    const writers = await Promise.all([0, 1, 2, 3].map(() => connect(server!.port)));
    const load = Promise.all(
      writers.map(async (w, k) => {
        for (let i = 0; writing; i++) {
          await create(w, `during-${k}-${i}.${TLD}`);
          written++;
        }
      }),
    );
    while (written < 40) await new Promise((r) => setTimeout(r, 20));
    const backupFile = join(dir, 'drill.backup');
    const writtenBefore = written;
    const b = await cliAsync(liveConfig, 'backup', backupFile);
    const writtenDuringBackup = written - writtenBefore;
    writing = false;
    await load;
    expect(b.status, b.stderr).to.equal(0);
    expect(b.stdout).to.match(new RegExp(`backup of .*live\\.sqlite written to .*drill\\.backup: \\d+ bytes, \\d+ pages, schema version ${SCHEMA_VERSION}`));
    // The server went on taking writes while the backup process ran (its start alone takes ≈ 100 ms).
    expect(writtenDuringBackup).to.be.greaterThan(0);

    // The copy is one consistent moment: sound, and every domain in it has its create audit row and its
    // debit, and no create audit row lacks its domain.
    const copy = new Database(backupFile, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).to.equal('ok');
      const domains = copy.prepare('SELECT count(*) AS n FROM domains').get() as { n: number };
      const audited = copy.prepare("SELECT count(*) AS n FROM audit_log WHERE command = 'domain:create' AND code = 1000").get() as { n: number };
      const debits = copy.prepare("SELECT count(*) AS n FROM billing_ledger WHERE kind = 'create'").get() as { n: number };
      expect(domains.n).to.be.at.least(names.length + 40);
      expect(audited.n).to.equal(domains.n);
      expect(debits.n).to.equal(domains.n);
    } finally {
      copy.close();
    }
    // The file is never overwritten by a second backup.
    const again = cli(liveConfig, 'backup', backupFile);
    expect(again.status).to.equal(1);
    expect(again.stderr).to.match(/drill\.backup exists: a backup never overwrites a file/);

    // Restore is refused while a registry serves the database, and changes nothing.
    const refused = cli(liveConfig, 'restore', backupFile);
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.match(/database .*live\.sqlite is in use \(a registry serves it, or another command has it open\): stop it before restoring/);
    expect(await info(c, names[0])).to.equal(before.get(names[0]));
    for (const w of [c, ...writers]) await w.close();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).to.equal(0);
    server = undefined;

    // The drill: restore into a new path, serve it, ask the same questions.
    const restoredDb = join(dir, 'restored', 'registry.sqlite');
    const restoredConfig = configFor('restored', restoredDb);
    const noFolder = cli(restoredConfig, 'restore', backupFile);
    expect(noFolder.status).to.equal(1);
    expect(noFolder.stderr).to.match(/folder .*restored does not exist/);
    spawnSync('mkdir', [join(dir, 'restored')]);
    const r = cli(restoredConfig, 'restore', backupFile);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`restored .*drill\\.backup as .*registry\\.sqlite \\(schema version ${SCHEMA_VERSION}\\)$`, 'm'));
    server = await startServer(restoredConfig);
    const c2 = await connect(server.port);
    for (const n of names) expect(await info(c2, n), n).to.equal(before.get(n));
    // And it takes writes.
    await create(c2, `after-restore.${TLD}`);
    await c2.close();
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    // Restoring over a stopped registry's database keeps the one that was there.
    const over = cli(liveConfig, 'restore', backupFile);
    expect(over.status, over.stderr).to.equal(0);
    const kept = /the database that was there is kept as (\S+)$/m.exec(over.stdout)?.[1];
    expect(kept).to.be.a('string');
    expect(existsSync(kept!)).to.equal(true);
    expect(readdirSync(dir).some((f) => f.startsWith('live.sqlite.before-restore-'))).to.equal(true);
  });

  it('refuses to restore a file that is not a registry backup, and a backup written by a newer version', () => {
    const target = configFor('target', join(dir, 'target.sqlite'));
    const junk = join(dir, 'junk.backup');
    writeFileSync(junk, 'not a database at all, just some text that is long enough to be read as a header');
    const r1 = cli(target, 'restore', junk);
    expect(r1.status).to.equal(1);
    expect(r1.stderr).to.match(/junk\.backup (is not a SQLite database|fails SQLite's integrity check)/);
    // Over a stopped registry's database: refused the same way, the database there unchanged.
    const liveBefore = readFileSync(liveDb);
    const overLive = cli(liveConfig, 'restore', junk);
    expect(overLive.status).to.equal(1);
    expect(readFileSync(liveDb).equals(liveBefore)).to.equal(true);
    const noDatabase = cli(target, 'backup', join(dir, 'nothing.backup'));
    expect(noDatabase.status).to.equal(1);
    expect(noDatabase.stderr).to.match(/no database at .*target\.sqlite/);
    expect(existsSync(join(dir, 'nothing.backup'))).to.equal(false);
    const missing = cli(target, 'restore', join(dir, 'missing.backup'));
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/no backup file .*missing\.backup/);
    const newer = join(dir, 'newer.backup');
    const db = new Database(newer);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL); CREATE TABLE registrars (id INTEGER PRIMARY KEY)');
    db.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'from the future', Date.now());
    db.close();
    const r2 = cli(target, 'restore', newer);
    expect(r2.status).to.equal(1);
    expect(r2.stderr).to.include(`newer.backup has schema version ${SCHEMA_VERSION + 1}, written by a newer version of the registry (this one knows up to ${SCHEMA_VERSION})`);
    expect(existsSync(join(dir, 'target.sqlite'))).to.equal(false);
  });

  it('refuses to start on a database written by a newer version: a clear message, a non-zero exit, the database untouched', async () => {
    const file = join(dir, 'future.sqlite');
    const store = new SqliteStore({ path: file });
    await store.close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_version VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'from the future', Date.now());
    const tablesBefore = db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
    db.close();
    const r = cli(configFor('future', file), 'serve');
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.include(`has schema version ${SCHEMA_VERSION + 1}, written by a newer version of the registry; this version knows up to ${SCHEMA_VERSION}`);
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT count(*) AS n FROM sqlite_master').get()).to.deep.equal(tablesBefore);
    expect((after.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number }).v).to.equal(SCHEMA_VERSION + 1);
    after.close();
  });
});
