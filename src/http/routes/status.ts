import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../server.js';
import { BASE_PATH } from '../gateway.js';
import { SCOPES } from '../tokens.js';
import { phaseAt } from '../../registry/launch-phases.js';
import { API_COMMANDS, iso, notCreatableOverHttp } from './common.js';

/** The commands of the API: method, path, scope, and the EPP command each one runs. */
export const COMMANDS: Array<{ command: string; method: string; path: string; scope: string; idempotency: 'required' | 'optional' | 'none' }> = [
  { command: 'status', method: 'GET', path: '/status', scope: 'status', idempotency: 'none' },
  { command: 'sandbox_reset', method: 'POST', path: '/sandbox/reset', scope: 'sandbox', idempotency: 'required' },
  { command: 'check_domain', method: 'POST', path: '/domains/check', scope: 'check', idempotency: 'optional' },
  { command: 'create_domain', method: 'POST', path: '/domains', scope: 'create', idempotency: 'required' },
  { command: 'info_domain', method: 'GET', path: '/domains/{domain}', scope: 'info', idempotency: 'none' },
  { command: 'renew_domain', method: 'POST', path: '/domains/{domain}/renew', scope: 'renew', idempotency: 'required' },
  { command: 'update_domain', method: 'PATCH', path: '/domains/{domain}', scope: 'update', idempotency: 'required' },
  { command: 'set_auth_code', method: 'POST', path: '/domains/{domain}/auth-code', scope: 'update', idempotency: 'none' },
  { command: 'transfer_domain', method: 'POST', path: '/domains/{domain}/transfer', scope: 'transfer', idempotency: 'required' },
  { command: 'set_nameservers', method: 'PUT', path: '/domains/{domain}/nameservers', scope: 'nameservers', idempotency: 'required' },
  { command: 'delete_domain', method: 'DELETE', path: '/domains/{domain}', scope: 'delete', idempotency: 'required' },
  { command: 'poll', method: 'GET', path: '/poll', scope: 'poll', idempotency: 'none' },
];

/**
 * GET /status: what a registrar archives before a certification run: its channel and approval state, the
 * approved namespaces, production state, the token's scopes and what they allow, the rate-limit state, and
 * the registry service contract. Production access is granted outside this registry (commercial approval,
 * namespace-owner approval, launch signoff): a channel is OT&E-approved when the operator issues its token.
 */
export function registerStatusRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { deps } = ctx;
  app.get('/status', { config: { command: 'status', scope: 'status' } }, async (req) => {
    const api = req.api;
    const reg = api.registrar!;
    const channel = api.channel!;
    const cfg = deps.config.http;
    const epp = deps.epp();
    const { balance, tlds } = await deps.store.transaction(async (x) => ({ balance: await x.billing.balance(reg.id), tlds: await x.tlds.list() }));
    const approved = channel.tlds ?? tlds.map((t) => t.name);
    const scopes = api.token!.scopes;
    return {
      registrar: { id: reg.clId, name: reg.name, status: reg.status, balance },
      channel: {
        id: channel.id,
        approval_state: 'approved_for_ote',
        approved_at: iso(channel.createdAt),
        production_state: channel.productionApproved ? 'approved' : 'not_approved',
        production_note: 'Passing OT&E proves command compatibility only; production access needs commercial approval, namespace-owner approval, support readiness, a rate-limit agreement and launch signoff.',
      },
      namespaces: tlds
        .filter((t) => approved.includes(t.name))
        .map((t) => ({
          tld: t.name,
          approved: true,
          sandbox: cfg.sandboxTlds.includes(t.name),
          data_model: t.policy.dataModel,
          // The API sends no contacts nor signed marks: only a TLD that needs none (minimum data model, not in
          // sunrise) takes creates here.
          create_available: notCreatableOverHttp(t, deps.clock.now()) === undefined,
          launch_phase: phaseAt(t.policy.launch, deps.clock.now()).main,
          claims_period: phaseAt(t.policy.launch, deps.clock.now()).claims !== undefined,
          periods: t.policy.period,
          host_model: t.policy.hostModel,
          prices: t.policy.prices,
        })),
      token: { id: api.token!.id, prefix: api.token!.prefix, label: api.token!.label, scopes, created_at: iso(api.token!.createdAt) },
      capabilities: Object.fromEntries(COMMANDS.map((c) => [c.command, scopes.includes(c.scope)])),
      rate_limits: {
        window_seconds: cfg.rateLimit.windowSeconds,
        per_token: cfg.rateLimit.perToken,
        per_registrar: cfg.rateLimit.perRegistrar,
        current: api.rate ?? null,
        headers: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After (on 429)'],
        exceeded_error: 'registrar_rate_limit_exceeded',
      },
      idempotency: { header: 'Idempotency-Key', body_field: 'idempotency_key', retention_hours: cfg.idempotencyRetentionHours, replay_header: 'Idempotent-Replayed', conflict_error: 'duplicate_idempotency_key_conflict', in_use_error: 'idempotency_key_in_use' },
      registry_service: {
        service: deps.config.epp.svID,
        api: { version: 'v1', base_path: BASE_PATH },
        epp: { version: '1.0', host: epp.host, port: epp.port, objects: ['domain', 'contact', 'host'], extensions: epp.extensions },
        commands: COMMANDS.map((c) => ({ ...c, epp_commands: API_COMMANDS[c.command], available: scopes.includes(c.scope) })),
        scopes: SCOPES,
        error_format: { error: { code: 'string', message: 'string', field: 'string|null', epp_code: 'number|null' } },
      },
      audit_provenance: { registrar_channel_id: channel.id, registrar: reg.clId, source: 'http', request_id: api.requestId },
      server_time: iso(deps.clock.now()),
      request_id: api.requestId,
    };
  });
}
