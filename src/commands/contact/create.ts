import { fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { eppDateTime } from '../../protocol/response.js';
import { child, el } from '../../protocol/xml-node.js';
import { roid } from '../../registry/roid.js';
import type { CommandDef } from '../types.js';
import {
  contactId,
  idValue,
  onlyExtensions,
  parseAuthPw,
  parseDisclose,
  parseEmail,
  parsePhone,
  parsePostalInfos,
  parseTci,
  tciTlds,
} from './contact-data.js';

/**
 * <contact:create> (RFC 5733 §3.2.1), with <tci:create> (the TCI contact extension, any prefix).
 *
 * The id: 3 to 16 printable ASCII characters, not in use (compared case-insensitively). Postal info: one
 * or both forms, each type once; `int` printable ASCII only, `loc` any script; lines at most 255
 * characters; the country an ISO 3166-1 alpha-2 code in either case (stored upper case). voice/fax:
 * +CC.NUMBER (1–3 digit country code not starting with 0, 4–14 digits, at most 15 in all) with an optional
 * numeric x extension; an empty <voice/> is refused. E-mail: local@domain with a dot-atom local part of at
 * most 64 octets and a valid domain name. The authInfo password: not empty. The disclose preference is
 * stored as given. While any served TLD's policy says `contactExtension: 'tci'`, the TCI extension is
 * required: a person (birthday, passport, optional TIN) or an organization (legal addresses, TIN); it is
 * stored and shown by info. The contact starts with status ok, sponsored and created by the registrar.
 *
 * Errors: 2002 foreign extension element; 2003 TCI extension missing where required, TCI data without
 * person/organization, legal address or passport; 2004 value too long or out of range (lines, e-mail,
 * id length, birthday); 2005 value syntax (id, int data not ASCII, country code, telephone number, e-mail,
 * birthday, TIN); 2102 authInfo <ext>; 2302 the id exists; 2306 a postalInfo or legalAddr type given twice,
 * too many passport lines, empty or over-long password, password with a roid. (2103 for the extension
 * without selecting it at login comes from the runner.)
 */
export const contactCreate: CommandDef = {
  kind: 'object',
  name: 'contact:create',
  async run(req, ctx) {
    onlyExtensions(req, [[NS.tciContact, 'create']]);
    const object = req.object!;
    const id = contactId(object);
    const repo = ctx.repos.contacts;
    if (await repo.byHandle(id)) throw fail.exists(`Contact ${id} already exists`, idValue(id));

    const ext = req.extension(NS.tciContact, 'create');
    const tlds = await tciTlds(ctx);
    if (!ext && tlds.length > 0) {
      throw fail.missing(
        `A contact needs the TCI contact extension (${NS.tciContact}) with person or organization data: required by .${tlds.join(', .')}`,
      );
    }
    const postal = parsePostalInfos(object);
    const voiceEl = child(object, 'voice');
    const faxEl = child(object, 'fax');
    const voice = voiceEl ? parsePhone(voiceEl, 'voice', false) : null;
    const fax = faxEl ? parsePhone(faxEl, 'fax', false) : null;
    const email = parseEmail(child(object, 'email')!);
    const authPw = parseAuthPw(child(object, 'authInfo')!);
    const discloseEl = child(object, 'disclose');
    const disclose = discloseEl ? parseDisclose(discloseEl) : null;
    const tci = ext ? parseTci(ext, ctx.now) : null;

    const rowId = await repo.nextId();
    await repo.insert({
      id: rowId,
      handle: id,
      roid: roid('C', rowId, ctx.services.config.roidSuffix),
      registrarId: ctx.registrar.id,
      createdAt: ctx.now,
      authPw,
      postalInt: postal.int,
      postalLoc: postal.loc,
      voice,
      fax,
      email,
      disclose,
      tci,
    });
    return {
      resData: [el('contact:creData', null, [el('contact:id', null, id), el('contact:crDate', null, eppDateTime(ctx.now))])],
      object: id,
    };
  },
};
