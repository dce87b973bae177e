import { NS } from '../../protocol/namespaces.js';
import { children, el, type Out } from '../../protocol/xml-node.js';
import type { CommandDef } from '../types.js';
import { classifyName } from './domain-data.js';

/**
 * <domain:check> (RFC 5731 §3.1.1): for each name, whether it can be registered now.
 *
 * avail="0" reasons: the name's syntax problem (IDNA2008/LDH, shortened to fit eppcom:reasonType),
 * "TLD not served by this registry", "Not a single label under the TLD", "Script not allowed in this TLD",
 * "Reserved", "In use". Names are answered as normalised lower-case A-labels (a U-label or upper-case
 * input comes back as the A-label that would be registered); a name that cannot be normalised (a syntax
 * error) is echoed as sent. A name asked twice is answered twice.
 *
 * Errors: none of its own (schema errors are 2001 before it runs).
 */
export const domainCheck: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'domain:check',
  async run(req, ctx) {
    const inputs = children(req.object, 'name', NS.domain).map((n) => n.text.trim());
    const served = await ctx.repos.tlds.list();
    const classes = [];
    for (const input of inputs) classes.push({ input, c: await classifyName(ctx, input, served) });
    const taken = await ctx.repos.domains.existing(classes.flatMap(({ c }) => (c.ok ? [c.name] : [])));
    const cds: Out[] = classes.map(({ input, c }) => {
      if (!c.ok) return el('domain:cd', null, [el('domain:name', { avail: 0 }, c.name ?? input), el('domain:reason', null, c.short)]);
      if (taken.has(c.name)) return el('domain:cd', null, [el('domain:name', { avail: 0 }, c.name), el('domain:reason', null, 'In use')]);
      return el('domain:cd', null, [el('domain:name', { avail: 1 }, c.name)]);
    });
    return { resData: [el('domain:chkData', null, cds)], object: inputs.join(',').slice(0, 255) };
  },
};
