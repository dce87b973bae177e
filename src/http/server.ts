import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiError, BASE_PATH, errorBody, type ApiState, type HttpDeps } from './gateway.js';
import { KeyLocks, type Outcome } from './idempotency.js';
import { RateLimiter } from './rate-limit.js';
import { matchesSha256, sha256Hex, type Scope } from './tokens.js';
import { registerAdminRoutes } from './admin.js';
import { maskSecrets } from './evidence.js';
import { registerDomainRoutes } from './routes/domains.js';
import { registerPollRoute } from './routes/poll.js';
import { registerSandboxRoute } from './routes/sandbox.js';
import { registerStatusRoute } from './routes/status.js';
import { applyPendingNameservers } from './routes/nameservers.js';
import { syncProtectedNames } from './protected.js';
import { OPS_PATHS, registerOpsRoutes } from './ops.js';

/**
 * The HTTP registrar API (issue 6): a JSON door onto the same registry core as EPP, under
 * /api/v1/registrar/v1. Every request gets a request id (X-Request-Id on the response, and the clTRID of
 * every command it runs, hence in the audit rows); is authenticated by a bearer token bound to a registrar
 * channel (401 without a valid one; 403 for a scope the token lacks); is rate-limited per token and per
 * registrar (X-RateLimit-* on every response, 429 over the limit); has its body and query checked against a
 * JSON schema (400); and is logged, bodies masked, for the OT&E evidence archive. Admin endpoints take the
 * operator's admin token only.
 */

export { BASE_PATH };

declare module 'fastify' {
  interface FastifyRequest {
    api: ApiState;
  }
  interface FastifyContextConfig {
    /** API command name, for the request log and GET /poll. */
    command?: string;
    scope?: Scope;
    admin?: boolean;
    /** What a body must carry when a oneOf/anyOf of its schema fails (the message of that 400). */
    form?: string;
  }
}

/** What route modules are handed. */
export interface RouteContext {
  deps: HttpDeps;
  locks: KeyLocks;
  /** Sends an outcome (marking replays). */
  send(reply: FastifyReply, o: Outcome): FastifyReply;
}

export interface HttpServer {
  host: string;
  port: number;
  app: FastifyInstance;
  /** Applies stored nameserver sets whose hosts now exist (also run every 30 s); returns how many were applied. */
  applyPendingNameservers(): Promise<number>;
  close(): Promise<void>;
}

const MAX_LOGGED = 64 * 1024;
function clip(s: string | null): string | null {
  return s !== null && s.length > MAX_LOGGED ? `${s.slice(0, MAX_LOGGED)}…(truncated)` : s;
}

