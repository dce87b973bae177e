import { fail } from '../../protocol/errors.js';
import { eppDateTime } from '../../protocol/response.js';
import { childText, el } from '../../protocol/xml-node.js';
import { MAX_HOST_ADDRESSES } from '../../registry/addresses.js';
import { roid } from '../../registry/roid.js';
import type { CommandDef } from '../types.js';
import { checkAddressRanges, hostName, nameValue, noExtensions, parseAddrs, requirePlacement } from './host-data.js';

/**
 * <host:create> (RFC 5732 §3.2.1): a registrar creates a host object (a nameserver name), becoming its sponsor.
 *
 * The name: lower-case A-labels (U-labels accepted and converted), not already a host. Where it sits decides
 * the rest (RFC 5732 §1.1):
 * - external (not under a TLD this registry serves, e.g. ns1.example.com): created without addresses, as the
 *   registry publishes no glue for it; addresses are refused (2306);
 * - internal (under a served TLD): its superordinate domain, the registered domain that is its longest
 *   suffix, must exist (2303 naming the host) and be sponsored by the same registrar (2201), and not be in
 *   pendingDelete (2304). Addresses (glue) are optional when the TLD policy's glue is 'optional' (a host
 *   without them cannot be delegated to until it gets some), required (2003) when 'required'. Each address
 *   must match its ip="v4|v6" (2005); loopback and unspecified are always refused, private and special
 *   ranges when the policy's refusePrivateAddresses is set (2306). IPv6 is stored in RFC 5952 form. The
 *   same address may serve several hosts; at most MAX_HOST_ADDRESSES per host.
 * Status after create: `ok`.
 *
 * Errors: 2002 an extension element; 2003 an internal host without addresses under required glue; 2005
 * invalid host name, malformed address or ip mismatch; 2201 the superordinate domain is another registrar's;
 * 2302 the host exists; 2303 the superordinate domain is not registered; 2304 it is pendingDelete; 2306
 * addresses on an external host, an address listed twice or refused by range, too many addresses.
 */
export const hostCreate: CommandDef = {
  kind: 'object',
  name: 'host:create',
  async run(req, ctx) {
    noExtensions(req);
    const object = req.object!;
    const input = childText(object, 'name') ?? '';
    const name = hostName(input);
    const repo = ctx.repos.hosts;
    if (await repo.byName(name)) throw fail.exists(`Host ${name} already exists`, nameValue(input));
    const addrs = parseAddrs(object);

    const place = await requirePlacement(ctx, name, input);
    if (place.kind === 'external') {
      if (addrs.length > 0) {
        throw fail.policy(`Host ${name} is not under a TLD of this registry: it takes no addresses`, el('host:addr', { ip: addrs[0].ip }, addrs[0].addr));
      }
    } else {
      const policy = place.tld.policy;
      if (addrs.length === 0 && policy.glue === 'required') {
        throw fail.missing(`Host ${name} is under ${place.domain.name}: .${place.tld.name} requires its addresses`, nameValue(input));
      }
      if (addrs.length > MAX_HOST_ADDRESSES) throw fail.policy(`A host may have at most ${MAX_HOST_ADDRESSES} addresses`, nameValue(input));
      checkAddressRanges(addrs, policy);
    }

    const id = await repo.nextId();
    await repo.insert({
      id,
      name,
      roid: roid('H', id, ctx.services.config.roidSuffix),
      registrarId: ctx.registrar.id,
      createdAt: ctx.now,
      superordinateId: place.kind === 'internal' ? place.domain.id : null,
    });
    for (const a of addrs) await repo.addAddress(id, a);
    return {
      resData: [el('host:creData', null, [el('host:name', null, name), el('host:crDate', null, eppDateTime(ctx.now))])],
      object: name,
    };
  },
};
