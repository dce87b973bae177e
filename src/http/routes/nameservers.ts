import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DomainUpdate, NsInput } from '../../commands/domain/types.js';
import { domainUpdate } from '../../commands/domain/update.js';
import { normalizeName } from '../../registry/names.js';
import type { Repos } from '../../storage/store.js';
import { ApiError, exec, execOk, type ApiState, type HttpDeps } from '../gateway.js';
import { idempotencyKey, type Outcome, type SaveOutcome } from '../idempotency.js';
import * as S from '../schemas.js';
import type { RouteContext } from '../server.js';
import { canonicalName, describe, iso, requireNamespace } from './common.js';

/**
 * PUT /domains/{domain}/nameservers: stores the desired nameserver set (two to thirteen valid host names)
 * and applies it to the domain as a <domain:update> (rem what is no longer wanted, add what is new) as
 * soon as it can be applied:
 * - under the hostObj model, once every host exists as a host object (hosts are created over EPP);
 *   until then the set is stored with backend_apply_status "pending" (202) and the request still runs a
 *   <domain:update> without changes, so that the sponsorship and status rules decide (404, 409) and the
 *   audit trail has the request; a timer (and the next PUT) applies pending sets when their hosts appear;
 * - under the hostAttr model at once.
 * Applied: 200 with backend_apply_status "applied". Whether a set can be applied (counts, glue,
 * delegation of in-registry hosts) is the domain:update handler's decision, never this module's.
 */

interface Plan {
  apply: boolean;
  model: 'obj' | 'attr';
  add: string[];
  rem: string[];
  missing: string[];
  domainId?: number;
  sponsorId?: number;
}

async function plan(x: Repos, name: string, desired: string[]): Promise<Plan> {
  const facts = await x.http.domainFacts(name);
  if (!facts) return { apply: false, model: 'obj', add: [], rem: [], missing: [] };
  const tld = await x.tlds.get(facts.tld);
  const base = { domainId: facts.id, sponsorId: facts.sponsorId };
  if (tld?.policy.hostModel === 'hostAttr') {
    const cur = (await x.domains.hostAttrs(facts.id)).map((h) => h.name);
    return { ...base, apply: true, model: 'attr', add: desired.filter((h) => !cur.includes(h)), rem: cur.filter((h) => !desired.includes(h)), missing: [] };
  }
  const cur = (await x.domains.nameservers(facts.id)).map((h) => h.name);
  const missing: string[] = [];
  for (const h of desired) if (!(await x.domains.hostByName(h))) missing.push(h);
  return { ...base, apply: missing.length === 0, model: 'obj', add: desired.filter((h) => !cur.includes(h)), rem: cur.filter((h) => !desired.includes(h)), missing };
}

/** The <domain:update> that applies a plan: rem what is no longer wanted, add what is new (nothing when it cannot apply yet). */
function updateOf(name: string, p: Plan): DomainUpdate {
  const ns = (hosts: string[]): NsInput | undefined =>
    !p.apply || hosts.length === 0 ? undefined : p.model === 'obj' ? { hostObjs: hosts, hostAttrs: [] } : { hostObjs: [], hostAttrs: hosts.map((h) => ({ name: h, addrs: [] })) };
  return { name, add: { ns: ns(p.add), contacts: [], statuses: [] }, rem: { ns: ns(p.rem), contacts: [], statuses: [] }, chg: {} };
}

export function registerNameserverRoute(
  app: FastifyInstance,
  ctx: RouteContext,
  run: (req: FastifyRequest, work: (save: SaveOutcome) => Promise<Outcome>) => Promise<Outcome>,
): void {
  const { deps } = ctx;
  app.put(
    '/domains/:domain/nameservers',
    { schema: { params: S.domainParams, body: S.nameserversBody }, config: { command: 'set_nameservers', scope: 'nameservers' } },
    async (req, reply) => {
      const api = req.api;
      const input = (req.params as { domain: string }).domain;
      const body = req.body as { nameservers: string[] };
      describe(api, input, idempotencyKey(req.headers, body, true));
      const desired: string[] = [];
      for (const [i, h] of body.nameservers.entries()) {
        const n = normalizeName(h);
        if (!n.ok) throw new ApiError(400, 'invalid_value', `Nameserver ${h} is not a valid host name: ${n.reason}`, `nameservers[${i}]`, 2005);
        if (desired.includes(n.name)) throw new ApiError(400, 'invalid_value', `Nameserver ${n.name} is listed twice`, `nameservers[${i}]`);
        desired.push(n.name);
      }
      const o = await run(req, async (save) => {
        const name = canonicalName(input);
        requireNamespace(api, name);
        const p = await deps.store.transaction((x) => plan(x, name, desired));
        let out!: Outcome;
        // The desired set is stored in the update's transaction: both commit, or neither.
        await execOk(deps, api, api.registrar!, domainUpdate, updateOf(input, p), {
          object: input.trim().slice(0, 255),
          also: async (x, _result, done) => {
            const now = deps.clock.now();
            const facts = (await x.http.domainFacts(name))!;
            await x.http.saveNameserverSet({
              domainId: facts.id,
              name,
              registrarId: api.registrar!.id,
              hosts: desired,
              status: p.apply ? 'applied' : 'pending',
              detail: p.apply ? null : `waiting for host object(s) ${p.missing.join(', ')}`,
              requestId: api.requestId,
              requestedAt: now,
              appliedAt: p.apply ? now : null,
            });
            out = {
              status: p.apply ? 200 : 202,
              body: {
                domain: name,
                nameservers: desired,
                backend_apply_status: p.apply ? 'applied' : 'pending',
                missing_hosts: p.missing,
                requested_at: iso(now),
                registry: { epp_command: done.command, result_code: done.code, sv_trid: done.svTRID },
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
}

/**
 * Applies the stored sets whose hosts now exist, each as a <domain:update> of the registrar that asked
 * (audited with the original request's id). A set whose domain changed sponsor, or whose update the
 * handler refuses, is marked failed with the reason. Returns how many were applied.
 */
export async function applyPendingNameservers(deps: HttpDeps): Promise<number> {
  const sets = await deps.store.transaction((x) => x.http.pendingNameserverSets(100));
  let applied = 0;
  for (const s of sets) {
    const p = await deps.store.transaction((x) => plan(x, s.name, s.hosts));
    if (!p.apply) continue;
    const registrar = await deps.store.transaction((x) => x.registrars.byId(s.registrarId));
    const api: ApiState = { requestId: s.requestId, started: process.hrtime.bigint(), command: 'set_nameservers', ownAudits: 0 };
    let status: 'applied' | 'failed' = 'failed';
    let detail: string | null;
    if (!registrar || p.sponsorId !== s.registrarId) {
      detail = 'the domain changed sponsor before the set could be applied';
    } else {
      const r = await exec(deps, api, registrar, domainUpdate, updateOf(s.name, p), { object: s.name });
      if (r.code < 2000) {
        status = 'applied';
        detail = null;
        applied++;
      } else detail = `refused by the registry (${r.code}): ${r.msg ?? ''}`.trim();
    }
    const now = deps.clock.now();
    await deps.store.transaction((x) => x.http.saveNameserverSet({ ...s, status, detail, appliedAt: status === 'applied' ? now : null }));
  }
  return applied;
}
