/**
 * CPU per command on the registry's own path, without TLS or a load client: `npm run bench:commands`.
 *
 * The TLS benchmark (`npm run bench`) is the measure of the issue-8 targets, but on this shared 2-core machine
 * its figures move by ±15% between runs, more than most single changes are worth. This one drives the
 * registry's `CommandRunner` in the same process: S sessions (default 100) each hand it one frame per round,
 * as S clients whose frames arrive in one turn of the event loop would, and it prints the process's CPU
 * time (all threads: event loop, checkpoint worker, WAL syncs) per command and the commands/s. Everything
 * else is the server's: the preloaded registry, parsing and validation, the group-committed transaction with
 * its audit row, durability FULL, the response, the log line (to /dev/null). Each workload is measured K
 * times; the figures differ by ±20% on this machine too, so compare the lowest of several.
 *
 *   npm run bench:commands -- [--domains N] [--sessions S] [--rounds R] [--workloads LIST] [--repeat K]
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startRegistry } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { TurnBatchedDestination } from '../src/log-stream.js';
import { Session } from '../src/session/session.js';
import { CERT, CLID, PASSWORD, datasetFor } from './dataset.js';
import { preload } from './preload.js';
import { WORKLOADS, WorkloadState, loginXml, resultCode, type WorkloadName } from './workloads.js';

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run bench:commands -- [--domains N] [--sessions S] [--rounds R] [--workloads LIST] [--repeat K]`);
  process.exit(2);
}

let values: Record<string, string | undefined>;
try {
  const str = { type: 'string' } as const;
  ({ values } = parseArgs({ options: { domains: str, sessions: str, rounds: str, repeat: str, workloads: str, help: { type: 'boolean', short: 'h' } } }) as unknown as { values: Record<string, string | undefined> });
} catch (e) {
  usage((e as Error).message);
}
if (values.help) {
  console.log(
    'usage: npm run bench:commands -- [--domains N] [--sessions S] [--rounds R] [--workloads LIST] [--repeat K]\n' +
      `  CPU per command of each workload (${WORKLOADS.join(', ')}) in one server process, sessions in-process`,
  );
  process.exit(0);
}

function count(name: string, fallback: number): number {
  const v = Number(values[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) usage(`--${name} takes a whole number of at least 1`);
  return v;
}

const domains = count('domains', 10000);
const sessions = count('sessions', 100);
const rounds = count('rounds', 200);
const repeat = count('repeat', 3);
const workloads = (values.workloads ?? 'check1,domain-info,contact-info,create,update,mix').split(',') as WorkloadName[];
for (const w of workloads) if (!WORKLOADS.includes(w)) usage(`unknown workload ${w} (known: ${WORKLOADS.join(', ')})`);

const dir = mkdtempSync(join(tmpdir(), 'epp-commands-'));
try {
  const database = join(dir, 'registry.sqlite');
  const certsDir = join(dir, 'certs');
  const ds = datasetFor(domains);
  const pre = await preload({ database, certsDir, dataset: ds, maxSessions: sessions + 10 });
  console.log(`preload: ${domains.toLocaleString('en')} domains in ${pre.seconds.toFixed(1)} s`);
  const config = loadConfig({
    env: {
      REGISTRY_DATABASE: database,
      REGISTRY_CERTS_DIR: certsDir,
      REGISTRY_EPP_HOST: '127.0.0.1',
      REGISTRY_EPP_PORT: '0',
      REGISTRY_HTTP_ENABLED: 'false',
    },
    base: dir,
  });
  // The server's log pipeline (one info line per command, batched per turn, asynchronous writes), to /dev/null.
  const log = pino({ level: 'info' }, new TurnBatchedDestination(pino.destination({ dest: '/dev/null', sync: false, minLength: 8192 })));
  const registry = await startRegistry(config, { log });
  const fingerprint = new X509Certificate(readFileSync(join(certsDir, `${CERT}.crt`))).fingerprint256;
  const all: Session[] = [];
  for (let i = 0; i < sessions; i++) {
    const s = new Session(`bench${i}`, '127.0.0.1', fingerprint, true, null);
    const r = await registry.door.handle(s, Buffer.from(loginXml(`LOGIN-${i}`, CLID, PASSWORD)));
    if (resultCode(r.xml) !== 1000) throw new Error(`login failed: ${r.xml}`);
    all.push(s);
  }
  const state = new WorkloadState(ds, 0, 1, Date.now().toString(36));
  console.log(`${sessions} sessions, ${rounds} rounds of one frame per session, ${repeat} measurements per workload`);
  console.log('workload       µs CPU/cmd (each measurement)    cmd/s');
  /** R rounds of one frame from every session: the commands run, and those without the expected code. */
  const run = async (w: WorkloadName, r: number): Promise<{ done: number; bad: number }> => {
    let done = 0;
    let bad = 0;
    for (let i = 0; i < r; i++) {
      await Promise.all(
        all.map(async (s) => {
          const op = state.next(w);
          if (!op) return; // renew: no renewable domain left
          const reply = await registry.door.handle(s, Buffer.from(op.xml));
          done++;
          const ok = resultCode(reply.xml) === op.expect;
          if (!ok) bad++;
          op.done?.(reply.xml, ok);
        }),
      );
    }
    return { done, bad };
  };
  for (const w of workloads) {
    const figures: string[] = [];
    let best = Infinity;
    let rate = 0;
    // Unmeasured: the workload's code paths compiled by the JIT first.
    let bad = (await run(w, Math.min(rounds, 50))).bad;
    for (let k = 0; k < repeat; k++) {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const r = await run(w, rounds);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      bad += r.bad;
      if (bad) throw new Error(`${w}: ${bad} responses without the expected code`);
      if (r.done === 0) break;
      const us = (cpu.user + cpu.system) / r.done;
      figures.push(us.toFixed(1));
      if (us < best) {
        best = us;
        rate = r.done / wall;
      }
    }
    console.log(`${w.padEnd(14)} ${figures.join(' / ').padEnd(32)} ${Math.round(rate).toLocaleString('en')}`);
  }
  await registry.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
