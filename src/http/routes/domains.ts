import type { FastifyInstance, FastifyRequest } from 'fastify';
import { domainCheck } from '../../commands/domain/check.js';
import { domainCreate } from '../../commands/domain/create.js';
import { domainDelete } from '../../commands/domain/delete.js';
import { domainInfo } from '../../commands/domain/info.js';
import { domainRenew } from '../../commands/domain/renew.js';
import { domainTransferApprove } from '../../commands/domain/transfer-approve.js';
import { domainTransferRequest } from '../../commands/domain/transfer-request.js';
import type { PeriodInput } from '../../commands/domain/types.js';
import { domainUpdate } from '../../commands/domain/update.js';
import { authInfoExpiresAt } from '../../registry/auth-info.js';
import { utcDate } from '../../registry/periods.js';
import { TRANSFER_BLOCKERS, transferLockEnds } from '../../registry/transfers.js';
import type { Transfer } from '../../storage/transfer-repo.js';
import { ApiError, auditOwn, auditOwnIn, execOk, type CommandDone } from '../gateway.js';
import { idempotencyKey, idempotent, type Outcome, type SaveOutcome } from '../idempotency.js';
import * as S from '../schemas.js';
import type { RouteContext } from '../server.js';
import { canonicalName, describe, eppIso, iso, nameFromBody, newAuthCode, notCreatableOverHttp, requireNamespace, TRANSFER_INTENT_COMMAND } from './common.js';
import { registerNameserverRoute } from './nameservers.js';

/**
 * The domain endpoints. Each one runs the command handler EPP runs, through the gateway (see gateway.ts),
 * with a typed input built from the JSON: the handlers decide; this module only translates JSON ↔ typed
 * commands and results. What a request writes or reads besides the command (registrant metadata, the
 * response body, the stored idempotency outcome) runs in the command's own transaction (`also`).
 *
 *   POST   /domains/check               domain:check           (+ protected-name reason)
 *   POST   /domains                     domain:create          (+ registrant metadata, kept by the API)
 *   GET    /domains/{domain}            domain:info            (another registrar's domain: 404)
 *   POST   /domains/{domain}/renew      domain:renew           (curExpDate: the current expiry unless given)
 *   PATCH  /domains/{domain}            domain:update          (client statuses, auth code; + registrant metadata)
 *   POST   /domains/{domain}/auth-code  domain:update          (a new auth code made by the registry, shown once)
 *   POST   /domains/{domain}/transfer   domain:transfer request (gaining side) / outbound intent (sponsor)
 *   PUT    /domains/{domain}/nameservers see nameservers.ts
 *   DELETE /domains/{domain}            domain:delete          (redemption lifecycle, never a hard delete)
 */

interface DomainParams {
  domain: string;
}

type Body = Record<string, unknown>;

/** The path part of the fingerprint: the route and the canonical domain, so that case does not matter. */
function routeKey(req: FastifyRequest): { method: string; path: string; body: unknown } {
  return { method: req.method, path: `${req.routeOptions.url}|${req.api.domain ?? ''}`, body: req.body ?? {} };
}

