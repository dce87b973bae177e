import { EppClient } from '../client/epp-client.js';
import { readReply, type Reply } from '../client/response-reader.js';
import { aLabel, requests, type LaunchCreateParams } from '../client/requests.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './environment.js';
import type { Script, Step, Value } from './script.js';

export interface Account {
  cert?: string;
  key?: string;
  password: string;
}

export interface RunOptions {
  host: string;
  port: number;
  ca?: string;
  servername?: string;
  accounts: Record<string, Account>;
  /** Go on after a failed step (the documents stop at the first one). */
  continueOnFailure?: boolean;
  /** Called after every step (progress lines). */
  onStep?: (s: StepRecord, index: number, total: number) => void;
  timeout?: number;
  /** Folder the files a script names (its SMD files) are read from; default: the kit's fixtures/. */
  filesDir?: string;
}

export interface StepRecord {
  id: string;
  title: string;
  as: string;
  command: string;
  object: string;
  /** The parameters sent, authInfo masked. */
  data: string;
  startedAt: string;
  durationMs: number;
  clTRID: string | null;
  svTRID: string | null;
  code: number | null;
  expected: number | null;
  ok: boolean;
  problems: string[];
  request: string | null;
  response: string | null;
}

export interface RunResult {
  script: Script;
  server: string;
  startedAt: string;
  finishedAt: string;
  passed: boolean;
  steps: StepRecord[];
  failure?: { startedAt: string; command: string; data: string; code: number | null; expected: number | null; problems: string[] };
}

/**
 * Replays an OT&E script against any EPP server as a registrar's client would: one TLS session per
 * account (logged in on first use), each step's request built from the script's data, its response checked
 * against the expected code and facts. Stops at the first mismatch unless told to go on.
 */
export async function runScript(script: Script, opts: RunOptions): Promise<RunResult> {
  const sessions = new Map<string, EppClient>();
  const captured = new Map<string, Record<string, string>>();
  const records: StepRecord[] = [];
  const startedAt = new Date().toISOString();
  let failure: RunResult['failure'];

  const connect = async (as: string): Promise<EppClient> => {
    const acct = opts.accounts[as];
    if (!acct) throw new Error(`no credentials given for account ${as}`);
    return EppClient.connect({ host: opts.host, port: opts.port, ca: opts.ca, cert: acct.cert, key: acct.key, servername: opts.servername, timeout: opts.timeout });
  };

  const resolve = (v: Value, stepId: string): string => {
    if (typeof v === 'string') return v;
    if ('now' in v) return new Date().toISOString();
    const facts = captured.get(v.ref);
    const raw = facts?.[v.fact];
    if (raw === undefined) throw new Error(`step ${stepId} needs fact ${v.fact} of step ${v.ref}, which did not capture it`);
    let d = new Date(raw);
    if (v.plusYears) {
      const y = new Date(d);
      y.setUTCFullYear(d.getUTCFullYear() + v.plusYears);
      // Feb 29 + 1 year: JavaScript rolls to Mar 1; registries answer Feb 28.
      if (y.getUTCDate() !== d.getUTCDate()) y.setUTCDate(0);
      d = y;
    }
    if (v.format === 'date') return d.toISOString().slice(0, 10);
    return v.plusYears ? d.toISOString() : raw;
  };

  try {
    for (const [index, step] of script.steps.entries()) {
      const clTRID = `OTE-${script.script}-${step.id}`;
      const started = Date.now();
      const rec: StepRecord = {
        id: step.id,
        title: step.title,
        as: step.as,
        command: step.command,
        object: objectOf(step),
        data: describe(step.params),
        startedAt: new Date(started).toISOString(),
        durationMs: 0,
        clTRID: null,
        svTRID: null,
        code: null,
        expected: step.expect.code ?? null,
        ok: false,
        problems: [],
        request: null,
        response: null,
      };
      try {
        let reply: Reply;
        if (step.command === 'greeting') {
          const c = sessions.get(step.as) ?? (await connect(step.as));
          sessions.set(step.as, c);
          rec.response = c.greeting;
          reply = readReply(c.greeting);
          if (!reply.greeting) rec.problems.push('the server did not send a greeting');
        } else {
          let c = sessions.get(step.as);
          if (!c || c.isClosed) {
            c = await connect(step.as);
            sessions.set(step.as, c);
            if (step.command !== 'login') {
              // The script logs an account in on first use when it has no login step of its own.
              const r = readReply(await c.request(requests.login(`${clTRID}-login`, step.as, opts.accounts[step.as].password)));
              if (r.code !== 1000) throw new Error(`automatic login of ${step.as} failed with ${r.code}: ${r.msg}`);
            }
          }
          rec.clTRID = clTRID;
          rec.request = buildRequest(step, clTRID, opts.accounts[step.as]?.password ?? '', resolve, opts.filesDir ?? join(REPO_ROOT, 'fixtures'));
          rec.response = await c.request(rec.request);
          reply = readReply(rec.response);
          rec.code = reply.code;
          rec.svTRID = reply.svTRID;
          if (step.command === 'logout') sessions.delete(step.as);
        }
        rec.durationMs = Date.now() - started;
        captured.set(step.id, { ...reply.facts, responseTime: new Date().toISOString() });
        rec.problems.push(...checkExpectations(step, reply, resolve));
      } catch (e) {
        rec.durationMs = Date.now() - started;
        rec.problems.push((e as Error).message);
      }
      rec.ok = rec.problems.length === 0;
      records.push(rec);
      opts.onStep?.(rec, index, script.steps.length);
      if (!rec.ok && !failure) {
        failure = { startedAt: rec.startedAt, command: rec.command, data: rec.data, code: rec.code, expected: rec.expected, problems: rec.problems };
        if (!opts.continueOnFailure) break;
      }
    }
  } finally {
    await Promise.all([...sessions.values()].map((c) => c.close().catch(() => undefined)));
  }
  return {
    script,
    server: `${opts.host}:${opts.port}`,
    startedAt,
    finishedAt: new Date().toISOString(),
    passed: !failure && records.length === script.steps.length,
    steps: records,
    failure,
  };
}

