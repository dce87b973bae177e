import { createHash } from 'node:crypto';
import { IDEMPOTENCY_PENDING } from '../storage/http-repo.js';
import type { Repos } from '../storage/store.js';
import { ApiError, auditOwn, errorBody, type ApiState, type HttpDeps } from './gateway.js';

/**
 * Idempotency keys (body `idempotency_key` or the `Idempotency-Key` header), scoped per registrar and kept
 * for config.http.idempotencyRetentionHours. The first request with a key runs and its outcome (status and
 * body) is stored; the same key with the same request (method, path and body apart from the key) replays
 * that outcome byte for byte, marked by `Idempotent-Replayed: true`, and changes nothing: no second debit,
 * no second expiry jump, no "already deleted". The same key with a different request: 409
 * duplicate_idempotency_key_conflict. Server failures (5xx) are not stored, so a retry runs again.
 *
 * Requests with the same key are serialised in process; across server processes (PostgreSQL) the first
 * claims the key in the database before it runs (a pending record, given back if it fails with 5xx, taken
 * over after a minute if its process died), so that a retry that arrives while the first attempt still runs,
 * through whichever process, waits for it and then replays it (409 idempotency_key_in_use after 10 s of
 * waiting). A successful command
 * stores the outcome inside its own transaction (the route hands `save` to the gateway's `also`), so the
 * change and the outcome a retry replays commit together; outcomes of requests that changed nothing
 * (refusals) are stored after, in a transaction of their own.
 */

export interface Outcome {
  status: number;
  body: Record<string, unknown>;
  replayed?: boolean;
}

/** Stores the request's outcome under its idempotency key in the transaction `repos` belongs to (no key: nothing). */
export type SaveOutcome = (repos: Repos, outcome: Outcome) => Promise<void>;

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's idempotency key, from the body or the header (they must agree). */
export function idempotencyKey(headers: Record<string, unknown>, body: unknown, required: boolean): string | undefined {
  const header = typeof headers['idempotency-key'] === 'string' ? (headers['idempotency-key'] as string) : undefined;
  const inBody = body && typeof body === 'object' ? (body as Record<string, unknown>).idempotency_key : undefined;
  if (header !== undefined && inBody !== undefined && header !== inBody) {
    throw new ApiError(400, 'idempotency_key_mismatch', 'The Idempotency-Key header and the body idempotency_key differ', 'idempotency_key');
  }
  const key = (inBody as string | undefined) ?? header;
  if (key === undefined) {
    if (required) throw new ApiError(400, 'missing_idempotency_key', 'This request changes data: send an idempotency_key (body) or an Idempotency-Key header', 'idempotency_key');
    return undefined;
  }
  if (!KEY.test(key)) throw new ApiError(400, 'invalid_idempotency_key', 'An idempotency key is 1 to 255 printable ASCII characters without spaces', 'idempotency_key');
  return key;
}

/** JSON with sorted keys, so that field order does not make two equal requests differ. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What makes two requests "the same": method, path and body without the key. */
export function fingerprint(method: string, path: string, body: unknown): string {
  const rest = body && typeof body === 'object' ? { ...(body as Record<string, unknown>), idempotency_key: undefined } : (body ?? null);
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(rest)}`).digest('hex');
}

/** How long a claimed key stays taken without an outcome (its server died mid-request): then another request may run. */
const PENDING_LEASE_MS = 60_000;
/** How long a request waits for another one with its key, running in another process, before 409 idempotency_key_in_use. */
const WAIT_FOR_PENDING_MS = 10_000;

/** Serialises work per key. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * Runs `work` once per (registrar, key): the first time for real, later as a replay of the stored outcome.
 * Without a key the work simply runs.
 */
export async function idempotent(
  deps: HttpDeps,
  locks: KeyLocks,
  api: ApiState,
  req: { method: string; path: string; body: unknown },
  work: (save: SaveOutcome) => Promise<Outcome>,
): Promise<Outcome> {
  const registrar = api.registrar!;
  const key = api.idempotencyKey;
  const attempt = async (save: SaveOutcome): Promise<Outcome> => {
    try {
      return await work(save);
    } catch (e) {
      if (e instanceof ApiError) {
        api.errorCode = e.code;
        return { status: e.status, body: errorBody(e, api.requestId) };
      }
      throw e;
    }
  };
  if (key === undefined) return attempt(async () => {});
  const fp = fingerprint(req.method, req.path, req.body);
  return locks.run(`${registrar.id}\u0000${key}`, async () => {
    const now = deps.clock.now();
    const record = (outcome: Outcome, expiresAt: Date) => ({
      registrarId: registrar.id,
      key,
      fingerprint: fp,
      requestId: api.requestId,
      command: api.command,
      domain: api.domain ?? null,
      httpStatus: outcome.status,
      eppCode: api.eppCode ?? null,
      response: JSON.stringify(outcome.body),
      createdAt: now,
      expiresAt,
    });
    // The key is claimed before the request runs, so that the same request sent to another server process
    // at once waits for this one and replays it instead of running twice.
    const pending = record({ status: IDEMPOTENCY_PENDING, body: {} }, new Date(now.getTime() + PENDING_LEASE_MS));
    const waitUntil = Date.now() + WAIT_FOR_PENDING_MS;
    for (;;) {
      const stored = await deps.store.transaction((r) => r.http.claimIdempotency(pending, deps.clock.now()));
      if (!stored) break;
      if (stored.fingerprint !== fp) {
        throw new ApiError(
          409,
          'duplicate_idempotency_key_conflict',
          `Idempotency key ${key} was already used by request ${stored.requestId} (${stored.command}) with different parameters`,
          'idempotency_key',
          undefined,
          { original_request_id: stored.requestId },
        );
      }
      if (stored.httpStatus === IDEMPOTENCY_PENDING) {
        if (Date.now() >= waitUntil) {
          throw new ApiError(409, 'idempotency_key_in_use', `Request ${stored.requestId} with idempotency key ${key} is still running; retry later`, 'idempotency_key');
        }
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      api.replayOf = stored.requestId;
      api.eppCode = stored.eppCode ?? undefined;
      // The replay is itself audited, so that a retry shows in GET /poll next to the attempt it repeats.
      await auditOwn(deps, api, registrar.id, 'http:replay', stored.domain, stored.eppCode ?? 1000, `replay of request ${stored.requestId}`);
      return { status: stored.httpStatus, body: JSON.parse(stored.response) as Record<string, unknown>, replayed: true };
    }
    const expiresAt = new Date(now.getTime() + deps.config.http.idempotencyRetentionHours * 3_600_000);
    // The outcome a command's transaction stored; another one returned (a refusal, a rolled-back command) is
    // stored here. A server failure stores nothing and gives the key back, so that a retry runs again.
    let saved: Outcome | undefined;
    let outcome: Outcome;
    try {
      outcome = await attempt(async (repos, o) => {
        await repos.http.saveIdempotency(record(o, expiresAt));
        saved = o;
      });
    } catch (e) {
      await deps.store.transaction((r) => r.http.releaseIdempotency(registrar.id, key, api.requestId)).catch(() => {});
      throw e;
    }
    if (saved === outcome) return outcome;
    if (outcome.status < 500 && outcome.status !== 429) await deps.store.transaction((r) => r.http.saveIdempotency(record(outcome, expiresAt)));
    else await deps.store.transaction((r) => r.http.releaseIdempotency(registrar.id, key, api.requestId));
    return outcome;
  });
}