export function registerDomainRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { deps, locks } = ctx;
  const run = (req: FastifyRequest, work: (save: SaveOutcome) => Promise<Outcome>) => idempotent(deps, locks, req.api, routeKey(req), work);

  // ---------------------------------------------------------------- check
  app.post(
    '/domains/check',
    { schema: { body: S.checkBody }, config: { command: 'check_domain', scope: 'check', form: '"domain", or "label" and "tld"' } },
    async (req, reply) => {
      const api = req.api;
      const body = req.body as { domain?: string; label?: string; tld?: string };
      const input = nameFromBody(body);
      describe(api, input, idempotencyKey(req.headers, body, false));
      const o = await run(req, async (save) => {
        requireNamespace(api, canonicalName(input));
        let out!: Outcome;
        await execOk(deps, api, api.registrar!, domainCheck, { names: [input] }, {
          object: objectOf(input),
          also: async (x, result) => {
            const c = result.data!.results[0];
            let available = c.available;
            let reason = c.reason ?? null;
            const prot = await x.http.protectedName(c.name);
            if (prot && !prot.decidedAt) {
              available = false;
              reason = `Protected record (${prot.reason}): not available until an operator records a recovery decision`;
            }
            out = { status: 200, body: { domain: c.name, available, reason, protected: !!(prot && !prot.decidedAt), request_id: api.requestId } };
            await save(x, out);
          },
        });
        return out;
      });
      return ctx.send(reply, o);
    },
  );

  // ---------------------------------------------------------------- create
  app.post(
    '/domains',
    { schema: { body: S.createBody }, config: { command: 'create_domain', scope: 'create', form: '"domain", or "label" and "tld"' } },
    async (req, reply) => {
      const api = req.api;
      const body = req.body as Body & { domain?: string; label?: string; tld?: string; years?: number; auth_code?: string; fee?: string };
      const input = nameFromBody(body);
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, async (save) => {
        const name = canonicalName(input);
        requireNamespace(api, name);
        // The API has no contact fields and no signed marks: a TLD whose data model needs a registrant
        // (maximum), or one in its sunrise phase, is not creatable here (GET /status says so per namespace),
        // refused before any command runs instead of an EPP 2003/2306.
        const tld = await deps.store.transaction((x) => x.tlds.get(name.slice(name.indexOf('.') + 1)));
        const why = tld && notCreatableOverHttp(tld, deps.clock.now());
        if (why) throw new ApiError(422, 'namespace_not_creatable', why, 'domain');
        const prot = await deps.store.transaction((x) => x.http.protectedName(name));
        if (prot && !prot.decidedAt) {
          // Refused before any command runs; audited all the same, so that GET /poll shows the attempt.
          api.eppCode = 2306;
          await auditOwn(deps, api, api.registrar!.id, 'http:create_domain', name, 2306, 'protected name');
          throw new ApiError(409, 'name_protected', `${name} is a protected record (${prot.reason}): not available until an operator records a recovery decision`, 'domain', 2306);
        }
        let out!: Outcome;
        // RFC 9154: without an auth_code the domain has none set (POST /domains/{domain}/auth-code makes one).
        // `fee`: the agreed price in the TLD's currency, as <fee:create> (a premium name needs it).
        const create = { name: input, period: years(body.years), contacts: [], authInfo: { pw: body.auth_code ?? '' }, ...(body.fee !== undefined && { fee: { fees: [body.fee] } }) };
        await execOk(deps, api, api.registrar!, domainCreate, create, {
          object: objectOf(input),
          also: async (x, result, done) => {
            const created = result.data!;
            const meta = { email: body.registrant_email as string | null | undefined, externalId: body.registrant_external_id as string | null | undefined };
            const facts = await x.http.domainFacts(created.name);
            if (facts && (meta.email !== undefined || meta.externalId !== undefined)) await x.http.setRegistrant(facts.id, meta, deps.clock.now());
            const registrant = facts ? await x.http.registrant(facts.id) : undefined;
            out = {
              status: 201,
              body: {
                domain: created.name,
                status: 'registered',
                created_at: eppIso(created.createdAt),
                expires_at: eppIso(created.expiresAt),
                years: body.years ?? null,
                registrant: { email: registrant?.email ?? null, external_id: registrant?.externalId ?? null },
                registry: registryOf(done),
                request_id: api.requestId,
              },
            };
            await save(x, out);
          },
        });
        return out;
      });
      return ctx.send(reply, o);
    },
  );

  // ---------------------------------------------------------------- info
  app.get('/domains/:domain', { schema: { params: S.domainParams }, config: { command: 'info_domain', scope: 'info' } }, async (req, reply) => {
    const api = req.api;
    const input = (req.params as DomainParams).domain;
    describe(api, input, undefined);
    requireNamespace(api, canonicalName(input));
    let body: Record<string, unknown> | undefined;
    await execOk(deps, api, api.registrar!, domainInfo, { name: input, hosts: 'all' }, {
      object: objectOf(input),
      also: async (x, result, done) => {
        const inf = result.data!;
        const dom = inf.domain;
        if (dom.sponsorClId !== api.registrar!.clId) return;
        const [registrant, sandbox, ns, intents, deletion, tld] = [
          await x.http.registrant(dom.id),
          await x.http.isSandbox(dom.id),
          await x.http.nameserverSet(dom.id),
          await x.http.transferIntents(dom.id),
          await x.lifecycle.deletion(dom.id),
          await x.tlds.get(dom.tld),
        ];
        const delegated = [...inf.nameservers.map((h) => h.name), ...inf.hostAttrs.map((h) => h.name)];
        body = {
          domain: dom.name,
          roid: dom.roid,
          namespace: { tld: dom.tld, sandbox: deps.config.http.sandboxTlds.includes(dom.tld), data_model: tld?.policy.dataModel ?? null },
          registration: {
            registrar: dom.sponsorClId,
            created_by: dom.creatorClId,
            created_at: eppIso(dom.createdAt),
            updated_at: eppIso(dom.updatedAt),
            expires_at: eppIso(dom.expiresAt),
            transferred_at: eppIso(dom.transferredAt),
          },
          registrant: { email: registrant?.email ?? null, external_id: registrant?.externalId ?? null },
          lifecycle: {
            state: lifecycleState(inf.statuses, inf.rgpStatuses),
            statuses: inf.statuses,
            rgp_statuses: inf.rgpStatuses,
            redemption_ends_at: iso(deletion?.redemptionEndsAt),
            purge_at: iso(deletion?.purgeAt),
          },
          nameservers: {
            delegated,
            desired: ns?.hosts ?? null,
            backend_apply_status: ns?.status ?? 'none',
            detail: ns?.detail ?? null,
            requested_at: iso(ns?.requestedAt),
            applied_at: iso(ns?.appliedAt),
          },
          transfer: {
            pending: inf.statuses.includes('pendingTransfer'),
            intents: intents.map((t) => ({ id: t.id, status: t.status, gaining_registrar: t.gaining, recorded_at: iso(t.createdAt), request_id: t.requestId })),
          },
          sandbox,
          backend: { registry: 'epp', sv_trid: done.svTRID },
          request_id: api.requestId,
        };
      },
    });
    // The public view of someone else's domain is not shown here: 404, as for a name that does not exist.
    if (!body) throw new ApiError(404, 'domain_not_found', 'Domain not found', 'domain');
    return reply.send(body);
  });

  // ---------------------------------------------------------------- renew
  app.post(
    '/domains/:domain/renew',
    { schema: { params: S.domainParams, body: S.renewBody }, config: { command: 'renew_domain', scope: 'renew' } },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      const body = (req.body ?? {}) as { years?: number; current_expiry?: string; fee?: string };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, async (save) => {
        requireNamespace(api, canonicalName(input));
        const facts = await deps.store.transaction((x) => x.http.domainFacts(canonicalName(input)));
        // The expiry being renewed, as EPP's curExpDate: a renew can never apply twice by accident.
        const cur = body.current_expiry ?? (facts ? utcDate(facts.expiresAt) : '1970-01-01');
        let out!: Outcome;
        const renew = { name: input, curExpDate: cur, period: years(body.years), ...(body.fee !== undefined && { fee: { fees: [body.fee] } }) };
        await execOk(deps, api, api.registrar!, domainRenew, renew, {
          object: objectOf(input),
          also: async (x, result, done) => {
            out = {
              status: 200,
              body: {
                domain: result.data!.name,
                previous_expires_at: facts ? eppIso(facts.expiresAt) : null,
                expires_at: eppIso(result.data!.expiresAt),
                years: body.years ?? null,
                registry: registryOf(done),
                request_id: api.requestId,
              },
            };
            await save(x, out);
          },
        });
        return out;
      });
      return ctx.send(reply, o);
    },
  );

  // ---------------------------------------------------------------- update (registrant metadata, client statuses)
  app.patch(
    '/domains/:domain',
    {
      schema: { params: S.domainParams, body: S.patchBody },
      config: { command: 'update_domain', scope: 'update', form: 'at least one of registrant_email, registrant_external_id, client_statuses, auth_code' },
    },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      const body = req.body as {
        registrant_email?: string | null;
        registrant_external_id?: string | null;
        client_statuses?: { add?: string[]; remove?: string[] };
        auth_code?: string | null;
      };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, async (save) => {
        requireNamespace(api, canonicalName(input));
        const add = body.client_statuses?.add ?? [];
        const rem = body.client_statuses?.remove ?? [];
        const name = canonicalName(input);
        const meta = { email: body.registrant_email, externalId: body.registrant_external_id };
        // Metadata changes go through domain:update too (with no EPP change when only metadata changes): the same
        // sponsorship and status rules (clientUpdateProhibited, pendingDelete...), upID/upDate and audit row; the
        // metadata is written in the update's transaction.
        const update = {
          name: input,
          add: { contacts: [], statuses: add.map((s) => ({ s })) },
          rem: { contacts: [], statuses: rem.map((s) => ({ s })) },
          // auth_code null: unset (<domain:null/>); a string: the registrar's own code (never echoed).
          chg: body.auth_code === undefined ? {} : { authInfo: body.auth_code === null ? null : { pw: body.auth_code } },
        };
        let out!: Outcome;
        await execOk(deps, api, api.registrar!, domainUpdate, update, {
          object: objectOf(input),
          also: async (x, _result, done) => {
            const facts = (await x.http.domainFacts(name))!;
            if (meta.email !== undefined || meta.externalId !== undefined) await x.http.setRegistrant(facts.id, meta, deps.clock.now());
            const registrant = await x.http.registrant(facts.id);
            out = {
              status: 200,
              body: {
                domain: name,
                registrant: { email: registrant?.email ?? null, external_id: registrant?.externalId ?? null },
                client_statuses: { added: add, removed: rem },
                ...(body.auth_code !== undefined && { auth_code: body.auth_code === null ? 'unset' : 'set' }),
                updated_at: iso(deps.clock.now()),
                registry: registryOf(done),
                request_id: api.requestId,
              },
            };
            await save(x, out);
          },
        });
        return out;
      });
      return ctx.send(reply, o);
    },
  );

  // ---------------------------------------------------------------- transfer
  app.post(
    '/domains/:domain/transfer',
    {
      schema: { params: S.domainParams, body: S.transferBody },
      config: { command: 'transfer_domain', scope: 'transfer', form: 'gaining_registrar (sponsor: outbound intent) or auth_code (gaining registrar: transfer request)' },
    },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      const body = req.body as { gaining_registrar?: GainingRegistrar; auth_code?: string; years?: number; reason?: string; fee?: string };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, (save) => {
        requireNamespace(api, canonicalName(input));
        // The fee is the gaining registrar's agreement: it goes with auth_code, never with an outbound intent.
        if (body.fee !== undefined && body.auth_code === undefined) throw new ApiError(400, 'invalid_request', 'fee is the gaining registrar\'s agreement to the transfer price: send it with auth_code', 'fee');
        return body.auth_code !== undefined ? transferIn(ctx, req, input, body, save) : transferOut(ctx, req, input, body, save);
      });
      return ctx.send(reply, o);
    },
  );

  // ---------------------------------------------------------------- auth code (RFC 9154)
  /**
   * The losing registrar's step of an RFC 9154 transfer: the registry makes a strong random auth code (128
   * bits), sets it with domain:update (its TTL is the TLD policy's authInfo.ttlDays) and answers it once:
   * it is kept only as a salted hash, so GET /domains/{domain} cannot show it, and no idempotency outcome
   * keeps it either. A retry makes a new code, and the one before stops working: the request takes no
   * idempotency key.
   */
  app.post(
    '/domains/:domain/auth-code',
    { schema: { params: S.domainParams, body: S.authCodeBody }, config: { command: 'set_auth_code', scope: 'update' } },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      if (idempotencyKey(req.headers, req.body ?? {}, false) !== undefined) {
        throw new ApiError(400, 'idempotency_not_supported', 'Each request sets a new auth code, kept only as a hash: there is nothing to replay; retry without an idempotency key', 'idempotency_key');
      }
      describe(api, input, undefined);
      requireNamespace(api, canonicalName(input));
      const code = newAuthCode();
      let body!: Record<string, unknown>;
      const update = { name: input, add: { contacts: [], statuses: [] }, rem: { contacts: [], statuses: [] }, chg: { authInfo: { pw: code } } };
      await execOk(deps, api, api.registrar!, domainUpdate, update, {
        object: objectOf(input),
        also: async (x, _result, done) => {
          const dom = (await x.domains.byName(canonicalName(input)))!;
          const ttlDays = (await x.tlds.get(dom.tld))?.policy.authInfo.ttlDays ?? 0;
          body = {
            domain: dom.name,
            auth_code: code,
            expires_at: iso(authInfoExpiresAt(dom, ttlDays)),
            registry: registryOf(done),
            request_id: api.requestId,
          };
        },
      });
      return reply.code(201).send(body);
    },
  );

  registerNameserverRoute(app, ctx, run);

  // ---------------------------------------------------------------- delete
  app.delete(
    '/domains/:domain',
    { schema: { params: S.domainParams, body: S.deleteBody }, config: { command: 'delete_domain', scope: 'delete' } },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      describe(api, input, idempotencyKey(req.headers, req.body, true));
      const o = await run(req, async (save) => {
        requireNamespace(api, canonicalName(input));
        const name = canonicalName(input);
        let out!: Outcome;
        await execOk(deps, api, api.registrar!, domainDelete, { name: input }, {
          object: objectOf(input),
          also: async (x, _result, done) => {
            const facts = await x.http.domainFacts(name);
            const deletion = facts ? await x.lifecycle.deletion(facts.id) : undefined;
            // In redemption (restorable) unless it was purged inside its add grace period.
            const body = deletion
              ? {
                  domain: name,
                  status: 'pending_delete',
                  lifecycle: { state: 'redemption', redemption_ends_at: iso(deletion.redemptionEndsAt), purge_at: iso(deletion.purgeAt), restorable: true },
                  hard_delete: false,
                }
              : { domain: name, status: 'deleted', lifecycle: { state: 'purged', restorable: false }, hard_delete: false, note: 'deleted within its add grace period: the create was refunded' };
            out = { status: done.code === 1001 ? 202 : 200, body: { ...body, registry: registryOf(done), request_id: api.requestId } };
            await save(x, out);
          },
        });
        return out;
      });
      return ctx.send(reply, o);
    },
  );
}

