import { createHash, timingSafeEqual } from 'node:crypto';
import { NS } from '../../protocol/namespaces.js';
import { child, el, type Elem, type Out } from '../../protocol/xml-node.js';
import { rgpStatuses } from '../../registry/lifecycle.js';
import type { Domain, DomainContact } from '../../storage/domain-repo.js';
import type { CommandContext, CommandDef } from '../types.js';
import { descriptionInfData, infData, loadDomain, type InfoParts, type InfoView } from './domain-data.js';
import { secDnsInfData } from './secdns.js';

/**
 * <domain:info> (RFC 5731 §3.1.2). `hosts` (default "all"): "del" lists the delegated nameservers
 * (<domain:ns>), "sub" the subordinate hosts (<domain:host>), "none" neither.
 *
 * What a registrar sees:
 * - the sponsor: everything, including the authInfo;
 * - another registrar that sends the right authInfo (the domain's password, or with `roid` the password of
 *   the registrant or one of the domain's contacts): everything except the authInfo;
 * - another registrar without it (or with a wrong one): the public data only: name, roid, statuses,
 *   delegated nameservers, clID, crDate, exDate and the DNSSEC data (all of it visible in DNS or WHOIS
 *   anyway); no contacts, subordinate hosts, crID/upID/upDate/trDate, description or authInfo. A wrong
 *   authInfo is not an error: it gets the public data.
 * Extensions: <secDNS:infData> when the domain has DS/key data (with maxSigLife when set),
 * <tcidom:infData> with the description when set, <rgp:infData> with the RFC 3915 states (several at once,
 * e.g. addPeriod and renewPeriod); each only when the session selected its namespace.
 *
 * Errors: 2005 impossible name, 2303 unknown domain.
 */
export const domainInfo: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'domain:info',
  async run(req, ctx) {
    const object = req.object!;
    const { domain } = await loadDomain(ctx, object);
    const hosts = (child(object, 'name')?.attrs.hosts ?? 'all') as InfoParts['hosts'];
    const repo = ctx.repos.domains;
    const contacts = await repo.contacts(domain.id);

    let view: InfoView = 'public';
    if (domain.sponsorId === ctx.registrar.id) view = 'full';
    else if (await authInfoMatches(ctx, domain, contacts, child(object, 'authInfo'))) view = 'noAuth';

    const resData = infData({
      domain,
      contacts,
      nameservers: await repo.nameservers(domain.id),
      hostAttrs: await repo.hostAttrs(domain.id),
      subordinates: await repo.subordinateHosts(domain.id),
      hosts,
      view,
    });
    const extension: Out[] = [];
    if (ctx.session.extURIs.has(NS.secDNS)) {
      const sec = secDnsInfData({ ds: await repo.dsData(domain.id), keys: await repo.keyData(domain.id) }, domain.maxSigLife);
      if (sec) extension.push(sec);
    }
    if (ctx.session.extURIs.has(NS.rgp)) {
      const rgp = rgpStatuses(await ctx.repos.lifecycle.activeGrace(domain.id, ctx.now), await ctx.repos.lifecycle.deletion(domain.id), ctx.now);
      if (rgp.length > 0) extension.push(el('rgp:infData', null, rgp.map((s) => el('rgp:rgpStatus', { s }))));
    }
    if (view !== 'public' && ctx.session.extURIs.has(NS.tciDomain)) {
      const descr = descriptionInfData(domain.description);
      if (descr) extension.push(descr);
    }
    return { resData: [resData], extension, object: domain.name };
  },
};

/** Whether the info command's authInfo authorises full data (the domain's, or a registrant/contact password by roid). */
async function authInfoMatches(ctx: CommandContext, d: Domain, contacts: DomainContact[], authInfo: Elem | undefined): Promise<boolean> {
  const pw = child(authInfo, 'pw');
  if (!pw) return false;
  const roid = pw.attrs.roid;
  if (roid === undefined) return d.authPw !== null && sameSecret(pw.text, d.authPw);
  const c = await ctx.repos.domains.contactByRoid(roid);
  if (!c) return false;
  const associated = c.id === d.registrantId || contacts.some((x) => x.contactId === c.id);
  return associated && sameSecret(pw.text, c.authPw);
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
