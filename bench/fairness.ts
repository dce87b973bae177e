/**
 * EPP fairness (issue 22): a quiet registrar's latency alone, next to another registrar's flood, and next to
 * the same flood held to a per-registrar command-rate limit. Run as the last phase of `npm run bench`, or alone:
 *
 *   node dist/bench/fairness.js [--flood-sessions N] [--duration SEC] [--rate N] [--quick]
 *     --flood-sessions N   the flooding registrar's sessions, each creating taken names in a closed loop (default 300)
 *     --duration SEC       per measurement (default 6)
 *     --rate N             the flooding registrar's command rate in the third measurement (default 200/s)
 *     --quick              CI size: 100 flood sessions, 2 s each
 *
 * The quiet registrar has one session sending <domain:info> in a closed loop (p50/p99 of its round trips);
 * the flood comes from a separate process (creates of names that exist: 2302 each, the drop-catching pattern).
 * The server is a child process (`registry serve`) on a fresh database; everything on 127.0.0.1.
 */
import Database from 'better-sqlite3';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EppClient } from '../src/client/epp-client.js';
import { requests } from '../src/client/requests.js';
import { hashSecret } from '../src/registry/passwords.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { ensureDevCerts, fingerprint } from '../src/transport/dev-certs.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const MAIN_JS = resolve(HERE, '../src/cli/main.js');
const SELF_JS = fileURLToPath(import.meta.url);
const TLD = 'fair';
const PASSWORD = 'fair-PW-1';
const TAKEN = 50;

export interface FairnessOptions {
  floodSessions: number;
  durationS: number;
  rate: number;
}

export interface Latency {
  commands: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The flood's answered commands per second meanwhile (0 alone). */
  floodPerSecond: number;
  /** Answers other than the expected code (1000 for the quiet registrar, 2302 for the flood). */
  unexpected: number;
}

export interface FairnessResult {
  floodSessions: number;
  rate: number;
  alone: Latency;
  flood: Latency;
  limited: Latency;
}

interface Client {
  host: string;
  port: number;
  ca: string;
  cert: string;
  key: string;
}

async function session(c: Client, clID: string): Promise<EppClient> {
  const s = await EppClient.connect({ host: c.host, port: c.port, ca: c.ca, cert: c.cert, key: c.key, servername: 'localhost', timeout: 120_000 });
  const r = await s.request(requests.login('fair-login', clID, PASSWORD));
  if (!r.includes('code="1000"')) throw new Error(`login of ${clID} failed: ${r}`);
  return s;
}

const code = (xml: string) => Number(/<result code="(\d+)"/.exec(xml)?.[1] ?? 0);

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

