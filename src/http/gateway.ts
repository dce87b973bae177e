import type { OpsEndpoints } from './ops.js';
import type { Logger } from 'pino';
import type { CommandRunner, Outcome } from '../commands/runner.js';
import type { CommandResult, ObjectCommand } from '../commands/types.js';
import type { Config } from '../config.js';
import { OBJECT_URIS, STANDARD_EXTENSION_URIS, TCI_EXTENSION_URIS } from '../protocol/namespaces.js';
import type { Clock } from '../registry/clock.js';
import { Session } from '../session/session.js';
import type { Registrar } from '../storage/core-repos.js';
import type { ApiToken, HttpChannel } from '../storage/http-repo.js';
import type { SharedLimits } from '../storage/shared-limits.js';
import type { Repos, Store } from '../storage/store.js';

/**
 * The gateway onto the registry core: every domain command of the HTTP API runs the same command handler
 * as EPP, with a typed input built from JSON (no XML), through `CommandRunner.run`: the same transaction,
 * lifecycle, billing and audit row (source 'http'). The request id travels as the command's clTRID, so each audit row a request causes
 * carries it in audit_log.cl_trid (no extra column: decided in migration 7). Domain rules live in the
 * handlers only; this module maps their result codes to HTTP statuses and JSON errors in one table.
 */

/** Where the API lives. */
export const BASE_PATH = '/api/v1/registrar/v1';

/** What the HTTP layer is given by startRegistry. */
export interface HttpDeps {
  config: Config;
  store: Store;
  runner: CommandRunner;
  clock: Clock;
  log: Logger;
  /** The EPP door's address and the TLDs served, for GET /status. */
  epp: () => { host: string; port: number; tlds: string[]; extensions: readonly string[] };
  /** The operator's /healthz, /readyz and /metrics (./ops.ts); absent: not served. */
  ops?: OpsEndpoints;
  /** Rate limits counted with the other server processes (PostgreSQL); absent: in memory. */
  sharedLimits?: SharedLimits | null;
}

/** Per-request state, set by the hooks in server.ts. */
export interface ApiState {
  requestId: string;
  started: bigint;
  registrar?: Registrar;
  token?: ApiToken;
  channel?: HttpChannel;
  admin?: boolean;
  rate?: { limit: number; remaining: number; reset: number; retryAfter?: number };
  /** The API command name (create_domain, ...) for the request log and GET /poll. */
  command: string;
  domain?: string;
  idempotencyKey?: string;
  replayOf?: string;
  eppCode?: number;
  errorCode?: string;
  /** Number of audit rows this request wrote itself (for unique svTRIDs). */
  ownAudits: number;
}

/** A failure answered as `{error: {code, message, field, epp_code}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly eppCode?: number,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function errorBody(e: ApiError, requestId: string): Record<string, unknown> {
  return {
    error: { code: e.code, message: e.message, field: e.field ?? null, epp_code: e.eppCode ?? null, ...(e.extra ?? {}) },
    request_id: requestId,
  };
}

/**
 * EPP result code → HTTP status and API error code. Another registrar's domain (2201) is answered 404
 * `domain_not_found`, exactly like a domain that does not exist, so that the API never tells a registrar
 * anything about a name it does not sponsor beyond what a check says. A wrong auth code on a transfer
 * (2202) is the caller's own mistake: 403.
 */
export const EPP_TO_HTTP: Record<number, [number, string]> = {
  1000: [200, 'ok'],
  1001: [202, 'accepted'],
  2001: [400, 'invalid_request'],
  2002: [400, 'invalid_request'],
  2003: [400, 'missing_field'],
  2004: [422, 'value_out_of_range'],
  2005: [400, 'invalid_value'],
  2100: [400, 'invalid_request'],
  2101: [501, 'not_implemented'],
  2102: [501, 'option_not_implemented'],
  2103: [501, 'extension_not_implemented'],
  2104: [402, 'billing_failure'],
  2105: [422, 'not_eligible_for_renewal'],
  2106: [409, 'not_eligible_for_transfer'],
  2200: [401, 'unauthenticated'],
  2201: [404, 'domain_not_found'],
  2202: [403, 'invalid_auth_code'],
  2300: [409, 'transfer_already_pending'],
  2301: [409, 'no_pending_transfer'],
  2302: [409, 'domain_exists'],
  2303: [404, 'domain_not_found'],
  2304: [409, 'status_prohibits_operation'],
  2305: [409, 'association_prohibits_operation'],
  2306: [422, 'policy_violation'],
  2307: [501, 'service_not_implemented'],
  2308: [422, 'data_management_policy_violation'],
  2400: [500, 'command_failed'],
  2500: [503, 'service_unavailable'],
  2501: [503, 'service_unavailable'],
  2502: [503, 'service_unavailable'],
};

