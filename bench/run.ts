/**
 * The load benchmark (`npm run bench`, issue 8): a real EPP client over TLS with client certificates
 * against the registry server and, in the same run, against a bare TLS server that answers every frame
 * with a fixed response (the transport's limit on this machine). Figures are printed as a table and
 * written as JSON; the registry's throughput is also given as a ratio of the baseline's at the same
 * number of sessions, since the load generator and the server share the machine's cores.
 *
 *   npm run bench -- [options]
 *     --quick              CI size: 2,000 domains, sessions 1,10, 2 s per workload, 200 idle sessions, no retries
 *     --domains N          domains preloaded (default 10,000; 1000000 for the growth run)
 *     --sessions LIST      concurrent sessions, one run each (default 1,10,100)
 *     --duration SEC       per workload (default 8; the baseline gets the same, half before, half after)
 *     --clients K          load from K worker processes (default 1)
 *     --workloads LIST     check1,check5,domain-info,contact-info,create,update,renew,mix (default all)
 *     --idle N             logged-in idle sessions for the memory figure (default 1,000; 0: skip)
 *     --json FILE          results (default bench-results.json in the run's temp folder)
 *     --growth M           also preload a second registry with M domains (e.g. 1000000) and measure every workload
                         on both, alternately, in the same run: the growth target, judged under the same noise
    --compare FILE       an earlier run's JSON: prints each workload's change against it
 *     --synchronous MODE   the server's PRAGMA synchronous, FULL (default, durable) or NORMAL
 *     --store postgres     also the same data in PostgreSQL (a throwaway cluster, Debian's server binaries):
 *                          every workload on one server process and on two on one database, next to SQLite
 *     --retries N          measure again while other processes use > 0.2 cores (default 2, at most half as many
                         retries as measurements in all; 0 with --quick)
 *     --cpu-prof           profile each registry server (node --cpu-prof) and print its top self-time functions
 *     --keep               keep the temp folder (database, logs)
 *     --skip-rdap          no RDAP phase. Otherwise, after the workloads: the EPP workload --rdap-workload (default mix)
 *                          at --rdap-sessions (default 10) alone, next to an RDAP load of --rdap-rate domain lookups/s
 *                          (default 200), and next to a closed-loop RDAP load of --rdap-concurrency requests in flight
 *                          (default 16); and that RDAP load alone: what RDAP takes from EPP, and RDAP's requests/s
 *     --skip-fairness      no fairness phase. Otherwise, last: a quiet registrar's domain:info p50/p99 alone, next to
 *                          --fairness-sessions (default 300; 100 with --quick) sessions of another registrar creating
 *                          taken names, and next to that flood limited to 200 commands/s (bench/fairness.ts)
 *
 * Exit status: 0; 4 when any response lacked the expected result code; 1 on failure; 2 for bad options.
 * Everything runs on 127.0.0.1, bounded in time and count; the server, the baseline and the load workers
 * are child processes, killed when the benchmark ends (a watchdog ends a run that overstays). */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { datasetFor, type Dataset } from './dataset.js';
import type { FromWorker, OpenResult, RunResult, ToWorker } from './load-worker.js';
import type { RdapResult, RdapRun } from './rdap-load.js';
import { preload } from './preload.js';
import { loadIntoPostgres } from './pg-load.js';
import { admin, startCluster, type Cluster } from '../test/support/pg-cluster.js';
import { runFairness, type FairnessResult } from './fairness.js';
import { cpuSeconds, machineCpu, rssBytes } from './proc.js';
import { topSelfTime, type HotFunction } from './profile.js';
import { DESCRIPTIONS, WORKLOADS, type LoadName, type WorkloadName } from './workloads.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const MAIN_JS = resolve(HERE, '../src/cli/main.js');
const BASELINE_JS = resolve(HERE, 'baseline-server.js');
const WORKER_JS = resolve(HERE, 'load-worker.js');
const RDAP_LOAD_JS = resolve(HERE, 'rdap-load.js');
const REPO_ROOT = resolve(HERE, '../..');

// ---------------------------------------------------------------- options

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  domains: { type: 'string' },
  sessions: { type: 'string' },
  duration: { type: 'string' },
  clients: { type: 'string', default: '1' },
  workloads: { type: 'string' },
  idle: { type: 'string' },
  json: { type: 'string' },
  compare: { type: 'string' },
  growth: { type: 'string' },
  synchronous: { type: 'string' },
  retries: { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  'skip-rdap': { type: 'boolean', default: false },
  'rdap-workload': { type: 'string', default: 'mix' },
  'rdap-sessions': { type: 'string', default: '10' },
  'rdap-rate': { type: 'string', default: '200' },
  'rdap-concurrency': { type: 'string', default: '16' },
  'skip-fairness': { type: 'boolean', default: false },
  store: { type: 'string', default: 'sqlite' },
  'fairness-sessions': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>;
try {
  parsed = parseArgs({ options: OPTIONS });
} catch (e) {
  console.error(`bench: ${(e as Error).message} (--help lists the options)`);
  process.exit(2);
}
const argv = parsed.values;

if (argv.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').match(/\/\*\*([\s\S]*?)\*\//)![1].replace(/^ \* ?/gm, ''));
  process.exit(0);
}

function int(name: string, v: string | undefined, dflt: number, lo: number, hi: number): number {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < lo || n > hi) die(`--${name} must be a whole number from ${lo} to ${hi}`);
  return n;
}
function die(msg: string): never {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

const quick = argv.quick!;
const opts = {
  quick,
  domains: int('domains', argv.domains, quick ? 2_000 : 10_000, 100, 5_000_000),
  sessions: (argv.sessions ?? (quick ? '1,10' : '1,10,100')).split(',').map((s) => int('sessions', s, 1, 1, 2000)),
  durationS: Number(argv.duration ?? (quick ? 2 : 8)),
  clients: int('clients', argv.clients, 1, 1, 8),
  workloads: (argv.workloads ? argv.workloads.split(',') : [...WORKLOADS]) as WorkloadName[],
  idle: int('idle', argv.idle, quick ? 200 : 1000, 0, 5000),
  growth: argv.growth === undefined ? 0 : int('growth', argv.growth, 0, 100, 5_000_000),
  synchronous: argv.synchronous,
  retries: int('retries', argv.retries, quick ? 0 : 2, 0, 5),
  cpuProf: argv['cpu-prof']!,
  keep: argv.keep!,
  rdap: !argv['skip-rdap'],
  fairness: !argv['skip-fairness'],
  fairnessSessions: int('fairness-sessions', argv['fairness-sessions'], quick ? 100 : 300, 1, 5000),
  rdapWorkload: argv['rdap-workload'] as WorkloadName,
  rdapSessions: int('rdap-sessions', argv['rdap-sessions'], 10, 1, 2000),
  rdapRate: int('rdap-rate', argv['rdap-rate'], 200, 1, 100_000),
  rdapConcurrency: int('rdap-concurrency', argv['rdap-concurrency'], 16, 1, 1000),
  store: argv.store as 'sqlite' | 'postgres',
};
if (!['sqlite', 'postgres'].includes(opts.store)) die('--store must be sqlite or postgres (postgres: the workloads on SQLite and on PostgreSQL, one and two server processes, in one run)');
if (!(opts.durationS > 0 && opts.durationS <= 120)) die('--duration must be from 0 to 120 seconds');
for (const w of opts.workloads) if (!WORKLOADS.includes(w)) die(`unknown workload ${w}; known: ${WORKLOADS.join(', ')}`);
if (!WORKLOADS.includes(opts.rdapWorkload)) die(`unknown --rdap-workload ${opts.rdapWorkload}; known: ${WORKLOADS.join(', ')}`);
if (opts.synchronous && !['FULL', 'NORMAL'].includes(opts.synchronous)) die('--synchronous must be FULL or NORMAL');
const commandLine = `npm run bench --${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`.replace(/ --$/, '');

// ---------------------------------------------------------------- children (always killed on exit)

const children = new Set<ChildProcess>();
function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`bench: ${sig}, stopping`);
    killAll();
    process.exit(130);
  });
}

