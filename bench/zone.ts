/**
 * Zone publication at scale (issue 24): preloads registries of the given sizes (bench/preload.ts, the load
 * benchmark's data), adds what a real TLD has on top of it (DS records on a tenth of the domains, a tenth of
 * them on hold, and one in a hundred delegated to its own name server with IPv4 and IPv6 glue), then runs the
 * real `registry zone write` in a child process and reports its time and peak resident memory (VmHWM, read
 * from /proc while it runs). With --check, BIND's named-checkzone loads each zone written.
 *
 *   npm run bench:zone -- --domains 10000,100000,1000000 [--check]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { PACKAGE_ROOT } from '../src/config.js';
import { datasetFor, domainName, TLD } from './dataset.js';
import { preload } from './preload.js';

const { values: argv } = parseArgs({ options: { domains: { type: 'string', default: '10000,100000' }, check: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } } });
const sizes = argv.domains!.split(',').map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n < 100 || n > 5_000_000) throw new Error(`--domains ${x}: a whole number from 100 to 5,000,000`);
  return n;
});

function peakKb(pid: number): number {
  try {
    return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** DS on every 10th domain, clientHold on every 10th (offset 5), and every 100th on ns1.<itself> with glue. */
function addZoneData(file: string, domains: number): { ds: number; held: number; glueHosts: number } {
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const firstHost = (db.prepare('SELECT coalesce(max(id), 0) AS n FROM hosts').get() as { n: number }).n + 1;
  const rid = (db.prepare("SELECT sponsor_id AS r FROM domains WHERE id = 1").get() as { r: number }).r;
  const insDs = db.prepare('INSERT INTO domain_ds (domain_id, key_tag, alg, digest_type, digest) VALUES (?, ?, 13, 2, ?)');
  const hold = db.prepare(`UPDATE domains SET statuses = '["clientHold"]' WHERE id = ?`);
  const insHost = db.prepare(`INSERT INTO hosts (id, name, roid, sponsor_id, creator_id, created_at, superordinate_id, statuses) VALUES (?, ?, ?, ?, ?, ?, ?, '[]')`);
  const insAddr = db.prepare('INSERT INTO host_addresses (host_id, ip, addr) VALUES (?, ?, ?)');
  const insNs = db.prepare('INSERT INTO domain_nameservers (domain_id, host_id) VALUES (?, ?)');
  const n = { ds: 0, held: 0, glueHosts: 0 };
  let hostId = firstHost;
  db.transaction(() => {
    for (let i = 1; i <= domains; i++) {
      if (i % 10 === 0) {
        insDs.run(i, i % 65536, createHash('sha256').update(domainName(i)).digest('hex').toUpperCase());
        n.ds++;
      }
      if (i % 10 === 5) {
        hold.run(i);
        n.held++;
      }
      if (i % 100 === 1) {
        const id = hostId++;
        insHost.run(id, `ns1.${domainName(i)}`, `H${id}-BENCHZ`, rid, rid, Date.now(), i);
        insAddr.run(id, 'v4', `198.51.${(i >> 8) & 255}.${i & 255}`);
        insAddr.run(id, 'v6', `2001:db8::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`);
        insNs.run(i, id);
        n.glueHosts++;
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return n;
}

async function zoneWrite(dir: string, database: string): Promise<{ seconds: number; peakMb: number; line: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist/src/cli/main.js'), 'zone', 'write', '--tld', TLD, '--out', join(dir, `${TLD}.zone`)], {
    env: { ...process.env, REGISTRY_DATABASE: database, REGISTRY_CERTS_DIR: join(dir, 'certs'), REGISTRY_ZONE_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b) => (out += b));
  let peak = 0;
  const timer = setInterval(() => {
    const p = peakKb(child.pid!);
    if (p > peak) peak = p;
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`registry zone write exited ${code}: ${out}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peak / 1024, line: out.trim() };
}

const rows: string[] = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'zone-bench-'));
  const database = join(dir, 'registry.sqlite');
  try {
    console.log(`preloading ${n.toLocaleString('en')} domains…`);
    const pre = await preload({ database, certsDir: join(dir, 'certs'), dataset: datasetFor(n), maxSessions: 10, progress: (m) => console.log(`  ${m}`) });
    const extra = addZoneData(database, n);
    console.log(`  preloaded in ${pre.seconds.toFixed(1)} s; ${extra.ds} DS, ${extra.held} on hold, ${extra.glueHosts} delegated to their own name server (glue)`);
    const w = await zoneWrite(dir, database);
    console.log(`  ${w.line}`);
    console.log(`  zone write: ${w.seconds.toFixed(1)} s wall (process start included), peak RSS ${w.peakMb.toFixed(0)} MB`);
    let check = '';
    if (argv.check) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('named-checkzone', ['-i', 'local', TLD, join(dir, `${TLD}.zone`)], { encoding: 'utf8' });
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      check = r.status === 0 ? `named-checkzone OK in ${s.toFixed(1)} s` : `named-checkzone FAILED: ${r.stdout}${r.stderr}`;
      console.log(`  ${check}`);
      if (r.status !== 0) process.exitCode = 1;
    }
    const bytes = /(\d+) bytes/.exec(w.line)?.[1];
    const ms = /in (\d+) ms/.exec(w.line)?.[1];
    rows.push(`| ${n.toLocaleString('en')} | ${(Number(bytes) / 1e6).toFixed(1)} MB | ${(Number(ms) / 1000).toFixed(1)} s | ${w.seconds.toFixed(1)} s | ${w.peakMb.toFixed(0)} MB |${argv.check ? ` ${check} |` : ''}`);
  } finally {
    if (!argv.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`  kept ${dir}`);
  }
}
console.log('\n| domains | zone file | writing (the writer\'s own time) | `registry zone write` wall time | peak RSS |' + (argv.check ? ' check |' : ''));
console.log('|---|---|---|---|---|' + (argv.check ? '---|' : ''));
for (const r of rows) console.log(r);