/** A script's <launch:create>: the signed mark read from its SMD file, the notice's times resolved. */
function launchCreate(l: { phase: string; encodedSignedMarkFile?: string; notice?: { id: string; notAfter: Value; acceptedDate: Value } }, stepId: string, resolve: (v: Value, id: string) => string, filesDir: string): LaunchCreateParams {
  return {
    phase: l.phase,
    ...(l.encodedSignedMarkFile && { encodedSignedMark: encodedSignedMarkOf(readFileSync(join(filesDir, l.encodedSignedMarkFile), 'utf8'), l.encodedSignedMarkFile) }),
    ...(l.notice && { notice: { id: l.notice.id, notAfter: resolve(l.notice.notAfter, stepId), acceptedDate: resolve(l.notice.acceptedDate, stepId) } }),
  };
}

/** The base64 of an SMD file as the TMCH hands it out (RFC 7848 §2.3's armour), or of a file that holds only the base64. */
export function encodedSignedMarkOf(text: string, file: string): string {
  const m = /-----BEGIN ENCODED SMD-----([\s\S]+?)-----END ENCODED SMD-----/.exec(text);
  const b64 = (m ? m[1] : text).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error(`${file} holds no encoded signed mark`);
  return b64;
}

function checkExpectations(step: Step, reply: Reply, resolve: (v: Value, id: string) => string): string[] {
  const problems: string[] = [];
  const e = step.expect;
  for (const [key, want] of Object.entries(e.claims ?? {})) {
    const got = reply.claims[aLabel(key)]?.exists;
    if (got !== want) problems.push(`claims check of ${key}: exists is ${got}, expected ${want}`);
    else if (want && !reply.claims[aLabel(key)].claimKey) problems.push(`claims check of ${key}: no claim key`);
  }
  if (e.fee !== undefined) {
    const got = step.command === 'domain:check' ? Object.values(reply.fees.create)[0] : reply.fees.charged;
    if (got === undefined || got === null || Number(got) !== Number(e.fee)) problems.push(`fee ${got ?? 'absent'}, expected ${e.fee}`);
  }
  if (e.code !== undefined && reply.code !== e.code) problems.push(`result code ${reply.code} (${reply.msg ?? ''}), expected ${e.code}`);
  for (const [key, want] of Object.entries(e.avail ?? {})) {
    const onWire = step.command === 'contact:check' ? key : aLabel(key);
    const got = reply.avail[onWire] ?? reply.avail[onWire.toLowerCase()];
    if (got !== want) problems.push(`avail of ${key} is ${got}, expected ${want}`);
  }
  if (e.trStatus && reply.facts.trStatus !== e.trStatus) problems.push(`trStatus ${reply.facts.trStatus}, expected ${e.trStatus}`);
  if (e.exDate !== undefined) {
    const want = resolve(e.exDate, step.id);
    const got = reply.facts.exDate ?? '';
    const same = want.length === 10 ? got.slice(0, 10) === want : Date.parse(got) === Date.parse(want);
    if (!same) problems.push(`exDate ${got}, expected ${want}`);
  }
  for (const f of e.capture ?? []) {
    if (f !== 'responseTime' && reply.facts[f] === undefined) problems.push(`the response has no ${f} to capture`);
  }
  return problems;
}

