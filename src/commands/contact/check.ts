import { checkContactId } from '../../registry/contact-rules.js';
import type { ObjectCommand } from '../types.js';
import type { ContactCheck, ContactCheckData } from './types.js';

/**
 * <contact:check> (RFC 5733 §3.1.1): for each id, whether a contact can be created with it now. Ids are
 * compared case-insensitively (TEST-C1 and test-c1 are the same contact). Each id is answered as sent, in
 * the order sent (an id asked twice is answered twice).
 *
 * avail="0" reasons: "In use"; "Invalid contact id" for an id that create would refuse (not printable
 * ASCII without spaces).
 *
 * Errors: none of its own (schema errors are 2001, extension elements 2102, before it runs).
 */
export const contactCheck: ObjectCommand<ContactCheck, ContactCheckData> = {
  kind: 'object',
  readOnly: true,
  name: 'contact:check',
  async run(input, ctx) {
    const { ids } = input;
    const valid = ids.filter((id) => checkContactId(id) === undefined);
    const taken = await ctx.repos.contacts.existing(valid);
    const results = ids.map((id) => {
      if (checkContactId(id)) return { id, available: false, reason: 'Invalid contact id' };
      if (taken.has(id.toLowerCase())) return { id, available: false, reason: 'In use' };
      return { id, available: true };
    });
    return { data: { results }, object: ids.join(',').slice(0, 255) };
  },
};
