import type { FastifyInstance } from 'fastify';
import type { PollRow } from '../../storage/http-repo.js';
import * as S from '../schemas.js';
import type { RouteContext } from '../server.js';
import { API_COMMANDS, apiCommandOfEpp, canonicalName, iso } from './common.js';

/**
 * GET /poll: the registrar's audit rows, newest first, from both doors: each with its audit row id, the
 * request id (HTTP) or clTRID (EPP), the command (API name, plus the EPP command that ran), the status
 * (success: result code below 2000), the domain, the idempotency key, timestamps and registrar.channel_id
 * (the API channel of HTTP rows; null for EPP rows). A transfer_domain row that recorded an outbound
 * transfer intent (or approved a request through one), and its replays, carry `transfer`: the intent's id,
 * status and gaining registrar as the sponsor named it; other rows carry null. Filters: idempotency_key, request_id, command (API or
 * EPP name), status, domain; before_id and limit page backwards.
 */
export function registerPollRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { deps } = ctx;
  app.get('/poll', { schema: { querystring: S.pollQuery }, config: { command: 'poll', scope: 'poll' } }, async (req) => {
    const api = req.api;
    const q = req.query as { idempotency_key?: string; request_id?: string; command?: string; status?: 'success' | 'error'; domain?: string; before_id?: number; limit: number };
    const commands = q.command ? [q.command, ...(API_COMMANDS[q.command] ?? [])] : undefined;
    const rows = await deps.store.transaction((x) =>
      x.http.poll({
        registrarId: api.registrar!.id,
        idempotencyKey: q.idempotency_key,
        requestId: q.request_id,
        commands,
        status: q.status,
        domain: q.domain === undefined ? undefined : canonicalName(q.domain),
        beforeId: q.before_id,
        limit: q.limit,
      }),
    );
    const events = rows.map((r) => pollEvent(r, api.registrar!.clId));
    return {
      events,
      count: events.length,
      next_before_id: events.length === q.limit ? events[events.length - 1].audit_id : null,
      registrar: { id: api.registrar!.clId, channel_id: api.channel!.id },
      request_id: api.requestId,
    };
  });
}

/** Intent statuses as the transfer endpoint's responses name them. */
const INTENT_STATUS: Record<string, string> = { recorded: 'intent_recorded', approved: 'approved' };

export function pollEvent(r: PollRow, clId: string): Record<string, unknown> {
  const http = r.source === 'http';
  return {
    audit_id: r.auditId,
    request_id: http ? (r.requestId ?? r.clTRID) : null,
    cl_trid: http ? null : r.clTRID,
    sv_trid: r.svTRID,
    source: r.source,
    command: r.httpCommand ?? apiCommandOfEpp(r.eppCommand),
    epp_command: r.eppCommand,
    status: r.code < 2000 ? 'success' : 'error',
    result_code: r.code,
    http_status: r.httpStatus,
    domain: r.object,
    idempotency_key: r.idempotencyKey,
    replay: r.replayOf !== null,
    replay_of: r.replayOf,
    recorded_at: iso(r.at),
    registrar: { id: clId, channel_id: http ? r.channelId : null },
    transfer: r.transferIntent && { intent_id: r.transferIntent.id, status: INTENT_STATUS[r.transferIntent.status] ?? r.transferIntent.status, gaining_registrar: r.transferIntent.gaining },
  };
}
