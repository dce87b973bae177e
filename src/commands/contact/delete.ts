import { requireSponsor } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { contactDeleteProhibited, contactLinked } from './conditions.js';
import { loadContact } from './contact-data.js';
import type { ContactDelete } from './types.js';

/** Statuses that forbid a delete. */
const DELETE_BLOCKERS = ['clientDeleteProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <contact:delete> (RFC 5733 §3.2.2): the sponsor deletes a contact that no domain uses (neither as
 * registrant nor as admin/tech/billing contact). The contact is removed at once (1000); its id can be
 * created again, its roid is never given out again.
 *
 * Errors: contactValueRange/contactValueSyntax (2004/2005) impossible id; notSponsor (2201);
 * contactNotFound (2303); contactDeleteProhibited (2304) clientDeleteProhibited/serverDeleteProhibited (or
 * pendingDelete, pendingTransfer); contactLinked (2305) a domain uses the contact.
 */
export const contactDelete: ObjectCommand<ContactDelete, undefined> = {
  kind: 'object',
  name: 'contact:delete',
  async run(input, ctx) {
    const contact = await loadContact(ctx, input.id);
    requireSponsor(ctx, 'Contact', { name: contact.handle, sponsorId: contact.sponsorId }, 'delete');
    const blocker = contact.statuses.find((s) => DELETE_BLOCKERS.includes(s));
    if (blocker) throw contactDeleteProhibited(contact.handle, blocker);
    const repo = ctx.repos.contacts;
    if (await repo.isLinked(contact.id)) throw contactLinked(contact.handle);
    await repo.delete(contact.id);
    return { object: contact.handle };
  },
};
