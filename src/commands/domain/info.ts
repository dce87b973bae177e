import { authInfoMatches, CONTACT_AUTH_INFO_TTL_DAYS } from '../../registry/auth-info.js';
import { rgpStatuses } from '../../registry/lifecycle.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Domain, DomainContact } from '../../storage/domain-repo.js';
import type { CommandContext, ObjectCommand } from '../types.js';
import { displayStatuses, loadDomain } from './domain-data.js';
import { launchInfo } from './launch.js';
import type { AuthInfoInput, DomainInfo, DomainInfoData, InfoView } from './types.js';

/**
 * <domain:info> (RFC 5731 §3.1.2). `hosts` (default "all"): "del" lists the delegated nameservers
 * (<domain:ns>), "sub" the subordinate hosts (<domain:host>), "none" neither.
 *
 * What a registrar sees (`view`):
 * - the sponsor ('full'): everything, with an empty authInfo (RFC 9154 §5.3: it is kept only as a hash,
 *   and the answer does not tell whether one is set);
 * - another registrar that sends the right authInfo (the domain's password, or with `roid` the password of
 *   the registrant or one of the domain's contacts; set and within its TTL: RFC 9154 §4.4) ('noAuth'):
 *   everything except the authInfo (this is how a gaining registrar checks a value before a transfer);
 * - another registrar without it (or with a wrong one) ('public'): the public data only: name, roid,
 *   statuses, delegated nameservers, clID, crDate, exDate and the DNSSEC data (all of it visible in DNS or
 *   WHOIS anyway); no contacts, subordinate hosts, crID/upID/upDate/trDate, description or authInfo. A wrong
 *   authInfo is not an error: it gets the public data.
 * The data also carries the DNSSEC records (with maxSigLife when set), the RFC 3915 states (several at
 * once, e.g. addPeriod and renewPeriod) and the description (null in the public view); the EPP door shows
 * each in its extension only when the session selected its namespace.
 *
 * Errors: nameSyntax (2005), domainNotFound (2303).
 */
export const domainInfo: ObjectCommand<DomainInfo, DomainInfoData> = {
  kind: 'object',
  readOnly: true,
  name: 'domain:info',
  async run(input, ctx) {
    const { domain, policy } = await loadDomain(ctx, input.name);
    const repo = ctx.repos.domains;
    const contacts = await repo.contacts(domain.id);

    let view: InfoView = 'public';
    if (domain.sponsorId === ctx.registrar.id) view = 'full';
    else if (await authorised(ctx, domain, policy, contacts, input.authInfo)) view = 'noAuth';

    const nameservers = await repo.nameservers(domain.id);
    const hostAttrs = await repo.hostAttrs(domain.id);
    const data: DomainInfoData = {
      domain,
      view,
      hosts: input.hosts,
      contacts,
      nameservers,
      hostAttrs,
      subordinates: await repo.subordinateHosts(domain.id),
      statuses: displayStatuses(domain, nameservers.length + hostAttrs.length),
      rgpStatuses: rgpStatuses(await ctx.repos.lifecycle.activeGrace(domain.id, ctx.now), await ctx.repos.lifecycle.deletion(domain.id), ctx.now),
      secDns: { ds: await repo.dsData(domain.id), keys: await repo.keyData(domain.id) },
      description: view === 'public' ? null : domain.description,
      ...(input.launch && { launch: await launchInfo(ctx, domain, input.launch, view === 'public') }),
    };
    return { data, object: domain.name };
  },
};

/** Whether the info command's authInfo authorises full data (the domain's, or a registrant/contact password by roid). */
async function authorised(ctx: CommandContext, d: Domain, policy: TldPolicy, contacts: DomainContact[], authInfo: AuthInfoInput | undefined): Promise<boolean> {
  if (!authInfo) return false;
  const { pw, roid } = authInfo;
  if (roid === undefined) return authInfoMatches(pw, d, policy.authInfo.ttlDays, ctx.now);
  const c = await ctx.repos.domains.contactByRoid(roid);
  if (!c) return false;
  const associated = c.id === d.registrantId || contacts.some((x) => x.contactId === c.id);
  return associated && authInfoMatches(pw, c, CONTACT_AUTH_INFO_TTL_DAYS, ctx.now);
}