// The run's expected length, generously; past three times that, something hangs: stop.
const expectedS =
  30 +
  (opts.domains + opts.growth) / 5_000 +
  opts.sessions.length * ((opts.growth ? 2 : 1) * opts.workloads.length + 1) * (opts.durationS + 3) +
  opts.idle / 20 +
  (opts.rdap ? 5 * (opts.durationS + 3) : 0) +
  (opts.fairness ? 60 : 0) +
  opts.sessions.reduce((a, b) => a + b, 0) / 10;
const watchdogS = Math.round(120 + 2 * (1 + opts.retries) * expectedS);
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${watchdogS} s; stopping`);
  killAll();
  process.exit(3);
}, watchdogS * 1000);
watchdog.unref();

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string, logFile: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before listening:\n${tail(logFile)}`);
    }
    const ok = await new Promise<boolean>((res) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs / 1000} s`);
}

/**
 * A server child dies with the benchmark even when the benchmark is killed outright (SIGKILL): util-linux
 * setpriv sets its parent-death signal and then execs node, so the pid measured is node's own.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
function spawnServer(args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  return SETPRIV ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', process.execPath, ...args], options) : spawn(process.execPath, args, options);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '');

async function stopChild(c: ChildProcess, timeoutMs = 20_000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

// ---------------------------------------------------------------- load workers

class Worker {
  private readonly inbox: FromWorker[] = [];
  private waiter: ((m: FromWorker) => void) | null = null;
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: FromWorker) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(m);
      } else this.inbox.push(m);
    });
    proc.on('exit', (code) => {
      if (this.waiter) this.waiter({ type: 'error', message: `load worker exited (${code})` });
    });
  }
  ask(m: ToWorker): Promise<FromWorker> {
    this.proc.send(m);
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((r) => (this.waiter = r));
  }
}

async function all<T extends FromWorker>(workers: Worker[], msg: (i: number) => ToWorker | null): Promise<T[]> {
  const replies = await Promise.all(workers.map((w, i) => (msg(i) ? w.ask(msg(i)!) : Promise.resolve(null))));
  const out: T[] = [];
  for (const r of replies) {
    if (!r) continue;
    if (r.type === 'error') throw new Error(`load worker: ${r.message}`);
    out.push(r as T);
  }
  return out;
}

const share = (total: number, k: number, i: number) => Math.floor(total / k) + (i < total % k ? 1 : 0);

// ---------------------------------------------------------------- measuring

interface Row {
  /** `baseline`, `registry`, or with --growth the larger registry, e.g. `registry-1M`. */
  target: string;
  workload: LoadName;
  sessions: number;
  seconds: number;
  commands: number;
  perSecond: number;
  /** Of the baseline's commands/s at the same number of sessions. */
  ratio: number | null;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bad: number;
  errors: number;
  serverRssMB: number;
  serverCpuS: number;
  /** Server CPU seconds per wall second (1.0 = one core). */
  serverCores: number;
  /** The busiest load worker's CPU seconds per wall second. */
  clientCores: number;
  /** CPU seconds of all load workers together. */
  clientCpuS: number;
  machineBusyPct: number;
  /** CPU used on the machine by processes other than the server, the baseline and the load workers, in cores: noise. */
  otherCores: number;
  exhausted: boolean;
  samples: string[];
  /** Measurements made (more than 1 when other processes disturbed the first: the least disturbed is kept). */
  attempts: number;
  /** Commands/s of each part of a merged figure (the baseline before and after the workloads; growth slices). */
  runs?: number[];
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A server under load: the baseline or a registry, each a child process. */
interface Target {
  name: string;
  proc: ChildProcess;
  port: number;
  /** Whose objects the load addresses (the baseline is sent the main registry's check requests). */
  dataset: string;
  log: string;
  /** The registry's RDAP service (none for the baseline). */
  rdapBaseUrl?: string;
  /** Several server processes on one database (PostgreSQL): sessions alternate between their ports; CPU figures are the first's. */
  ports?: number[];
  others?: ChildProcess[];
}
const pidOf = (t: Target) => t.proc.pid!;
const cpuOfAll = (ts: Target[]) => ts.reduce((a, t) => a + (cpuSeconds(pidOf(t)) || 0), 0);

async function measure(workers: Worker[], t: Target, others: Target[], workload: LoadName, sessions: number, durationS: number): Promise<Row & { lat: Float64Array }> {
  const serverPid = pidOf(t);
  const cpu0 = cpuSeconds(serverPid);
  const other0 = cpuOfAll(others);
  const m0 = machineCpu();
  const t0 = process.hrtime.bigint();
  const results = await all<RunResult>(workers, () => ({ type: 'run', target: t.name, dataset: t.dataset, workload, durationMs: durationS * 1000 }));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpuSeconds(serverPid);
  const other1 = cpuOfAll(others);
  const m1 = machineCpu();
  const clientCpu = results.reduce((a, r) => a + (r.cpuUserMs + r.cpuSystemMs) / 1000, 0);
  const n = results.reduce((a, r) => a + r.count, 0);
  const lat = new Float64Array(n);
  let off = 0;
  for (const r of results) {
    lat.set(r.latencies, off);
    off += r.latencies.length;
  }
  lat.sort();
  const seconds = Math.max(...results.map((r) => r.wallMs)) / 1000 || durationS;
  if (t.proc.exitCode !== null || t.proc.signalCode !== null) throw new Error(`${t.name} server exited:\n${tail(t.log)}`);
  return {
    target: t.name,
    workload,
    sessions,
    seconds,
    commands: n,
    perSecond: n / seconds,
    ratio: null,
    p50: percentile(lat, 0.5),
    p95: percentile(lat, 0.95),
    p99: percentile(lat, 0.99),
    max: lat.length ? lat[lat.length - 1] : NaN,
    bad: results.reduce((a, r) => a + r.bad, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    serverRssMB: rssBytes(serverPid) / 2 ** 20,
    serverCpuS: cpu1 - cpu0,
    serverCores: (cpu1 - cpu0) / wall,
    clientCores: Math.max(...results.map((r) => (r.cpuUserMs + r.cpuSystemMs) / Math.max(1, r.wallMs))),
    clientCpuS: clientCpu,
    machineBusyPct: (100 * (m1.busy - m0.busy)) / Math.max(1e-9, m1.total - m0.total),
    otherCores: Math.max(0, m1.busy - m0.busy - (cpu1 - cpu0) - (other1 - other0) - clientCpu) / wall,
    exhausted: results.some((r) => r.exhausted),
    samples: results.flatMap((r) => r.samples).slice(0, 5),
    attempts: 1,
    lat,
  };
}

/** Several measurements of the same load as one (the baseline before and after; growth slices). */
function merge(parts: Array<Row & { lat: Float64Array }>): Row & { lat: Float64Array } {
  const total = parts.reduce((a, p) => a + p.lat.length, 0);
  const lat = new Float64Array(total);
  let off = 0;
  for (const p of parts) {
    lat.set(p.lat, off);
    off += p.lat.length;
  }
  lat.sort();
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  const sum = (k: (p: Row) => number) => parts.reduce((a, p) => a + k(p), 0);
  const weighted = (k: (p: Row) => number) => sum((p) => k(p) * p.seconds) / seconds;
  const last = parts[parts.length - 1];
  return {
    ...last,
    seconds,
    commands: sum((p) => p.commands),
    perSecond: sum((p) => p.commands) / seconds,
    runs: parts.map((p) => p.perSecond),
    p50: percentile(lat, 0.5),
    p95: percentile(lat, 0.95),
    p99: percentile(lat, 0.99),
    max: Math.max(...parts.map((p) => p.max)),
    bad: sum((p) => p.bad),
    errors: sum((p) => p.errors),
    serverCpuS: sum((p) => p.serverCpuS),
    serverCores: weighted((p) => p.serverCores),
    clientCores: Math.max(...parts.map((p) => p.clientCores)),
    clientCpuS: sum((p) => p.clientCpuS),
    machineBusyPct: weighted((p) => p.machineBusyPct),
    otherCores: weighted((p) => p.otherCores),
    exhausted: parts.some((p) => p.exhausted),
    attempts: sum((p) => p.attempts),
    samples: parts.flatMap((p) => p.samples).slice(0, 5),
    lat,
  };
}

/** CPU (in cores) used by other processes above which a measurement counts as disturbed. */
const NOISE_CORES = 0.2;

/**
 * Measures, and again (up to --retries times) while other processes disturb it; keeps the least disturbed.
 * Retries in the whole run are bounded: at most half as many as planned measurements, so a busy machine cannot stretch the run much.
 */
let retryBudget = Math.ceil((opts.sessions.length * ((opts.growth ? 8 : 1) * opts.workloads.length + 2)) / 2);
async function quietly(what: string, fn: () => Promise<Row & { lat: Float64Array }>): Promise<Row & { lat: Float64Array }> {
  let best = await fn();
  let attempts = 1;
  while (attempts <= opts.retries && retryBudget > 0 && best.otherCores > NOISE_CORES) {
    retryBudget--;
    console.log(`    ${what}: disturbed (other processes used ${f(best.otherCores, 2)} cores); measuring again`);
    const again = await fn();
    attempts++;
    if (again.otherCores < best.otherCores) best = again;
  }
  best.attempts = attempts;
  return best;
}

const withoutLat = ({ lat: _lat, ...r }: Row & { lat: Float64Array }): Row => r;

async function openSessions(workers: Worker[], t: Target, sessions: number, login: boolean): Promise<OpenResult[]> {
  const res = await all<OpenResult>(workers, (i) =>
    share(sessions, workers.length, i) > 0 ? { type: 'open', target: t.name, ports: t.ports ?? [t.port], sessions: share(sessions, workers.length, i), login } : null,
  );
  const failed = res.reduce((a, r) => a + r.failed, 0);
  if (failed > 0) throw new Error(`${failed} of ${sessions} sessions could not be opened: ${res.flatMap((r) => r.errors).join(' | ')}`);
  return res;
}

const closeSessions = (workers: Worker[], t: Target, logout: boolean) => all(workers, () => ({ type: 'close', target: t.name, logout }));

// ---------------------------------------------------------------- output

const f = (v: number, d = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '-');

/** The server's CPU time, all its threads, per command answered: steadier from run to run than commands/s. */
const serverUsPerCommand = (r: Row) => (r.perSecond > 0 ? (1e6 * r.serverCores) / r.perSecond : NaN);

function table(rows: Row[]): string {
  const head = ['target', 'workload', 'S', 'cmd/s', 'x base', 'p50 ms', 'p95 ms', 'p99 ms', 'bad', 'srv RSS MB', 'srv CPU s', 'srv cores', 'srv µs/cmd', 'client cores', 'other cores'];
  const body = rows.map((r) => [
    r.target,
    r.workload + (r.exhausted ? '*' : ''),
    String(r.sessions),
    f(r.perSecond),
    r.ratio !== null ? `${f(100 * r.ratio, 1)}%` : r.runs ? `±${f((50 * Math.abs(r.runs[0] - r.runs[1])) / r.perSecond, 0)}%` : '',
    f(r.p50, 2),
    f(r.p95, 2),
    f(r.p99, 2),
    String(r.bad + r.errors),
    f(r.serverRssMB),
    f(r.serverCpuS, 2),
    f(r.serverCores, 2),
    f(serverUsPerCommand(r)),
    f(r.clientCores, 2),
    f(r.otherCores, 2) + (r.otherCores > NOISE_CORES ? '!' : ' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

interface TargetCheck {
  target: string;
  met: boolean | null;
  detail: string;
  /** For a throughput target not met: the CPU per command the target leaves the server (see `evaluate`). */
  budget?: string[];
}

function evaluate(rows: Row[], idle: IdleResult | null, synchronous: string): TargetCheck[] {
  const reg = (w: WorkloadName, s: number) => rows.find((r) => r.target === 'registry' && r.workload === w && r.sessions === s);
  const base = (s: number) => rows.find((r) => r.target === 'baseline' && r.sessions === s);
  const sMax = Math.max(...opts.sessions);
  const out: TargetCheck[] = [];
  const pct = (r: number | null) => (r === null ? '-' : `${f(100 * r, 1)}%`);
  /**
   * The CPU a workload may cost at the rate its target asks for: the load client's own CPU per command
   * (measured in this run) comes first out of the machine's cores; the server's event-loop thread has at most
   * one core. Told next to what the server spent per command, it shows how far a target is from reachable.
   */
  const cores = os.availableParallelism();
  const budget = (r: Row, share: number): string => {
    const b = base(r.sessions);
    if (!b || r.commands === 0) return '';
    const rate = share * b.perSecond;
    const clientUs = (1e6 * r.clientCpuS) / r.commands;
    const leftCores = Math.max(0, cores - (rate * clientUs) / 1e6);
    return (
      `at ${f(rate)}/s (S=${r.sessions}) the server may spend ≤ ${f(1e6 / rate)} µs per command on one thread, ` +
      `≤ ${f((1e6 * leftCores) / rate)} µs over the ${f(leftCores, 2)} cores the client (${f(clientUs)} µs a command) leaves; it spent ${f(serverUsPerCommand(r))} µs`
    );
  };
  const c1 = reg('check1', sMax);
  const b = base(sMax);
  if (c1 && b) {
    const p99Limit = 2 * b.p99 + 5;
    out.push({
      target: `domain:check (1 name), ${sMax} sessions: ≥ 50% of baseline; p99 ≤ 2× baseline p99 + 5 ms`,
      met: (c1.ratio ?? 0) >= 0.5 && c1.p99 <= p99Limit,
      detail: `${pct(c1.ratio)} of baseline; p99 ${f(c1.p99, 2)} ms vs limit ${f(p99Limit, 2)} ms`,
      budget: [budget(c1, 0.5)],
    });
  }
  for (const w of ['domain-info', 'contact-info', 'mix'] as WorkloadName[]) {
    const list = opts.sessions.map((s) => reg(w, s)).filter((r): r is Row => !!r);
    if (!list.length) continue;
    out.push({
      target: `${w}: ≥ 40% of baseline`,
      met: list.every((r) => (r.ratio ?? 0) >= 0.4),
      detail: list.map((r) => `S=${r.sessions}: ${pct(r.ratio)}`).join(', '),
      budget: list.filter((r) => (r.ratio ?? 0) < 0.4).map((r) => budget(r, 0.4)),
    });
  }
  const cr = reg('create', sMax);
  if (cr) {
    out.push({
      target: `domain:create, ${sMax} sessions, every acknowledged create durable: ≥ 25% of baseline`,
      met: (cr.ratio ?? 0) >= 0.25 && synchronous === 'FULL',
      detail: `${pct(cr.ratio)} of baseline, synchronous=${synchronous}${synchronous === 'FULL' ? ' (every change synced before its answer)' : ' (not durable on power loss)'}`,
      budget: [budget(cr, 0.25)],
    });
  }
  if (idle) {
    out.push({
      target: 'memory: ≤ 300 MB RSS with 1,000 logged-in idle sessions',
      met: idle.sessions >= 1000 ? idle.rssMB <= 300 : null,
      detail: `${f(idle.rssMB)} MB with ${idle.sessions} idle sessions (${f(idle.perSessionKB)} KB each over ${f(idle.rssBeforeMB)} MB)${idle.sessions < 1000 ? '; not judged below 1,000 sessions' : ''}`,
    });
  }
  const bad = rows.reduce((a, r) => a + r.bad + r.errors, 0);
  out.push({ target: 'every response had the expected result code', met: bad === 0, detail: `${bad} unexpected` });
  return out;
}

interface RdapFigure {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  bad: number;
  firstBad: string | null;
  skipped: number;
  /** The RDAP load process's CPU seconds per wall second. */
  clientCores: number;
}

interface RdapPhase {
  workload: WorkloadName;
  sessions: number;
  rate: number;
  concurrency: number;
  eppAlone: Row;
  eppSteady: Row;
  eppSaturated: Row;
  rdapSteady: RdapFigure;
  rdapSaturated: RdapFigure;
  rdapAlone: RdapFigure & { serverCores: number };
}

function rdapFigure(r: RdapResult): RdapFigure {
  const lat = Float64Array.from(r.latencies).sort();
  return {
    count: r.count,
    perSecond: r.count / (r.wallMs / 1000),
    p50: percentile(lat, 0.5),
    p99: percentile(lat, 0.99),
    bad: r.bad,
    firstBad: r.firstBad,
    skipped: r.skipped,
    clientCores: (r.cpuUserMs + r.cpuSystemMs) / r.wallMs,
  };
}

function askRdap(p: ChildProcess, m: RdapRun): Promise<RdapResult> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`RDAP load process exited (${code})`));
    p.once('exit', onExit);
    p.once('message', (r: RdapResult | { type: 'error'; message: string }) => {
      p.off('exit', onExit);
      if (r.type === 'result') resolve(r);
      else reject(new Error(`RDAP load: ${r.message}`));
    });
    p.send(m);
  });
}

interface IdleResult {
  sessions: number;
  rssBeforeMB: number;
  rssMB: number;
  perSessionKB: number;
  openSeconds: number;
}

// ---------------------------------------------------------------- main

/** Resolves to the process exit code: 0, or 4 when a response had an unexpected result code (a correctness failure, not a timing one). */
async function main(): Promise<number> {
  const started = Date.now();
  const dir = mkdtempSync(join(os.tmpdir(), 'epp-bench-'));
  const certsDir = join(dir, 'certs');
  const database = join(dir, 'registry.sqlite');
  const jsonFile = resolve(argv.json ?? join(dir, 'bench-results.json'));
  const synchronous = opts.synchronous ?? 'FULL';
  const cpus = os.cpus();
  console.log(`EPP registry load benchmark — ${commandLine}`);
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(
    `plan: ${opts.domains.toLocaleString('en')} domains preloaded; sessions ${opts.sessions.join(', ')}; ${opts.durationS} s per workload; ` +
      `${opts.clients} load process${opts.clients > 1 ? 'es (--clients)' : ''}; server synchronous=${synchronous}; work dir ${dir}`,
  );

  // 1. Preload (and with --growth a second, larger registry).
  const maxSessions = Math.max(...opts.sessions, opts.idle, 10) + 50;
  const load = async (file: string, domains: number) => {
    const ds = datasetFor(domains);
    const pre = await preload({ database: file, certsDir, dataset: ds, maxSessions, progress: (m) => console.log(`  preload ${m}`) });
    console.log(
      `preload: ${ds.domains.toLocaleString('en')} domains, ${ds.contacts.toLocaleString('en')} contacts, ${ds.hosts.toLocaleString('en')} hosts ` +
        `in ${pre.seconds.toFixed(1)} s (bulk insert), database ${f(pre.databaseBytes / 2 ** 20)} MB`,
    );
    return { dataset: ds, ...pre };
  };
  const main = await load(database, opts.domains);
  const dataset = main.dataset;
  const growthName = opts.growth ? `registry-${opts.growth % 1_000_000 === 0 ? `${opts.growth / 1_000_000}M` : opts.growth}` : '';
  const big = opts.growth ? await load(join(dir, 'growth.sqlite'), opts.growth) : null;

  // 2. The baseline and the registries, each a child process.
  const baseLog = join(dir, 'baseline.log');
  const baseProc = track(spawnServer([BASELINE_JS, '--certs', certsDir], { stdio: ['ignore', 'pipe', openSync(baseLog, 'a')] }));
  const basePort = await new Promise<number>((res, rej) => {
    let buf = '';
    baseProc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening (\d+)/.exec(buf);
      if (m) res(Number(m[1]));
    });
    baseProc.once('exit', (c) => rej(new Error(`baseline server exited (${c}):\n${tail(baseLog)}`)));
  });
  const baseline: Target = { name: 'baseline', proc: baseProc, port: basePort, dataset: 'registry', log: baseLog };

  const profDir = join(dir, 'cpu-profile');
  if (opts.cpuProf) mkdirSync(profDir);
  const startRegistry = async (name: string, db: string, profile: boolean): Promise<Target> => {
    const port = await freePort();
    const rdapPort = await freePort();
    const log = join(dir, `${name}.log`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REGISTRY_DATABASE: db,
      REGISTRY_CERTS_DIR: certsDir,
      REGISTRY_EPP_HOST: '127.0.0.1',
      REGISTRY_EPP_PORT: String(port),
      // As deployed: one info line per command (asynchronous writes, see app.ts).
      REGISTRY_LOG_LEVEL: 'info',
      // The glibc setting README recommends for the server (see "Memory"): without it, the 16 MB scrypt
      // buffers of logins stay in the heap after they are freed.
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
      REGISTRY_SYNCHRONOUS: synchronous,
      // The benchmark measures EPP: no HTTP gateway (and no clash on its port with another server).
      REGISTRY_HTTP_ENABLED: 'false',
      REGISTRY_HTTP_HOST: '127.0.0.1',
      REGISTRY_HTTP_PORT: String(await freePort()),
      // RDAP beside EPP, as deployed (its own phase measures it; idle otherwise).
      REGISTRY_RDAP_ENABLED: 'true',
      REGISTRY_RDAP_HOST: '127.0.0.1',
      REGISTRY_RDAP_PORT: String(rdapPort),
    };
    delete env.REGISTRY_CONFIG;
    const proc = track(
      spawnServer([...(profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), MAIN_JS, 'serve'], {
        cwd: dir,
        env,
        stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
      }),
    );
    const t0 = Date.now();
    await waitForPort(port, proc, `${name} server`, log);
    await sleep(300);
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} server exited after start:\n${tail(log)}`);
    console.log(`${name} server pid ${proc.pid} listening on 127.0.0.1:${port} after ${((Date.now() - t0) / 1000).toFixed(1)} s (RSS ${f(rssBytes(proc.pid!) / 2 ** 20)} MB)`);
    return { name, proc, port, dataset: name, log, rdapBaseUrl: `http://127.0.0.1:${rdapPort}/` };
  };
  const server = await startRegistry('registry', database, opts.cpuProf);
  const registries = [server];
  if (big) registries.push(await startRegistry(growthName, join(dir, 'growth.sqlite'), opts.cpuProf));
  // --store postgres: the same data in PostgreSQL (a throwaway cluster), served by one process and by two.
  let cluster: Cluster | undefined;
  if (opts.store === 'postgres') {
    cluster = startCluster(55499);
    await admin(cluster, 'CREATE DATABASE bench_one');
    const loaded = await loadIntoPostgres(database, cluster.url('bench_one'));
    await admin(cluster, 'CREATE DATABASE bench_two TEMPLATE bench_one');
    console.log(`postgres: ${loaded.rows.toLocaleString('en')} rows copied from the preloaded SQLite file in ${loaded.seconds.toFixed(1)} s (two databases: one per target)`);
    registries.push(await startRegistry('postgres', cluster.url('bench_one'), false));
    const a = await startRegistry('postgres-2proc', cluster.url('bench_two'), false);
    const b = await startRegistry('postgres-2proc-b', cluster.url('bench_two'), false);
    registries.push({ ...a, ports: [a.port, b.port], others: [b.proc] });
  }
  const everyone = [baseline, ...registries];
  const othersOf = (t: Target) => everyone.filter((x) => x !== t);
  console.log(`baseline server pid ${baseProc.pid} listening on 127.0.0.1:${basePort}`);

  // 3. Load workers.
  const workers: Worker[] = [];
  for (let i = 0; i < opts.clients; i++) {
    const w = new Worker(track(fork(WORKER_JS, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
    workers.push(w);
  }
  const runTag = Date.now().toString(36);
  const datasets: Record<string, Dataset> = { registry: dataset };
  if (big) datasets[growthName] = big.dataset;
  // Each PostgreSQL target has a copy of the main registry's data in a database of its own.
  if (cluster) for (const name of ['postgres', 'postgres-2proc']) datasets[name] = dataset;
  await all(workers, (i) => ({ type: 'init', index: i, workers: opts.clients, datasets, runTag, certsDir }));

  // 4. Warm-up (not recorded): JIT and caches of the servers and the client.
  const warm = quick ? 1 : 2;
  const wS = Math.min(10, Math.max(...opts.sessions));
  for (const t of everyone) {
    await openSessions(workers, t, wS, true);
    await measure(workers, t, othersOf(t), t === baseline ? 'baseline' : 'mix', wS, t === baseline ? warm / 2 : warm);
    await closeSessions(workers, t, t !== baseline);
  }

  // 5. For each number of sessions: the baseline, every workload against the registry (and with --growth,
  //    right after it, against the larger registry), then the baseline again.
  const rows: Row[] = [];
  const slices = big ? 4 : 1;
  for (const s of opts.sessions) {
    const baseRun = async () => {
      await openSessions(workers, baseline, s, true);
      const r = await measure(workers, baseline, othersOf(baseline), 'baseline', s, opts.durationS / 2);
      await closeSessions(workers, baseline, false);
      return r;
    };
    const b1 = await quietly(`S=${s} baseline`, baseRun);
    const regRows: Row[] = [];
    console.log(`  S=${s} baseline (before): ${f(b1.perSecond)} cmd/s, p99 ${f(b1.p99, 2)} ms, client ${f(b1.clientCores, 2)} cores`);

    let openS = 0;
    for (const t of registries) {
      const open = await openSessions(workers, t, s, true);
      openS = Math.max(openS, ...open.map((o) => o.ms / 1000));
    }
    for (const w of opts.workloads) {
      // With --growth the two registries take turns in slices, so that drifts of the machine's speed hit both alike.
      const parts = new Map<Target, Array<Row & { lat: Float64Array }>>(registries.map((t) => [t, []]));
      for (let i = 0; i < slices; i++) {
        for (const t of registries) {
          const label = `S=${s} ${w}${t === server ? '' : ` on ${t.name}`}${slices > 1 ? ` (slice ${i + 1}/${slices})` : ''}`;
          parts.get(t)!.push(await quietly(label, () => measure(workers, t, othersOf(t), w, s, opts.durationS / slices)));
        }
      }
      for (const t of registries) {
        const list = parts.get(t)!;
        const r = list.length === 1 ? list[0] : merge(list);
        r.ratio = r.perSecond / b1.perSecond;
        regRows.push(withoutLat(r));
        console.log(
          `  S=${s} ${w}${t === server ? '' : ` on ${t.name}`}: ${f(r.perSecond)} cmd/s (${f(100 * r.ratio, 1)}% of baseline), p99 ${f(r.p99, 2)} ms, ${r.bad + r.errors} unexpected` +
            (r.exhausted ? ' (ran out of renewable domains)' : '') +
            (r.samples.length ? `\n    first unexpected response: ${r.samples[0].replace(/\s+/g, ' ').slice(0, 300)}` : ''),
        );
      }
    }
    for (const t of registries) await closeSessions(workers, t, true);
    console.log(`  S=${s}: ${s} sessions logged in in ${openS.toFixed(1)} s`);
    const b2 = await quietly(`S=${s} baseline`, baseRun);
    const bm = withoutLat(merge([b1, b2]));
    console.log(`  S=${s} baseline (after): ${f(b2.perSecond)} cmd/s; reference ${f(bm.perSecond)} cmd/s`);
    for (const r of regRows) r.ratio = r.perSecond / bm.perSecond;
    rows.push(bm, ...regRows);
  }

  // 5b. RDAP next to EPP (the main registry): the EPP workload alone, next to a steady RDAP load, next to a
  //     closed-loop one; then that closed-loop RDAP load alone. The RDAP load comes from a process of its own.
  let rdapPhase: RdapPhase | null = null;
  if (opts.rdap) {
    const rdapProc = track(fork(RDAP_LOAD_JS, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const rdapRun = (rate: number) =>
      askRdap(rdapProc, { type: 'run', baseUrl: server.rdapBaseUrl!, domains: dataset.domains, durationMs: opts.durationS * 1000, concurrency: opts.rdapConcurrency, rate });
    const s = opts.rdapSessions;
    const w = opts.rdapWorkload;
    const pid = pidOf(server);
    await openSessions(workers, server, s, true);
    // EPP alone before and after the steady RDAP load (half the time each), so that a drift of the machine's
    // speed or of the registry (it grows with the creates) weighs on both sides alike.
    const alone1 = await measure(workers, server, othersOf(server), w, s, opts.durationS / 2);
    const [eppSteady, rdapSteady] = await Promise.all([measure(workers, server, othersOf(server), w, s, opts.durationS), rdapRun(opts.rdapRate)]);
    const alone2 = await measure(workers, server, othersOf(server), w, s, opts.durationS / 2);
    const eppAlone = withoutLat(merge([alone1, alone2]));
    const [eppSaturated, rdapSaturated] = await Promise.all([measure(workers, server, othersOf(server), w, s, opts.durationS), rdapRun(0)]);
    await closeSessions(workers, server, true);
    const cpu0 = cpuSeconds(pid);
    const t0 = process.hrtime.bigint();
    const rdapAloneRun = await rdapRun(0);
    const serverCores = (cpuSeconds(pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9);
    rdapProc.send({ type: 'exit' });
    rdapPhase = {
      workload: w,
      sessions: s,
      rate: opts.rdapRate,
      concurrency: opts.rdapConcurrency,
      eppAlone,
      eppSteady: withoutLat(eppSteady),
      eppSaturated: withoutLat(eppSaturated),
      rdapSteady: rdapFigure(rdapSteady),
      rdapSaturated: rdapFigure(rdapSaturated),
      rdapAlone: { ...rdapFigure(rdapAloneRun), serverCores },
    };
    const r = rdapPhase;
    console.log(
      `  RDAP: ${w}@${s} alone ${f(r.eppAlone.perSecond)} cmd/s; next to RDAP at ${r.rate}/s ${f(r.eppSteady.perSecond)} cmd/s (RDAP ${f(r.rdapSteady.perSecond)}/s); ` +
        `next to RDAP closed-loop ${f(r.eppSaturated.perSecond)} cmd/s (RDAP ${f(r.rdapSaturated.perSecond)}/s); RDAP alone ${f(r.rdapAlone.perSecond)}/s`,
    );
  }

  // 6. Memory with idle, logged-in sessions (the main registry).
  let idle: IdleResult | null = null;
  if (opts.idle > 0) {
    for (const t of registries.slice(1)) for (const c of [t.proc, ...(t.others ?? [])]) await stopChild(c);
    await sleep(500);
    const before = rssBytes(pidOf(server));
    const open = await openSessions(workers, server, opts.idle, true);
    await sleep(quick ? 1000 : 3000);
    const after = rssBytes(pidOf(server));
    idle = {
      sessions: opts.idle,
      rssBeforeMB: before / 2 ** 20,
      rssMB: after / 2 ** 20,
      perSessionKB: (after - before) / 1024 / opts.idle,
      openSeconds: Math.max(...open.map((o) => o.ms)) / 1000,
    };
    await closeSessions(workers, server, false);
    console.log(`  idle: ${opts.idle} logged-in sessions opened in ${idle.openSeconds.toFixed(1)} s; server RSS ${f(idle.rssBeforeMB)} → ${f(idle.rssMB)} MB`);
  }

  for (const w of workers) w.proc.send({ type: 'exit' });
  for (const t of everyone) for (const c of [t.proc, ...(t.others ?? [])]) await stopChild(c);
  cluster?.stop();

  // 7. Report.
  // One profile per registry server (its main thread: node names the files CPU.<date>.<pid>.<thread>.<n>).
  const profiles: Array<{ server: string; file: string; totalMs: number; idlePct: number; top: HotFunction[] }> = [];
  if (rdapPhase) {
    const r = rdapPhase;
    const change = (x: Row) => `${x.perSecond >= r.eppAlone.perSecond ? '+' : ''}${f(100 * (x.perSecond / r.eppAlone.perSecond - 1), 1)}%`;
    const lookup = (x: RdapFigure) => `${f(x.perSecond)} lookups/s, p50 ${f(x.p50, 2)} ms, p99 ${f(x.p99, 2)} ms${x.skipped ? `, ${f(x.skipped)} not started (all ${r.concurrency} in flight)` : ''}`;
    console.log(`RDAP next to EPP (${r.workload}, ${r.sessions} sessions; RDAP domain lookups over HTTP keep-alive from a process of their own):`);
    console.log(
      `  EPP alone (before and after the steady load)  ${f(r.eppAlone.perSecond)} cmd/s (${r.eppAlone.runs!.map((x) => f(x)).join(' and ')}), p99 ${f(r.eppAlone.p99, 2)} ms, server ${f(r.eppAlone.serverCores, 2)} cores, EPP client ${f(r.eppAlone.clientCores, 2)}, others ${f(r.eppAlone.otherCores, 2)}`,
    );
    const cores = (x: Row) => `server ${f(x.serverCores, 2)} cores, EPP client ${f(x.clientCores, 2)}, others ${f(x.otherCores, 2)} (RDAP client included)`;
    console.log(`  EPP next to RDAP at ${r.rate}/s`.padEnd(48) + `${f(r.eppSteady.perSecond)} cmd/s (${change(r.eppSteady)}), p99 ${f(r.eppSteady.p99, 2)} ms, ${cores(r.eppSteady)}; RDAP ${lookup(r.rdapSteady)}, client ${f(r.rdapSteady.clientCores, 2)} cores`);
    console.log(`  EPP next to RDAP closed-loop (${r.concurrency} in flight)`.padEnd(48) + `${f(r.eppSaturated.perSecond)} cmd/s (${change(r.eppSaturated)}), p99 ${f(r.eppSaturated.p99, 2)} ms, ${cores(r.eppSaturated)}; RDAP ${lookup(r.rdapSaturated)}, client ${f(r.rdapSaturated.clientCores, 2)} cores`);
    console.log(`  RDAP alone (${r.concurrency} in flight)`.padEnd(48) + `${lookup(r.rdapAlone)}; server ${f(r.rdapAlone.serverCores, 2)} cores, ${f((1e6 * r.rdapAlone.serverCores) / r.rdapAlone.perSecond)} µs per lookup`);
  }
  if (opts.cpuProf) {
    const files = readdirSync(profDir).filter((x) => x.endsWith('.cpuprofile'));
    for (const r of registries) {
      const file = files.find((x) => x.includes(`.${r.proc.pid}.0.`));
      if (file) profiles.push({ server: r.name, file: join(profDir, file), ...topSelfTime(join(profDir, file), 10, REPO_ROOT + '/') });
    }
  }
  let compare: Array<{
    workload: string;
    sessions: number;
    perSecond: number;
    previous: number;
    change: number;
    ratioChange: number | null;
    disturbed: boolean;
  }> | null = null;
  let comparedWith: { file: string; domains: number } | null = null;
  if (argv.compare) {
    const prev = JSON.parse(readFileSync(argv.compare, 'utf8')) as { meta: { domains: number }; rows: Row[] };
    comparedWith = { file: resolve(argv.compare), domains: prev.meta.domains };
    compare = [];
    for (const r of rows.filter((x) => x.target === 'registry')) {
      const p = prev.rows.find((x) => x.target === 'registry' && x.workload === r.workload && x.sessions === r.sessions);
      if (!p) continue;
      compare.push({
        workload: r.workload,
        sessions: r.sessions,
        perSecond: r.perSecond,
        previous: p.perSecond,
        change: r.perSecond / p.perSecond - 1,
        ratioChange: r.ratio !== null && p.ratio ? r.ratio / p.ratio - 1 : null,
        disturbed: r.otherCores > NOISE_CORES || (p.otherCores ?? 0) > NOISE_CORES,
      });
    }
  }

  // Growth in the same run: each workload on the larger registry against the same workload just before on the main one.
  const growth = big
    ? rows
        .filter((r) => r.target === 'registry')
        .flatMap((r) => {
          const g = rows.find((x) => x.target === growthName && x.workload === r.workload && x.sessions === r.sessions);
          if (!g) return [];
          return [
            {
              workload: r.workload,
              sessions: r.sessions,
              perSecond: g.perSecond,
              previous: r.perSecond,
              change: g.perSecond / r.perSecond - 1,
              p99: g.p99,
              previousP99: r.p99,
              disturbed: r.otherCores > NOISE_CORES || g.otherCores > NOISE_CORES,
            },
          ];
        })
    : null;
  const targets = evaluate(rows, idle, synchronous);
  if (growth && big) {
    const clean = growth.filter((g) => !g.disturbed);
    const failing = clean.filter((g) => g.change < -0.15);
    targets.push({
      target: `growth: with ${big.dataset.domains.toLocaleString('en')} domains every workload within 15% of its ${dataset.domains.toLocaleString('en')}-domain figure`,
      met: clean.length === 0 ? null : failing.length === 0,
      detail:
        `${clean.length} undisturbed pairs` +
        (failing.length ? `; slower by more than 15%: ${failing.map((g) => `${g.workload}@${g.sessions} ${f(100 * g.change, 1)}%`).join(', ')}` : '') +
        (growth.length > clean.length ? `; ${growth.length - clean.length} disturbed pairs not judged` : ''),
    });
  }
  const saturated = rows.filter((r) => r.clientCores >= 0.9);
  console.log('');
  console.log(`Results (${opts.durationS} s per workload, ${opts.domains.toLocaleString('en')} domains${big ? ` (${growthName}: ${big.dataset.domains.toLocaleString('en')})` : ''}, server synchronous=${synchronous}, load from ${opts.clients} client process${opts.clients > 1 ? 'es' : ''}):`);
  console.log(table(rows));
  console.log('  x base: commands/s as a share of the bare-TLS baseline at the same S (the mean of its runs before and after the workloads;');
  console.log('  ± on the baseline rows: how far those two runs lie from their mean); bad: responses without the expected code (must be 0);');
  console.log('  srv / client / other cores: CPU seconds per wall second of the server (or baseline), of the busiest load process, and of');
  console.log(`  everything else on the machine (noise: ! marks a figure still disturbed by other work after up to ${opts.retries} retries); * ran out of renewable domains.`);
  console.log('  srv µs/cmd: the server\'s CPU time (all threads) per command answered.');
  for (const w of ['baseline', ...opts.workloads] as LoadName[]) console.log(`  ${w.padEnd(12)} ${DESCRIPTIONS[w]}`);
  if (idle) console.log(`Memory: ${idle.sessions} logged-in idle sessions: server RSS ${f(idle.rssMB)} MB (${f(idle.rssBeforeMB)} MB before them, after the workloads; ${f(idle.perSessionKB, 1)} KB per session).`);
  if (saturated.length) {
    const machineFull = saturated.every((r) => r.machineBusyPct >= 90);
    console.log(
      `Client: one load process used ≥ 0.9 of a core in ${saturated.length} of ${rows.length} runs (${[...new Set(saturated.map((r) => `${r.workload}@${r.sessions}`))].slice(0, 6).join(', ')}), ` +
        `with the machine ${saturated.map((r) => `${f(r.machineBusyPct)}%`).join(', ')} busy: ` +
        (opts.clients > 1
          ? `the load came from ${opts.clients} processes.`
          : machineFull
            ? 'every core was busy (server + client), so more load processes cannot raise it; --clients 2 runs the load from two.'
            : 'the client may be the bottleneck there; try --clients 2.'),
    );
  } else console.log(`Client: no load process saturated a core (max ${f(Math.max(...rows.map((r) => r.clientCores)), 2)} cores); load from ${opts.clients} process${opts.clients > 1 ? 'es' : ''}.`);
  console.log('Targets (issue 8):');
  for (const t of targets) {
    console.log(`  [${t.met === null ? ' - ' : t.met ? 'met' : 'NOT'}] ${t.target}: ${t.detail}`);
    if (t.met === false) for (const b of t.budget ?? []) if (b) console.log(`        ${b}`);
  }
  if (compare && comparedWith) {
    console.log(`Growth: against ${comparedWith.file} (${comparedWith.domains.toLocaleString('en')} domains); target: within 15%:`);
    for (const c of compare) {
      console.log(
        `  ${c.change >= -0.15 ? 'ok ' : 'NOT'} ${c.workload}@${c.sessions}: ${f(c.perSecond)} vs ${f(c.previous)} cmd/s (${c.change >= 0 ? '+' : ''}${f(100 * c.change, 1)}%` +
          (c.ratioChange === null ? ')' : `; as share of baseline ${c.ratioChange >= 0 ? '+' : ''}${f(100 * c.ratioChange, 1)}%)`) +
          (c.disturbed ? ' — disturbed by other processes, not conclusive' : ''),
      );
    }
  }
  if (growth && big) {
    console.log(`Growth (same run, alternating): ${growthName} (${big.dataset.domains.toLocaleString('en')} domains, preloaded in ${f(big.seconds, 1)} s) against registry (${dataset.domains.toLocaleString('en')}); target: within 15%:`);
    for (const g of growth) {
      console.log(
        `  ${g.disturbed ? ' ? ' : g.change >= -0.15 ? 'ok ' : 'NOT'} ${g.workload}@${g.sessions}: ${f(g.perSecond)} vs ${f(g.previous)} cmd/s (${g.change >= 0 ? '+' : ''}${f(100 * g.change, 1)}%), ` +
          `p99 ${f(g.p99, 2)} vs ${f(g.previousP99, 2)} ms` +
          (g.disturbed ? ' — disturbed by other processes, not judged' : ''),
      );
    }
  }
  for (const profile of profiles) {
    console.log(`CPU profile of the ${profile.server} server (${profile.file}; ${f(profile.totalMs / 1000, 1)} s sampled, ${f(profile.idlePct, 0)}% idle), top self time:`);
    for (const h of profile.top) console.log(`  ${f(h.selfPct, 1).padStart(5)}%  ${f(h.selfMs).padStart(7)} ms  ${h.function}  ${h.location}`);
  }

  const json = {
    meta: {
      date: new Date(started).toISOString(),
      commandLine,
      node: process.version,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      quick,
      domains: opts.domains,
      contacts: dataset.contacts,
      hosts: dataset.hosts,
      preloadSeconds: main.seconds,
      databaseBytes: main.databaseBytes,
      growth: big ? { name: growthName, domains: big.dataset.domains, preloadSeconds: big.seconds, databaseBytes: big.databaseBytes } : null,
      sessions: opts.sessions,
      durationS: opts.durationS,
      clients: opts.clients,
      synchronous,
      workloads: opts.workloads,
      totalSeconds: (Date.now() - started) / 1000,
    },
    rows: rows.map(({ samples, ...r }) => ({ ...r, firstUnexpected: samples[0] ?? null })),
    idle,
    targets,
    compare,
    growth,
    profiles,
    rdap: rdapPhase,
  };
  // EPP fairness (issue 22): on a server and database of its own, after everything else.
  let fairness: FairnessResult | null = null;
  if (opts.fairness) fairness = await runFairness({ floodSessions: opts.fairnessSessions, durationS: quick ? 2 : 6, rate: 200 });
  const fairnessBad = fairness ? fairness.alone.unexpected + fairness.flood.unexpected + fairness.limited.unexpected : 0;
  mkdirSync(resolve(jsonFile, '..'), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify({ ...json, fairness }, null, 2));
  console.log(`JSON: ${jsonFile}; total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (!opts.keep) {
    for (const x of readdirSync(dir)) {
      const p = join(dir, x);
      if (p !== jsonFile && !(opts.cpuProf && p === profDir)) rmSync(p, { recursive: true, force: true });
    }
  }
  const rdapBad = rdapPhase ? rdapPhase.rdapSteady.bad + rdapPhase.rdapSaturated.bad + rdapPhase.rdapAlone.bad : 0;
  if (rdapPhase && rdapBad > 0) console.error(`bench: ${rdapBad} RDAP answers were not a 200 domain object; first: ${rdapPhase.rdapSteady.firstBad ?? rdapPhase.rdapSaturated.firstBad ?? rdapPhase.rdapAlone.firstBad}`);
  const unexpected = rows.reduce((a, r) => a + r.bad + r.errors, 0) + rdapBad + fairnessBad;
  if (unexpected > 0) console.error(`bench: ${unexpected} responses without the expected result code (see firstUnexpected in the JSON)`);
  return unexpected > 0 ? 4 : 0;
}

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exit(code);
  },
  (e) => {
    console.error(`bench: ${(e as Error).stack ?? e}`);
    killAll();
    process.exit(1);
  },
);
