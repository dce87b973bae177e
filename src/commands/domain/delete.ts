import { deleteDomain } from '../../registry/lifecycle.js';
import { requireSponsor } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { deleteProhibited, subordinateHostsInUse } from './conditions.js';
import { loadDomain } from './domain-data.js';
import type { DomainDelete } from './types.js';

/** Statuses that forbid a delete. */
const DELETE_BLOCKERS = ['clientDeleteProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <domain:delete> (RFC 5731 §3.2.2, RFC 3915): the sponsor deletes a domain. Its subordinate hosts go with
 * it, so a subordinate host that another domain uses as a nameserver blocks the delete (remove that
 * delegation first). Inside the add grace period the domain (with its contact links, nameservers, DNSSEC
 * data and subordinate hosts) is purged at once, the create refunded, and the answer is 1000. Otherwise
 * running renew/autoRenew/transfer grace periods are refunded and the domain enters redemption
 * (pendingDelete), answered with the TLD policy's deleteResultCode (1001 by default, as RFC 5730 intends;
 * 1000 in the OT&E TLDs, as their scripts expect). See src/registry/lifecycle.ts.
 *
 * Errors: nameSyntax (2005), domainNotFound (2303), notSponsor (2201), deleteProhibited (2304:
 * clientDeleteProhibited, serverDeleteProhibited, pendingDelete, pendingTransfer), subordinateHostsInUse
 * (2305).
 */
export const domainDelete: ObjectCommand<DomainDelete, undefined> = {
  kind: 'object',
  name: 'domain:delete',
  async run(input, ctx) {
    const { domain, policy } = await loadDomain(ctx, input.name);
    requireSponsor(ctx, 'Domain', domain, 'delete');
    const blocker = domain.statuses.find((s) => DELETE_BLOCKERS.includes(s));
    if (blocker) throw deleteProhibited(domain.name, blocker);
    const inUse = await ctx.repos.domains.subordinateHostsInUseElsewhere(domain.id);
    if (inUse.length > 0) throw subordinateHostsInUse(domain.name, inUse);
    const outcome = await deleteDomain(ctx.repos, domain, policy, ctx.now, ctx.svTRID);
    return { code: outcome === 'purged' ? 1000 : policy.deleteResultCode, object: domain.name };
  },
};
