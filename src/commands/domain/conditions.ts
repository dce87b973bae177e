import { el, type Out } from '../../protocol/xml-node.js';
import type { DnssecProblem, DsRecord, KeyRecord } from '../../registry/dnssec.js';
import { condition } from '../conditions.js';

/**
 * The errors of the domain commands, one constructor each, carrying its result code, its message and the
 * element its <value> names. The handlers' doc comments list them by these names. The conditions every
 * object command shares (notSponsor, the update gate's, authInfoRefused, authInfoExtUnsupported) are in
 * ../conditions.ts.
 */

/** The element naming a domain in <value> (the name as the client sent it, or as stored). */
export const nameValue = (input: string): Out => el('domain:name', null, input);

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

// ---------------------------------------------------------------- a name to register

/** 2005: the name to register cannot be normalised. */
export const domainNameInvalid = condition('domainNameInvalid', 2005, (input: string, reason: string) => ({
  msg: `Invalid domain name ${input}: ${reason}`,
  value: nameValue(input),
}));

/** 2004: the name is under no TLD this registry serves. */
export const tldNotServed = condition('tldNotServed', 2004, (input: string, reason: string) => ({ msg: `${input}: ${reason}`, value: nameValue(input) }));

/** 2306: not a single label under the TLD, a script the TLD does not allow, or a reserved name. */
export const nameNotRegistrable = condition('nameNotRegistrable', 2306, (input: string, reason: string) => ({ msg: `${input}: ${reason}`, value: nameValue(input) }));

/** 2302: the name is registered. */
export const domainExists = condition('domainExists', 2302, (name: string, input: string) => ({
  msg: `Domain ${name} is already registered`,
  value: nameValue(input),
}));

// ---------------------------------------------------------------- periods

/** 2004: a period outside the policy's range, not whole years, or in an unknown unit. */
export const periodRefused = condition('periodRefused', 2004, (reason: string, p: { unit: string; text: string }) => ({
  msg: `Period refused: ${reason}`,
  value: el('domain:period', { unit: p.unit }, p.text),
}));

/** 2004: a new registration longer than the policy's maxRegistrationYears. */
export const registrationTooLong = condition('registrationTooLong', 2004, (maxYears: number, years: number) => ({
  msg: `A registration may not exceed ${maxYears} years`,
  value: el('domain:period', { unit: 'y' }, years),
}));

// ---------------------------------------------------------------- registrant and contacts

/** 2306: a registrant in a TLD of the 'minimum' data model. */
export const registrantNotAccepted = condition('registrantNotAccepted', 2306, (tld: string, handle: string) => ({
  msg: `.${tld} keeps no contact data: a registrant is not accepted`,
  value: el('domain:registrant', null, handle),
}));

/** 2306: contacts in a TLD of the 'minimum' data model. */
export const contactsNotAccepted = condition('contactsNotAccepted', 2306, (tld: string, type: string | undefined, handle: string) => ({
  msg: `.${tld} keeps no contact data: contacts are not accepted`,
  value: el('domain:contact', { type }, handle),
}));

/** 2003: no registrant in a TLD of the 'maximum' data model. */
export const registrantRequired = condition('registrantRequired', 2003, (tld: string) => ({ msg: `A registrant is required in .${tld}` }));

/** 2303: no contact with the registrant's handle. */
export const registrantNotFound = condition('registrantNotFound', 2303, (handle: string) => ({
  msg: `Registrant ${handle} does not exist`,
  value: el('domain:registrant', null, handle),
}));

/** 2003: a <domain:contact> without its type. */
export const contactTypeMissing = condition('contactTypeMissing', 2003, (handle: string) => ({
  msg: `Contact ${handle} has no type (admin, tech or billing)`,
  value: el('domain:contact', null, handle),
}));

/** 2303: no contact with that handle. */
export const domainContactNotFound = condition('domainContactNotFound', 2303, (type: string, handle: string) => ({
  msg: `Contact ${handle} does not exist`,
  value: el('domain:contact', { type }, handle),
}));

/**
 * 2306: a contact without the data of the contact extension the TLD's policy requires (TCI: person or
 * organization), linked to one of its domains; `type` 'registrant' names <domain:registrant>.
 */
