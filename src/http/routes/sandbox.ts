import type { FastifyInstance } from 'fastify';
import { domainCreate } from '../../commands/domain/create.js';
import { ApiError, auditOwn, eppFailure, exec } from '../gateway.js';
import { idempotencyKey, idempotent } from '../idempotency.js';
import * as S from '../schemas.js';
import type { RouteContext } from '../server.js';
import { eppIso, iso, requireNamespace } from './common.js';

/** The predictable OT&E fixtures of the checklist, and the name that a reset keeps free. */
export const FIXTURE_LABELS = ['ote-renew', 'ote-update', 'ote-transfer', 'ote-ns', 'ote-delete'] as const;
export const AVAILABLE_LABEL = 'ote-available';

/**
 * POST /sandbox/reset {tld, sandbox: true}: (re)creates the fixture domains in a sandbox TLD
 * (config http.sandboxTlds) for the calling registrar, each marked as a sandbox object, and keeps
 * ote-available free. A reset only ever removes sandbox objects (whoever made them: one OT&E run per
 * sandbox TLD at a time), hard, as the OT&E environment reset does; it refuses with 409
 * sandbox_reset_conflict, changing nothing, when one of the names is a real domain (not a sandbox object),
 * a protected record, or has subordinate hosts that other domains use. The fixtures are then created
 * through domain:create like any registration (billed, audited), one year, with no auth code set (RFC 9154).
 */
export function registerSandboxRoute(app: FastifyInstance, ctx: RouteContext): void {
  const { deps, locks } = ctx;
  app.post('/sandbox/reset', { schema: { body: S.sandboxResetBody }, config: { command: 'sandbox_reset', scope: 'sandbox' } }, async (req, reply) => {
    const api = req.api;
    const body = req.body as { tld: string; sandbox: true };
    api.idempotencyKey = idempotencyKey(req.headers, body, true);
    const tld = body.tld.toLowerCase().replace(/^\./, '');
    const o = await idempotent(deps, locks, api, { method: req.method, path: `${req.routeOptions.url}|${tld}`, body }, async () => {
      const me = api.registrar!;
      if (!deps.config.http.sandboxTlds.includes(tld)) {
        throw new ApiError(422, 'not_a_sandbox_namespace', `.${tld} is not an OT&E sandbox namespace (sandbox: ${deps.config.http.sandboxTlds.join(', ') || 'none'})`, 'tld');
      }
      requireNamespace(api, tld);
      const fixtures = FIXTURE_LABELS.map((l) => `${l}.${tld}`);
      const available = `${AVAILABLE_LABEL}.${tld}`;

      // Check every name first, then clear the sandbox ones, in one transaction: a refusal changes nothing.
      const conflicts = await deps.store.transaction(async (x) => {
        if (!(await x.tlds.get(tld))) return [{ domain: tld, reason: 'namespace not served by this registry' }];
        const found: Array<{ domain: string; reason: string }> = [];
        const clear: number[] = [];
        for (const name of [...fixtures, available]) {
          const prot = await x.http.protectedName(name);
          if (prot && !prot.decidedAt) found.push({ domain: name, reason: `protected record (${prot.reason})` });
          const facts = await x.http.domainFacts(name);
          if (!facts) continue;
          if (!(await x.http.isSandbox(facts.id))) {
            found.push({ domain: name, reason: 'registered and not a sandbox object' });
            continue;
          }
          const inUse = await x.domains.subordinateHostsInUseElsewhere(facts.id);
          if (inUse.length > 0) found.push({ domain: name, reason: `its hosts ${inUse.join(', ')} are nameservers of other domains` });
          clear.push(facts.id);
        }
        if (found.length === 0) for (const id of clear) await x.domains.purge(id);
        return found;
      });
      if (conflicts.length > 0) {
        api.eppCode = 2302;
        await auditOwn(deps, api, me.id, 'http:sandbox-reset', tld, 2302, `refused: ${conflicts.map((c) => c.domain).join(', ')}`);
        throw new ApiError(409, 'sandbox_reset_conflict', `Sandbox reset refused: ${conflicts.map((c) => `${c.domain} (${c.reason})`).join('; ')}`, 'tld', undefined, { conflicts });
      }

      const created: Array<Record<string, unknown>> = [];
      for (const name of fixtures) {
        const create = { name, period: { value: 1, unit: 'y' as const, text: '1' }, contacts: [], authInfo: { pw: '' } };
        // The fixture is marked as a sandbox object in its create's transaction.
        const r = await exec(deps, api, me, domainCreate, create, {
          object: name,
          also: async (x) => {
            const facts = (await x.http.domainFacts(name))!;
            await x.http.markSandbox(facts.id, name, me.id, api.requestId, deps.clock.now());
          },
        });
        if (r.code >= 2000) {
          const e = eppFailure(r);
          await auditOwn(deps, api, me.id, 'http:sandbox-reset', tld, r.code, `fixture ${name} failed`);
          throw new ApiError(e.status, e.code, `Sandbox reset stopped at ${name}: ${e.message}`, 'tld', r.code, { fixtures: created });
        }
        created.push({ domain: name, sandbox: true, created_at: eppIso(r.data!.createdAt), expires_at: eppIso(r.data!.expiresAt) });
      }
      api.eppCode = 1000;
      await auditOwn(deps, api, me.id, 'http:sandbox-reset', tld, 1000, `fixtures: ${fixtures.join(', ')}`);
      return {
        status: 200,
        body: { tld, sandbox: true, fixtures: created, available: [available], reset_at: iso(deps.clock.now()), request_id: api.requestId },
      };
    });
    return ctx.send(reply, o);
  });
}
