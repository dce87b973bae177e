import type { FastifyInstance, FastifyRequest } from 'fastify';
import { eppDateTime } from '../../protocol/response.js';
import type { Out } from '../../protocol/xml-node.js';
import { utcDate } from '../../registry/periods.js';
import { TRANSFER_BLOCKERS, transferLockEnds } from '../../registry/transfers.js';
import { authInfo, d, find, outChild, outChildren, outText } from '../epp-tree.js';
import { ApiError, auditOwn, eppFailure, exec, execOk } from '../gateway.js';
import { idempotencyKey, idempotent, type Outcome } from '../idempotency.js';
import * as S from '../schemas.js';
import type { RouteContext } from '../server.js';
import { canonicalName, describe, iso, nameFromBody, newAuthCode, requireNamespace } from './common.js';
import { registerNameserverRoute } from './nameservers.js';

/**
 * The domain endpoints. Each one is the EPP command of the same name run through the gateway (see
 * gateway.ts): the handlers decide; this module only translates JSON ↔ command trees and result codes.
 *
 *   POST   /domains/check               domain:check           (+ protected-name reason)
 *   POST   /domains                     domain:create          (+ registrant metadata, kept by the API)
 *   GET    /domains/{domain}            domain:info            (another registrar's domain: 404)
 *   POST   /domains/{domain}/renew      domain:renew           (curExpDate: the current expiry unless given)
 *   PATCH  /domains/{domain}            domain:update          (client statuses; + registrant metadata)
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
  const run = (req: FastifyRequest, work: () => Promise<Outcome>) => idempotent(deps, locks, req.api, routeKey(req), work);

  // ---------------------------------------------------------------- check
  app.post(
    '/domains/check',
    { schema: { body: S.checkBody }, config: { command: 'check_domain', scope: 'check', form: '"domain", or "label" and "tld"' } },
    async (req, reply) => {
      const api = req.api;
      const body = req.body as { domain?: string; label?: string; tld?: string };
      const input = nameFromBody(body);
      describe(api, input, idempotencyKey(req.headers, body, false));
      const o = await run(req, async () => {
        requireNamespace(api, canonicalName(input));
        const r = await execOk(deps, api, api.registrar!, 'check', d('check', [d('name', input)]));
        const cd = outChild(find(r.resData, 'domain:chkData'), 'domain:cd');
        const nameEl = outChild(cd, 'domain:name');
        const name = String(nameEl?.text ?? canonicalName(input));
        let available = String(nameEl?.attrs?.avail) === '1' || String(nameEl?.attrs?.avail) === 'true';
        let reason = outText(cd, 'domain:reason') ?? null;
        const prot = await deps.store.transaction((x) => x.http.protectedName(name));
        if (prot && !prot.decidedAt) {
          available = false;
          reason = `Protected record (${prot.reason}): not available until an operator records a recovery decision`;
        }
        return { status: 200, body: { domain: name, available, reason, protected: !!(prot && !prot.decidedAt), request_id: api.requestId } };
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
      const body = req.body as Body & { domain?: string; label?: string; tld?: string; years?: number; auth_code?: string };
      const input = nameFromBody(body);
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, async () => {
        const name = canonicalName(input);
        requireNamespace(api, name);
        const prot = await deps.store.transaction((x) => x.http.protectedName(name));
        if (prot && !prot.decidedAt) {
          // Refused before any command runs; audited all the same, so that GET /poll shows the attempt.
          api.eppCode = 2306;
          await auditOwn(deps, api, api.registrar!.id, 'http:create_domain', name, 2306, 'protected name');
          throw new ApiError(409, 'name_protected', `${name} is a protected record (${prot.reason}): not available until an operator records a recovery decision`, 'domain', 2306);
        }
        const object = d('create', [
          d('name', input),
          body.years !== undefined && d('period', String(body.years), { unit: 'y' }),
          authInfo(body.auth_code ?? newAuthCode()),
        ]);
        const r = await execOk(deps, api, api.registrar!, 'create', object);
        const cre = find(r.resData, 'domain:creData');
        const created = outText(cre, 'domain:name') ?? name;
        const meta = { email: body.registrant_email as string | null | undefined, externalId: body.registrant_external_id as string | null | undefined };
        const registrant = await deps.store.transaction(async (x) => {
          const facts = await x.http.domainFacts(created);
          if (facts && (meta.email !== undefined || meta.externalId !== undefined)) await x.http.setRegistrant(facts.id, meta, deps.clock.now());
          return facts ? await x.http.registrant(facts.id) : undefined;
        });
        return {
          status: 201,
          body: {
            domain: created,
            status: 'registered',
            created_at: iso(outText(cre, 'domain:crDate')),
            expires_at: iso(outText(cre, 'domain:exDate')),
            years: body.years ?? null,
            registrant: { email: registrant?.email ?? null, external_id: registrant?.externalId ?? null },
            registry: { epp_command: r.command, result_code: r.code, sv_trid: r.svTRID },
            request_id: api.requestId,
          },
        };
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
    const r = await execOk(deps, api, api.registrar!, 'info', d('info', [d('name', input, { hosts: 'all' })]));
    const inf = find(r.resData, 'domain:infData');
    // The public view of someone else's domain is not shown here: 404, as for a name that does not exist.
    if (outText(inf, 'domain:clID') !== api.registrar!.clId) throw new ApiError(404, 'domain_not_found', 'Domain not found', 'domain');
    const name = outText(inf, 'domain:name')!;
    const statuses = outChildren(inf, 'domain:status').map((s) => String(s.attrs?.s));
    const rgp = outChildren(find(r.extension, 'rgp:infData'), 'rgp:rgpStatus').map((s) => String(s.attrs?.s));
    const delegated = outChildren(outChild(inf, 'domain:ns'), 'domain:hostObj').map((h) => String(h.text));
    for (const a of outChildren(outChild(inf, 'domain:ns'), 'domain:hostAttr')) delegated.push(outText(a, 'domain:hostName') ?? '');
    const extra = await deps.store.transaction(async (x) => {
      const facts = (await x.http.domainFacts(name))!;
      return {
        facts,
        registrant: await x.http.registrant(facts.id),
        sandbox: await x.http.isSandbox(facts.id),
        ns: await x.http.nameserverSet(facts.id),
        intents: await x.http.transferIntents(facts.id),
        deletion: await x.lifecycle.deletion(facts.id),
        tld: await x.tlds.get(facts.tld),
      };
    });
    const pw = outText(outChild(inf, 'domain:authInfo'), 'domain:pw');
    return reply.send({
      domain: name,
      roid: outText(inf, 'domain:roid'),
      namespace: { tld: extra.facts.tld, sandbox: deps.config.http.sandboxTlds.includes(extra.facts.tld), data_model: extra.tld?.policy.dataModel ?? null },
      registration: {
        registrar: outText(inf, 'domain:clID'),
        created_by: outText(inf, 'domain:crID') ?? null,
        created_at: iso(outText(inf, 'domain:crDate')),
        updated_at: iso(outText(inf, 'domain:upDate')),
        expires_at: iso(outText(inf, 'domain:exDate')),
        transferred_at: iso(outText(inf, 'domain:trDate')),
        auth_code: pw ?? null,
      },
      registrant: { email: extra.registrant?.email ?? null, external_id: extra.registrant?.externalId ?? null },
      lifecycle: {
        state: lifecycleState(statuses, rgp),
        statuses,
        rgp_statuses: rgp,
        redemption_ends_at: iso(extra.deletion?.redemptionEndsAt),
        purge_at: iso(extra.deletion?.purgeAt),
      },
      nameservers: {
        delegated,
        desired: extra.ns?.hosts ?? null,
        backend_apply_status: extra.ns?.status ?? 'none',
        detail: extra.ns?.detail ?? null,
        requested_at: iso(extra.ns?.requestedAt),
        applied_at: iso(extra.ns?.appliedAt),
      },
      transfer: {
        pending: statuses.includes('pendingTransfer'),
        intents: extra.intents.map((t) => ({ id: t.id, status: t.status, gaining_registrar: t.gaining, recorded_at: iso(t.createdAt), request_id: t.requestId })),
      },
      sandbox: extra.sandbox,
      backend: { registry: 'epp', sv_trid: r.svTRID },
      request_id: api.requestId,
    });
  });

  // ---------------------------------------------------------------- renew
  app.post(
    '/domains/:domain/renew',
    { schema: { params: S.domainParams, body: S.renewBody }, config: { command: 'renew_domain', scope: 'renew' } },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      const body = (req.body ?? {}) as { years?: number; current_expiry?: string };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, async () => {
        requireNamespace(api, canonicalName(input));
        const facts = await deps.store.transaction((x) => x.http.domainFacts(canonicalName(input)));
        // The expiry being renewed, as EPP's curExpDate: a renew can never apply twice by accident.
        const cur = body.current_expiry ?? (facts ? utcDate(facts.expiresAt) : '1970-01-01');
        const object = d('renew', [d('name', input), d('curExpDate', cur), body.years !== undefined && d('period', String(body.years), { unit: 'y' })]);
        const r = await execOk(deps, api, api.registrar!, 'renew', object);
        const ren = find(r.resData, 'domain:renData');
        return {
          status: 200,
          body: {
            domain: outText(ren, 'domain:name'),
            previous_expires_at: facts ? iso(eppDateTime(facts.expiresAt)) : null,
            expires_at: iso(outText(ren, 'domain:exDate')),
            years: body.years ?? null,
            registry: { epp_command: r.command, result_code: r.code, sv_trid: r.svTRID },
            request_id: api.requestId,
          },
        };
      });
      return ctx.send(reply, o);
    },
  );

  // ---------------------------------------------------------------- update (registrant metadata, client statuses)
  app.patch(
    '/domains/:domain',
    {
      schema: { params: S.domainParams, body: S.patchBody },
      config: { command: 'update_domain', scope: 'update', form: 'at least one of registrant_email, registrant_external_id, client_statuses' },
    },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as DomainParams).domain;
      const body = req.body as { registrant_email?: string | null; registrant_external_id?: string | null; client_statuses?: { add?: string[]; remove?: string[] } };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, async () => {
        requireNamespace(api, canonicalName(input));
        const add = body.client_statuses?.add ?? [];
        const rem = body.client_statuses?.remove ?? [];
        // Metadata changes go through domain:update too (with no EPP change when only metadata changes): the same
        // sponsorship and status rules (clientUpdateProhibited, pendingDelete...), upID/upDate and audit row.
        const object = d('update', [
          d('name', input),
          add.length > 0 && d('add', add.map((s) => d('status', '', { s }))),
          rem.length > 0 && d('rem', rem.map((s) => d('status', '', { s }))),
        ]);
        const r = await execOk(deps, api, api.registrar!, 'update', object);
        const name = canonicalName(input);
        const meta = { email: body.registrant_email, externalId: body.registrant_external_id };
        const registrant = await deps.store.transaction(async (x) => {
          const facts = (await x.http.domainFacts(name))!;
          if (meta.email !== undefined || meta.externalId !== undefined) await x.http.setRegistrant(facts.id, meta, deps.clock.now());
          return x.http.registrant(facts.id);
        });
        return {
          status: 200,
          body: {
            domain: name,
            registrant: { email: registrant?.email ?? null, external_id: registrant?.externalId ?? null },
            client_statuses: { added: add, removed: rem },
            updated_at: iso(deps.clock.now()),
            registry: { epp_command: r.command, result_code: r.code, sv_trid: r.svTRID },
            request_id: api.requestId,
          },
        };
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
      const body = req.body as { gaining_registrar?: Record<string, string>; auth_code?: string; years?: number; reason?: string };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const o = await run(req, () => {
        requireNamespace(api, canonicalName(input));
        return body.auth_code !== undefined ? transferIn(ctx, req, input, body) : transferOut(ctx, req, input, body);
      });
      return ctx.send(reply, o);
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
      const o = await run(req, async () => {
        requireNamespace(api, canonicalName(input));
        const r = await execOk(deps, api, api.registrar!, 'delete', d('delete', [d('name', input)]));
        const name = canonicalName(input);
        const after = await deps.store.transaction(async (x) => {
          const facts = await x.http.domainFacts(name);
          return facts ? { deletion: await x.lifecycle.deletion(facts.id) } : undefined;
        });
        // In redemption (restorable) unless it was purged inside its add grace period.
        const body = after?.deletion
          ? {
              domain: name,
              status: 'pending_delete',
              lifecycle: { state: 'redemption', redemption_ends_at: iso(after.deletion.redemptionEndsAt), purge_at: iso(after.deletion.purgeAt), restorable: true },
              hard_delete: false,
            }
          : { domain: name, status: 'deleted', lifecycle: { state: 'purged', restorable: false }, hard_delete: false, note: 'deleted within its add grace period: the create was refunded' };
        return {
          status: r.code === 1001 ? 202 : 200,
          body: { ...body, registry: { epp_command: r.command, result_code: r.code, sv_trid: r.svTRID }, request_id: api.requestId },
        };
      });
      return ctx.send(reply, o);
    },
  );
}

function lifecycleState(statuses: string[], rgp: string[]): string {
  if (rgp.includes('pendingRestore')) return 'pending_restore';
  if (rgp.includes('redemptionPeriod')) return 'redemption';
  if (statuses.includes('pendingDelete')) return 'pending_delete';
  if (statuses.includes('pendingTransfer')) return 'pending_transfer';
  return 'active';
}

/** A gaining registrar asks for the domain with its auth code: EPP <domain:transfer op="request">. */
async function transferIn(ctx: RouteContext, req: FastifyRequest, input: string, body: { gaining_registrar?: Record<string, string>; auth_code?: string; years?: number }): Promise<Outcome> {
  const api = req.api;
  const me = api.registrar!;
  if (body.gaining_registrar && body.gaining_registrar.id !== me.clId) {
    throw new ApiError(422, 'gaining_registrar_mismatch', `With an auth_code the caller (${me.clId}) is the gaining registrar; gaining_registrar.id says ${body.gaining_registrar.id}`, 'gaining_registrar.id');
  }
  const object = d('transfer', [d('name', input), body.years !== undefined && d('period', String(body.years), { unit: 'y' }), authInfo(body.auth_code!)]);
  const r = await exec(ctx.deps, api, me, 'transfer', object, 'request');
  if (r.code >= 2000) throw eppFailure(r);
  return { status: r.code === 1001 ? 202 : 200, body: { ...transferBody(r.resData, 'inbound'), registry: { epp_command: r.command, result_code: r.code, sv_trid: r.svTRID }, request_id: api.requestId } };
}

