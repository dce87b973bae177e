import { el, type Out } from '../../protocol/xml-node.js';
import type { DsRecord, KeyRecord } from '../../registry/dnssec.js';
import { condition } from '../conditions.js';

/**
 * The errors of the domain commands, one constructor each, carrying its result code, its message and the
 * element its <value> names. The handlers' doc comments list them by these names. The rules every object
 * command shares (sponsor, update gate, authInfo passwords) are in ../conditions.ts.
 */

/** The element naming a domain in <value>: the name as the client sent it. */
const nameValue = (input: string) => el('domain:name', null, input);

// ---------------------------------------------------------------- names and loading

/** 2005: a name that cannot be normalised (IDNA2008/LDH); `element` is where it was sent (domain:name, domain:hostObj, …). */
export const nameSyntax = condition('nameSyntax', 2005, (input: string, reason: string, element: string = 'domain:name') => ({
  msg: `Invalid name ${input}: ${reason}`,
  value: el(element, null, input),
}));

/** 2303: no domain of that name. */
export const domainNotFound = condition('domainNotFound', 2303, (name: string, input: string = name) => ({
  msg: `Domain ${name} does not exist`,
  value: nameValue(input),
}));

// ---------------------------------------------------------------- DNSSEC records as elements

/** A key as <secDNS:keyData>: the <value> of an error about it (and a record of <secDNS:infData>). */
export function keyDataOut(k: KeyRecord): Out {
  return el('secDNS:keyData', null, [
    el('secDNS:flags', null, k.flags),
    el('secDNS:protocol', null, k.protocol),
    el('secDNS:alg', null, k.alg),
    el('secDNS:pubKey', null, k.pubKey),
  ]);
}

/** A DS record as <secDNS:dsData>: the <value> of an error about it (and a record of <secDNS:infData>). */
export function dsDataOut(d: DsRecord): Out {
  return el('secDNS:dsData', null, [
    el('secDNS:keyTag', null, d.keyTag),
    el('secDNS:alg', null, d.alg),
    el('secDNS:digestType', null, d.digestType),
    el('secDNS:digest', null, d.digest),
    d.key && keyDataOut(d.key),
  ]);
}
