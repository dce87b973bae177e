import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { HttpRequestRecord } from '../storage/http-repo.js';
import { archiveFileName, archiveMarkdown, sha256File, sha256Of } from './evidence.js';
import { ApiError, BASE_PATH, type HttpDeps } from './gateway.js';
import * as S from './schemas.js';
import type { RouteContext } from './server.js';
import { iso } from './routes/common.js';
import { pollEvent } from './routes/poll.js';

/**
 * Operator endpoints, behind the admin token (config http.adminTokenSha256 / adminTokenFile), never a
 * registrar token:
 *   POST /admin/interop                                          records a named OT&E run from the request log
 *   GET  /admin/registrar-ote-runs/{run_id}                        the run's record
 *   GET  /admin/registrar-ote-runs/{run_id}/evidence-archive.md    its Markdown archive (X-Archive-SHA256)
 *   GET  /admin/registrar-ote-runs/{run_id}/evidence-archive.md.sha256   the fingerprint, sha256sum format
 */

export interface InteropInput {
  run_id?: string;
  registrar: string;
  channel_id?: string;
  name: string;
  reviewer: string;
  decision: string;
  notes?: string;
  window?: { from: string; to: string };
  idempotency_keys?: string[];
  request_ids?: string[];
}

/**
 * Records a run: the registrar's requests in the time window, or those with the given idempotency keys or
 * request ids together with the key-less reads (check, info, poll) made between the first and the last of
 * them and the GET /status preflight just before; the audit rows they produced; the reviewer's decision.
 * The archive is built and fingerprinted now.
 */
