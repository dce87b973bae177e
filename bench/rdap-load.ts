/**
 * The RDAP load of the benchmark (forked by bench/run.ts): HTTP GETs of domain/<name> for names of the
 * preloaded registry, over keep-alive connections, either closed-loop (`concurrency` requests always in
 * flight: what the service answers at most) or open-loop at a fixed `rate` per second (a steady public
 * load next to EPP). Reports counts, latencies, answers other than a 200 domain object, and its own CPU.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { domainName } from './dataset.js';

export interface RdapRun {
  type: 'run';
  baseUrl: string;
  domains: number;
  durationMs: number;
  /** Requests in flight (closed loop), or the most in flight at a fixed rate. */
  concurrency: number;
  /** Requests per second, open loop; 0: closed loop. */
  rate: number;
}

export interface RdapResult {
  type: 'result';
  count: number;
  /** Answers that were not a 200 with a domain object, or failed requests. */
  bad: number;
  firstBad: string | null;
  /** Requests a fixed rate could not start because `concurrency` were still in flight. */
  skipped: number;
  latencies: Float64Array;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

function get(agent: http.Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'application/rdap+json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function run(m: RdapRun): Promise<RdapResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: m.concurrency });
  const latencies: number[] = [];
  let bad = 0;
  let firstBad: string | null = null;
  let skipped = 0;
  let inFlight = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + m.durationMs;
  const one = async () => {
    const name = domainName(1 + Math.floor(Math.random() * m.domains));
    const started = performance.now();
    inFlight++;
    try {
      const r = await get(agent, `${m.baseUrl}domain/${name}`);
      if (r.status !== 200 || !r.body.includes('"objectClassName":"domain"')) {
        bad++;
        firstBad ??= `${r.status} ${r.body.slice(0, 300)}`;
      }
    } catch (e) {
      bad++;
      firstBad ??= (e as Error).message;
    } finally {
      inFlight--;
    }
    latencies.push(performance.now() - started);
  };
  if (m.rate === 0) {
    await Promise.all(
      Array.from({ length: m.concurrency }, async () => {
        while (performance.now() < deadline) await one();
      }),
    );
  } else {
    const pending = new Set<Promise<void>>();
    let started = 0;
    while (performance.now() < deadline) {
      const due = Math.floor(((performance.now() - t0) / 1000) * m.rate);
      for (; started < due; started++) {
        if (inFlight >= m.concurrency) {
          skipped++;
          continue;
        }
        const p = one().finally(() => pending.delete(p));
        pending.add(p);
      }
      // Asleep until the next request is due: the load process wakes no more often than it sends.
      const next = t0 + ((started + 1) * 1000) / m.rate;
      await new Promise((r) => setTimeout(r, Math.max(1, next - performance.now())));
    }
    await Promise.all(pending);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { type: 'result', count: latencies.length, bad, firstBad, skipped, latencies: Float64Array.from(latencies), wallMs, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 };
}

process.on('message', (m: RdapRun | { type: 'exit' }) => {
  if (m.type === 'exit') process.exit(0);
  run(m).then(
    (r) => process.send!(r),
    (e) => process.send!({ type: 'error', message: (e as Error).stack ?? String(e) }),
  );
});
