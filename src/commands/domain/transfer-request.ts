import { beyondMaxRegistration } from '../../registry/periods.js';
import { agreePrice, priceFor } from './fees.js';
import { autoApproveAt, notify, TRANSFER_BLOCKERS, transferExpiry, transferLockEnds } from '../../registry/transfers.js';
import {
  alreadySponsor,
  transferAlreadyPending,
  transferBeyondMaxRegistration,
  transferInsufficientFunds,
  transferLocked,
  transferProhibitedByStatus,
} from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requireAuthInfo, transferPeriod } from './transfer-data.js';
import type { DomainTransfer, DomainTransferData } from './types.js';

/**
 * <domain:transfer op="request"> (RFC 5731 §3.2.4): a registrar that is not the sponsor asks for the domain,
 * with its authInfo (the domain's password, or the registrant's with its roid). The transfer is pending
 * (domain status pendingTransfer) until the sponsor approves or rejects it, the requester cancels it, or the
 * registry approves it at acDate = now + the policy's transferAutoApprove days. The answer is 1001 with the
 * transfer (exDate: the expiry the period will give); the sponsor gets a poll message.
 * Period: optional, the policy's default otherwise, within the policy's bounds. clientHold and other
 * statuses not listed below do not block a transfer. See src/registry/transfers.ts for the approval.
 *
 * Errors: 2005 impossible name; domainNotFound (2303); transferPeriodRefused (2004) period out of the
 * policy's range; alreadySponsor (2106); transferAuthInfoMissing, transferAuthInfoInvalid (2202);
 * transferAlreadyPending (2300); transferProhibitedByStatus (2304) clientTransferProhibited,
 * serverTransferProhibited or pendingDelete; transferLocked (2106) created or transferred less than the
 * policy's transferLock days ago; transferBeyondMaxRegistration (2306) the new expiry would be more than the
 * policy's maxRegistrationYears from now; transferInsufficientFunds (2104). (<domain:ext> authInfo,
 * authInfoExtUnsupported (2102), is refused when the command is read.)
 */
export const domainTransferRequest: ObjectCommand<DomainTransfer, DomainTransferData> = {
  kind: 'object',
  name: 'domain:transfer-request',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.name);
    const { domain, policy } = target;
    const period = transferPeriod(input.period, policy);

    if (domain.sponsorId === ctx.registrar.id) throw alreadySponsor('domain', domain.name);
    await requireAuthInfo(target, input.authInfo, ctx.now);
    if (target.latest?.status === 'pending') throw transferAlreadyPending('domain', domain.name);
    const blocker = domain.statuses.find((s) => TRANSFER_BLOCKERS.includes(s));
    if (blocker) throw transferProhibitedByStatus('domain', domain.name, blocker);
    const lockEnds = transferLockEnds(domain, policy);
    if (ctx.now < lockEnds) throw transferLocked(domain.name, lockEnds, policy.grace.transferLock);
    const { expiresAt } = await transferExpiry(ctx.repos, domain, period.years, ctx.now);
    if (expiresAt && beyondMaxRegistration(expiresAt, ctx.now, policy.maxRegistrationYears)) {
      throw transferBeyondMaxRegistration(domain.name, period.years, expiresAt, policy.maxRegistrationYears, input.period && period);
    }
    // Agreed and covered now, charged at approval (src/registry/transfers.ts) at this price, kept with the request.
    const price = await priceFor(ctx, policy, domain.tld, domain.name, 'transfer', period.years);
    agreePrice(price, policy, 'transfer', domain.name, input.fee);
    const balance = await ctx.repos.billing.balance(ctx.registrar.id);
    if (balance < price.amount) throw transferInsufficientFunds(domain.name, period.years, price.amount);

    const transfer = await ctx.repos.transfers.open({
      domainId: domain.id,
      requesterId: ctx.registrar.id,
      losingId: domain.sponsorId,
      requestedAt: ctx.now,
      actionAt: autoApproveAt(ctx.now, policy),
      period: { value: period.value, unit: period.unit },
      newExpiresAt: expiresAt,
      price: price.amount,
    });
    await notify(ctx.repos, transfer, ctx.now);
    // <fee:trnData>: the fee the approval will charge (refundable within the transfer grace period).
    const fee = { currency: policy.currency, amount: price.amount, balance, graceDays: policy.grace.transfer };
    return { code: 1001, data: { transfer, fee }, object: domain.name };
  },
};
