import { addYears, beyondMaxRegistration, utcDate } from '../../registry/periods.js';
import { startGrace } from '../../registry/lifecycle.js';
import { agreePrice, chargePrice, priceFor } from './fees.js';
import { requireSponsor } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { curExpDateMismatch, renewProhibited, renewTooLong } from './conditions.js';
import { loadDomain, periodYearsOf } from './domain-data.js';
import type { DomainRenew, DomainRenewData } from './types.js';

/** Statuses that forbid a renew. */
const RENEW_BLOCKERS = ['clientRenewProhibited', 'serverRenewProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <domain:renew> (RFC 5731 §3.2.3): the sponsor extends the registration by the period (default: the
 * policy's) from the current expiry, in calendar years (Feb 29 → Feb 28). curExpDate must be the current
 * expiry's UTC date, so that a repeated command does not renew twice. The registration may not end
 * further than the policy's maxRegistrationYears from now.
 * The sponsor is charged the TLD's renew price per year, and the renew grace period starts.
 *
 * Errors: nameSyntax (2005), domainNotFound (2303), notSponsor (2201), renewProhibited (2304:
 * clientRenewProhibited, serverRenewProhibited, pendingDelete, pendingTransfer), curExpDateMismatch (2306),
 * periodRefused (2004), renewTooLong (2306); 2104 when the balance does not cover the renewal.
 */
export const domainRenew: ObjectCommand<DomainRenew, DomainRenewData> = {
  kind: 'object',
  name: 'domain:renew',
  async run(input, ctx) {
    const { domain, policy } = await loadDomain(ctx, input.name);
    requireSponsor(ctx, 'Domain', domain, 'renew');
    const blocker = domain.statuses.find((s) => RENEW_BLOCKERS.includes(s));
    if (blocker) throw renewProhibited(domain.name, blocker);

    const curExpDate = input.curExpDate;
    const current = utcDate(domain.expiresAt);
    // xs:date may carry a time zone ("2027-03-14Z"): the date part is compared.
    if (curExpDate.slice(0, 10) !== current || !/^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/.test(curExpDate)) {
      throw curExpDateMismatch(domain.name, curExpDate, current);
    }
    const years = periodYearsOf(input.period, policy);
    const expiresAt = addYears(domain.expiresAt, years);
    if (beyondMaxRegistration(expiresAt, ctx.now, policy.maxRegistrationYears)) {
      throw renewTooLong(domain.name, years, utcDate(expiresAt), policy.maxRegistrationYears);
    }
    const price = await priceFor(ctx, policy, domain.tld, domain.name, 'renew', years);
    agreePrice(price, policy, 'renew', domain.name, input.fee);
    await ctx.repos.domains.update(domain.id, { expiresAt }, ctx.registrar.id, ctx.now);
    const fee = await chargePrice(ctx, policy, price, 'renew', domain.name, policy.grace.renew);
    await startGrace(ctx.repos, domain.id, 'renew', ctx.registrar.id, policy, price.amount, ctx.now);
    return { data: { name: domain.name, expiresAt, fee }, object: domain.name };
  },
};
