import { NS } from '../../protocol/namespaces.js';
import { children, el, type Out } from '../../protocol/xml-node.js';
import { checkContactId } from '../../registry/contact-rules.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './contact-data.js';

/**
 * <contact:check> (RFC 5733 §3.1.1): for each id, whether a contact can be created with it now. Ids are
 * compared case-insensitively (TEST-C1 and test-c1 are the same contact). Each id is answered as sent, in
 * the order sent (an id asked twice is answered twice).
 *
 * avail="0" reasons: "In use"; "Invalid contact id" for an id that create would refuse (not printable
 * ASCII without spaces).
 *
 * Errors: 2002 an extension element (none belongs to a check); nothing else of its own (schema errors are
 * 2001 before it runs).
 */
export const contactCheck: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'contact:check',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const ids = children(req.object, 'id', NS.contact).map((e) => e.text.trim());
    const valid = ids.filter((id) => checkContactId(id) === undefined);
    const taken = await ctx.repos.contacts.existing(valid);
    const cds: Out[] = ids.map((id) => {
      if (checkContactId(id)) return el('contact:cd', null, [el('contact:id', { avail: 0 }, id), el('contact:reason', null, 'Invalid contact id')]);
      if (taken.has(id.toLowerCase())) return el('contact:cd', null, [el('contact:id', { avail: 0 }, id), el('contact:reason', null, 'In use')]);
      return el('contact:cd', null, [el('contact:id', { avail: 1 }, id)]);
    });
    return { resData: [el('contact:chkData', null, cds)], object: ids.join(',').slice(0, 255) };
  },
};
