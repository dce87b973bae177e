import { fail } from '../../protocol/errors.js';
import { childText, el } from '../../protocol/xml-node.js';
import { deleteDomain } from '../../registry/lifecycle.js';
import type { CommandDef } from '../types.js';
import { loadDomain, onlyExtensions, requireSponsor } from './domain-data.js';

/** Statuses that forbid a delete. */
const DELETE_BLOCKERS = ['clientDeleteProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <domain:delete> (RFC 5731 §3.2.2, RFC 3915): the sponsor deletes a domain. Its subordinate hosts go with
 * it, so a subordinate host that another domain uses as a nameserver blocks the delete (2305: remove that
 * delegation first). Inside the add grace period the domain (with its contact links, nameservers, DNSSEC
 * data and subordinate hosts) is purged at once, the create refunded, and the answer is 1000. Otherwise
 * running renew/autoRenew/transfer grace periods are refunded and the domain enters redemption
 * (pendingDelete), answered with the TLD policy's deleteResultCode (1001 by default, as RFC 5730 intends;
 * 1000 in the OT&E TLDs, as their scripts expect). See src/registry/lifecycle.ts.
 *
 * Errors: 2002 foreign extension; 2005 impossible name; 2201 not the sponsor; 2303 unknown domain; 2304
 * clientDeleteProhibited/serverDeleteProhibited (or pendingDelete, pendingTransfer); 2305 a subordinate
 * host is delegated to by another domain.
 */
export const domainDelete: CommandDef = {
  kind: 'object',
  name: 'domain:delete',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const { domain, policy } = await loadDomain(ctx, childText(req.object!, 'name') ?? '');
    requireSponsor(ctx, domain, 'delete');
    const blocker = domain.statuses.find((s) => DELETE_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Domain ${domain.name} has status ${blocker}: it cannot be deleted`, el('domain:name', null, domain.name));
    const repo = ctx.repos.domains;
    const inUse = await repo.subordinateHostsInUseElsewhere(domain.id);
    if (inUse.length > 0) {
      throw fail.association(
        `Domain ${domain.name} cannot be deleted: its host(s) ${inUse.join(', ')} are nameservers of other domains`,
        el('domain:name', null, domain.name),
      );
    }
    const outcome = await deleteDomain(ctx.repos, domain, policy, ctx.now, ctx.svTRID);
    return { code: outcome === 'purged' ? 1000 : policy.deleteResultCode, object: domain.name };
  },
};