/** The period of a JSON `years`, as <domain:period unit="y"> would give it. */
function years(n: number | undefined): PeriodInput | undefined {
  return n === undefined ? undefined : { value: n, unit: 'y', text: String(n) };
}

/** The object a request names, for the audit row of a failed command (as the EPP door takes it). */
function objectOf(input: string): string {
  return input.trim().slice(0, 255);
}

/** The `registry` block of a response: the command that ran, its result code and svTRID. */
function registryOf(done: CommandDone): Record<string, unknown> {
  return { epp_command: done.command, result_code: done.code, sv_trid: done.svTRID };
}

function lifecycleState(statuses: string[], rgp: string[]): string {
  if (rgp.includes('pendingRestore')) return 'pending_restore';
  if (rgp.includes('redemptionPeriod')) return 'redemption';
  if (statuses.includes('pendingDelete')) return 'pending_delete';
  if (statuses.includes('pendingTransfer')) return 'pending_transfer';
  return 'active';
}

/** A gaining registrar asks for the domain with its auth code: EPP <domain:transfer op="request">. */
async function transferIn(
  ctx: RouteContext,
  req: FastifyRequest,
  input: string,
  body: { gaining_registrar?: GainingRegistrar; auth_code?: string; years?: number; fee?: string },
  save: SaveOutcome,
): Promise<Outcome> {
  const api = req.api;
  const me = api.registrar!;
  if (body.gaining_registrar?.id !== undefined && body.gaining_registrar.id !== me.clId) {
    throw new ApiError(422, 'gaining_registrar_mismatch', `With an auth_code the caller (${me.clId}) is the gaining registrar; gaining_registrar.id says ${body.gaining_registrar.id}`, 'gaining_registrar.id');
  }
  let out!: Outcome;
  // `fee`: the agreed transfer price in the TLD's currency, as <fee:transfer> (a premium name needs it).
  const request = { op: 'request' as const, name: input, period: years(body.years), authInfo: { pw: body.auth_code! }, ...(body.fee !== undefined && { fee: { fees: [body.fee] } }) };
  await execOk(ctx.deps, api, me, domainTransferRequest, request, {
    object: objectOf(input),
    also: async (x, result, done) => {
      out = { status: done.code === 1001 ? 202 : 200, body: { ...transferBody(result.data!.transfer, 'inbound'), registry: registryOf(done), request_id: api.requestId } };
      await save(x, out);
    },
  });
  return out;
}