/**
 * The sponsor records its intent to let the domain go to a gaining registrar (the OT&E checklist's step 7).
 * The domain is read with domain:info (404 unless the caller sponsors it); the transfer rules of EPP then
 * decide: a domain with a status that refuses transfers (clientTransferProhibited, serverTransferProhibited,
 * pendingDelete) or still inside its transfer lock cannot be promised away (409). When the named gaining
 * registrar already has a pending EPP transfer request for the domain, the intent is its approval: it runs
 * as <domain:transfer op="approve"> (200). Otherwise the intent is recorded (202, backend_apply_status
 * "pending"): the transfer itself happens when the gaining registrar requests it with the auth code (EPP, or
 * this endpoint with auth_code), under the same rules.
 */
async function transferOut(ctx: RouteContext, req: FastifyRequest, input: string, body: { gaining_registrar?: Record<string, string>; reason?: string }): Promise<Outcome> {
  const { deps } = ctx;
  const api = req.api;
  const me = api.registrar!;
  const gaining = body.gaining_registrar!;
  const info = await execOk(deps, api, me, 'info', d('info', [d('name', input, { hosts: 'none' })]));
  const inf = find(info.resData, 'domain:infData');
  if (outText(inf, 'domain:clID') !== me.clId) throw new ApiError(404, 'domain_not_found', 'Domain not found', 'domain');
  const name = outText(inf, 'domain:name')!;
  if (gaining.id === me.clId) throw new ApiError(422, 'gaining_registrar_mismatch', `${me.clId} already sponsors ${name}`, 'gaining_registrar.id', 2106);

  const state = await deps.store.transaction(async (x) => {
    const td = (await x.transfers.domainByName(name))!;
    const tld = (await x.tlds.get(td.tld))!;
    const latest = await x.transfers.latest(td.id);
    return { td, lockEnds: transferLockEnds(td, tld.policy), pending: latest?.status === 'pending' ? latest : undefined };
  });
  if (state.pending) {
    if (state.pending.requesterClId !== gaining.id) {
      throw new ApiError(409, 'transfer_already_pending', `A transfer of ${name} to ${state.pending.requesterClId} is pending`, 'domain', 2300);
    }
    const r = await exec(deps, api, me, 'transfer', d('transfer', [d('name', name)]), 'approve');
    if (r.code >= 2000) throw eppFailure(r);
    await deps.store.transaction((x) =>
      x.http.addTransferIntent({ domainId: state.td.id, name, registrarId: me.id, gaining, status: 'approved', requestId: api.requestId, createdAt: deps.clock.now() }),
    );
    return { status: 200, body: { ...transferBody(r.resData, 'outbound'), gaining_registrar: gaining, backend_apply_status: 'applied', registry: { epp_command: r.command, result_code: r.code, sv_trid: r.svTRID }, request_id: api.requestId } };
  }
  const blocker = state.td.statuses.find((s) => TRANSFER_BLOCKERS.includes(s));
  if (blocker) throw new ApiError(409, 'status_prohibits_operation', `Domain ${name} has status ${blocker}: it cannot be transferred`, 'domain', 2304);
  if (deps.clock.now() < state.lockEnds) {
    throw new ApiError(409, 'not_eligible_for_transfer', `Domain ${name} cannot be transferred before ${state.lockEnds.toISOString()}`, 'domain', 2106);
  }
  const now = deps.clock.now();
  const id = await deps.store.transaction((x) =>
    x.http.addTransferIntent({ domainId: state.td.id, name, registrarId: me.id, gaining: { ...gaining, reason: body.reason }, status: 'recorded', requestId: api.requestId, createdAt: now }),
  );
  api.eppCode = 1001;
  await auditOwn(deps, api, me.id, 'http:transfer-intent', name, 1001, `outbound transfer intent to ${gaining.id}`);
  return {
    status: 202,
    body: {
      domain: name,
      transfer: {
        direction: 'outbound',
        status: 'intent_recorded',
        intent_id: id,
        gaining_registrar: gaining,
        recorded_at: iso(now),
        next_step: 'the gaining registrar requests the transfer with the domain auth code (EPP <domain:transfer op="request"> or POST /domains/{domain}/transfer with auth_code)',
      },
      backend_apply_status: 'pending',
      request_id: api.requestId,
    },
  };
}

function transferBody(resData: Out[] | undefined, direction: 'inbound' | 'outbound'): Record<string, unknown> {
  const t = find(resData, 'domain:trnData');
  const status = outText(t, 'domain:trStatus');
  return {
    domain: outText(t, 'domain:name'),
    transfer: {
      direction,
      status,
      requested_by: outText(t, 'domain:reID'),
      requested_at: iso(outText(t, 'domain:reDate')),
      losing_registrar: outText(t, 'domain:acID'),
      action_date: iso(outText(t, 'domain:acDate')),
      expires_at_after: iso(outText(t, 'domain:exDate')),
    },
    backend_apply_status: status === 'pending' ? 'pending' : 'applied',
  };
}