function objectOf(step: Step): string {
  const p = step.params;
  return String(p.name ?? p.id ?? (p.names ?? p.ids ?? []).join(', ') ?? '');
}

/** The step's data for the evidence, with authInfo masked. */
function describe(params: Record<string, unknown>): string {
  return JSON.stringify(params, (k, v) => (k === 'authInfo' || k === 'password' ? '********' : v));
}

function buildRequest(step: Step, clTRID: string, password: string, resolve: (v: Value, id: string) => string, filesDir: string): string {
  const p = step.params;
  switch (step.command) {
    case 'login':
      return requests.login(clTRID, step.as, password);
    case 'logout':
      return requests.logout(clTRID);
    case 'contact:check':
      return requests.check(clTRID, 'contact', p.ids);
    case 'host:check':
      return requests.check(clTRID, 'host', p.names);
    case 'domain:check':
      return requests.check(clTRID, 'domain', p.names, { launch: p.launch, fee: p.fee });
    case 'contact:info':
      return requests.info(clTRID, 'contact', p.id, p.authInfo);
    case 'host:info':
      return requests.info(clTRID, 'host', p.name);
    case 'domain:info':
      return requests.info(clTRID, 'domain', p.name, p.authInfo);
    case 'contact:create':
      return requests.contactCreate(clTRID, p as never);
    case 'contact:update':
      return requests.contactUpdate(clTRID, p as never);
    case 'contact:delete':
      return requests.delete(clTRID, 'contact', p.id);
    case 'host:create':
      return requests.hostCreate(clTRID, p as never);
    case 'host:update':
      return requests.hostUpdate(clTRID, p as never);
    case 'host:delete':
      return requests.delete(clTRID, 'host', p.name);
    case 'domain:create':
      return requests.domainCreate(clTRID, { ...(p as never as Parameters<typeof requests.domainCreate>[1]), launch: p.launch && launchCreate(p.launch, step.id, resolve, filesDir) });
    case 'domain:renew':
      return requests.domainRenew(clTRID, { name: p.name, curExpDate: resolve(p.curExpDate, step.id), period: p.period });
    case 'domain:update':
      return requests.domainUpdate(clTRID, p as never);
    case 'domain:delete':
      return requests.delete(clTRID, 'domain', p.name);
    case 'domain:transfer':
      return requests.domainTransfer(clTRID, p as never);
    case 'domain:restore-request':
      return requests.domainRestore(clTRID, { name: p.name });
    case 'domain:restore-report':
      return requests.domainRestore(clTRID, {
        name: p.name,
        report: { ...p.report, delTime: resolve(p.report.delTime, step.id), resTime: resolve(p.report.resTime, step.id) },
      });
    default:
      throw new Error(`the runner does not know command ${step.command}`);
  }
}