/** What names the gaining registrar: this registry's clID, or metadata of a registrar that may be elsewhere. */
interface GainingRegistrar {
  id?: string;
  name?: string;
  external_id?: string;
  channel_id?: string;
  contact_email?: string;
}

/**
 * The sponsor records its intent to let the domain go to a gaining registrar (the OT&E checklist's step 7,
 * "with gaining registrar metadata"). The gaining registrar is named by what the sponsor knows of it: this
 * registry's registrar id (`id`), or metadata — name, external id, contact e-mail — of a registrar that need
 * not be one of this registry's (at least one of id, name, external_id, contact_email: 400 otherwise).
 * The domain is read with domain:info (404 unless the caller sponsors it); the transfer rules of EPP then
 * decide: a domain with a status that refuses transfers (clientTransferProhibited, serverTransferProhibited,
 * pendingDelete) or still inside its transfer lock cannot be promised away (409).
 * Only a known gaining registrar turns the intent into an EPP command: when `id` is a registrar of this
 * registry with a pending EPP transfer request for the domain, the intent is its approval (<domain:transfer
 * op="approve">, 200), recorded in the approval's transaction. A pending request of another registrar is
 * 409. Otherwise the intent is recorded (202, backend_apply_status "pending") in one transaction with its
 * audit row (a transfer_domain row of GET /poll, with the intent) and the outcome a retry with the same key
 * replays; the transfer itself happens when the gaining registrar requests it with the auth code (EPP, or
 * this endpoint with auth_code), under the same rules.
 */
