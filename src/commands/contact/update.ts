import { CONTACT_CLIENT_STATUSES } from '../../registry/statuses.js';
import type { ContactChanges } from '../../storage/contact-repo.js';
import { applyClientStatuses, hashedAuthPassword, newAuthInfo, requireSponsor, updateGate } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { contactUpdateEmpty, idValue } from './conditions.js';
import { checkEmailInput, checkPhoneInput, checkTci, loadContact, mergePostalInfos } from './contact-data.js';
import type { ContactUpdate } from './types.js';

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
 * removes the number), email, authInfo password (RFC 9154: an empty <contact:pw/> unsets it; a value is kept
 * only as a salted hash, hashed before the transaction), disclose (one without children removes the preference),
 * all checked as on create. The TCI extension, when present, replaces the stored person/organization data.
 *
 * Errors:
 * - 2003: contactUpdateEmpty (nothing to change), postalInfoIncomplete (a new postal form without
 *   name/addr), tciDataMissing, passportMissing, legalAddrMissing, authInfoWithoutPw;
 * - 2004/2005: contactValueRange/contactValueSyntax (a value refused by the contact rules, as on create);
 * - 2102: authInfoExtUnsupported (<contact:ext>, refused while reading);
 * - 2201: notSponsor;
 * - 2303: contactNotFound;
 * - 2304: updateBlockedByLifecycle (pendingDelete, pendingTransfer), serverUpdateProhibited,
 *   clientUpdateProhibited;
 * - 2306: statusNotSettable, statusAbsent, statusPresent, postalInfoTwice,
 *   legalAddrTwice, tooManyPassportLines, authInfoRefused (blank or over-long password, one with a roid).
 */
export const contactUpdate: ObjectCommand<ContactUpdate, undefined> = {
  kind: 'object',
  name: 'contact:update',
  async prepare(input) {
    return input.chg.authInfo ? { ...input, chg: { ...input.chg, authInfo: await hashedAuthPassword(input.chg.authInfo) } } : input;
  },
  async run(input, ctx) {
    const contact = await loadContact(ctx, input.id);
    requireSponsor(ctx, 'Contact', { name: contact.handle, sponsorId: contact.sponsorId }, 'update');
    const name = contact.handle;

    const addStatuses = input.add.statuses;
    const remStatuses = input.rem.statuses;
    const chg = input.chg;
    const chgCount =
      chg.postalInfo.length + [chg.voice, chg.fax, chg.email, chg.authInfo, chg.disclose].filter((x) => x !== undefined).length;
    const tci = input.tci ? checkTci(input.tci, ctx.now) : undefined;
    const tciChanges = tci !== undefined && JSON.stringify(tci) !== JSON.stringify(contact.tci);
    if (addStatuses.length + remStatuses.length + chgCount === 0 && !input.tci) throw contactUpdateEmpty(name);

    // ---- status gate
    const onlyUnlock =
      remStatuses.length === 1 && remStatuses[0] === 'clientUpdateProhibited' && addStatuses.length === 0 && chgCount === 0 && !tciChanges;
    updateGate('Contact', name, contact.statuses, onlyUnlock, idValue(name));

    // ---- statuses
    const statuses = applyClientStatuses('Contact', name, contact.statuses, { add: addStatuses, rem: remStatuses }, CONTACT_CLIENT_STATUSES, CONTACT_CLIENT_STATUSES.join(', '));

    // ---- chg
    const changes: ContactChanges = {};
    const postal = mergePostalInfos(chg.postalInfo, contact);
    if (postal.int) changes.postalInt = postal.int;
    if (postal.loc) changes.postalLoc = postal.loc;
    if (chg.voice) changes.voice = checkPhoneInput(chg.voice, 'voice', true);
    if (chg.fax) changes.fax = checkPhoneInput(chg.fax, 'fax', true);
    if (chg.email !== undefined) changes.email = checkEmailInput(chg.email);
    if (chg.authInfo) changes.auth = await newAuthInfo('contact', chg.authInfo, ctx.now);
    if (chg.disclose !== undefined) changes.disclose = chg.disclose;
    if (tci !== undefined) changes.tci = tci;
    if (addStatuses.length + remStatuses.length > 0) changes.statuses = statuses;

    await ctx.repos.contacts.update(contact.id, changes, ctx.registrar.id, ctx.now);
    return { object: name };
  },
};
