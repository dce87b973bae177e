import { MAX_HOST_ADDRESSES } from '../../registry/addresses.js';
import { roid } from '../../registry/roid.js';
import type { ObjectCommand } from '../types.js';
import { externalHostAddresses, glueRequired, hostExists, tooManyAddresses } from './conditions.js';
import { checkAddressRanges, hostName, parseAddrs, requireHostNameScripts, requirePlacement } from './host-data.js';
import type { HostCreate, HostCreateData } from './types.js';

/**
 * <host:create> (RFC 5732 §3.2.1): a registrar creates a host object (a nameserver name), becoming its sponsor.
 *
 * The name: lower-case A-labels (U-labels accepted and converted), not already a host, each label written in
 * one script (under a served TLD: that TLD's IDN tables; src/registry/scripts.ts). Where it sits decides
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
 * Errors: glueRequired (2003) an internal host without addresses under required glue; invalidHostName
 * (2005); invalidAddress (2005) malformed address or ip mismatch; superordinateOfOtherSponsor (2201);
 * hostExists (2302); superordinateNotRegistered (2303); superordinatePendingDelete (2304);
 * externalHostAddresses (2306) addresses on an external host; addressListedTwice (2306); addressRefused
 * (2306) by range; tooManyAddresses (2306); hostNameScriptRefused (2306) a label mixing scripts or outside
 * the TLD's IDN tables.
 */
export const hostCreate: ObjectCommand<HostCreate, HostCreateData> = {
  kind: 'object',
  name: 'host:create',
  async run(input, ctx) {
    const name = hostName(input.name);
    const repo = ctx.repos.hosts;
    if (await repo.byName(name)) throw hostExists(name, input.name);
    await requireHostNameScripts(ctx, name, input.name);
    const addrs = parseAddrs(input.addrs);

    const place = await requirePlacement(ctx, name, input.name);
    if (place.kind === 'external') {
      if (addrs.length > 0) throw externalHostAddresses(name, addrs[0]);
    } else {
      const policy = place.tld.policy;
      if (addrs.length === 0 && policy.glue === 'required') throw glueRequired(name, place.domain.name, place.tld.name, input.name);
      if (addrs.length > MAX_HOST_ADDRESSES) throw tooManyAddresses(input.name);
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
    return { data: { name, createdAt: ctx.now }, object: name };
  },
};
