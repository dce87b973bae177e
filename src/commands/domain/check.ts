import type { ObjectCommand } from '../types.js';
import { classifyName } from './domain-data.js';
import type { DomainCheck, DomainCheckData } from './types.js';

/**
 * <domain:check> (RFC 5731 §3.1.1): for each name, whether it can be registered now.
 *
 * Unavailable names carry a reason: the name's syntax problem (IDNA2008/LDH, shortened to fit
 * eppcom:reasonType), "TLD not served by this registry", "Not a single label under the TLD", "Script not
 * allowed in this TLD", "Reserved", "In use". Names are answered as normalised lower-case A-labels (a U-label
 * or upper-case input comes back as the A-label that would be registered); a name that cannot be normalised
 * (a syntax error) is echoed as sent. A name asked twice is answered twice.
 *
 * Errors: none of its own (schema errors are 2001 before it runs).
 */
export const domainCheck: ObjectCommand<DomainCheck, DomainCheckData> = {
  kind: 'object',
  readOnly: true,
  name: 'domain:check',
  async run(input, ctx) {
    const served = await ctx.repos.tlds.list();
    const classes = [];
    for (const name of input.names) classes.push({ input: name, c: await classifyName(ctx, name, served) });
    const taken = await ctx.repos.domains.existing(classes.flatMap(({ c }) => (c.ok ? [c.name] : [])));
    const results: DomainCheckData['results'] = classes.map(({ input, c }) => {
      if (!c.ok) return { name: c.name ?? input, available: false, reason: c.short };
      if (taken.has(c.name)) return { name: c.name, available: false, reason: 'In use' };
      return { name: c.name, available: true };
    });
    return { data: { results }, object: input.names.join(',').slice(0, 255) };
  },
};
