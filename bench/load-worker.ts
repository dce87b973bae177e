/**
 * One load-generating process of the benchmark (forked by bench/run.ts): it holds its share of the EPP
 * sessions, runs each workload closed-loop (send, await the response, send again) until the deadline,
 * and reports latencies, counts, unexpected result codes and its own CPU time to the parent.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EppClient } from '../src/client/epp-client.js';
import { CERT, CLID, PASSWORD, type Dataset } from './dataset.js';
import { loginXml, logoutXml, resultCode, WorkloadState, type LoadName } from './workloads.js';

export type ToWorker =
  | { type: 'init'; index: number; workers: number; datasets: Record<string, Dataset>; runTag: string; certsDir: string }
  /** Opens sessions to the server called `target`. */
  | { type: 'open'; target: string; ports: number[]; sessions: number; login: boolean }
  /** Runs a workload on `target`'s sessions, addressing the objects of `dataset`. */
  | { type: 'run'; target: string; dataset: string; workload: LoadName; durationMs: number }
  | { type: 'close'; target: string; logout: boolean }
  | { type: 'exit' };

export interface OpenResult {
  type: 'opened';
  opened: number;
  failed: number;
  ms: number;
  errors: string[];
}

export interface RunResult {
  type: 'result';
  workload: LoadName;
  count: number;
  /** Responses whose result code was not the expected one. */
  bad: number;
  /** Requests that got no response (timeout, connection lost); their session stops. */
  errors: number;
  samples: string[];
  /** Latency of every completed command, ms. */
  latencies: Float64Array;
  /** From the start to the last response. */
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  exhausted: boolean;
  sessions: number;
}

export type FromWorker = OpenResult | RunResult | { type: 'closed' } | { type: 'error'; message: string };

const states = new Map<string, WorkloadState>();
const sessionsOf = new Map<string, EppClient[]>();
let certsDir = '';
let index = 0;
let trid = 0;

const send = (m: FromWorker) => process.send!(m);

/** Opens `n` sessions, spread over the target's ports in turn (several server processes on one database). */
async function open(target: string, ports: number[], n: number, login: boolean): Promise<OpenResult> {
  const t0 = performance.now();
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const opened: EppClient[] = [];
  const one = async () => {
    while (next < n) {
      const port = ports[next % ports.length];
      next++;
      try {
        const c = await EppClient.connect({
          host: '127.0.0.1',
          port,
          ca: join(certsDir, 'ca.crt'),
          cert: join(certsDir, `${CERT}.crt`),
          key: join(certsDir, `${CERT}.key`),
          servername: 'localhost',
          timeout: 60_000,
        });
        if (login) {
          const r = await c.request(loginXml(`L${index}-${++trid}`, CLID, PASSWORD));
          if (resultCode(r) !== 1000) {
            failed++;
            if (errors.length < 3) errors.push(`login: ${r.slice(0, 400)}`);
            c.socket.destroy();
            continue;
          }
        }
        opened.push(c);
      } catch (e) {
        failed++;
        if (errors.length < 3) errors.push((e as Error).message);
      }
    }
  };
  // A few handshakes and logins at a time, as registrars' pools ramp up.
  await Promise.all(Array.from({ length: Math.min(n, 16) }, one));
  sessionsOf.set(target, [...(sessionsOf.get(target) ?? []), ...opened]);
  return { type: 'opened', opened: opened.length, failed, ms: performance.now() - t0, errors };
}

async function run(target: string, dataset: string, workload: LoadName, durationMs: number): Promise<RunResult> {
  const st = states.get(dataset)!;
  const sessions = sessionsOf.get(target) ?? [];
  let lat = new Float64Array(1 << 16);
  let count = 0;
  let bad = 0;
  let errors = 0;
  let exhausted = false;
  const samples: string[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let last = start;
  const dead = new Set<EppClient>();
  const loop = async (c: EppClient) => {
    while (performance.now() < deadline) {
      const op = st.next(workload);
      if (!op) {
        exhausted = true;
        return;
      }
      const t = performance.now();
      let resp: string;
      try {
        resp = await c.request(op.xml);
      } catch (e) {
        errors++;
        if (samples.length < 5) samples.push(`no response: ${(e as Error).message}`);
        op.done?.(null, false);
        dead.add(c);
        return;
      }
      const now = performance.now();
      last = now;
      if (count === lat.length) {
        const bigger = new Float64Array(lat.length * 2);
        bigger.set(lat);
        lat = bigger;
      }
      lat[count++] = now - t;
      const ok = resultCode(resp) === op.expect;
      if (!ok) {
        bad++;
        if (samples.length < 5) samples.push(resp.slice(0, 600));
      }
      op.done?.(resp, ok);
    }
  };
  await Promise.all(sessions.map(loop));
  const cpu = process.cpuUsage(cpu0);
  const n = sessions.length;
  sessionsOf.set(target, sessions.filter((c) => !dead.has(c)));
  return {
    type: 'result',
    workload,
    count,
    bad,
    errors,
    samples,
    latencies: lat.slice(0, count),
    wallMs: last - start,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    exhausted,
    sessions: n,
  };
}

async function close(target: string, logout: boolean): Promise<void> {
  const list = sessionsOf.get(target) ?? [];
  sessionsOf.delete(target);
  await Promise.all(
    list.map(async (c) => {
      if (logout && !c.isClosed) await c.request(logoutXml(`O${index}-${++trid}`)).catch(() => undefined);
      await Promise.race([c.close(), new Promise((r) => setTimeout(r, 2000))]);
    }),
  );
}

process.on('message', (m: ToWorker) => {
  const fail = (e: unknown) => send({ type: 'error', message: (e as Error).stack ?? String(e) });
  switch (m.type) {
    case 'init':
      index = m.index;
      certsDir = m.certsDir;
      for (const [name, ds] of Object.entries(m.datasets)) states.set(name, new WorkloadState(ds, m.index, m.workers, m.runTag));
      send({ type: 'closed' });
      break;
    case 'open':
      open(m.target, m.ports, m.sessions, m.login).then(send, fail);
      break;
    case 'run':
      run(m.target, m.dataset, m.workload, m.durationMs).then(send, fail);
      break;
    case 'close':
      close(m.target, m.logout).then(() => send({ type: 'closed' }), fail);
      break;
    case 'exit':
      process.exit(0);
  }
});
// Never outlive the benchmark.
process.on('disconnect', () => process.exit(0));