export const contactExtensionDataMissing = condition('contactExtensionDataMissing', 2306, (tld: string, type: string, handle: string) => ({
  msg: `Contact ${handle} has no TCI contact extension data (person or organization), which .${tld} requires of the contacts of its domains: add it with <contact:update>`,
  value: type === 'registrant' ? el('domain:registrant', null, handle) : el('domain:contact', { type }, handle),
}));

/** 2306: the same contact twice with the same type in one command. */
export const contactListedTwice = condition('contactListedTwice', 2306, (type: string, handle: string) => ({
  msg: `Contact ${handle} is listed twice as ${type}`,
  value: el('domain:contact', { type }, handle),
}));

/** 2306: more contacts of a type than the policy's maxContactsPerType. */
export const tooManyContacts = condition('tooManyContacts', 2306, (max: number, type: string, given: number, handle: string) => ({
  msg: `At most ${max} ${type} contact(s) allowed, ${given} given`,
  value: el('domain:contact', { type }, handle),
}));

/** 2003: a create with fewer contacts of a type than the policy requires. */
export const contactsRequired = condition('contactsRequired', 2003, (min: number, type: string) => ({ msg: `At least ${min} ${type} contact(s) required` }));

/** 2306: an update that would leave fewer contacts of a type than the policy requires. */
export const lastContactNotRemovable = condition('lastContactNotRemovable', 2306, (min: number, type: string) => ({
  msg: `A domain needs at least ${min} ${type} contact(s): the last one cannot be removed`,
  value: el('domain:contact', { type }, ''),
}));

/** 2306: an update that would remove the registrant of a TLD of the 'maximum' data model. */
export const registrantNotRemovable = condition('registrantNotRemovable', 2306, (tld: string) => ({
  msg: `A domain in .${tld} must have a registrant: it cannot be removed`,
  value: el('domain:registrant', null, ''),
}));

/** 2306: an update removes a contact the domain does not have with that type. */
export const notAContact = condition('notAContact', 2306, (domain: string, type: string, handle: string) => ({
  msg: `${handle} is not a ${type} contact of ${domain}`,
  value: el('domain:contact', { type }, handle),
}));

/** 2306: an update adds a contact the domain already has with that type. */
export const alreadyAContact = condition('alreadyAContact', 2306, (domain: string, type: string, handle: string) => ({
  msg: `${handle} is already a ${type} contact of ${domain}`,
  value: el('domain:contact', { type }, handle),
}));

// ---------------------------------------------------------------- nameservers

/** 2306: host attributes in a TLD of the hostObj model. */
export const hostAttrsNotAccepted = condition('hostAttrsNotAccepted', 2306, (firstName: string) => ({
  msg: 'This TLD takes nameservers as host objects (<domain:hostObj>), not host attributes',
  value: el('domain:hostName', null, firstName),
}));

/** 2306: host objects in a TLD of the hostAttr model. */
export const hostObjsNotAccepted = condition('hostObjsNotAccepted', 2306, (first: string) => ({
  msg: 'This TLD takes nameservers as host attributes (<domain:hostAttr>), not host objects',
  value: el('domain:hostObj', null, first),
}));

/** 2306: the same nameserver twice in one <domain:ns>; `element` is domain:hostObj or domain:hostName. */
export const nameserverListedTwice = condition('nameserverListedTwice', 2306, (name: string, element: string, input: string) => ({
  msg: `Nameserver ${name} is listed twice`,
  value: el(element, null, input),
}));

/** 2005: a host attribute's address that is malformed or does not match its ip attribute. */
export const hostAddrInvalid = condition('hostAddrInvalid', 2005, (a: { ip: 'v4' | 'v6'; addr: string }, reason: string) => ({
  msg: `Invalid address: ${reason}`,
  value: el('domain:hostAddr', { ip: a.ip === 'v6' ? 'v6' : 'v4' }, a.addr.trim()),
}));

/** 2306: the same address twice in one host attribute. */
export const hostAddrListedTwice = condition('hostAddrListedTwice', 2306, (name: string, a: { ip: 'v4' | 'v6'; addr: string }) => ({
  msg: `Address ${a.addr} is listed twice for ${name}`,
  value: el('domain:hostAddr', { ip: a.ip }, a.addr),
}));

