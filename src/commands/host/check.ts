import { hostNameScripts, normalizeName, shortNameReason } from '../../registry/names.js';
import type { ObjectCommand } from '../types.js';
import { placeHost } from './host-data.js';
import type { HostCheck, HostCheckData } from './types.js';

/**
 * <host:check> (RFC 5732 §3.1.1): for each name, whether a host object can be created with it now.
 *
 * avail="0" reasons: "In use"; the name's syntax problem (IDNA2008/LDH, shortened to fit
 * eppcom:reasonType); a label mixing scripts or outside the TLD's IDN tables ("Mixed scripts in a label",
 * "Script not allowed in this TLD", "Character not in the IDN table"); "Superordinate domain not found" for a name under a TLD this registry serves whose
 * domain is not registered (a create would be 2303). Whether the asking registrar sponsors that domain is
 * not checked here. Names are answered as lower-case A-labels (U-label or upper-case input comes back as the
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
    const results: HostCheckData['results'] = [];
    for (const { sent, n } of names) {
      const answer = (name: string, reason?: string) => results.push({ name, available: !reason, ...(reason !== undefined ? { reason } : {}) });
      const scripts = n.ok ? hostNameScripts(n.name, served) : undefined;
      if (!n.ok) answer(sent, shortNameReason(n.reason, 'host'));
      else if (taken.has(n.name)) answer(n.name, 'In use');
      else if (scripts && !scripts.ok) answer(n.name, scripts.short);
      else if ((await placeHost(ctx, n.name, served)).kind === 'orphan') answer(n.name, 'Superordinate domain not found');
      else answer(n.name);
    }
    return { data: { results }, object: input.names.join(',').slice(0, 255) };
  },
};
