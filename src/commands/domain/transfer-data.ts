import { periodYears } from '../../registry/periods.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Transfer, TransferDomain } from '../../storage/transfer-repo.js';
import { transferAuthInfoInvalid, transferAuthInfoMissing, transferPeriodRefused } from '../transfer-conditions.js';
import { domainNotFound } from './conditions.js';
import { authInfoCheck as checkAuthInfo, requirePendingTransfer } from '../transfer-shared.js';
import { CONTACT_AUTH_INFO_TTL_DAYS } from '../../registry/auth-info.js';
import type { CommandContext } from '../types.js';
import { normalizedOrFail } from './domain-data.js';
import type { AuthInfoInput, PeriodInput } from './types.js';

/**
 * What the five <domain:transfer> operations share: loading the domain and its latest transfer, the authInfo
 * check and the period. What contact transfers share with these is in ../transfer-shared.ts; the errors are
 * in ../transfer-conditions.ts; the approval is src/registry/transfers.ts.
 */

export interface TransferTarget {
  domain: TransferDomain;
  policy: TldPolicy;
  /** The domain's latest transfer, whatever its status. */
  latest: Transfer | undefined;
}

/** Loads the domain a transfer command names (as sent) and its latest transfer: 2005 impossible name, domainNotFound (2303). */
export async function loadTransferTarget(ctx: CommandContext, input: string): Promise<TransferTarget> {
  const name = normalizedOrFail(input);
  const domain = await ctx.repos.transfers.domainByName(name);
  if (!domain) throw domainNotFound(name, input);
  const tld = await ctx.repos.tlds.get(domain.tld);
  if (!tld) throw new Error(`domain ${domain.name} has TLD ${domain.tld} without a policy`);
  return { domain, policy: tld.policy, latest: await ctx.repos.transfers.latest(domain.id) };
}

/** The latest transfer when it is still pending; noPendingTransfer (2301) otherwise. */
export function requirePending(target: TransferTarget): Transfer {
  return requirePendingTransfer(target.latest, 'domain', target.domain.name);
}

/**
 * Whether an authInfo authorises a transfer of `d`: the domain's password (within the TLD policy's TTL), or
 * (with `roid`) the registrant's (within the contacts' TTL). Unset or expired: 'invalid' (RFC 9154 §4.4).
 */
export function authInfoCheck(t: TransferTarget, authInfo: AuthInfoInput | undefined, now: Date): Promise<'absent' | 'valid' | 'invalid'> {
  const d = t.domain;
  return checkAuthInfo(
    authInfo,
    (roid) => {
      if (roid === undefined) return { stored: d, ttlDays: t.policy.authInfo.ttlDays };
      return d.registrant !== null && d.registrant.roid === roid ? { stored: d.registrant, ttlDays: CONTACT_AUTH_INFO_TTL_DAYS } : null;
    },
    now,
  );
}

/**
 * A transfer request must carry the domain's (or the registrant's) authInfo, set and not expired:
 * transferAuthInfoMissing / transferAuthInfoInvalid (2202). RFC 9154: with none set, no request succeeds.
 */
export async function requireAuthInfo(t: TransferTarget, authInfo: AuthInfoInput | undefined, now: Date): Promise<void> {
  const check = await authInfoCheck(t, authInfo, now);
  if (check === 'absent') throw transferAuthInfoMissing('domain', t.domain.name);
  if (check === 'invalid') throw transferAuthInfoInvalid('domain', t.domain.name);
}

/** The request's period (the policy's default when absent) with its length in years; transferPeriodRefused (2004) outside the policy. */
export function transferPeriod(period: PeriodInput | undefined, policy: TldPolicy): { value: number; unit: 'y' | 'm'; years: number } {
  if (!period) return { value: policy.period.default, unit: 'y', years: policy.period.default };
  const r = periodYears(period.value, period.unit, policy.period);
  if (!r.ok) throw transferPeriodRefused(r.reason, period.unit, period.text);
  return { value: period.value, unit: period.unit, years: r.years };
}
