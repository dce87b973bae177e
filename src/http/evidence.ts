import { createHash } from 'node:crypto';
import type { HttpRequestRecord, OteRun } from '../storage/http-repo.js';
import type { Store } from '../storage/store.js';

/**
 * The OT&E evidence archive of an HTTP certification run (the checklist's "Archive the run"): one Markdown
 * document with the run's reviewer decision, the checklist coverage (each command, its retry, poll,
 * rate-limit behaviour), every request with its request id, idempotency key, status and (masked) bodies,
 * and the audit rows they produced. It is built once, when the operator records the run, and stored with
 * its SHA-256, so that every later export (API or CLI) is byte-identical to what was fingerprinted.
 * Bearer tokens are never logged; auth codes are masked in the request log already.
 */

/** Keys whose values never reach the request log or an archive. */
const SECRET_KEYS = new Set(['auth_code', 'token', 'password']);

export function maskSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskSecrets);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.has(k) && typeof x === 'string' ? '********' : maskSecrets(x)]));
  }
  return v;
}

/** The checklist's command sequence: [title, API command, does the checklist ask for a retry]. */
export const CHECKLIST: Array<[string, string, boolean]> = [
  ['Status preflight', 'status', false],
  ['Reset fixtures', 'sandbox_reset', false],
  ['Availability', 'check_domain', false],
  ['Create', 'create_domain', true],
  ['Info', 'info_domain', false],
  ['Renew', 'renew_domain', true],
  ['Metadata update', 'update_domain', false],
  ['Transfer', 'transfer_domain', true],
  ['Nameservers', 'set_nameservers', false],
  ['Delete / cancel', 'delete_domain', true],
  ['Poll', 'poll', false],
];

export interface ArchiveInput {
  runId: string;
  name: string;
  registrar: string;
  channelId: string | null;
  reviewer: string;
  decision: string;
  notes: string | null;
  selection: Record<string, unknown>;
  recordedAt: Date;
  requests: HttpRequestRecord[];
  /** The audit rows, as GET /poll shows them (pollEvent). */
  audit: Array<Record<string, unknown>>;
}

const cell = (s: unknown): string => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ok2xx = (r: HttpRequestRecord) => r.httpStatus >= 200 && r.httpStatus < 300;

