import { roid } from '../../registry/roid.js';
import { hashedAuthPassword, newAuthInfo } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { contactExists } from './conditions.js';
import { checkEmailInput, checkPhoneInput, checkPostalInfos, checkTci, contactId } from './contact-data.js';
import type { ContactCreate, ContactCreateData } from './types.js';

/**
 * <contact:create> (RFC 5733 §3.2.1), with <tci:create> (the TCI contact extension, any prefix).
 *
 * The id: 3 to 16 printable ASCII characters, not in use (compared case-insensitively). Postal info: one
 * or both forms, each type once; `int` printable ASCII only, `loc` any script; lines at most 255
 * characters; the country an ISO 3166-1 alpha-2 code in either case (stored upper case). voice/fax:
 * +CC.NUMBER (1–3 digit country code not starting with 0, 4–14 digits, at most 15 in all) with an optional
 * numeric x extension; an empty <voice/> is refused. E-mail: local@domain with a dot-atom local part of at
 * most 64 octets and a valid domain name. The authInfo password (RFC 9154): empty (none set) or a value,
 * kept only as a salted hash (computed before the transaction), working for CONTACT_AUTH_INFO_TTL_DAYS. The
 * disclose preference is stored as given. The TCI extension is optional: a person (birthday, passport,
 * optional TIN) or an organization (legal addresses, TIN), stored and shown by info. A contact is an RFC 5733
 * object of no TLD: a TLD whose policy requires the TCI data asks for it when the contact is linked to one of
 * its domains (../domain/domain-data.ts requireContactExtension), not here. The contact starts with status ok,
 * sponsored and created by the registrar.
 *
 * Errors:
 * - 2003: tciDataMissing (neither person nor organization),
 *   postalInfoWithoutAddress, passportMissing, legalAddrMissing, authInfoWithoutPw;
 * - 2004: contactValueRange (lines, e-mail, id length, birthday);
 * - 2005: contactValueSyntax (id, int data not ASCII, country code, telephone number, e-mail, birthday, TIN);
 * - 2102: authInfoExtUnsupported (<contact:ext>, refused while reading);
 * - 2302: contactExists;
 * - 2306: postalInfoTwice, legalAddrTwice, tooManyPassportLines, authInfoRefused (blank or over-long
 *   password, password with a roid).
 * (A foreign extension element is 2102, the TCI extension without selecting it at login 2103: the door's.)
 */
export const contactCreate: ObjectCommand<ContactCreate, ContactCreateData> = {
  kind: 'object',
  name: 'contact:create',
  async prepare(input) {
    return { ...input, authInfo: await hashedAuthPassword(input.authInfo) };
  },
  async run(input, ctx) {
    const id = contactId(input.id);
    const repo = ctx.repos.contacts;
    if (await repo.byHandle(id)) throw contactExists(id);

    const postal = checkPostalInfos(input.postalInfo);
    const voice = input.voice ? checkPhoneInput(input.voice, 'voice', false) : null;
    const fax = input.fax ? checkPhoneInput(input.fax, 'fax', false) : null;
    const email = checkEmailInput(input.email);
    const auth = await newAuthInfo('contact', input.authInfo, ctx.now);
    const disclose = input.disclose ?? null;
    const tci = input.tci ? checkTci(input.tci, ctx.now) : null;

    const rowId = await repo.nextId();
    await repo.insert({
      id: rowId,
      handle: id,
      roid: roid('C', rowId, ctx.services.config.roidSuffix),
      registrarId: ctx.registrar.id,
      createdAt: ctx.now,
      auth,
      postalInt: postal.int,
      postalLoc: postal.loc,
      voice,
      fax,
      email,
      disclose,
      tci,
    });
    return { data: { id, createdAt: ctx.now }, object: id };
  },
};
