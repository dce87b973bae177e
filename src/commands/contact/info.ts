import { authInfoMatches, CONTACT_AUTH_INFO_TTL_DAYS } from '../../registry/auth-info.js';
import type { Contact } from '../../storage/contact-repo.js';
import type { AuthPassword } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { contactAuthInfoRequired } from './conditions.js';
import { displayStatuses, loadContact } from './contact-data.js';
import type { ContactInfo, ContactInfoData } from './types.js';

/**
 * <contact:info> (RFC 5733 §3.1.2). Contact data is personal data, so what a registrar sees is all or nothing:
 * - the sponsor: everything, with an empty authInfo (RFC 9154 §5.3: the value is kept only as a hash, and the
 *   answer does not tell whether one is set);
 * - another registrar that sends the contact's password (<contact:authInfo><contact:pw>; a `roid` attribute,
 *   when present, must be the contact's own), set and within CONTACT_AUTH_INFO_TTL_DAYS: everything except
 *   the authInfo;
 * - another registrar without it, or with a wrong one: 2201 and no data at all.
 * Statuses: the stored ones, `ok` when none is stored, plus `linked` while a domain uses the contact.
 * Extension: <tci:infData> with the person/organization data, when the contact has them and the session
 * selected the TCI contact extension at login.
 *
 * Errors: contactValueRange/contactValueSyntax (2004/2005) impossible id; contactAuthInfoRequired (2201)
 * not the sponsor and no (or a wrong) authInfo; contactNotFound (2303).
 */
export const contactInfo: ObjectCommand<ContactInfo, ContactInfoData> = {
  kind: 'object',
  readOnly: true,
  name: 'contact:info',
  async run(input, ctx) {
    const contact = await loadContact(ctx, input.id);
    const sponsor = contact.sponsorId === ctx.registrar.id;
    if (!sponsor && !(await authorised(contact, input.authInfo, ctx.now))) throw contactAuthInfoRequired(contact.handle);
    const linked = await ctx.repos.contacts.isLinked(contact.id);
    return { data: { contact, statuses: displayStatuses(contact, linked), withAuthInfo: sponsor }, object: contact.handle };
  },
};

async function authorised(c: Contact, authInfo: AuthPassword | undefined, now: Date): Promise<boolean> {
  if (!authInfo) return false;
  if (authInfo.roid !== undefined && authInfo.roid !== c.roid) return false;
  return authInfoMatches(authInfo.pw, c, CONTACT_AUTH_INFO_TTL_DAYS, now);
}
