/**
 * Escrow deposit benchmark: preloads the benchmark's registry (bench/preload.ts) with N domains, then makes a
 * full deposit of the benchmark TLD and prints its time, its phases, the process's peak RSS and the longest
 * time a concurrent writer (another connection committing a small change every 20 ms, as the server would)
 * had to wait during it; then changes 1,000 domains and makes a differential deposit.
 *
 *   npm run build && node dist/bench/escrow.js --domains 1000000 [--keep DIR] [--database FILE]
 *
 * --database reuses a preloaded registry (it must have no deposit yet); --keep leaves the deposits in DIR and
 * the keys in DIR/keys.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeDeposit } from '../src/escrow/deposit.js';
import { DEV_KEY_FILES, generateDevKeys, loadDepositKeys } from '../src/escrow/keys.js';
import { openEscrowStore } from '../src/storage/open.js';
import { ensureDevCerts } from '../src/transport/dev-certs.js';
import { datasetFor, TLD } from './dataset.js';
import { preload } from './preload.js';

const { values: o } = parseArgs({
  options: {
    domains: { type: 'string', default: '100000' },
    keep: { type: 'string' },
    database: { type: 'string' },
  },
  strict: true,
});

const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
const work = mkdtempSync(join(tmpdir(), 'escrow-bench-'));
const outDir = o.keep ?? join(work, 'out');
let database = o.database;
const domains = Number(o.domains);

async function main(): Promise<void> {
  // With --keep, the keys go beside the deposits (`escrow verify DIR --agent-key DIR/keys/escrow-agent.sec.asc
  // --signer-key DIR/keys/escrow-signing.pub.asc` opens them).
  const certsDir = join(work, 'certs');
  const keysDir = o.keep ? join(o.keep, 'keys') : certsDir;
  ensureDevCerts(certsDir, []);
  if (!database) {
    database = join(work, 'registry.sqlite');
    console.log(`preloading ${domains.toLocaleString('en')} domains…`);
    const pre = await preload({ database, certsDir, dataset: datasetFor(domains), maxSessions: 10, progress: (m) => console.log(`  ${m}`) });
    console.log(`preload: ${pre.seconds.toFixed(1)} s, ${mb(pre.databaseBytes)}`);
    // The deposits run in a process of their own, so that its memory figures are the deposit's alone.
    const child = spawnSync(process.execPath, [process.argv[1], '--database', database, ...(o.keep ? ['--keep', o.keep] : [])], { stdio: 'inherit', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' } });
    process.exitCode = child.status ?? 1;
    return;
  }
  await generateDevKeys(keysDir, 'curve25519');
  const keys = await loadDepositKeys({ agentPublicKey: join(keysDir, DEV_KEY_FILES.agentPublic), signingKey: join(keysDir, DEV_KEY_FILES.signingSecret), signingKeyPassphraseFile: '' });

  // Peak RSS, sampled; and a writer on its own connection, as the server's would be, timing each commit.
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const writer = new Database(database);
  writer.pragma('busy_timeout = 10000');
  const touch = writer.prepare("UPDATE registrars SET email = ? WHERE cl_id = 'ClientY'");
  let longestWrite = 0;
  let writes = 0;
  const writes$ = setInterval(() => {
    const t = process.hrtime.bigint();
    touch.run(`bench-${writes++}@example.net`);
    longestWrite = Math.max(longestWrite, Number(process.hrtime.bigint() - t) / 1e6);
  }, 20);

  const rssBefore = process.memoryUsage().rss;
  const store = await openEscrowStore(database);
  const now = new Date();
  let started = Date.now();
  const full = await makeDeposit({ tld: TLD, type: 'full', watermark: new Date(Math.floor(now.getTime() / 60_000) * 60_000), outDir, now, keys, store });
  const fullSeconds = (Date.now() - started) / 1000;
  const fullPeak = peak;
  console.log(
    `full deposit of ${full.counts['urn:ietf:params:xml:ns:rdeDomain-1.0'].toLocaleString('en')} domains, ` +
      `${full.counts['urn:ietf:params:xml:ns:rdeContact-1.0'].toLocaleString('en')} contacts, ${full.counts['urn:ietf:params:xml:ns:rdeHost-1.0'].toLocaleString('en')} hosts: ` +
      `${fullSeconds.toFixed(1)} s; XML ${mb(full.xmlBytes)}, .ryde ${mb(statSync(full.files.ryde).size)}; ` +
      `RSS ${mb(rssBefore)} before, peak ${mb(fullPeak)}; ${writes} concurrent writes, the longest ${longestWrite.toFixed(1)} ms`,
  );

  // A day's changes: 1,000 domains updated (a status) through the writer's connection, then the diff.
  const upd = writer.prepare(`UPDATE domains SET statuses = '["clientHold"]', updated_at = ? WHERE id = ?`);
  writer.transaction(() => {
    for (let i = 1; i <= 1000; i++) upd.run(Date.now(), i * Math.max(1, Math.floor(domains / 1000)));
  })();
  peak = 0;
  longestWrite = 0;
  const later = new Date(now.getTime() + 120_000);
  started = Date.now();
  const diff = await makeDeposit({ tld: TLD, type: 'diff', watermark: new Date(Math.floor(later.getTime() / 60_000) * 60_000), outDir, now: later, keys, store });
  console.log(
    `diff deposit after 1,000 changes: ${diff.counts['urn:ietf:params:xml:ns:rdeDomain-1.0'].toLocaleString('en')} domains in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `peak RSS ${mb(peak)}; the longest concurrent write ${longestWrite.toFixed(1)} ms`,
  );
  clearInterval(writes$);
  clearInterval(sampler);
  await store.close();
  writer.close();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(work, { recursive: true, force: true });
    if (!o.keep) rmSync(outDir, { recursive: true, force: true });
  });