/** EPP element named in <value> → the JSON field it came from. */
const FIELD_OF: Record<string, string> = {
  'domain:name': 'domain',
  'domain:period': 'years',
  'domain:curExpDate': 'current_expiry',
  'domain:hostObj': 'nameservers',
  'domain:hostName': 'nameservers',
  'domain:status': 'client_statuses',
  'domain:pw': 'auth_code',
};

/** How a command run for a request ended (the runner's Outcome). */
export type ExecResult<D> = Outcome<D>;

/** The ApiError of a failed command (code ≥ 2000). */
export function eppFailure(r: ExecResult<unknown>): ApiError {
  let [status, code] = EPP_TO_HTTP[r.code] ?? [500, 'command_failed'];
  const field = r.value ? FIELD_OF[r.value.name] : undefined;
  if (r.code === 2303 && field === 'nameservers') [status, code] = [422, 'host_not_found'];
  // 2201 says "someone else's": the message would too; answer as for a name that does not exist.
  const message = r.code === 2201 ? 'Domain not found' : (r.msg ?? code.replace(/_/g, ' '));
  return new ApiError(status, code, message, r.code === 2201 ? 'domain' : field, r.code);
}

/** A session as a logged-in EPP client would have it: the token's registrar, every service selected. */
export function gatewaySession(registrar: Registrar, requestId: string, remoteAddress: string): Session {
  const s = new Session(`http-${requestId}`, remoteAddress, null, false, null);
  s.registrar = registrar;
  for (const u of OBJECT_URIS) s.objURIs.add(u);
  for (const u of [...STANDARD_EXTENSION_URIS, ...TCI_EXTENSION_URIS]) s.extURIs.add(u);
  return s;
}

/** What the response body says of the command that ran (its name, result code and svTRID). */
export interface CommandDone {
  command: string;
  code: number;
  svTRID: string;
}

export interface ExecOptions<D> {
  /** The object the request names, for the audit row of a failure. */
  object?: string;
  /**
   * The request's own writes and reads that belong with the command (metadata, the response body, the stored
   * idempotency outcome): run after a successful handler inside the command's transaction, so that they
   * commit together or not at all, and read the state the command left. It refuses nothing itself: a throw
   * rolls the command back and is answered as a failure (2400); refusals are decided after exec returns.
   */
  also?: (repos: Repos, result: CommandResult<D>, done: CommandDone) => Promise<void>;
}

/**
 * Runs one command handler for the request's registrar with a typed input, as the EPP door would, through
 * the same runner: one transaction, the due events, the audit row (source 'http'), the log line. The
 * request id is the clTRID (and so in the audit row).
 */
export async function exec<I, D>(deps: HttpDeps, api: ApiState, registrar: Registrar, command: ObjectCommand<I, D>, input: I, opts: ExecOptions<D> = {}): Promise<ExecResult<D>> {
  const session = gatewaySession(registrar, api.requestId, 'http');
  const also = opts.also;
  const alsoInTransaction = also
    ? (repos: Repos, result: CommandResult<D>, done: CommandDone) => {
        api.eppCode = done.code; // the outcome stored under the idempotency key inside `also` carries it
        return also(repos, result, done);
      }
    : undefined;
  const r = await deps.runner.run({ session, command, input, clTRID: api.requestId, source: 'http', object: opts.object, alsoInTransaction });
  api.eppCode = r.code;
  return r;
}

/** Runs a command and throws its ApiError when it failed. */
export async function execOk<I, D>(deps: HttpDeps, api: ApiState, registrar: Registrar, command: ObjectCommand<I, D>, input: I, opts: ExecOptions<D> = {}): Promise<ExecResult<D> & { data: D }> {
  const r = await exec(deps, api, registrar, command, input, opts);
  if (r.code >= 2000) throw eppFailure(r);
  return r as ExecResult<D> & { data: D };
}

/** Writes an audit row for what a request did without an EPP command (replays, intents, sandbox resets). */
export async function auditOwn(deps: HttpDeps, api: ApiState, registrarId: number, command: string, object: string | null, code: number, message: string | null): Promise<void> {
  await deps.store.transaction((r) => auditOwnIn(r, deps, api, registrarId, command, object, code, message));
}

/** auditOwn inside a transaction the caller runs, so that the row commits with the request's own writes. */
export async function auditOwnIn(
  repos: Repos,
  deps: HttpDeps,
  api: ApiState,
  registrarId: number,
  command: string,
  object: string | null,
  code: number,
  message: string | null,
): Promise<void> {
  api.ownAudits++;
  await repos.audit.record({
    at: deps.clock.now(),
    registrarId,
    sessionId: `http-${api.requestId}`,
    source: 'http',
    command,
    object,
    clTRID: api.requestId,
    svTRID: `${deps.config.roidSuffix}-HTTP-${api.requestId}-${api.ownAudits}`,
    code,
    message,
    durationUs: Number((process.hrtime.bigint() - api.started) / 1000n),
  });
}
