import { fail } from '../../protocol/errors.js';
import { eppDateTime } from '../../protocol/response.js';
import { child, el } from '../../protocol/xml-node.js';
import { beyondMaxRegistration, utcDate } from '../../registry/periods.js';
import { autoApproveAt, notify, TRANSFER_BLOCKERS, transferExpiry, transferLockEnds } from '../../registry/transfers.js';
import type { CommandDef } from '../types.js';
import { nameValue, onlyExtensions } from './domain-data.js';
import { loadTransferTarget, requireAuthInfo, transferPeriod, trnData } from './transfer-data.js';

/**
 * <domain:transfer op="request"> (RFC 5731 §3.2.4): a registrar that is not the sponsor asks for the domain,
 * with its authInfo (the domain's password, or the registrant's with its roid). The transfer is pending
 * (domain status pendingTransfer) until the sponsor approves or rejects it, the requester cancels it, or the
 * registry approves it at acDate = now + the policy's transferAutoApprove days. The answer is 1001 with
 * <domain:trnData> (exDate: the expiry the period will give); the sponsor gets a poll message.
 * Period: optional, the policy's default otherwise, within the policy's bounds. clientHold and other
 * statuses not listed below do not block a transfer. See src/registry/transfers.ts for the approval.
 *
 * Errors: 2002 foreign extension; 2004 period out of the policy's range; 2005 impossible name; 2102
 * <domain:ext> authInfo; 2104 the balance does not cover the transfer price; 2106 the requester already
 * sponsors the domain, or it was created or transferred less than the policy's transferLock days ago;
 * 2202 authInfo missing or wrong; 2300 a transfer is already pending; 2303 unknown domain; 2304
 * clientTransferProhibited, serverTransferProhibited or pendingDelete; 2306 the new expiry would be more than
 * the policy's maxRegistrationYears from now.
 */
export const domainTransferRequest: CommandDef = {
  kind: 'object',
  name: 'domain:transfer-request',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, object);
    const { domain, policy } = target;
    const period = transferPeriod(object, policy);

    if (domain.sponsorId === ctx.registrar.id) throw fail.notTransferable(`You are already the sponsor of ${domain.name}`, nameValue(domain.name));
    requireAuthInfo(domain, child(object, 'authInfo'));
    if (target.latest?.status === 'pending') throw fail.pendingTransfer(`A transfer of ${domain.name} is already pending`, nameValue(domain.name));
    const blocker = domain.statuses.find((s) => TRANSFER_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Domain ${domain.name} has status ${blocker}: it cannot be transferred`, nameValue(domain.name));
    const lockEnds = transferLockEnds(domain, policy);
    if (ctx.now < lockEnds) {
      throw fail.notTransferable(
        `Domain ${domain.name} cannot be transferred before ${eppDateTime(lockEnds)} (${policy.grace.transferLock} days after its creation or last transfer)`,
        nameValue(domain.name),
      );
    }
    const { expiresAt } = await transferExpiry(ctx.repos, domain, period.years, ctx.now);
    if (expiresAt && beyondMaxRegistration(expiresAt, ctx.now, policy.maxRegistrationYears)) {
      throw fail.policy(
        `A transfer of ${domain.name} for ${period.years} year(s) would take it to ${utcDate(expiresAt)}, more than ${policy.maxRegistrationYears} years from now`,
        child(object, 'period') ? el('domain:period', { unit: period.unit }, period.value) : nameValue(domain.name),
      );
    }
    const price = policy.prices.transfer * period.years;
    if ((await ctx.repos.billing.balance(ctx.registrar.id)) < price) {
      throw fail.billing(`Insufficient funds: a transfer of ${domain.name} for ${period.years} year(s) costs ${price}`);
    }

    const t = await ctx.repos.transfers.open({
      domainId: domain.id,
      requesterId: ctx.registrar.id,
      losingId: domain.sponsorId,
      requestedAt: ctx.now,
      actionAt: autoApproveAt(ctx.now, policy),
      period: { value: period.value, unit: period.unit },
      newExpiresAt: expiresAt,
    });
    await notify(ctx.repos, t, ctx.now);
    return { code: 1001, resData: [trnData(t)], object: domain.name };
  },
};
