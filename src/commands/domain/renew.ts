import { fail } from '../../protocol/errors.js';
import { eppDateTime } from '../../protocol/response.js';
import { childText, el } from '../../protocol/xml-node.js';
import { addYears, beyondMaxRegistration, utcDate } from '../../registry/periods.js';
import { charge, startGrace } from '../../registry/lifecycle.js';
import type { CommandDef } from '../types.js';
import { loadDomain, onlyExtensions, parsePeriod, requireSponsor } from './domain-data.js';

/** Statuses that forbid a renew. */
const RENEW_BLOCKERS = ['clientRenewProhibited', 'serverRenewProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <domain:renew> (RFC 5731 §3.2.3): the sponsor extends the registration by the period (default: the
 * policy's) from the current expiry, in calendar years (Feb 29 → Feb 28). curExpDate must be the current
 * expiry's UTC date, so that a repeated command does not renew twice. The registration may not end
 * further than the policy's maxRegistrationYears from now.
 * The sponsor is charged the TLD's renew price per year, and the renew grace period starts.
 *
 * Errors: 2002 foreign extension; 2004 period out of range; 2005 impossible name; 2201 not the sponsor;
 * 2303 unknown domain; 2304 clientRenewProhibited/serverRenewProhibited (or pendingDelete,
 * pendingTransfer); 2306 curExpDate not the current expiry date, registration beyond the maximum;
 * 2104 the balance does not cover the renewal.
 */
export const domainRenew: CommandDef = {
  kind: 'object',
  name: 'domain:renew',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, []);
    const { domain, policy } = await loadDomain(ctx, childText(object, 'name') ?? '');
    requireSponsor(ctx, domain, 'renew');
    const blocker = domain.statuses.find((s) => RENEW_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Domain ${domain.name} has status ${blocker}: it cannot be renewed`, el('domain:name', null, domain.name));

    const curExpDate = childText(object, 'curExpDate') ?? '';
    const current = utcDate(domain.expiresAt);
    // xs:date may carry a time zone ("2027-03-14Z"): the date part is compared.
    if (curExpDate.slice(0, 10) !== current || !/^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(curExpDate)) {
      throw fail.policy(`curExpDate ${curExpDate} is not the current expiry date ${current} of ${domain.name}`, el('domain:curExpDate', null, curExpDate));
    }
    const years = parsePeriod(object, policy);
    const expiresAt = addYears(domain.expiresAt, years);
    if (beyondMaxRegistration(expiresAt, ctx.now, policy.maxRegistrationYears)) {
      throw fail.policy(
        `Renewing ${domain.name} by ${years} year(s) would take it to ${utcDate(expiresAt)}, more than ${policy.maxRegistrationYears} years from now`,
        el('domain:period', { unit: 'y' }, years),
      );
    }
    await ctx.repos.domains.update(domain.id, { expiresAt }, ctx.registrar.id, ctx.now);
    const price = policy.prices.renew * years;
    await charge(ctx.repos, ctx.registrar.id, price, 'renew', domain.name, ctx.now);
    await startGrace(ctx.repos, domain.id, 'renew', ctx.registrar.id, policy, price, ctx.now);
    return {
      resData: [el('domain:renData', null, [el('domain:name', null, domain.name), el('domain:exDate', null, eppDateTime(expiresAt))])],
      object: domain.name,
    };
  },
};