/** 2306: loopback or unspecified, or a private/special range under the policy's refusePrivateAddresses (as for host objects). */
export const hostAddrRefused = condition('hostAddrRefused', 2306, (a: { ip: 'v4' | 'v6'; addr: string }, why: string) => ({
  msg: `Address refused: ${why}`,
  value: el('domain:hostAddr', { ip: a.ip }, a.addr),
}));

/** 2306: more addresses on one host attribute than a host object may have. */
export const tooManyHostAddrs = condition('tooManyHostAddrs', 2306, (max: number, input: string) => ({
  msg: `A nameserver may have at most ${max} addresses`,
  value: el('domain:hostName', null, input),
}));

/** 2306: addresses for a host attribute outside the registry's zones as the policy's hostAttrGlue draws them. */
export const externalHostAddrs = condition('externalHostAddrs', 2306, (name: string, scope: string, input: string) => ({
  msg: `Nameserver ${name} is not ${scope}: it takes no addresses`,
  value: el('domain:hostName', null, input),
}));

/** 2003: a host attribute inside the registry's zones without addresses, in a TLD that requires glue (as host:create). */
export const glueRequired = condition('glueRequired', 2003, (name: string, scope: string, input: string) => ({
  msg: `Nameserver ${name} is ${scope}: this TLD requires its addresses (glue)`,
  value: el('domain:hostName', null, input),
}));

/** 2306: a host attribute inside the registry's zones without addresses (as delegating to an internal host object without them). */
export const hostAttrWithoutAddrs = condition('hostAttrWithoutAddrs', 2306, (name: string, scope: string, input: string) => ({
  msg: `Nameserver ${name} is ${scope}: it cannot be delegated to without addresses`,
  value: el('domain:hostName', null, input),
}));

/** 2306: a host attribute's name with a label mixing scripts or outside the IDN tables of its TLD. */
export const hostAttrNameScripts = condition('hostAttrNameScripts', 2306, (input: string, reason: string) => ({
  msg: `Nameserver ${input} refused: ${reason}`,
  value: el('domain:hostName', null, input),
}));

/** 2306: a <domain:rem> host attribute whose addresses are not those the domain's attribute of that name has. */
export const hostAttrAddrsDiffer = condition('hostAttrAddrsDiffer', 2306, (domain: string, name: string, input: string) => ({
  msg: `${domain} has no nameserver ${name} with exactly these addresses: name it without addresses, or with the ones it has`,
  value: el('domain:hostName', null, input),
}));

/** 2303: no host object of that name. */
export const hostNotFound = condition('hostNotFound', 2303, (name: string, input: string) => ({
  msg: `Host ${name} does not exist`,
  value: el('domain:hostObj', null, input),
}));

/** 2306: an internal host (under a domain of this registry) without addresses cannot be delegated to. */
export const hostNotDelegable = condition('hostNotDelegable', 2306, (name: string) => ({
  msg: `Host ${name} is in this registry and has no addresses: it cannot be used as a nameserver`,
  value: el('domain:hostObj', null, name),
}));

/** 2306: fewer or more nameservers than the policy allows. */
export const nameserverCount = condition('nameserverCount', 2306, (min: number, max: number, count: number) => ({
  msg: `A domain must have ${min} to ${max} nameservers; this would leave ${count}`,
}));

/** 2306: an update removes a nameserver the domain does not have (`element`: where it was named). */
export const notANameserver = condition('notANameserver', 2306, (domain: string, n: { name: string; input: string; element: string }) => ({
  msg: `${n.name} is not a nameserver of ${domain}`,
  value: el(n.element, null, n.input),
}));

/** 2306: an update adds a nameserver the domain has (after its removals); to change a host attribute's addresses, rem it and add it again. */
export const alreadyANameserver = condition('alreadyANameserver', 2306, (domain: string, name: string, element: string, hint = '') => ({
  msg: `${name} is already a nameserver of ${domain}${hint}`,
  value: el(element, null, name),
}));

// ---------------------------------------------------------------- statuses

// ---------------------------------------------------------------- authInfo and the TCI description

/** 2003: an <domain:authInfo> without <domain:pw> (the schema leaves only <domain:ext>, refused before). */
export const authInfoPwMissing = condition('authInfoPwMissing', 2003, () => ({ msg: 'authInfo requires <domain:pw>' }));

