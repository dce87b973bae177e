import { randomBytes } from 'node:crypto';
import type { HttpRequestRecord } from '../storage/http-repo.js';
import { archiveMarkdown, maskSecrets, sha256Of } from './evidence.js';

/**
 * The HeadlessDomains registrar OT&E checklist as a script, run from the registrar's side against any
 * server of this API (`registry ote http-run`): status preflight, fixture reset, availability, create and
 * its retry, info of the created and fixture domains, renew and its retry, metadata update, transfer intent
 * and its retry, nameservers, delete and its retry, then a poll per idempotency key to reconcile. Each step
 * checks the status (and the replay header on retries); the result is the same Markdown archive as the
 * operator's (request ids, keys, statuses, masked bodies, the poll rows) with its SHA-256.
 */

export interface ChecklistOptions {
  /** e.g. http://127.0.0.1:7080/api/v1/registrar/v1 */
  baseUrl: string;
  token: string;
  tld: string;
  /** Makes the keys and the created name unique per run (random when omitted). */
  runTag?: string;
  registrar?: string;
  onStep?: (s: ChecklistStep, index: number) => void;
  /** Told when the run waits on a 429. */
  onWait?: (message: string) => void;
}

export interface ChecklistStep {
  id: string;
  title: string;
  command: string;
  method: string;
  path: string;
  idempotencyKey: string | null;
  requestId: string | null;
  status: number;
  expected: number[];
  replayed: boolean;
  ok: boolean;
  problems: string[];
  at: string;
  durationMs: number;
  record: HttpRequestRecord;
  body: Record<string, unknown> | undefined;
}

export interface ChecklistResult {
  passed: boolean;
  startedAt: string;
  finishedAt: string;
  steps: ChecklistStep[];
  archive: string;
  sha256: string;
}