export async function recordOteRun(deps: HttpDeps, input: InteropInput): Promise<{ runId: string; sha256: string; requests: number; auditRows: number }> {
  const now = deps.clock.now();
  const runId = input.run_id ?? `ote-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  return deps.store.transaction(async (x) => {
    const reg = await x.registrars.byClId(input.registrar);
    if (!reg) throw new ApiError(422, 'unknown_registrar', `No registrar ${input.registrar}`, 'registrar');
    if (input.channel_id) {
      const ch = await x.http.channel(input.channel_id);
      if (!ch || ch.registrarId !== reg.id) throw new ApiError(422, 'unknown_channel', `${input.registrar} has no channel ${input.channel_id}`, 'channel_id');
    }
    if (await x.http.oteRun(runId)) throw new ApiError(409, 'run_exists', `An OT&E run ${runId} is already recorded`, 'run_id');
    const channelId = input.channel_id;
    let requests: HttpRequestRecord[];
    if (input.window) {
      const from = new Date(input.window.from);
      const to = new Date(input.window.to);
      if (!(from <= to)) throw new ApiError(400, 'invalid_request', 'window.from must not be after window.to', 'window');
      requests = await x.http.requests(reg.id, { from, to, channelId });
    } else {
      const picked = await x.http.requests(reg.id, { keys: input.idempotency_keys, requestIds: input.request_ids, channelId });
      if (picked.length > 0) {
        const first = picked[0].seq!;
        const last = picked[picked.length - 1].seq!;
        // The key-less reads made meanwhile (check, info, poll), and the status preflight just before.
        const reads = await x.http.requests(reg.id, { fromSeq: first, toSeq: last, channelId });
        const preflight = (await x.http.requests(reg.id, { toSeq: first - 1, channelId, command: 'status' })).at(-1);
        const bySeq = new Map<number, HttpRequestRecord>();
        for (const r of [...(preflight ? [preflight] : []), ...picked, ...reads.filter((r) => r.idempotencyKey === null)]) bySeq.set(r.seq!, r);
        requests = [...bySeq.values()].sort((a, b) => a.seq! - b.seq!);
      } else requests = [];
    }
    if (requests.length === 0) throw new ApiError(422, 'empty_run', 'No request of this registrar matches the selection', input.window ? 'window' : 'idempotency_keys');
    const audit = (await x.http.auditRowsOf(requests.map((r) => r.requestId))).map((row) => pollEvent(row, reg.clId));
    const selection = { window: input.window, idempotency_keys: input.idempotency_keys, request_ids: input.request_ids, channel_id: channelId };
    const archive = archiveMarkdown({
      runId,
      name: input.name,
      registrar: reg.clId,
      channelId: channelId ?? null,
      reviewer: input.reviewer,
      decision: input.decision,
      notes: input.notes ?? null,
      selection,
      recordedAt: now,
      requests,
      audit,
    });
    const sha256 = sha256Of(archive);
    await x.http.insertOteRun({
      id: runId,
      registrarId: reg.id,
      channelId: channelId ?? null,
      name: input.name,
      reviewer: input.reviewer,
      decision: input.decision,
      notes: input.notes ?? null,
      selection: JSON.stringify(selection),
      archive,
      sha256,
      createdAt: now,
    });
    return { runId, sha256, requests: requests.length, auditRows: audit.length };
  });
}

export function registerAdminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { deps } = ctx;
  const runUrl = (id: string) => `${BASE_PATH}/admin/registrar-ote-runs/${encodeURIComponent(id)}`;

  app.post('/admin/interop', { schema: { body: S.interopBody }, config: { admin: true, command: 'record_ote_run', form: 'window, idempotency_keys or request_ids' } }, async (req, reply) => {
    const input = req.body as InteropInput;
    const r = await recordOteRun(deps, input);
    deps.log.info({ runId: r.runId, registrar: input.registrar, decision: input.decision, requestId: req.id }, 'OT&E run recorded');
    return reply.code(201).send({
      run_id: r.runId,
      registrar: input.registrar,
      channel_id: input.channel_id ?? null,
      decision: input.decision,
      requests: r.requests,
      audit_rows: r.auditRows,
      archive: { url: `${runUrl(r.runId)}/evidence-archive.md`, sha256: r.sha256, sha256_url: `${runUrl(r.runId)}/evidence-archive.md.sha256` },
      request_id: req.id,
    });
  });

  const load = async (id: string) => {
    const run = await deps.store.transaction((x) => x.http.oteRun(id));
    if (!run) throw new ApiError(404, 'run_not_found', `No OT&E run ${id}`, 'run_id');
    return run;
  };

  app.get('/admin/registrar-ote-runs/:run_id', { schema: { params: S.runParams }, config: { admin: true, command: 'ote_run' } }, async (req) => {
    const run = await load((req.params as { run_id: string }).run_id);
    return {
      run_id: run.id,
      name: run.name,
      reviewer: run.reviewer,
      decision: run.decision,
      notes: run.notes,
      channel_id: run.channelId,
      selection: JSON.parse(run.selection),
      recorded_at: iso(run.createdAt),
      archive: { url: `${runUrl(run.id)}/evidence-archive.md`, sha256: run.sha256 },
      request_id: req.id,
    };
  });

  app.get('/admin/registrar-ote-runs/:run_id/evidence-archive.md', { schema: { params: S.runParams }, config: { admin: true, command: 'ote_archive' } }, async (req, reply) => {
    const run = await load((req.params as { run_id: string }).run_id);
    return reply
      .type('text/markdown; charset=utf-8')
      .header('X-Archive-SHA256', run.sha256)
      .header('Digest', `sha-256=${Buffer.from(run.sha256, 'hex').toString('base64')}`)
      .header('Content-Disposition', `attachment; filename="${archiveFileName(run.id)}"`)
      .send(run.archive);
  });

  app.get('/admin/registrar-ote-runs/:run_id/evidence-archive.md.sha256', { schema: { params: S.runParams }, config: { admin: true, command: 'ote_archive_sha256' } }, async (req, reply) => {
    const run = await load((req.params as { run_id: string }).run_id);
    return reply.type('text/plain; charset=utf-8').header('X-Archive-SHA256', run.sha256).send(sha256File(run));
  });
}
