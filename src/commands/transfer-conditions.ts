import { eppDateTime } from '../protocol/response.js';
import { el, type Out } from '../protocol/xml-node.js';
import { utcDate } from '../registry/periods.js';
import { condition } from './conditions.js';

/**
 * The named error conditions of the <transfer> commands of domains (RFC 5731 §3.2.4) and contacts
 * (RFC 5733 §3.2.4). Most are shared: they take the object's kind and its name (a domain's name, a
 * contact's id), which words the message ("example.tatar" / "contact C-1") and names the object in <value>.
 */

export type TransferKind = 'domain' | 'contact';

/** How a message names the object: a domain by its name, a contact as "contact <id>". */
const label = (kind: TransferKind, name: string) => (kind === 'domain' ? name : `contact ${name}`);
/** The object as a sentence's subject: "Domain example.tatar", "Contact C-1". */
const subject = (kind: TransferKind, name: string) => `${kind === 'domain' ? 'Domain' : 'Contact'} ${name}`;
/** The element naming the object in <value>. */
const objectValue = (kind: TransferKind, name: string): Out => (kind === 'domain' ? el('domain:name', null, name) : el('contact:id', null, name));

// ---------------------------------------------------------------- request

/** 2106: the requester already sponsors the object. */
export const alreadySponsor = condition('alreadySponsor', 2106, (kind: TransferKind, name: string) => ({
  msg: `You are already the sponsor of ${label(kind, name)}`,
  value: objectValue(kind, name),
}));

/** 2202: a transfer request without the object's authInfo. */
export const transferAuthInfoMissing = condition('transferAuthInfoMissing', 2202, (kind: TransferKind, name: string) => ({
  msg: `A transfer of ${label(kind, name)} requires the ${kind}'s authInfo`,
}));

/**
 * 2202: an authInfo that does not match the object's (nor, for a domain, its registrant's by roid), or the
 * object has none set or it is past its TTL (RFC 9154 §4.4). The answer does not say which: it would tell
 * whether one is set.
 */
export const transferAuthInfoInvalid = condition('transferAuthInfoInvalid', 2202, (kind: TransferKind, name: string) => ({
  msg: `The authInfo given for ${label(kind, name)} is not valid (it does not match, has expired, or none is set)`,
}));

/** 2300: a transfer of the object is already pending. */
export const transferAlreadyPending = condition('transferAlreadyPending', 2300, (kind: TransferKind, name: string) => ({
  msg: `A transfer of ${label(kind, name)} is already pending`,
  value: objectValue(kind, name),
}));

/** 2304: a status that refuses transfers (clientTransferProhibited, serverTransferProhibited, pendingDelete). */
export const transferProhibitedByStatus = condition('transferProhibitedByStatus', 2304, (kind: TransferKind, name: string, status: string) => ({
  msg: `${subject(kind, name)} has status ${status}: it cannot be transferred`,
  value: objectValue(kind, name),
}));

/** 2004: a <domain:period> outside the TLD policy (`text`: as sent). */
export const transferPeriodRefused = condition('transferPeriodRefused', 2004, (reason: string, unit: string, text: string) => ({
  msg: `Period refused: ${reason}`,
  value: el('domain:period', { unit }, text),
}));

/** 2106: the domain was created or last transferred less than the policy's transferLock days ago. */
export const transferLocked = condition('transferLocked', 2106, (name: string, lockEnds: Date, lockDays: number) => ({
  msg: `Domain ${name} cannot be transferred before ${eppDateTime(lockEnds)} (${lockDays} days after its creation or last transfer)`,
  value: el('domain:name', null, name),
}));

/**
 * 2306: the transfer would take the expiry more than the policy's maxRegistrationYears from now. <value>
 * names the period when the request gave one, the domain otherwise.
 */
export const transferBeyondMaxRegistration = condition(
  'transferBeyondMaxRegistration',
  2306,
  (name: string, years: number, expiresAt: Date, maxYears: number, period?: { value: number; unit: string }) => ({
    msg: `A transfer of ${name} for ${years} year(s) would take it to ${utcDate(expiresAt)}, more than ${maxYears} years from now`,
    value: period ? el('domain:period', { unit: period.unit }, period.value) : el('domain:name', null, name),
  }),
);

/** 2104: the requester's balance does not cover the transfer price. */
export const transferInsufficientFunds = condition('transferInsufficientFunds', 2104, (name: string, years: number, price: number) => ({
  msg: `Insufficient funds: a transfer of ${name} for ${years} year(s) costs ${price}`,
}));

// ---------------------------------------------------------------- approve, reject, cancel, query

/** 2301: the object has no pending transfer to act on. */
export const noPendingTransfer = condition('noPendingTransfer', 2301, (kind: TransferKind, name: string) => ({
  msg: `${subject(kind, name)} has no pending transfer`,
  value: objectValue(kind, name),
}));

/** 2201: only the sponsor approves or rejects a transfer. */
export const transferNotSponsor = condition('transferNotSponsor', 2201, (kind: TransferKind, name: string, action: 'approve' | 'reject') => ({
  msg: `Only the sponsor of ${label(kind, name)} may ${action} its transfer`,
}));

/** 2201: only the requester cancels a transfer. */
export const transferNotRequester = condition('transferNotRequester', 2201, (kind: TransferKind, name: string) => ({
  msg: `Only the registrar that requested the transfer of ${label(kind, name)} may cancel it`,
}));

/** 2201: a registrar that is no party of the transfer queries it without authInfo. */
export const transferQueryRefused = condition('transferQueryRefused', 2201, (kind: TransferKind, name: string) => ({
  msg: `Only the sponsor, the parties of a transfer of ${label(kind, name)}, or a registrar with its authInfo may query it`,
}));

/** 2301: a query of an object that was never transferred nor asked for. */
export const neverTransferred = condition('neverTransferred', 2301, (kind: TransferKind, name: string) => ({
  msg: `No transfer of ${label(kind, name)} was ever requested`,
  value: objectValue(kind, name),
}));