function pretty(json: string | null): string {
  if (json === null) return '(none)';
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export function archiveMarkdown(a: ArchiveInput): string {
  const L: string[] = [];
  const reqs = a.requests;
  L.push(`# OT&E evidence: ${a.name}`, '');
  L.push(`- Run id: \`${a.runId}\``);
  L.push(`- Registrar: ${a.registrar}; channel: ${a.channelId ?? '(all channels)'}`);
  L.push(`- Recorded: ${a.recordedAt.toISOString()} by ${a.reviewer}`);
  L.push(`- Selection: \`${JSON.stringify(a.selection)}\``);
  L.push(`- Requests: ${reqs.length}${reqs.length > 0 ? ` (${reqs[0].at.toISOString()} to ${reqs[reqs.length - 1].at.toISOString()})` : ''}; audit rows: ${a.audit.length}`);
  L.push(`- Reviewer decision: **${a.decision.toUpperCase()}**`, '');

  L.push('## Checklist coverage', '', '| # | step | command | first successful request | HTTP | retry replayed by | result |', '|---|---|---|---|---|---|---|');
  let complete = true;
  for (const [i, [title, command, retry]] of CHECKLIST.entries()) {
    const first = reqs.find((r) => r.command === command && ok2xx(r) && !r.replayOf);
    const replay = reqs.find((r) => r.command === command && r.replayOf !== null && ok2xx(r));
    const passed = !!first && (!retry || !!replay);
    complete &&= passed;
    L.push(`| ${i + 1} | ${title} | ${command} | ${cell(first?.requestId ?? 'missing')} | ${cell(first?.httpStatus ?? '')} | ${retry ? cell(replay?.requestId ?? 'missing') : 'n/a'} | ${passed ? 'OK' : 'MISSING'} |`);
  }
  const conflicts = reqs.filter((r) => r.errorCode === 'duplicate_idempotency_key_conflict');
  const limited = reqs.filter((r) => r.httpStatus === 429);
  L.push('');
  L.push(`- Command coverage: ${complete ? 'complete' : 'INCOMPLETE'}`);
  L.push(`- Retry safety: ${reqs.filter((r) => r.replayOf !== null).length} replayed retries; conflicting key reuse answered 409 duplicate_idempotency_key_conflict ${conflicts.length} time(s)${conflicts.length ? ` (${conflicts.map((c) => c.requestId).join(', ')})` : ''}`);
  L.push(
    `- Rate-limit handling: ${limited.length} request(s) answered 429 registrar_rate_limit_exceeded${limited.length ? ` (${limited.map((r) => `${r.requestId} Retry-After ${retryAfter(r)} s`).join(', ')})` : ''}`,
  );
  L.push(`- Audit match: every request below lists its request id, idempotency key, timestamps and the audit rows it produced (GET /poll shows the same rows)`);
  L.push(`- Secrets: bearer tokens are never logged; auth codes are masked`, '');

  L.push('## Requests', '', '| time | request id | request | command | idempotency key | HTTP | EPP | replay of | rate remaining |', '|---|---|---|---|---|---|---|---|---|');
  for (const r of reqs) {
    L.push(
      `| ${r.at.toISOString()} | ${cell(r.requestId)} | ${cell(`${r.method} ${r.path}`)} | ${cell(r.command)} | ${cell(r.idempotencyKey)} | ${r.httpStatus} | ${cell(r.eppCode)} | ${cell(r.replayOf)} | ${cell(rateOf(r)?.remaining)} |`,
    );
  }
  L.push('', '## Audit rows (poll reconciliation)', '', '| audit id | time | request id | command | EPP command | status | result code | domain | idempotency key | channel |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const e of a.audit) {
    L.push(
      `| ${e.audit_id} | ${cell(e.recorded_at)} | ${cell(e.request_id)} | ${cell(e.command)} | ${cell(e.epp_command)} | ${cell(e.status)} | ${cell(e.result_code)} | ${cell(e.domain)} | ${cell(e.idempotency_key)} | ${cell((e.registrar as { channel_id: unknown }).channel_id)} |`,
    );
  }
  L.push('', '## Request details', '');
  for (const [i, r] of reqs.entries()) {
    L.push(`### ${i + 1}. ${r.command}: ${r.method} ${r.path}`, '');
    L.push(`- Request id: ${r.requestId}`, `- Time: ${r.at.toISOString()}`, `- Idempotency key: ${r.idempotencyKey ?? '(none)'}`);
    L.push(`- HTTP status: ${r.httpStatus}${r.errorCode ? ` (${r.errorCode})` : ''}; EPP result code: ${r.eppCode ?? '(none)'}`);
    if (r.replayOf) L.push(`- Replay of request ${r.replayOf} (stored response, nothing changed)`);
    const rate = rateOf(r);
    if (rate) L.push(`- Rate limit: limit ${rate.limit}, remaining ${rate.remaining}, reset ${rate.reset} s${rate.retryAfter !== undefined ? `, Retry-After ${rate.retryAfter} s` : ''}`);
    L.push('', 'Request body:', '', '```json', pretty(r.requestBody), '```', '', 'Response body:', '', '```json', pretty(r.responseBody), '```', '');
  }
  L.push('## Reviewer decision', '');
  L.push(`- Decision: **${a.decision}**`, `- Reviewer: ${a.reviewer}`, `- Notes: ${a.notes ?? '(none)'}`);
  L.push('- Passing OT&E proves command compatibility only; it is not a production approval.', '');
  return L.join('\n');
}

function rateOf(r: HttpRequestRecord): { limit: number; remaining: number; reset: number; retryAfter?: number } | undefined {
  return r.rateLimit ? JSON.parse(r.rateLimit) : undefined;
}

function retryAfter(r: HttpRequestRecord): number | string {
  return rateOf(r)?.retryAfter ?? '?';
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The `.sha256` companion, in sha256sum format. */
export function sha256File(run: Pick<OteRun, 'id' | 'sha256'>): string {
  return `${run.sha256}  ${archiveFileName(run.id)}\n`;
}

export function archiveFileName(runId: string): string {
  return `${runId}-evidence-archive.md`;
}

export async function loadOteRun(store: Store, runId: string): Promise<OteRun | undefined> {
  return store.transaction((r) => r.http.oteRun(runId));
}
