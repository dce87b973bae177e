/**
 * The benchmark's preload: a fresh registry database with N domains, their contacts and nameservers,
 * written straight into SQLite (prepared statements, a few large transactions) instead of through EPP,
 * so that 1,000,000 domains take minutes. The database is opened once with SqliteStore so the migrations
 * and the development TLDs and accounts are exactly the server's; the rows follow src/storage/migrations.ts.
 */
import { closeSync, fsyncSync, openSync, statSync } from 'node:fs';
import { readEnvironment, loadEnvironment } from '../src/ote/environment.js';
import { roid } from '../src/registry/roid.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { CLID, contactHandle, domainCreated, domainExpires, domainLinks, domainName, hostName, TLD, type Dataset } from './dataset.js';

export interface PreloadOptions {
  database: string;
  certsDir: string;
  dataset: Dataset;
  /** Session limit of the benchmark's account (sessions of all workloads and the idle-memory test). */
  maxSessions: number;
  /** Repository suffix of roids (the server's config default). */
  roidSuffix?: string;
  /** Rows per transaction. */
  batch?: number;
  progress?: (msg: string) => void;
}

export interface PreloadResult {
  seconds: number;
  databaseBytes: number;
}

export async function preload(o: PreloadOptions): Promise<PreloadResult> {
  const started = process.hrtime.bigint();
  const ds = o.dataset;
  const suffix = o.roidSuffix ?? 'REG';
  const batch = o.batch ?? 50_000;
  const store = new SqliteStore({ path: o.database, synchronous: 'NORMAL' });
  const now = new Date();
  // The server loads the same environments at start (dev fixtures); loading them here gives the rows ids.
  await loadEnvironment(store, o.certsDir, readEnvironment('tatar'), now);
  await loadEnvironment(store, o.certsDir, readEnvironment('deti'), now);
  const db = store.db;
  // A throw-away database: no sync during the load; the checkpoint at the end writes it all once.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.prepare('UPDATE registrars SET max_sessions = ?, balance = ? WHERE cl_id = ?').run(o.maxSessions, 1e15, CLID);
  const rid = (db.prepare('SELECT id FROM registrars WHERE cl_id = ?').get(CLID) as { id: number }).id;
  if (!db.prepare('SELECT 1 FROM tlds WHERE name = ?').get(TLD)) throw new Error(`TLD ${TLD} missing after loading the environment`);
  if ((db.prepare('SELECT COUNT(*) AS n FROM domains').get() as { n: number }).n > 0) throw new Error('preload needs an empty database');

  // No authInfo set on the preloaded objects (auth_hash NULL), as RFC 9154 leaves an object in no transfer
  // process: a hash each would cost the 1,000,000-domain load ≈ 1 ms a row, and no workload transfers.
  const insContact = db.prepare(
    `INSERT INTO contacts (id, handle, roid, sponsor_id, creator_id, created_at, statuses, postal_int, postal_loc, voice, email, tci)
     VALUES (?, ?, ?, ?, ?, ?, '[]', ?, NULL, ?, ?, ?)`,
  );
  const insHost = db.prepare(`INSERT INTO hosts (id, name, roid, sponsor_id, creator_id, created_at, statuses) VALUES (?, ?, ?, ?, ?, ?, '[]')`);
  const insDomain = db.prepare(
    `INSERT INTO domains (id, name, tld, roid, sponsor_id, creator_id, registrant_id, created_at, expires_at, statuses)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')`,
  );
  const insContactLink = db.prepare('INSERT INTO domain_contacts (domain_id, type, contact_id) VALUES (?, ?, ?)');
  const insNs = db.prepare('INSERT INTO domain_nameservers (domain_id, host_id) VALUES (?, ?)');

  const inBatches = (total: number, label: string, row: (i: number) => void) => {
    for (let from = 0; from < total; from += batch) {
      const to = Math.min(total, from + batch);
      db.transaction(() => {
        for (let i = from; i < to; i++) row(i);
      })();
      if (total >= 200_000 && (to % 200_000 === 0 || to === total)) o.progress?.(`${label}: ${to.toLocaleString('en')} / ${total.toLocaleString('en')}`);
    }
  };

  const t0 = ds.t0;
  // Contact ids 1..C (row id = index + 1); hosts likewise; domains 1..N.
  inBatches(ds.contacts, 'contacts', (i) => {
    const postal = `{"name":"Bench Person ${i}","street":["${1 + (i % 200)} Bench Street"],"city":"Kazan","pc":"420000","cc":"RU"}`;
    const tci = `{"person":{"birthday":"19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}","passport":["92 0${i % 10} ${100000 + (i % 900000)} issued by Bench office"]}}`;
    insContact.run(i + 1, contactHandle(i), roid('C', i + 1, suffix), rid, rid, t0 - 400 * 86_400_000, postal, '+7.8435550000', `c${i}@bench.example`, tci);
  });
  inBatches(ds.hosts, 'hosts', (i) => {
    insHost.run(i + 1, hostName(i), roid('H', i + 1, suffix), rid, rid, t0 - 400 * 86_400_000);
  });
  inBatches(ds.domains, 'domains', (j) => {
    const i = j + 1;
    const l = domainLinks(ds, i);
    insDomain.run(i, domainName(i), TLD, roid('D', i, suffix), rid, rid, l.registrant + 1, domainCreated(ds, i), domainExpires(ds, i));
    insContactLink.run(i, 'admin', l.admin + 1);
    insContactLink.run(i, 'tech', l.tech + 1);
    insNs.run(i, l.ns[0] + 1);
    insNs.run(i, l.ns[1] + 1);
  });
  // The repositories' id sequences (settings `sequence.*`) continue after the loaded rows.
  const seq = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  seq.run('sequence.domains', String(ds.domains));
  seq.run('sequence.contacts', String(ds.contacts));
  seq.run('sequence.hosts', String(ds.hosts));
  db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
  // On disk before anything is measured: the load wrote without syncing, and the kernel would otherwise
  // write its hundreds of MB back during the first workloads, with every WAL sync of the server queued
  // behind it (measured: domain:info at 10 sessions on the 1,000,000-domain registry fell to a quarter).
  const fd = openSync(o.database, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, databaseBytes: statSync(o.database).size };
}
