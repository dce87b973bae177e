import { fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { child, childText, children, el } from '../../protocol/xml-node.js';
import { addYears } from '../../registry/periods.js';
import { charge, plusDays, rgpStatuses } from '../../registry/lifecycle.js';
import type { CommandDef } from '../types.js';
import { loadDomain, requireSponsor } from './domain-data.js';

/**
 * RFC 3915 restore: a <domain:update> that carries <rgp:update><rgp:restore op="request|report">, with an
 * empty <domain:chg/> or none at all (Net::DRI sends none).
 * - request: only while the domain is in redemptionPeriod; charges the TLD's restore price; the domain is
 *   then pendingRestore until the report arrives, for policy.grace.restoreReport days. A missing report
 *   lets the domain fall back to redemptionPeriod (computed from the stored instants).
 * - report: only while pendingRestore (a report without a request, or after its window: 2304, not 2002:
 *   the command is well-formed, the object's state forbids it); the domain leaves redemption at once, and a
 *   domain whose expiry passed meanwhile is renewed by one year (covered by the restore price).
 * Errors: 2201 not the sponsor; 2303 unknown domain; 2304 wrong RGP state; 2306 other changes in the same
 * update; 2104 the balance does not cover the restore; 2004 a report whose delTime is in the future or
 * after its resTime.
 */
export const domainRestore: CommandDef = {
  kind: 'object',
  name: 'domain:restore',
  async run(req, ctx) {
    const object = req.object!;
    const { domain, policy } = await loadDomain(ctx, childText(object, 'name') ?? '');
    requireSponsor(ctx, domain, 'restore');
    const chg = child(object, 'chg');
    if (child(object, 'add') || child(object, 'rem') || (chg && chg.children.length > 0)) {
      throw fail.policy('A restore is sent alone: an RGP restore update may not carry other changes', el('domain:name', null, domain.name));
    }
    const restore = child(req.extension(NS.rgp, 'update'), 'restore', NS.rgp)!;
    const op = restore.attrs.op;
    const deletion = await ctx.repos.lifecycle.deletion(domain.id);
    const state = deletion ? rgpStatuses([], deletion, ctx.now)[0] : undefined;
    const name = el('domain:name', null, domain.name);

    if (op === 'request') {
      if (!deletion || state !== 'redemptionPeriod') {
        throw fail.status(`Domain ${domain.name} is not in redemptionPeriod${state ? ` (it is ${state})` : ''}: it cannot be restored`, name);
      }
      await charge(ctx.repos, ctx.registrar.id, policy.prices.restore, 'restore', domain.name, ctx.now);
      await ctx.repos.lifecycle.setDeletion(domain.id, { ...deletion, restoreRequestedAt: ctx.now, restoreReportBy: plusDays(ctx.now, policy.grace.restoreReport) });
      return { object: domain.name, extension: [el('rgp:upData', null, [el('rgp:rgpStatus', { s: 'pendingRestore' })])] };
    }

    if (!deletion || state !== 'pendingRestore') {
      throw fail.status(`Domain ${domain.name} has no pending restore request: send op="request" first`, name);
    }
    const report = child(restore, 'report', NS.rgp)!;
    const delTime = Date.parse(childText(report, 'delTime', NS.rgp)!);
    const resTime = Date.parse(childText(report, 'resTime', NS.rgp)!);
    if (delTime > resTime || delTime > ctx.now.getTime() + 60_000) {
      throw fail.range('delTime must lie before resTime and not in the future', el('rgp:delTime', null, childText(report, 'delTime', NS.rgp)!));
    }
    if (children(report, 'statement', NS.rgp).length < 2) throw fail.missing('A restore report carries the two statements of RFC 3915');
    await ctx.repos.lifecycle.setDeletion(domain.id, null);
    const changes: { statuses: string[]; expiresAt?: Date } = { statuses: domain.statuses.filter((s) => s !== 'pendingDelete') };
    if (domain.expiresAt <= ctx.now) changes.expiresAt = addYears(domain.expiresAt, 1);
    await ctx.repos.domains.update(domain.id, changes, ctx.registrar.id, ctx.now);
    // Restored at once: no RGP state is left to report, so the response carries no <rgp:upData>.
    return { object: domain.name };
  },
};

