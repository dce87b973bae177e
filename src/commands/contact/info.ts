import { createHash, timingSafeEqual } from 'node:crypto';
import { fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { child, type Elem, type Out } from '../../protocol/xml-node.js';
import type { Contact } from '../../storage/contact-repo.js';
import type { CommandDef } from '../types.js';
import { infData, loadContact, onlyExtensions, tciInfData } from './contact-data.js';

/**
 * <contact:info> (RFC 5733 §3.1.2). Contact data is personal data, so what a registrar sees is all or nothing:
 * - the sponsor: everything, including the authInfo password;
 * - another registrar that sends the contact's password (<contact:authInfo><contact:pw>; a `roid` attribute,
 *   when present, must be the contact's own): everything except the password;
 * - another registrar without it, or with a wrong one: 2201 and no data at all.
 * Statuses: the stored ones, `ok` when none is stored, plus `linked` while a domain uses the contact.
 * Extension: <tci:infData> with the person/organization data, when the contact has them and the session
 * selected the TCI contact extension at login.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2201 not the sponsor and no (or a wrong)
 * authInfo; 2303 unknown contact.
 */
export const contactInfo: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'contact:info',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const object = req.object!;
    const contact = await loadContact(ctx, object);
    const sponsor = contact.sponsorId === ctx.registrar.id;
    if (!sponsor && !authInfoMatches(contact, child(object, 'authInfo'))) {
      throw fail.authorization(`Contact ${contact.handle} is sponsored by another registrar: its data needs the contact's authInfo`);
    }
    const linked = await ctx.repos.contacts.isLinked(contact.id);
    const extension: Out[] = [];
    if (contact.tci && ctx.session.extURIs.has(NS.tciContact)) extension.push(tciInfData(contact.tci));
    return { resData: [infData(contact, linked, sponsor)], extension, object: contact.handle };
  },
};

function authInfoMatches(c: Contact, authInfo: Elem | undefined): boolean {
  const pw = child(authInfo, 'pw');
  if (!pw) return false;
  if (pw.attrs.roid !== undefined && pw.attrs.roid !== c.roid) return false;
  return sameSecret(pw.text, c.authPw);
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
