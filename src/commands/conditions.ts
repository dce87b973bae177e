import { EppError } from '../protocol/errors.js';
import type { ResultCode } from '../protocol/result-codes.js';
import { el, type Out } from '../protocol/xml-node.js';

/**
 * Named error conditions. Each condition is one constructor that carries its result code, its message and
 * the element its <value> names, so that a handler's doc comment ("Errors: domainNotFound (2303), …"), the
 * code it answers and the text a registrar reads cannot drift apart. A test can match a failure by the
 * condition (`domainNotFound.code`, `domainNotFound('x.tatar').message`); the runner logs its name.
 *
 *   export const domainNotFound = condition('domainNotFound', 2303, (name: string) => ({
 *     msg: `Domain ${name} does not exist`, value: el('domain:name', null, name),
 *   }));
 *   throw domainNotFound(name);
 */
export interface Condition<A extends unknown[]> {
  (...args: A): EppError;
  readonly conditionName: string;
  readonly code: ResultCode;
}

export function condition<A extends unknown[]>(
  name: string,
  code: ResultCode,
  build: (...args: A) => { msg: string; value?: Out; reason?: string },
): Condition<A> {
  const make = (...args: A) => {
    const b = build(...args);
    return new EppError(code, b.msg, b.value, b.reason, name);
  };
  return Object.assign(make, { conditionName: name, code });
}

// ---------------------------------------------------------------- conditions every object command shares

/** 2201: only the sponsoring registrar may act on the object. */
export const notSponsor = condition('notSponsor', 2201, (kind: ObjectKind, name: string, action: string, value?: Out) => ({
  msg: `${kind} ${name} is sponsored by another registrar; only the sponsor may ${action} it`,
  value,
}));

/** 2304: a lifecycle status (pendingDelete, pendingTransfer) refuses any update. */
export const updateBlockedByLifecycle = condition('updateBlockedByLifecycle', 2304, (kind: ObjectKind, name: string, status: string, value: Out) => ({
  msg: `${kind} ${name} has status ${status}: it cannot be updated`,
  value,
}));

/** 2304: serverUpdateProhibited refuses every update by a registrar. */
export const serverUpdateProhibited = condition('serverUpdateProhibited', 2304, (kind: ObjectKind, name: string, value: Out) => ({
  msg: `${kind} ${name} has status serverUpdateProhibited: only the registry can change it`,
  value,
}));

/** 2304: clientUpdateProhibited refuses every update except the one that only removes it. */
export const clientUpdateProhibited = condition('clientUpdateProhibited', 2304, (kind: ObjectKind, name: string, value: Out) => ({
  msg: `${kind} ${name} has status clientUpdateProhibited: remove it first, in an update that changes nothing else`,
  value,
}));

/** 2306: a status registrars do not set or remove (ok, linked, inactive, pending*, server*); `settable` says which they do. */
export const statusNotSettable = condition('statusNotSettable', 2306, (kind: ObjectKind, s: string, settable: string) => ({
  msg: `Status ${s} is not set or removed by registrars; only ${settable} are`,
  value: el(`${kind.toLowerCase()}:status`, { s }),
}));

/** 2306: an update removes a status the object does not have. */
export const statusAbsent = condition('statusAbsent', 2306, (kind: ObjectKind, name: string, s: string) => ({
  msg: `${kind} ${name} does not have status ${s}`,
  value: el(`${kind.toLowerCase()}:status`, { s }),
}));

/** 2306: an update adds a status the object has. */
export const statusPresent = condition('statusPresent', 2306, (kind: ObjectKind, name: string, s: string) => ({
  msg: `${kind} ${name} already has status ${s}`,
  value: el(`${kind.toLowerCase()}:status`, { s }),
}));

/** 2306: an authInfo password that is blank, too long or too short for the policy, or carries a roid where none belongs. */
export const authInfoRefused = condition('authInfoRefused', 2306, (reason: string, value: Out) => ({ msg: reason, value }));

/** 2306: a create carries an authInfo value where the TLD's policy takes only an empty one (RFC 9154 §5.1). */
export const authInfoOnCreateRefused = condition('authInfoOnCreateRefused', 2306, (tld: string) => ({
  msg: `Domains of .${tld} are created with an empty authInfo (RFC 9154): send <domain:pw/>, and set one with <update> when a transfer is asked for`,
  value: el('domain:pw', null, ''),
}));

/** 2102: <ext> authInfo (RFC 5731/5733) is not implemented; only passwords are. */
export const authInfoExtUnsupported = condition('authInfoExtUnsupported', 2102, (prefix: 'domain' | 'contact') => ({
  msg: `Only password authInfo (<${prefix}:pw>) is supported`,
}));

export type ObjectKind = 'Domain' | 'Contact' | 'Host';