async function transferOut(ctx: RouteContext, req: FastifyRequest, input: string, body: { gaining_registrar?: GainingRegistrar; reason?: string }, save: SaveOutcome): Promise<Outcome> {
  const { deps } = ctx;
  const api = req.api;
  const me = api.registrar!;
  const gaining = body.gaining_registrar!;
  if (gaining.id === undefined && gaining.name === undefined && gaining.external_id === undefined && gaining.contact_email === undefined) {
    throw new ApiError(400, 'invalid_request', 'gaining_registrar must name the gaining registrar: at least one of id, name, external_id, contact_email', 'gaining_registrar');
  }
  const info = await execOk(deps, api, me, domainInfo, { name: input, hosts: 'none' }, { object: objectOf(input) });
  const dom = info.data.domain;
  if (dom.sponsorClId !== me.clId) throw new ApiError(404, 'domain_not_found', 'Domain not found', 'domain');
  const name = dom.name;
  if (gaining.id === me.clId) throw new ApiError(422, 'gaining_registrar_mismatch', `${me.clId} already sponsors ${name}`, 'gaining_registrar.id', 2106);

  const state = await deps.store.transaction(async (x) => {
    const td = (await x.transfers.domainByName(name))!;
    const tld = (await x.tlds.get(td.tld))!;
    const latest = await x.transfers.latest(td.id);
    const known = gaining.id !== undefined ? await x.registrars.byClId(gaining.id) : undefined;
    return { td, known, lockEnds: transferLockEnds(td, tld.policy), pending: latest?.status === 'pending' ? latest : undefined };
  });
  if (state.pending) {
    if (!state.known || state.pending.requesterClId !== state.known.clId) {
      throw new ApiError(409, 'transfer_already_pending', `A transfer of ${name} to ${state.pending.requesterClId} is pending`, 'domain', 2300);
    }
    let out!: Outcome;
    await execOk(deps, api, me, domainTransferApprove, { op: 'approve', name }, {
      object: name,
      also: async (x, result, done) => {
        await x.http.addTransferIntent({ domainId: state.td.id, name, registrarId: me.id, gaining: { ...gaining }, status: 'approved', requestId: api.requestId, createdAt: deps.clock.now() });
        out = {
          status: 200,
          body: { ...transferBody(result.data!.transfer, 'outbound'), gaining_registrar: gaining, backend_apply_status: 'applied', registry: registryOf(done), request_id: api.requestId },
        };
        await save(x, out);
      },
    });
    return out;
  }
  const blocker = state.td.statuses.find((s) => TRANSFER_BLOCKERS.includes(s));
  if (blocker) throw new ApiError(409, 'status_prohibits_operation', `Domain ${name} has status ${blocker}: it cannot be transferred`, 'domain', 2304);
  if (deps.clock.now() < state.lockEnds) {
    throw new ApiError(409, 'not_eligible_for_transfer', `Domain ${name} cannot be transferred before ${state.lockEnds.toISOString()}`, 'domain', 2106);
  }
  const now = deps.clock.now();
  const known = state.known !== undefined;
  const who = gaining.id ?? gaining.name ?? gaining.external_id ?? gaining.contact_email!;
  api.eppCode = 1001;
  let out!: Outcome;
  await deps.store.transaction(async (x) => {
    const id = await x.http.addTransferIntent({
      domainId: state.td.id,
      name,
      registrarId: me.id,
      gaining: { ...gaining, ...(body.reason !== undefined ? { reason: body.reason } : {}) },
      status: 'recorded',
      requestId: api.requestId,
      createdAt: now,
    });
    await auditOwnIn(x, deps, api, me.id, TRANSFER_INTENT_COMMAND, name, 1001, `outbound transfer intent to ${who}${known ? '' : ' (not a registrar of this registry)'}`);
    out = {
      status: 202,
      body: {
        domain: name,
        transfer: {
          direction: 'outbound',
          status: 'intent_recorded',
          intent_id: id,
          gaining_registrar: gaining,
          gaining_registrar_known: known,
          recorded_at: iso(now),
          next_step: known
            ? `${gaining.id} requests the transfer with the domain auth code (EPP <domain:transfer op="request"> or POST /domains/{domain}/transfer with auth_code); this endpoint naming it then approves that request`
            : 'the gaining registrar requests the transfer with the domain auth code (EPP <domain:transfer op="request"> or POST /domains/{domain}/transfer with auth_code)',
        },
        backend_apply_status: 'pending',
        request_id: api.requestId,
      },
    };
    await save(x, out);
  });
  return out;
}

function transferBody(t: Transfer, direction: 'inbound' | 'outbound'): Record<string, unknown> {
  return {
    domain: t.domainName,
    transfer: {
      direction,
      status: t.status,
      requested_by: t.requesterClId,
      requested_at: eppIso(t.requestedAt),
      losing_registrar: t.losingClId,
      action_date: eppIso(t.actionAt),
      expires_at_after: eppIso(t.newExpiresAt),
    },
    backend_apply_status: t.status === 'pending' ? 'pending' : 'applied',
  };
}
