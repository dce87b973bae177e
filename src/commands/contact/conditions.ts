import { el, type Out } from '../../protocol/xml-node.js';
import { MAX_PASSPORT_LINES } from '../../registry/contact-rules.js';
import type { PostalType } from '../../storage/contact-repo.js';
import { condition } from '../conditions.js';

/**
 * The error conditions of the contact commands (RFC 5733 and the TCI contact extension), one constructor
 * each with its code, message and <value>. Shared with the other objects (../conditions.ts): notSponsor,
 * updateBlockedByLifecycle, serverUpdateProhibited, clientUpdateProhibited, authInfoRefused,
 * authInfoExtUnsupported.
 */

/** The element naming a contact in <value>. */
export const idValue = (id: string): Out => el('contact:id', null, id);

// ---------------------------------------------------------------- values refused by the contact rules

/**
 * 2004: a value out of range by src/registry/contact-rules.ts (id length, line too long, e-mail parts,
 * birthday out of range); `what` names the field, `reason` is the rule's.
 */
export const contactValueRange = condition('contactValueRange', 2004, (what: string, reason: string, value: Out) => ({
  msg: `${what}: ${reason}`,
  value,
}));

/** 2005: a value of the wrong syntax by the contact rules (id, int data not ASCII, country, telephone, e-mail, birthday, TIN). */
export const contactValueSyntax = condition('contactValueSyntax', 2005, (what: string, reason: string, value: Out) => ({
  msg: `${what}: ${reason}`,
  value,
}));

// ---------------------------------------------------------------- existence

/** 2303: no contact has this id. */
export const contactNotFound = condition('contactNotFound', 2303, (id: string) => ({ msg: `Contact ${id} does not exist`, value: idValue(id) }));

/** 2302: a contact with this id exists already (ids compare case-insensitively). */
export const contactExists = condition('contactExists', 2302, (id: string) => ({ msg: `Contact ${id} already exists`, value: idValue(id) }));

// ---------------------------------------------------------------- postal info and authInfo

/** 2306: two <contact:postalInfo> of the same type. */
export const postalInfoTwice = condition('postalInfoTwice', 2306, (type: PostalType) => ({
  msg: `postalInfo type="${type}" is given twice`,
  value: el('contact:postalInfo', { type }),
}));

/** 2003: a postal form on create without its address. */
export const postalInfoWithoutAddress = condition('postalInfoWithoutAddress', 2003, (type: PostalType) => ({
  msg: `${type} postal info needs an address`,
  value: el('contact:postalInfo', { type }),
}));

/** 2003: an update gives a postal form the contact does not have yet without both name and addr. */
export const postalInfoIncomplete = condition('postalInfoIncomplete', 2003, (id: string, type: PostalType) => ({
  msg: `Contact ${id} has no ${type} postal info yet: give its name and addr`,
  value: el('contact:postalInfo', { type }),
}));

/** 2003: an <authInfo> without <contact:pw> (read from XML). */
export const authInfoWithoutPw = condition('authInfoWithoutPw', 2003, () => ({ msg: 'authInfo requires <contact:pw>' }));

// ---------------------------------------------------------------- TCI extension

/** 2003: TCI data with neither <person> nor <organization> (read from XML). */
export const tciDataMissing = condition('tciDataMissing', 2003, () => ({
  msg: 'The TCI contact extension needs <person> or <organization> data',
  value: el('tci:create'),
}));

/** 2003: a person without passport data. */
export const passportMissing = condition('passportMissing', 2003, () => ({ msg: 'A person needs passport data', value: el('tci:passport') }));

/** 2306: more passport lines than are kept. */
export const tooManyPassportLines = condition('tooManyPassportLines', 2306, (lines: readonly string[]) => ({
  msg: `At most ${MAX_PASSPORT_LINES} passport lines are kept; ${lines.length} given`,
  value: el('tci:passport', null, lines[MAX_PASSPORT_LINES]),
}));

/** 2003: an organization without a legal address. */
export const legalAddrMissing = condition('legalAddrMissing', 2003, () => ({ msg: 'An organization needs a legal address', value: el('tci:legalAddr') }));

/** 2306: two legal addresses of the same type. */
export const legalAddrTwice = condition('legalAddrTwice', 2306, (type: PostalType) => ({
  msg: `legalAddr type="${type}" is given twice`,
  value: el('tci:legalAddr', { type }),
}));

// ---------------------------------------------------------------- info

/** 2201: another registrar asks for a contact's data without its authInfo (or with a wrong one). */
export const contactAuthInfoRequired = condition('contactAuthInfoRequired', 2201, (id: string) => ({
  msg: `Contact ${id} is sponsored by another registrar: its data needs the contact's authInfo`,
}));

// ---------------------------------------------------------------- update

/** 2003: an update that adds, removes and changes nothing. */
export const contactUpdateEmpty = condition('contactUpdateEmpty', 2003, (id: string) => ({
  msg: `The update of ${id} adds, removes and changes nothing`,
  value: idValue(id),
}));

// ---------------------------------------------------------------- delete

/** 2304: clientDeleteProhibited, serverDeleteProhibited, pendingDelete or pendingTransfer. */
export const contactDeleteProhibited = condition('contactDeleteProhibited', 2304, (id: string, status: string) => ({
  msg: `Contact ${id} has status ${status}: it cannot be deleted`,
  value: idValue(id),
}));

/** 2305: a domain uses the contact (as registrant or contact). */
export const contactLinked = condition('contactLinked', 2305, (id: string) => ({
  msg: `Contact ${id} is used by a domain (as registrant or contact): it cannot be deleted`,
  value: idValue(id),
}));