export async function startHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const cfg = deps.config.http;
  const app = Fastify({
    logger: false,
    bodyLimit: cfg.maxBodyBytes,
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });
  const limiter = new RateLimiter(cfg.rateLimit.windowSeconds * 1000, deps.sharedLimits ?? null);
  const locks = new KeyLocks();
  const adminSha = cfg.adminTokenSha256 ? cfg.adminTokenSha256.toLowerCase() : cfg.adminTokenFile ? sha256Hex(readFileSync(cfg.adminTokenFile, 'utf8').trim()) : null;

  await syncProtectedNames(deps.store, deps.clock.now());
  app.decorateRequest('api', null as unknown as ApiState);

  const fail = (req: FastifyRequest, reply: FastifyReply, e: ApiError) => {
    req.api.errorCode = e.code;
    if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="registrar-api"');
    return reply.code(e.status).send(errorBody(e, req.api.requestId));
  };

  app.addHook('onRequest', async (req, reply) => {
    // The operator's /healthz, /readyz and /metrics (./ops.ts): no token, no rate limit, no request log.
    if (deps.ops && OPS_PATHS.has(req.routeOptions.url ?? '')) return;
    const config = req.routeOptions.config ?? {};
    req.api = { requestId: req.id, started: process.hrtime.bigint(), command: config.command ?? 'unknown', ownAudits: 0 };
    reply.header('X-Request-Id', req.id);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

    if (config.admin) {
      const rate = await limiter.take([[`admin:${req.ip}`, cfg.rateLimit.perToken]]);
      setRateHeaders(reply, (req.api.rate = rate));
      if (rate.retryAfter !== undefined) return fail(req, reply, rateLimited(rate.retryAfter));
      if (!adminSha) return fail(req, reply, new ApiError(503, 'admin_api_not_configured', 'No admin credential is configured (http.adminTokenSha256 or http.adminTokenFile)'));
      if (!bearer || !matchesSha256(bearer, adminSha)) return fail(req, reply, new ApiError(401, 'invalid_admin_token', 'Admin endpoints need the operator admin token'));
      req.api.admin = true;
      return;
    }

    // Registrar endpoints (and unknown paths): a registrar token.
    const found = bearer
      ? await deps.store.transaction(async (r) => {
          const token = await r.http.tokenBySha256(sha256Hex(bearer));
          if (!token) return undefined;
          const registrar = await r.registrars.byId(token.registrarId);
          const channel = await r.http.channel(token.channelId);
          await r.http.touchToken(token.id, deps.clock.now());
          return registrar && channel ? { token, registrar, channel } : undefined;
        })
      : undefined;
    if (!found) {
      // Unauthenticated attempts are limited per address (slows token guessing) and report that limit.
      const rate = await limiter.take([[`ip:${req.ip}`, cfg.rateLimit.perToken]]);
      setRateHeaders(reply, (req.api.rate = rate));
      if (rate.retryAfter !== undefined) return fail(req, reply, rateLimited(rate.retryAfter));
      if (!config.command) return; // unknown route: the not-found handler answers
      return fail(req, reply, new ApiError(401, bearer ? 'invalid_token' : 'missing_token', bearer ? 'The bearer token is not valid (unknown or revoked)' : 'Send Authorization: Bearer <token>'));
    }
    Object.assign(req.api, found);
    const rate = await limiter.take([
      [`token:${found.token.id}`, cfg.rateLimit.perToken],
      [`registrar:${found.registrar.id}`, cfg.rateLimit.perRegistrar],
    ]);
    setRateHeaders(reply, (req.api.rate = rate));
    if (rate.retryAfter !== undefined) return fail(req, reply, rateLimited(rate.retryAfter));
    if (found.registrar.status !== 'active') return fail(req, reply, new ApiError(403, 'registrar_suspended', 'The registrar account is suspended'));
    if (config.scope && !found.token.scopes.includes(config.scope)) {
      return fail(req, reply, new ApiError(403, 'insufficient_scope', `This token does not have the "${config.scope}" scope`, undefined, undefined, { required_scope: config.scope }));
    }
  });

  if (deps.ops?.requestDone) {
    const done = deps.ops.requestDone;
    app.addHook('onResponse', async (req, reply) => done(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode));
  }

  // The request log: every request of a known registrar, with masked bodies (evidence and support).
  app.addHook('onSend', async (req, reply, payload) => {
    const api = req.api;
    if (!api) return payload;
    deps.log.info(
      { requestId: api.requestId, clID: api.registrar?.clId, admin: api.admin, method: req.method, url: req.url, status: reply.statusCode, command: api.command, replayOf: api.replayOf },
      'http',
    );
    if (!api.registrar) return payload;
    let response: string | null = null;
    if (typeof payload === 'string') {
      try {
        response = JSON.stringify(maskSecrets(JSON.parse(payload)));
      } catch {
        response = payload;
      }
    }
    try {
      await deps.store.transaction((r) =>
        r.http.logRequest({
          requestId: api.requestId,
          at: deps.clock.now(),
          registrarId: api.registrar!.id,
          tokenId: api.token?.id ?? null,
          channelId: api.channel?.id ?? null,
          method: req.method,
          path: req.url.slice(0, 1000),
          command: api.command,
          domain: api.domain ?? null,
          idempotencyKey: api.idempotencyKey ?? null,
          replayOf: api.replayOf ?? null,
          httpStatus: reply.statusCode,
          eppCode: api.eppCode ?? null,
          errorCode: api.errorCode ?? null,
          requestBody: clip(req.body === undefined || req.body === null ? null : JSON.stringify(maskSecrets(req.body))),
          responseBody: clip(response),
          rateLimit: api.rate ? JSON.stringify(api.rate) : null,
          durationUs: Number((process.hrtime.bigint() - api.started) / 1000n),
        }),
      );
    } catch (e) {
      deps.log.error({ err: e, requestId: api.requestId }, 'HTTP request log write failed');
    }
    return payload;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (!req.api) req.api = { requestId: req.id, started: process.hrtime.bigint(), command: 'unknown', ownAudits: 0 };
    if (err instanceof ApiError) return fail(req, reply, err);
    if (err.validation) {
      const v = err.validation[0];
      const params = (v?.params ?? {}) as Record<string, unknown>;
      const path = (v?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      const field = (params.missingProperty as string) ?? (params.additionalProperty as string) ?? (path || undefined);
      const where = err.validationContext ?? 'body';
      const detail =
        params.additionalProperty !== undefined
          ? `unknown field ${String(params.additionalProperty)}`
          : (v?.keyword === 'oneOf' || v?.keyword === 'anyOf') && path === ''
            ? `it must carry ${req.routeOptions.config?.form ?? 'one of the documented forms'}`
            : `${field ?? where} ${v?.message ?? 'is invalid'}`;
      return fail(req, reply, new ApiError(400, 'invalid_request', `Invalid ${where}: ${detail}`, field));
    }
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return fail(req, reply, new ApiError(400, 'empty_body', 'Content-Type is application/json but the body is empty'));
    if (status === 400 && /JSON/i.test(err.message)) return fail(req, reply, new ApiError(400, 'invalid_json', 'The body is not valid JSON'));
    if (status === 413) return fail(req, reply, new ApiError(413, 'body_too_large', `The body is larger than ${cfg.maxBodyBytes} bytes`));
    if (status === 415) return fail(req, reply, new ApiError(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json)'));
    if (status < 500) return fail(req, reply, new ApiError(status, 'invalid_request', err.message));
    deps.log.error({ err, requestId: req.id }, 'HTTP request failed unexpectedly');
    return fail(req, reply, new ApiError(500, 'internal_error', 'The request failed unexpectedly; it has been logged'));
  });

  app.setNotFoundHandler((req, reply) => {
    if (!req.api) req.api = { requestId: req.id, started: process.hrtime.bigint(), command: 'unknown', ownAudits: 0 };
    return fail(req, reply, new ApiError(404, 'route_not_found', `No endpoint ${req.method} ${req.url.split('?')[0]}`));
  });

  const ctx: RouteContext = {
    deps,
    locks,
    send(reply, o) {
      if (o.replayed) reply.header('Idempotent-Replayed', 'true').header('X-Idempotent-Replay-Of', reply.request.api.replayOf ?? '');
      return reply.code(o.status).send(o.body);
    },
  };
  if (deps.ops) registerOpsRoutes(app, deps.ops);
  await app.register(
    async (api) => {
      registerStatusRoute(api, ctx);
      registerSandboxRoute(api, ctx);
      registerDomainRoutes(api, ctx);
      registerPollRoute(api, ctx);
      registerAdminRoutes(api, ctx);
    },
    { prefix: BASE_PATH },
  );

  const port = cfg.port;
  await app.listen({ host: cfg.host, port });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;

  // Background work: nameserver sets waiting for their hosts, and idempotency records past retention.
  const timers = [
    setInterval(() => void applyPendingNameservers(deps).catch((e) => deps.log.error({ err: e }, 'nameserver apply failed')), 30_000),
    setInterval(() => void deps.store.transaction((r) => r.http.expireIdempotency(deps.clock.now())).catch((e) => deps.log.error({ err: e }, 'idempotency expiry failed')), 3_600_000),
  ];
  for (const t of timers) t.unref();

  return {
    host: cfg.host,
    port: bound,
    app,
    applyPendingNameservers: () => applyPendingNameservers(deps),
    async close() {
      for (const t of timers) clearInterval(t);
      await app.close();
    },
  };
}

function setRateHeaders(reply: FastifyReply, r: { limit: number; remaining: number; reset: number; retryAfter?: number }): void {
  reply.header('X-RateLimit-Limit', String(r.limit));
  reply.header('X-RateLimit-Remaining', String(r.remaining));
  reply.header('X-RateLimit-Reset', String(r.reset));
  if (r.retryAfter !== undefined) reply.header('Retry-After', String(r.retryAfter));
}

function rateLimited(retryAfter: number): ApiError {
  return new ApiError(429, 'registrar_rate_limit_exceeded', `Rate limit exceeded: retry after ${retryAfter} s`, undefined, undefined, { retry_after: retryAfter });
}
