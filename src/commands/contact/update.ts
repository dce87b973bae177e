import { fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { child, children, el, type Elem } from '../../protocol/xml-node.js';
import { CONTACT_CLIENT_STATUSES } from '../../registry/statuses.js';
import type { ContactChanges } from '../../storage/contact-repo.js';
import type { CommandDef } from '../types.js';
import {
  idValue,
  loadContact,
  mergePostalInfos,
  onlyExtensions,
  parseAuthPw,
  parseDisclose,
  parseEmail,
  parsePhone,
  parseTci,
  requireSponsor,
} from './contact-data.js';

/** Statuses that forbid any update (besides client/serverUpdateProhibited, handled apart). */
const LIFECYCLE_BLOCKERS = ['pendingDelete', 'pendingTransfer'];

/**
 * <contact:update> (RFC 5733 §3.2.5), with or without <tci:update> (the TCI contact extension, any prefix).
 *
 * Only the sponsor may update. clientUpdateProhibited or serverUpdateProhibited refuse every update, except
 * one whose only change is removing clientUpdateProhibited (not possible under serverUpdateProhibited); a
 * TCI extension that repeats the stored person/organization data unchanged (Net::DRI sends it on every
 * update) does not count as a change. An update that adds, removes and changes nothing is 2003.
 * add/rem: only clientDeleteProhibited, clientTransferProhibited and clientUpdateProhibited; ok, linked,
 * server* and pending* are the registry's (2306 naming the status); adding a status already there or
 * removing one that is not there: 2306. Removals are applied before additions.
 * chg: postalInfo (per form: a given name or addr replaces the stored one, a given org replaces it and an
 * empty <org/> removes it; a form the contact lacks must come complete), voice and fax (an empty element
 * removes the number), email, authInfo password, disclose (one without children removes the preference),
 * all checked as on create. The TCI extension, when present, replaces the stored person/organization data.
 *
 * Errors: 2002 foreign extension element; 2003 nothing to change, a new postal form without name/addr,
 * TCI data incomplete; 2004/2005 a value refused by the contact rules (as on create); 2102 authInfo <ext>;
 * 2201 not the sponsor; 2303 unknown contact; 2304 update prohibited (client/serverUpdateProhibited,
 * pendingDelete, pendingTransfer); 2306 the status rules above, a postalInfo or legalAddr type given
 * twice, an empty or over-long password.
 */
export const contactUpdate: CommandDef = {
  kind: 'object',
  name: 'contact:update',
  async run(req, ctx) {
    onlyExtensions(req, [[NS.tciContact, 'update']]);
    const object = req.object!;
    const contact = await loadContact(ctx, object);
    requireSponsor(ctx, contact, 'update');
    const name = contact.handle;

    const addStatuses = statusesOf(child(object, 'add'));
    const remStatuses = statusesOf(child(object, 'rem'));
    const chg = child(object, 'chg');
    const chgCount = chg?.children.length ?? 0;
    const ext = req.extension(NS.tciContact, 'update');
    const tci = ext ? parseTci(ext, ctx.now) : undefined;
    const tciChanges = tci !== undefined && JSON.stringify(tci) !== JSON.stringify(contact.tci);
    if (addStatuses.length + remStatuses.length + chgCount === 0 && !ext) {
      throw fail.missing(`The update of ${name} adds, removes and changes nothing`, idValue(name));
    }

    // ---- status gate
    const blocker = contact.statuses.find((s) => LIFECYCLE_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Contact ${name} has status ${blocker}: it cannot be updated`, idValue(name));
    if (contact.statuses.includes('serverUpdateProhibited')) {
      throw fail.status(`Contact ${name} has status serverUpdateProhibited: only the registry can change it`, idValue(name));
    }
    const onlyUnlock =
      remStatuses.length === 1 && remStatuses[0] === 'clientUpdateProhibited' && addStatuses.length === 0 && chgCount === 0 && !tciChanges;
    if (contact.statuses.includes('clientUpdateProhibited') && !onlyUnlock) {
      throw fail.status(`Contact ${name} has status clientUpdateProhibited: remove it first, in an update that changes nothing else`, idValue(name));
    }

    // ---- statuses
    for (const s of [...addStatuses, ...remStatuses]) {
      if (!(CONTACT_CLIENT_STATUSES as readonly string[]).includes(s)) {
        throw fail.policy(`Status ${s} is not set or removed by registrars; only ${CONTACT_CLIENT_STATUSES.join(', ')} are`, el('contact:status', { s }));
      }
    }
    let statuses = [...contact.statuses];
    for (const s of remStatuses) {
      if (!statuses.includes(s)) throw fail.policy(`Contact ${name} does not have status ${s}`, el('contact:status', { s }));
      statuses = statuses.filter((x) => x !== s);
    }
    for (const s of addStatuses) {
      if (statuses.includes(s)) throw fail.policy(`Contact ${name} already has status ${s}`, el('contact:status', { s }));
      statuses.push(s);
    }

    // ---- chg
    const changes: ContactChanges = {};
    const postal = mergePostalInfos(chg, contact);
    if (postal.int) changes.postalInt = postal.int;
    if (postal.loc) changes.postalLoc = postal.loc;
    const voice = child(chg, 'voice');
    if (voice) changes.voice = parsePhone(voice, 'voice', true);
    const fax = child(chg, 'fax');
    if (fax) changes.fax = parsePhone(fax, 'fax', true);
    const email = child(chg, 'email');
    if (email) changes.email = parseEmail(email);
    const authInfo = child(chg, 'authInfo');
    if (authInfo) changes.authPw = parseAuthPw(authInfo);
    const disclose = child(chg, 'disclose');
    if (disclose) changes.disclose = parseDisclose(disclose);
    if (tci !== undefined) changes.tci = tci;
    if (addStatuses.length + remStatuses.length > 0) changes.statuses = statuses;

    await ctx.repos.contacts.update(contact.id, changes, ctx.registrar.id, ctx.now);
    return { object: name };
  },
};

function statusesOf(addRem: Elem | undefined): string[] {
  return children(addRem, 'status', NS.contact).map((s) => s.attrs.s);
}
