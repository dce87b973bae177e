import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../registry/clock.js';
import type { Store } from '../storage/store.js';
import { RDAP_MEDIA_TYPE, type JsonObject } from './common.js';
import { badRequest, errorBody, notImplemented, RdapError } from './errors.js';
import { domainLookup, entityLookup, helpResponse, nameserverLookup, type RequestContext } from './lookups.js';
import { RateLimiter } from './rate-limit.js';
import { Snapshots } from './snapshots.js';

/**
 * The RDAP service (RFC 7480–7484, 9082, 9083, 9537; the ICANN gTLD RDAP Profile of February 2024): a
 * read-only door onto the registry core. Lookups at the root of the base URL (domain/, nameserver/,
 * entity/, help); GET and HEAD; every answer `application/rdap+json` with `Access-Control-Allow-Origin: *`
 * (TIG 1.14), errors as RDAP error bodies whose errorCode is the HTTP status. It reads through the Store's
 * read-only transactions (never a write, never a cache: a change committed over EPP shows in the next
 * response) and imports neither the EPP nor the HTTP API door.
 */

export interface RdapDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  /** The registry's sweep of due time-driven events (see Snapshots); absent: responses never ask for it. */
  applyDueEvents?: () => Promise<void>;
  /** Told of every request answered (the server's metrics): the lookup type (domain, nameserver, entity, help, other) and status. */
  requestDone?: (type: string, status: number) => void;
}

export interface RdapServer {
  host: string;
  port: number;
  /** The base URL the responses' links use. */
  baseUrl: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** RFC 9082 search paths and object classes this registry does not serve: 501, not 400. */
const NOT_IMPLEMENTED = /^\/(domains|nameservers|entities|ip|autnum)(\/|\?|$)/;

export async function startRdapServer(deps: RdapDeps): Promise<RdapServer> {
  const cfg = deps.config.rdap;
  const tls = cfg.tls.cert !== '' ? { cert: readFileSync(cfg.tls.cert), key: readFileSync(cfg.tls.key) } : undefined;
  const app = Fastify({
    logger: false,
    // A U-label name percent-encoded is up to ≈ 2,300 characters.
    routerOptions: { maxParamLength: 4096 },
    ...(tls ? { https: tls } : {}),
  }) as unknown as FastifyInstance;
  const snapshots = new Snapshots(deps.store, deps.clock, deps.applyDueEvents);
  let baseUrl = cfg.baseUrl;
  const termsOfServiceUrl = () => cfg.termsOfServiceUrl || `${baseUrl}help`;
  const requestContext = (req: FastifyRequest): RequestContext => ({
    baseUrl,
    queryUri: baseUrl + req.url.replace(/^\/+/, ''),
    termsOfServiceUrl: termsOfServiceUrl(),
  });

  const send = (reply: FastifyReply, status: number, body: JsonObject) =>
    reply.code(status).header('content-type', RDAP_MEDIA_TYPE).send(JSON.stringify(body));
  const fail = (req: FastifyRequest, reply: FastifyReply, e: RdapError) => {
    if (e.status === 405) reply.header('allow', 'GET, HEAD, OPTIONS');
    return send(reply, e.status, errorBody(e, { ...requestContext(req), now: deps.clock.now() }));
  };

  // Every answer, errors included, can be read by a web page of any origin (TIG 1.14); one log line each.
  const limiter = cfg.rateLimit.perSecond > 0 ? new RateLimiter(cfg.rateLimit.perSecond, cfg.rateLimit.burst) : undefined;
  app.addHook('onRequest', async (req, reply) => {
    (req as FastifyRequest & { started: bigint }).started = process.hrtime.bigint();
    // RFC 7480 §5.5: a client over its rate is told so (429) and when to come back, before any lookup runs.
    const wait = limiter?.take(req.ip) ?? 0;
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new RdapError(429, 'Too Many Requests', [`more than ${cfg.rateLimit.perSecond} queries a second (bursts of ${cfg.rateLimit.burst}) from ${req.ip}: retry after ${wait} s`]);
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('access-control-allow-origin', '*');
    const started = (req as FastifyRequest & { started?: bigint }).started;
    deps.log.info(
      { rdap: req.method, url: req.url.slice(0, 300), ip: req.ip, status: reply.statusCode, durationUs: started ? Number((process.hrtime.bigint() - started) / 1000n) : undefined },
      'rdap',
    );
    return payload;
  });

  if (deps.requestDone) {
    const done = deps.requestDone;
    app.addHook('onResponse', async (req, reply) => {
      const type = /^\/(domain|nameserver|entity|help)\b/.exec(req.url)?.[1] ?? 'other';
      done(type, reply.statusCode);
    });
  }

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof RdapError) return fail(req, reply, err);
    deps.log.error({ err, url: req.url }, 'RDAP request failed unexpectedly');
    return fail(req, reply, new RdapError(500, 'Internal Server Error', ['The lookup failed unexpectedly; it has been logged.']));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return fail(req, reply, new RdapError(405, 'Method Not Allowed', [`${req.method} is not an RDAP query method: use GET or HEAD`]));
    if (NOT_IMPLEMENTED.test(path)) return fail(req, reply, notImplemented(`${path}: searches and IP network or autonomous system queries are not offered by this registry`));
    return fail(req, reply, badRequest(`${path} is not an RDAP query: use domain/<name>, nameserver/<name>, entity/<handle> or help`));
  });

  // CORS preflight: RDAP is read with simple GETs, but a browser that asks is answered.
  app.options('/*', async (_req, reply) => reply.code(204).header('access-control-allow-methods', 'GET, HEAD, OPTIONS').header('access-control-allow-headers', 'accept').send());

  type Lookup = (s: Snapshots, raw: string, ctx: RequestContext) => Promise<JsonObject>;
  const lookup = (prefix: string, fn: Lookup) => {
    app.get<{ Params: { key: string } }>(`/${prefix}/:key`, async (req, reply) => send(reply, 200, await fn(snapshots, req.params.key, requestContext(req))));
    app.get(`/${prefix}`, async () => {
      throw badRequest(`${prefix}/ needs a ${prefix === 'entity' ? 'handle' : 'name'}`);
    });
    app.get(`/${prefix}/`, async () => {
      throw badRequest(`${prefix}/ needs a ${prefix === 'entity' ? 'handle' : 'name'}`);
    });
  };
  lookup('domain', domainLookup);
  lookup('nameserver', nameserverLookup);
  lookup('entity', entityLookup);
  app.get('/help', async (req, reply) => send(reply, 200, helpResponse({ ...requestContext(req), now: deps.clock.now() })));

  await app.listen({ host: cfg.host, port: cfg.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  if (!baseUrl) baseUrl = `${tls ? 'https' : 'http'}://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}/`;
  return {
    host: cfg.host,
    port,
    baseUrl,
    app,
    close: () => app.close(),
  };
}
