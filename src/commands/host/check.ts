import { hostNameScripts, normalizeName, shortNameReason } from '../../registry/names.js';
import type { ObjectCommand } from '../types.js';
import type { HostCheck, HostCheckData } from './types.js';

/**
 * <host:check> (RFC 5732 §3.1.1): for each name, whether a host object of that name exists — the answer
 * Verisign's and Nomulus' servers give. A valid name that is not a host object is avail="1" whatever its
 * superordinate domain: whether that domain exists (and is the registrar's) is <host:create>'s business
 * (2303/2201/2305), not an availability question.
 *
 * avail="0" reasons: "In use" (a host object of that name); the name's syntax problem (IDNA2008/LDH,
 * shortened to fit eppcom:reasonType); a label mixing scripts or outside the TLD's IDN tables ("Mixed
 * scripts in a label", "Script not allowed in this TLD", "Character not in the IDN table"), which a create
 * would refuse. Names are answered as lower-case A-labels (U-label or upper-case input comes back as the
 * A-label a create would store); a name that cannot be normalised is echoed as sent. A name asked twice is
 * answered twice, in the order sent.
 *
 * Errors: none of its own (schema errors are 2001, extension elements 2102, before it runs).
 */
export const hostCheck: ObjectCommand<HostCheck, HostCheckData> = {
  kind: 'object',
  readOnly: true,
  name: 'host:check',
  async run(input, ctx) {
    const served = await ctx.repos.tlds.list();
    const names = input.names.map((sent) => ({ sent, n: normalizeName(sent) }));
    const taken = await ctx.repos.hosts.existing(names.flatMap(({ n }) => (n.ok ? [n.name] : [])));
    const results: HostCheckData['results'] = names.map(({ sent, n }) => {
      if (!n.ok) return { name: sent, available: false, reason: shortNameReason(n.reason, 'host') };
      if (taken.has(n.name)) return { name: n.name, available: false, reason: 'In use' };
      const scripts = hostNameScripts(n.name, served);
      if (!scripts.ok) return { name: n.name, available: false, reason: scripts.short };
      return { name: n.name, available: true };
    });
    return { data: { results }, object: input.names.join(',').slice(0, 255) };
  },
};
