import { fail } from '../../protocol/errors.js';
import { eppDateTime } from '../../protocol/response.js';
import { child, el, type Elem, type Out } from '../../protocol/xml-node.js';
import { periodYears } from '../../registry/periods.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Transfer, TransferDomain } from '../../storage/transfer-repo.js';
import { passwordCheck, requirePendingTransfer, trnFields } from '../transfer-shared.js';
import type { CommandContext } from '../types.js';
import { nameValue, normalizedOrFail } from './domain-data.js';

/**
 * What the five <domain:transfer> operations share: loading the domain, the parties of a transfer, the
 * authInfo check, the period, and the <domain:trnData> tree (also the resData of the transfer poll messages).
 * What contact transfers share with these is in ../transfer-shared.ts.
 */

/** <domain:trnData> (RFC 5731 §3.2.4) of a transfer; exDate only when the transfer extends the registration. */
export function trnData(t: Transfer): Out {
  return el('domain:trnData', null, [
    el('domain:name', null, t.domainName),
    ...trnFields('domain', t),
    t.newExpiresAt !== null && el('domain:exDate', null, eppDateTime(t.newExpiresAt)),
  ]);
}

export interface TransferTarget {
  domain: TransferDomain;
  policy: TldPolicy;
  /** The domain's latest transfer, whatever its status. */
  latest: Transfer | undefined;
}

/** Loads the domain a transfer command names and its latest transfer (2005 impossible name, 2303 unknown domain). */
export async function loadTransferTarget(ctx: CommandContext, object: Elem): Promise<TransferTarget> {
  const input = child(object, 'name')?.text.trim() ?? '';
  const name = normalizedOrFail(input);
  const domain = await ctx.repos.transfers.domainByName(name);
  if (!domain) throw fail.notFound(`Domain ${name} does not exist`, nameValue(input));
  const tld = await ctx.repos.tlds.get(domain.tld);
  if (!tld) throw new Error(`domain ${domain.name} has TLD ${domain.tld} without a policy`);
  return { domain, policy: tld.policy, latest: await ctx.repos.transfers.latest(domain.id) };
}

/** The latest transfer when it is still pending (2301 otherwise). */
export function requirePending(target: TransferTarget): Transfer {
  return requirePendingTransfer(target.latest, `Domain ${target.domain.name} has no pending transfer`, nameValue(target.domain.name));
}

/**
 * Whether the command's <domain:authInfo> authorises a transfer of `d`: the domain's password, or (with
 * `roid`) the registrant's. 'absent' when none was sent. <domain:ext> is not supported (2102).
 */
export function authInfoCheck(d: TransferDomain, authInfo: Elem | undefined): 'absent' | 'valid' | 'invalid' {
  return passwordCheck('domain', authInfo, (roid) => {
    if (roid === undefined) return d.authPw;
    return d.registrant !== null && d.registrant.roid === roid ? d.registrant.authPw : null;
  });
}

/** A transfer request must carry the domain's (or the registrant's) authInfo: 2202 when it is missing or wrong. */
export function requireAuthInfo(d: TransferDomain, authInfo: Elem | undefined): void {
  const check = authInfoCheck(d, authInfo);
  if (check === 'absent') throw fail.invalidAuthInfo(`A transfer of ${d.name} requires the domain's authInfo`);
  if (check === 'invalid') throw fail.invalidAuthInfo(`The authInfo given for ${d.name} is not valid`);
}

/** The request's <domain:period> (policy default when absent), with its length in years; 2004 outside the policy. */
export function transferPeriod(object: Elem, policy: TldPolicy): { value: number; unit: 'y' | 'm'; years: number } {
  const p = child(object, 'period');
  if (!p) return { value: policy.period.default, unit: 'y', years: policy.period.default };
  const value = Number(p.text.trim());
  const unit = p.attrs.unit ?? 'y';
  const r = periodYears(value, unit, policy.period);
  if (!r.ok) throw fail.range(`Period refused: ${r.reason}`, el('domain:period', { unit }, p.text.trim()));
  return { value, unit: unit as 'y' | 'm', years: r.years };
}