export async function runFairness(o: FairnessOptions, log: (line: string) => void = console.log): Promise<FairnessResult> {
  const dir = mkdtempSync(join(tmpdir(), 'epp-fairness-'));
  const certs = join(dir, 'certs');
  ensureDevCerts(certs, ['quiet', 'flood']);
  const database = join(dir, 'registry.sqlite');
  const store = new SqliteStore({ path: database });
  const now = new Date();
  const hash = await hashSecret(PASSWORD);
  await store.transaction(async (r) => {
    await r.tlds.upsert({ name: TLD, policy: resolvePolicy({ dataModel: 'minimum' }) }, now);
    for (const [clId, maxSessions] of [['Quiet', 5], ['Flood', o.floodSessions + 5]] as const) {
      const reg = await r.registrars.insert({ clId, name: clId, passwordHash: hash, certFingerprints: [fingerprint(readFileSync(join(certs, `${clId.toLowerCase()}.crt`), 'utf8'))], maxSessions }, now);
      await r.billing.post(reg.id, 1_000_000_000, 'credit', null, now);
    }
  });
  await store.close();
  const config = join(dir, 'registry.json');
  writeFileSync(
    config,
    JSON.stringify({ database, certsDir: certs, devFixtures: false, logLevel: 'warn', epp: { port: 0 }, http: { enabled: false }, rdap: { enabled: false }, zone: { publish: false } }),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  // logLevel warn: the start lines are info; the port is read from the listening line, so log that one level.
  const server = spawn(process.execPath, [MAIN_JS, '-c', config, 'serve'], { env: { ...env, REGISTRY_LOG_LEVEL: 'info', MALLOC_MMAP_THRESHOLD_: '131072' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let flood: ChildProcess | undefined;
  try {
    const port = await new Promise<number>((resolveP, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+)[^\n]*EPP server listening/.exec(out);
        if (m) {
          server.stdout!.off('data', onData);
          server.stdout!.resume(); // the command lines that follow are read and dropped
          resolveP(Number(m[1]));
        }
      };
      server.stdout!.on('data', onData);
      server.once('exit', (c) => reject(new Error(`the server exited during start (${c}): ${out}`)));
    });
    const client = (name: string): Client => ({ host: '127.0.0.1', port, ca: join(certs, 'ca.crt'), cert: join(certs, `${name}.crt`), key: join(certs, `${name}.key`) });
    const quiet = await session(client('quiet'), 'Quiet');
    const taken: string[] = [];
    for (let i = 0; i < TAKEN; i++) {
      const name = `taken-${i}.${TLD}`;
      const r = await quiet.request(requests.domainCreate(`fair-seed-${i}`, { name, authInfo: '' }));
      if (code(r) !== 1000) throw new Error(`seeding ${name} failed: ${r}`);
      taken.push(name);
    }

    const measure = async (floodCount: () => number): Promise<Latency> => {
      const times: number[] = [];
      let unexpected = 0;
      const floodBefore = floodCount();
      const end = performance.now() + o.durationS * 1000;
      for (let i = 0; performance.now() < end; i++) {
        const t0 = performance.now();
        const r = await quiet.request(requests.info(`fair-q-${i}`, 'domain', taken[i % TAKEN]));
        times.push(performance.now() - t0);
        if (code(r) !== 1000) unexpected++;
      }
      const floodPerSecond = (floodCount() - floodBefore) / o.durationS;
      times.sort((a, b) => a - b);
      return { commands: times.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1] ?? 0, floodPerSecond, unexpected };
    };

    const alone = await measure(() => 0);
    // The flood: its own process, so that its client work does not share the quiet session's event loop.
    flood = fork(SELF_JS, ['--flood-worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let floodAnswers = 0;
    let floodUnexpected = 0;
    const ready = new Promise<void>((resolveP, reject) => {
      flood!.on('message', (m: { ready?: boolean; answers?: number; unexpected?: number; error?: string }) => {
        if (m.error) reject(new Error(`flood: ${m.error}`));
        if (m.ready) resolveP();
        if (m.answers !== undefined) {
          floodAnswers = m.answers;
          floodUnexpected = m.unexpected ?? 0;
        }
      });
      flood!.once('exit', (c) => reject(new Error(`the flood process exited (${c})`)));
    });
    flood.send({ client: client('flood'), sessions: o.floodSessions, taken });
    await ready;
    const floodCount = () => floodAnswers;
    const unlimited = await measure(floodCount);
    unlimited.unexpected += floodUnexpected;
    // The flooding registrar gets a command rate, as `registry registrar set Flood --rate N` sets it; the
    // server reads the rates every 2 s.
    const db = new Database(database);
    db.pragma('busy_timeout = 5000');
    db.prepare("UPDATE registrars SET command_rate = ? WHERE cl_id = 'Flood'").run(o.rate);
    db.close();
    await new Promise((r) => setTimeout(r, 3000));
    const unexpectedBefore = floodUnexpected;
    const limited = await measure(floodCount);
    limited.unexpected += floodUnexpected - unexpectedBefore;
    await quiet.close();
    const result = { floodSessions: o.floodSessions, rate: o.rate, alone, flood: unlimited, limited };
    const fmt = (l: Latency) => `p50 ${l.p50Ms.toFixed(2)} ms, p99 ${l.p99Ms.toFixed(2)} ms, max ${l.maxMs.toFixed(1)} ms over ${l.commands} infos`;
    log(`fairness: quiet registrar, one session of domain:info: alone ${fmt(alone)}`);
    log(`fairness:   next to ${o.floodSessions} flood sessions (creates of taken names, no limit, ${unlimited.floodPerSecond.toFixed(0)} answered/s): ${fmt(unlimited)}`);
    log(`fairness:   the flood limited to ${o.rate}/s (registrar set --rate; ${limited.floodPerSecond.toFixed(0)} answered/s): ${fmt(limited)}`);
    const bad = alone.unexpected + unlimited.unexpected + limited.unexpected;
    if (bad > 0) log(`fairness: ${bad} answers without the expected result code`);
    return result;
  } finally {
    flood?.kill('SIGKILL');
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The flood process: opens its sessions, says ready, then creates taken names in every session until killed. */
async function floodWorker(): Promise<void> {
  const m = await new Promise<{ client: Client; sessions: number; taken: string[] }>((r) => process.once('message', r as never));
  let answers = 0;
  let unexpected = 0;
  const sessions: EppClient[] = [];
  try {
    // In groups of 20: the server answers handshakes and logins as fast as it can, without a connect storm.
    for (let i = 0; i < m.sessions; i += 20) {
      sessions.push(...(await Promise.all(Array.from({ length: Math.min(20, m.sessions - i) }, () => session(m.client, 'Flood')))));
    }
  } catch (e) {
    process.send!({ error: (e as Error).message });
    return;
  }
  process.send!({ ready: true });
  setInterval(() => process.send!({ answers, unexpected }), 100);
  await Promise.all(
    sessions.map(async (s, k) => {
      for (let i = 0; ; i++) {
        const r = await s.request(requests.domainCreate(`fl-${k}-${i}`, { name: m.taken[(k + i) % m.taken.length], authInfo: '' }));
        answers++;
        if (code(r) !== 2302) unexpected++;
      }
    }),
  );
}

if (process.argv[1] === SELF_JS) {
  if (process.argv.includes('--flood-worker')) {
    void floodWorker();
  } else {
    let values;
    try {
      values = parseArgs({ options: { 'flood-sessions': { type: 'string' }, duration: { type: 'string' }, rate: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }).values;
    } catch (e) {
      console.error(`fairness: ${(e as Error).message} (--help lists the options)`);
      process.exit(2);
    }
    if (values.help) {
      console.log(readFileSync(SELF_JS, 'utf8').match(/\/\*\*([\s\S]*?)\*\//)![1].replace(/^ \* ?/gm, ''));
      process.exit(0);
    }
    const num = (name: string, v: string | undefined, d: number, lo: number, hi: number) => {
      const n = v === undefined ? d : Number(v);
      if (!Number.isInteger(n) || n < lo || n > hi) {
        console.error(`fairness: --${name} must be a whole number from ${lo} to ${hi}`);
        process.exit(2);
      }
      return n;
    };
    const o = {
      floodSessions: num('flood-sessions', values['flood-sessions'], values.quick ? 100 : 300, 1, 5000),
      durationS: num('duration', values.duration, values.quick ? 2 : 6, 1, 600),
      rate: num('rate', values.rate, 200, 1, 100_000),
    };
    runFairness(o).then(
      (r) => process.exit(r.alone.unexpected + r.flood.unexpected + r.limited.unexpected > 0 ? 4 : 0),
      (e) => {
        console.error(`fairness: ${(e as Error).stack ?? e}`);
        process.exit(1);
      },
    );
  }
}
