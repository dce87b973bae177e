import { NS } from '../../protocol/namespaces.js';
import { children, el, type Out } from '../../protocol/xml-node.js';
import { normalizeName } from '../../registry/names.js';
import type { CommandDef } from '../types.js';
import { shortNameReason } from '../../registry/names.js';
import { noExtensions, placeHost } from './host-data.js';

/**
 * <host:check> (RFC 5732 §3.1.1): for each name, whether a host object can be created with it now.
 *
 * avail="0" reasons: "In use"; the name's syntax problem (IDNA2008/LDH, shortened to fit
 * eppcom:reasonType); "Superordinate domain not found" for a name under a TLD this registry serves whose
 * domain is not registered (a create would be 2303). Whether the asking registrar sponsors that domain is
 * not checked here. Names are answered as lower-case A-labels (U-label or upper-case input comes back as the
 * A-label a create would store); a name that cannot be normalised is echoed as sent. A name asked twice is
 * answered twice, in the order sent.
 *
 * Errors: 2002 an extension element; nothing else of its own (schema errors are 2001 before it runs).
 */
export const hostCheck: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'host:check',
  async run(req, ctx) {
    noExtensions(req);
    const inputs = children(req.object, 'name', NS.host).map((n) => n.text.trim());
    const served = await ctx.repos.tlds.list();
    const names = inputs.map((input) => ({ input, n: normalizeName(input) }));
    const taken = await ctx.repos.hosts.existing(names.flatMap(({ n }) => (n.ok ? [n.name] : [])));
    const cds: Out[] = [];
    for (const { input, n } of names) {
      const cd = (name: string, reason?: string) =>
        el('host:cd', null, [el('host:name', { avail: reason ? 0 : 1 }, name), reason !== undefined && el('host:reason', null, reason)]);
      if (!n.ok) cds.push(cd(input, shortNameReason(n.reason, 'host')));
      else if (taken.has(n.name)) cds.push(cd(n.name, 'In use'));
      else if ((await placeHost(ctx, n.name, served)).kind === 'orphan') cds.push(cd(n.name, 'Superordinate domain not found'));
      else cds.push(cd(n.name));
    }
    return { resData: [el('host:chkData', null, cds)], object: inputs.join(',').slice(0, 255) };
  },
};