/** 2306: the TCI domain extension in a TLD that does not use it. */
export const tciDomainNotUsed = condition('tciDomainNotUsed', 2306, (tld: string) => ({ msg: `The TCI domain extension is not used in .${tld}` }));

/** 2306: a description longer than the limit. */
export const descriptionTooLong = condition('descriptionTooLong', 2306, (max: number, text: string) => ({
  msg: `The description is longer than ${max} characters`,
  value: el('tcidom:description', null, text.slice(0, 40)),
}));

// ---------------------------------------------------------------- DNSSEC (RFC 5910)

/** 2306: any secDNS element in a TLD that offers no DNSSEC. */
export const dnssecNotOffered = condition('dnssecNotOffered', 2306, () => ({ msg: 'This TLD offers no DNSSEC: the secDNS extension is not accepted' }));

/** 2306: dsData in a TLD of the keyData interface. */
export const dsDataNotAccepted = condition('dsDataNotAccepted', 2306, () => ({
  msg: 'This TLD takes DNSSEC data through the keyData interface, not dsData',
  value: el('secDNS:dsData'),
}));

/** 2306: keyData (outside a dsData) in a TLD of the dsData interface. */
export const keyDataNotAccepted = condition('keyDataNotAccepted', 2306, () => ({
  msg: 'This TLD takes DNSSEC data through the dsData interface (keyData only inside dsData)',
  value: el('secDNS:keyData'),
}));

/** 2005: a DNSSEC value (a problem found by src/registry/dnssec.ts) that is not valid (unassigned algorithm or digest type, digest length, protocol, base64…). */
export const dnssecValueInvalid = condition('dnssecValueInvalid', 2005, (p: DnssecProblem) => ({
  msg: `DNSSEC data refused: ${p.reason}`,
  value: el(p.element, null, p.value),
}));

/** 2306: a DNSSEC value the policy refuses (algorithm or digest type that must not be used, flags, key/DS mismatch). */
export const dnssecValueRefused = condition('dnssecValueRefused', 2306, (p: DnssecProblem) => ({
  msg: `DNSSEC data refused: ${p.reason}`,
  value: el(p.element, null, p.value),
}));

/** 2306: the same DS record twice in one command. */
export const dsListedTwice = condition('dsListedTwice', 2306, (d: DsRecord) => ({ msg: 'The same DS record is listed twice', value: dsDataOut(d) }));

/** 2306: the same key twice in one command. */
export const keyListedTwice = condition('keyListedTwice', 2306, (k: KeyRecord) => ({ msg: 'The same key is listed twice', value: keyDataOut(k) }));

/** 2306: more DNSSEC records than the policy's maxRecords (`leaving`: what an update would leave). */
export const tooManyDnssecRecords = condition('tooManyDnssecRecords', 2306, (max: number, leaving?: number) => ({
  msg: `At most ${max} DNSSEC records are allowed per domain${leaving === undefined ? '' : `; this would leave ${leaving}`}`,
}));

/** 2102: maxSigLife in a TLD whose policy does not accept it (RFC 5910 §3.3). */
export const maxSigLifeUnsupported = condition('maxSigLifeUnsupported', 2102, () => ({ msg: 'secDNS:maxSigLife is not supported in this TLD' }));

/** 2005: a maxSigLife that is not a positive integer. */
export const maxSigLifeInvalid = condition('maxSigLifeInvalid', 2005, (value: number) => ({
  msg: 'maxSigLife must be a positive integer',
  value: el('secDNS:maxSigLife', null, String(value)),
}));

/** 2306: a maxSigLife inside <secDNS:add>. */
export const maxSigLifeInAdd = condition('maxSigLifeInAdd', 2306, (text: string) => ({
  msg: 'maxSigLife is changed with <secDNS:chg>, not added',
  value: el('secDNS:maxSigLife', null, text),
}));

/** 2102: urgent="true" on a <secDNS:update> (RFC 5910 §3.2.5). */
export const secDnsUrgentUnsupported = condition('secDnsUrgentUnsupported', 2102, () => ({ msg: 'secDNS urgent updates are not supported' }));

