import { fail } from '../../protocol/errors.js';
import type { CommandDef } from '../types.js';
import { idValue, loadContact, onlyExtensions, requireSponsor } from './contact-data.js';

/** Statuses that forbid a delete. */
const DELETE_BLOCKERS = ['clientDeleteProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <contact:delete> (RFC 5733 §3.2.2): the sponsor deletes a contact that no domain uses (neither as
 * registrant nor as admin/tech/billing contact). The contact is removed at once (1000); its id can be
 * created again, its roid is never given out again.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2201 not the sponsor; 2303 unknown contact;
 * 2304 clientDeleteProhibited/serverDeleteProhibited (or pendingDelete, pendingTransfer); 2305 the contact
 * is linked to a domain.
 */
export const contactDelete: CommandDef = {
  kind: 'object',
  name: 'contact:delete',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const contact = await loadContact(ctx, req.object!);
    requireSponsor(ctx, contact, 'delete');
    const blocker = contact.statuses.find((s) => DELETE_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Contact ${contact.handle} has status ${blocker}: it cannot be deleted`, idValue(contact.handle));
    const repo = ctx.repos.contacts;
    if (await repo.isLinked(contact.id)) {
      throw fail.association(`Contact ${contact.handle} is used by a domain (as registrant or contact): it cannot be deleted`, idValue(contact.handle));
    }
    await repo.delete(contact.id);
    return { object: contact.handle };
  },
};