export async function runHttpChecklist(o: ChecklistOptions): Promise<ChecklistResult> {
  const tag = o.runTag ?? randomBytes(3).toString('hex');
  const tld = o.tld;
  const created = `ote-livecheck-${tag}.${tld}`;
  const key = (step: string) => `ote-${step}-${tag}`;
  const steps: ChecklistStep[] = [];
  const startedAt = new Date().toISOString();

  /**
   * One request as a careful client sends it: a 429 is waited out (its Retry-After, 1 to 60 s, up to 5 times),
   * a 401 ends the run at once (no later request could pass), and an address that does not answer is named.
   */
  const send = async (method: string, path: string, init: RequestInit): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(o.baseUrl + path, init);
      } catch (e) {
        const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
        throw new Error(`cannot reach the HTTP API at ${o.baseUrl}: ${cause}`);
      }
      if (res.status === 401) {
        throw new Error(`HTTP 401 at ${method} ${path}: the token was refused (revoked, mistyped or another server's?); the run stops here`);
      }
      if (res.status !== 429 || attempt > 5) return res;
      const wait = Math.min(60, Math.max(1, Number(res.headers.get('retry-after')) || 1));
      await res.arrayBuffer();
      o.onWait?.(`HTTP 429 at ${method} ${path}: waiting ${wait} s (Retry-After) before trying again`);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  };

  const call = async (
    id: string,
    title: string,
    command: string,
    method: string,
    path: string,
    body: Record<string, unknown> | undefined,
    expected: number[],
    check: (b: Record<string, unknown>, res: Response) => string[] = () => [],
    headers: Record<string, string> = {},
  ): Promise<ChecklistStep> => {
    const started = Date.now();
    const res = await send(method, path, {
      method,
      headers: { authorization: `Bearer ${o.token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
    const problems: string[] = [];
    if (!expected.includes(res.status)) problems.push(`HTTP ${res.status}, expected ${expected.join(' or ')}`);
    if (!res.headers.get('x-request-id')) problems.push('no X-Request-Id');
    if (problems.length === 0 && parsed) problems.push(...check(parsed, res));
    const idemKey = (body?.idempotency_key as string | undefined) ?? headers['idempotency-key'] ?? null;
    const error = parsed?.error as { code?: string; epp_code?: number } | undefined;
    const registry = parsed?.registry as { result_code?: number } | undefined;
    const rate = {
      limit: Number(res.headers.get('x-ratelimit-limit')),
      remaining: Number(res.headers.get('x-ratelimit-remaining')),
      reset: Number(res.headers.get('x-ratelimit-reset')),
      ...(res.headers.get('retry-after') ? { retryAfter: Number(res.headers.get('retry-after')) } : {}),
    };
    const at = new Date(started);
    const record: HttpRequestRecord = {
      requestId: res.headers.get('x-request-id') ?? `missing-${steps.length + 1}`,
      at,
      registrarId: null,
      tokenId: null,
      channelId: null,
      method,
      path: new URL(o.baseUrl + path).pathname + new URL(o.baseUrl + path).search,
      command,
      domain: null,
      idempotencyKey: idemKey,
      replayOf: res.headers.get('x-idempotent-replay-of') || null,
      httpStatus: res.status,
      eppCode: error?.epp_code ?? registry?.result_code ?? null,
      errorCode: error?.code ?? null,
      requestBody: body ? JSON.stringify(maskSecrets(body)) : null,
      responseBody: parsed ? JSON.stringify(maskSecrets(parsed)) : text,
      rateLimit: JSON.stringify(rate),
      durationUs: (Date.now() - started) * 1000,
    };
    const step: ChecklistStep = {
      id,
      title,
      command,
      method,
      path,
      idempotencyKey: idemKey,
      requestId: res.headers.get('x-request-id'),
      status: res.status,
      expected,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      ok: problems.length === 0,
      problems,
      at: at.toISOString(),
      durationMs: Date.now() - started,
      record,
      body: parsed,
    };
    steps.push(step);
    o.onStep?.(step, steps.length - 1);
    return step;
  };
  const replayOf = (first: ChecklistStep) => (b: Record<string, unknown>, res: Response) => {
    const p: string[] = [];
    if (res.headers.get('idempotent-replayed') !== 'true') p.push('the retry was not marked Idempotent-Replayed');
    if (JSON.stringify(b) !== JSON.stringify(first.body)) p.push('the retry did not return the first response');
    return p;
  };

  const status = await call('1', 'Status preflight', 'status', 'GET', '/status', undefined, [200]);
  const channelId = (status.body?.audit_provenance as { registrar_channel_id?: string } | undefined)?.registrar_channel_id ?? null;
  const registrar = o.registrar ?? ((status.body?.registrar as { id?: string } | undefined)?.id ?? 'registrar');
  await call('1.1', 'Reset fixtures', 'sandbox_reset', 'POST', '/sandbox/reset', { tld, sandbox: true, idempotency_key: key('reset') }, [200]);
  await call('2', 'Availability', 'check_domain', 'POST', '/domains/check', { domain: `ote-available.${tld}` }, [200], (b) => (b.available === true ? [] : ['ote-available is not available']));
  const createBody = { domain: created, years: 1, registrant_email: 'ote-customer@example.invalid', registrant_external_id: `registrar-ote-customer-${tag}`, idempotency_key: key('create') };
  const create = await call('3', 'Create', 'create_domain', 'POST', '/domains', createBody, [201]);
  await call('3.1', 'Create retry', 'create_domain', 'POST', '/domains', createBody, [201], replayOf(create));
  for (const [i, name] of [created, ...['ote-renew', 'ote-update', 'ote-transfer', 'ote-ns', 'ote-delete'].map((l) => `${l}.${tld}`)].entries()) {
    await call(`4.${i + 1}`, `Info ${name}`, 'info_domain', 'GET', `/domains/${name}`, undefined, [200]);
  }
  const renewBody = { years: 1, idempotency_key: key('renew') };
  const renew = await call('5', 'Renew', 'renew_domain', 'POST', `/domains/ote-renew.${tld}/renew`, renewBody, [200]);
  await call('5.1', 'Renew retry', 'renew_domain', 'POST', `/domains/ote-renew.${tld}/renew`, renewBody, [200], replayOf(renew));
  await call('6', 'Metadata update', 'update_domain', 'PATCH', `/domains/ote-update.${tld}`, { registrant_email: 'ote-updated@example.invalid', registrant_external_id: `registrar-ote-customer-${tag}-2`, idempotency_key: key('update') }, [200]);
  // "with gaining registrar metadata": the gaining registrar as a sponsor knows it, not by this registry's id.
  const gaining = { name: 'OT&E gaining registrar', external_id: `registrar-ote-gaining-${tag}`, contact_email: 'transfers@gaining-registrar.example' };
  const transferBody = { gaining_registrar: gaining, idempotency_key: key('transfer') };
  const transfer = await call('7', 'Transfer intent', 'transfer_domain', 'POST', `/domains/ote-transfer.${tld}/transfer`, transferBody, [200, 202]);
  await call('7.1', 'Transfer retry', 'transfer_domain', 'POST', `/domains/ote-transfer.${tld}/transfer`, transferBody, [200, 202], replayOf(transfer));
  await call('8', 'Nameservers', 'set_nameservers', 'PUT', `/domains/ote-ns.${tld}/nameservers`, { nameservers: ['ns1.example.net', 'ns2.example.net'], idempotency_key: key('ns') }, [200, 202], (b) =>
    typeof b.backend_apply_status === 'string' ? [] : ['no backend_apply_status'],
  );
  const del = await call('9', 'Delete / cancel', 'delete_domain', 'DELETE', `/domains/ote-delete.${tld}`, undefined, [200, 202], () => [], { 'idempotency-key': key('delete') });
  await call('9.1', 'Delete retry', 'delete_domain', 'DELETE', `/domains/ote-delete.${tld}`, undefined, [200, 202], replayOf(del), { 'idempotency-key': key('delete') });

  // 10. Poll: every command appears with its key, status and the channel id of GET /status.
  const polls: Array<Record<string, unknown>> = [];
  let n = 0;
  for (const [step, command] of [['reset', 'sandbox_reset'], ['create', 'create_domain'], ['renew', 'renew_domain'], ['update', 'update_domain'], ['transfer', 'transfer_domain'], ['ns', 'set_nameservers'], ['delete', 'delete_domain']] as const) {
    const s = await call(`10.${++n}`, `Poll ${key(step)}`, 'poll', 'GET', `/poll?idempotency_key=${encodeURIComponent(key(step))}&limit=50`, undefined, [200], (b) => {
      const events = (b.events ?? []) as Array<Record<string, unknown>>;
      if (events.length === 0) return ['no audit rows'];
      const p: string[] = [];
      for (const e of events) {
        if (e.command !== command) p.push(`audit row ${String(e.audit_id)}: command ${String(e.command)}`);
        if (e.status !== 'success') p.push(`audit row ${String(e.audit_id)}: status ${String(e.status)}`);
        if ((e.registrar as { channel_id?: string }).channel_id !== channelId) p.push(`audit row ${String(e.audit_id)}: channel differs from GET /status`);
      }
      return p;
    });
    polls.push(...((s.body?.events ?? []) as Array<Record<string, unknown>>));
  }

  const finishedAt = new Date().toISOString();
  const passed = steps.every((s) => s.ok);
  const archive = archiveMarkdown({
    runId: `http-checklist-${tag}`,
    name: `HTTP registrar OT&E checklist (${tld}), registrar side`,
    registrar,
    channelId,
    reviewer: 'registry ote http-run (self-check)',
    decision: passed ? 'passed' : 'failed',
    notes: steps.filter((s) => !s.ok).map((s) => `${s.id} ${s.title}: ${s.problems.join('; ')}`).join(' | ') || null,
    selection: { base_url: o.baseUrl, tld, run_tag: tag },
    recordedAt: new Date(finishedAt),
    requests: steps.map((s) => s.record),
    audit: polls.sort((a, b) => Number(a.audit_id) - Number(b.audit_id)).filter((e, i, all) => i === 0 || e.audit_id !== all[i - 1].audit_id),
  });
  return { passed, startedAt, finishedAt, steps, archive, sha256: sha256Of(archive) };
}