/** 2306: a DS record to remove that the domain does not have. */
export const dsNotOnDomain = condition('dsNotOnDomain', 2306, (d: DsRecord) => ({ msg: 'The DS record to remove is not on the domain', value: dsDataOut(d) }));

/** 2306: a key to remove that the domain does not have. */
export const keyNotOnDomain = condition('keyNotOnDomain', 2306, (k: KeyRecord) => ({ msg: 'The key to remove is not on the domain', value: keyDataOut(k) }));

/** 2306: a DS record to add that the domain already has. */
export const dsAlreadyOnDomain = condition('dsAlreadyOnDomain', 2306, (d: DsRecord) => ({
  msg: 'The DS record to add is already on the domain',
  value: dsDataOut(d),
}));

/** 2306: a key to add that the domain already has. */
export const keyAlreadyOnDomain = condition('keyAlreadyOnDomain', 2306, (k: KeyRecord) => ({ msg: 'The key to add is already on the domain', value: keyDataOut(k) }));

// ---------------------------------------------------------------- delete, renew, restore

/** 2304: a status that forbids a delete (client/serverDeleteProhibited, pendingDelete, pendingTransfer). */
export const deleteProhibited = condition('deleteProhibited', 2304, (domain: string, status: string) => ({
  msg: `Domain ${domain} has status ${status}: it cannot be deleted`,
  value: nameValue(domain),
}));

/** 2305: a subordinate host of the domain is a nameserver of another domain. */
export const subordinateHostsInUse = condition('subordinateHostsInUse', 2305, (domain: string, hosts: readonly string[]) => ({
  msg: `Domain ${domain} cannot be deleted: its host(s) ${hosts.join(', ')} are nameservers of other domains`,
  value: nameValue(domain),
}));

/** 2304: a status that forbids a renew (client/serverRenewProhibited, pendingDelete, pendingTransfer). */
export const renewProhibited = condition('renewProhibited', 2304, (domain: string, status: string) => ({
  msg: `Domain ${domain} has status ${status}: it cannot be renewed`,
  value: nameValue(domain),
}));

/** 2306: a renew whose curExpDate is not the current expiry date (a repeated renew must not renew twice). */
export const curExpDateMismatch = condition('curExpDateMismatch', 2306, (domain: string, sent: string, current: string) => ({
  msg: `curExpDate ${sent} is not the current expiry date ${current} of ${domain}`,
  value: el('domain:curExpDate', null, sent),
}));

/** 2306: a renew that would end the registration beyond the policy's maxRegistrationYears from now. */
export const renewTooLong = condition('renewTooLong', 2306, (domain: string, years: number, until: string, maxYears: number) => ({
  msg: `Renewing ${domain} by ${years} year(s) would take it to ${until}, more than ${maxYears} years from now`,
  value: el('domain:period', { unit: 'y' }, years),
}));

/** 2306: an RGP restore whose <domain:update> also changes something. */
export const restoreNotAlone = condition('restoreNotAlone', 2306, (domain: string) => ({
  msg: 'A restore is sent alone: an RGP restore update may not carry other changes',
  value: nameValue(domain),
}));

/** 2304: a restore request for a domain that is not in redemptionPeriod (`state`: its RGP state, if any). */
export const notInRedemption = condition('notInRedemption', 2304, (domain: string, state: string | undefined) => ({
  msg: `Domain ${domain} is not in redemptionPeriod${state ? ` (it is ${state})` : ''}: it cannot be restored`,
  value: nameValue(domain),
}));

/** 2304: a restore report without a pending restore request (none, or its report window passed). */
export const noPendingRestore = condition('noPendingRestore', 2304, (domain: string) => ({
  msg: `Domain ${domain} has no pending restore request: send op="request" first`,
  value: nameValue(domain),
}));

/** 2004: a restore report whose delTime lies after its resTime or in the future. */
export const restoreTimesRefused = condition('restoreTimesRefused', 2004, (delTime: string) => ({
  msg: 'delTime must lie before resTime and not in the future',
  value: el('rgp:delTime', null, delTime),
}));

/** 2003: a restore report without the two statements of RFC 3915. */
export const restoreStatementsMissing = condition('restoreStatementsMissing', 2003, () => ({ msg: 'A restore report carries the two statements of RFC 3915' }));

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
