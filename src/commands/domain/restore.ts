import { addYears } from '../../registry/periods.js';
import { plusDays, rgpStatuses } from '../../registry/lifecycle.js';
import { agreePrice, chargePrice, priceFor } from './fees.js';
import { requireSponsor } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { noPendingRestore, notInRedemption, restoreNotAlone, restoreStatementsMissing, restoreTimesRefused } from './conditions.js';
import { loadDomain } from './domain-data.js';
import type { DomainRestore, DomainRestoreData } from './types.js';

/**
 * RFC 3915 restore: a <domain:update> that carries <rgp:update><rgp:restore op="request|report">, with an
 * empty <domain:chg/> or none at all (Net::DRI sends none).
 * - request: only while the domain is in redemptionPeriod; charges the TLD's restore price; the domain is
 *   then pendingRestore until the report arrives, for policy.grace.restoreReport days (the answer says so
 *   in <rgp:upData>). A missing report lets the domain fall back to redemptionPeriod (computed from the
 *   stored instants).
 * - report: only while pendingRestore (a report without a request, or after its window: 2304, not 2002:
 *   the command is well-formed, the object's state forbids it); the domain leaves redemption at once, and a
 *   domain whose expiry passed meanwhile is renewed by one year (covered by the restore price).
 *
 * Errors: nameSyntax (2005), domainNotFound (2303), notSponsor (2201), restoreNotAlone (2306: other changes
 * in the same update), notInRedemption and noPendingRestore (2304: wrong RGP state), restoreTimesRefused
 * (2004: a report whose delTime is in the future or after its resTime), restoreStatementsMissing (2003);
 * 2104 when the balance does not cover the restore.
 */
export const domainRestore: ObjectCommand<DomainRestore, DomainRestoreData> = {
  kind: 'object',
  name: 'domain:restore',
  async run(input, ctx) {
    const { domain, policy } = await loadDomain(ctx, input.name);
    requireSponsor(ctx, 'Domain', domain, 'restore');
    if (input.hasChanges) throw restoreNotAlone(domain.name);
    const deletion = await ctx.repos.lifecycle.deletion(domain.id);
    const state = deletion ? rgpStatuses([], deletion, ctx.now)[0] : undefined;

    if (input.op === 'request') {
      if (!deletion || state !== 'redemptionPeriod') throw notInRedemption(domain.name, state);
      const price = await priceFor(ctx, policy, domain.tld, domain.name, 'restore', 1);
      agreePrice(price, policy, 'restore', domain.name, input.fee);
      const fee = await chargePrice(ctx, policy, price, 'restore', domain.name, 0);
      await ctx.repos.lifecycle.setDeletion(domain.id, { ...deletion, restoreRequestedAt: ctx.now, restoreReportBy: plusDays(ctx.now, policy.grace.restoreReport) });
      return { data: { name: domain.name, rgpStatus: 'pendingRestore', fee }, object: domain.name };
    }

    if (!deletion || state !== 'pendingRestore') throw noPendingRestore(domain.name);
    const report = input.report;
    if (report) {
      const delTime = Date.parse(report.delTime);
      const resTime = Date.parse(report.resTime);
      if (delTime > resTime || delTime > ctx.now.getTime() + 60_000) throw restoreTimesRefused(report.delTime);
    }
    if ((report?.statements.length ?? 0) < 2) throw restoreStatementsMissing();
    await ctx.repos.lifecycle.setDeletion(domain.id, null);
    const changes: { statuses: string[]; expiresAt?: Date } = { statuses: domain.statuses.filter((s) => s !== 'pendingDelete') };
    if (domain.expiresAt <= ctx.now) changes.expiresAt = addYears(domain.expiresAt, 1);
    await ctx.repos.domains.update(domain.id, changes, ctx.registrar.id, ctx.now);
    // Restored at once: no RGP state is left to report, so the response carries no <rgp:upData>.
    return { data: { name: domain.name }, object: domain.name };
  },
};
