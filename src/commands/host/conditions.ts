import { el, type Out } from '../../protocol/xml-node.js';
import { MAX_HOST_ADDRESSES, type HostAddress } from '../../registry/addresses.js';
import { condition } from '../conditions.js';
import type { HostAddrInput } from './types.js';

/**
 * The error conditions of the host commands (RFC 5732), one constructor each with its code, message and
 * <value>. The sponsor check and the update gate are shared with the other objects (../conditions.ts:
 * notSponsor, updateBlockedByLifecycle, serverUpdateProhibited, clientUpdateProhibited).
 */

/** The element naming a host in <value>: the name as the client sent it. */
export const nameValue = (input: string): Out => el('host:name', null, input);

/** An address in <value>, canonical. */
export const addressValue = (a: HostAddress): Out => el('host:addr', { ip: a.ip }, a.addr);

/** An address in <value> as sent (before it could be parsed). */
const sentAddressValue = (a: HostAddrInput): Out => el('host:addr', { ip: a.ip === 'v6' ? 'v6' : 'v4' }, a.addr.trim());

// ---------------------------------------------------------------- names and existence

/** 2005: not a host name (IDNA2008/LDH); the reason from the name rules. */
export const invalidHostName = condition('invalidHostName', 2005, (input: string, reason: string) => ({
  msg: `Invalid host name ${input}: ${reason}`,
  value: nameValue(input),
}));

/** 2306: a label of the name mixes scripts or is outside the IDN tables of the TLD it is under (src/registry/scripts.ts). */
export const hostNameScriptRefused = condition('hostNameScriptRefused', 2306, (input: string, reason: string) => ({
  msg: `Host name ${input} refused: ${reason}`,
  value: nameValue(input),
}));

/** 2303: no host has this name. */
export const hostNotFound = condition('hostNotFound', 2303, (name: string, input: string = name) => ({
  msg: `Host ${name} does not exist`,
  value: nameValue(input),
}));

/** 2302: a host with this name exists already (create, or the new name of a rename). */
export const hostExists = condition('hostExists', 2302, (name: string, input: string = name) => ({
  msg: `Host ${name} already exists`,
  value: nameValue(input),
}));

// ---------------------------------------------------------------- placement (the superordinate domain)

/** 2303: the name is under a served TLD, but the domain that would hold it is not registered. */
export const superordinateNotRegistered = condition('superordinateNotRegistered', 2303, (name: string, tld: string, domain: string, input: string) => ({
  msg: `Host ${name} is under .${tld}, but its domain ${domain} is not registered`,
  value: nameValue(input),
}));

/** 2201: the superordinate domain is another registrar's. */
export const superordinateOfOtherSponsor = condition('superordinateOfOtherSponsor', 2201, (name: string, domain: string, input: string) => ({
  msg: `Host ${name} is under ${domain}, which another registrar sponsors`,
  value: nameValue(input),
}));

/** 2304: the superordinate domain is being deleted. */
export const superordinatePendingDelete = condition('superordinatePendingDelete', 2304, (name: string, domain: string, input: string) => ({
  msg: `Host ${name} is under ${domain}, which is being deleted (pendingDelete)`,
  value: nameValue(input),
}));

// ---------------------------------------------------------------- addresses

/** 2005: a malformed address, or one that does not match its ip attribute. */
export const invalidAddress = condition('invalidAddress', 2005, (a: HostAddrInput, reason: string) => ({
  msg: `Invalid address: ${reason}`,
  value: sentAddressValue(a),
}));

/** 2306: the same address twice in one list. */
export const addressListedTwice = condition('addressListedTwice', 2306, (addr: string, a: HostAddrInput) => ({
  msg: `Address ${addr} is listed twice`,
  value: sentAddressValue(a),
}));

/** 2306: loopback or unspecified, or a private/special range under the policy's refusePrivateAddresses. */
export const addressRefused = condition('addressRefused', 2306, (a: HostAddress, why: string) => ({
  msg: `Address refused: ${why}`,
  value: addressValue(a),
}));

/** 2306: more than MAX_HOST_ADDRESSES addresses. */
export const tooManyAddresses = condition('tooManyAddresses', 2306, (input: string) => ({
  msg: `A host may have at most ${MAX_HOST_ADDRESSES} addresses`,
  value: nameValue(input),
}));

/** 2306: an external host takes no addresses (the registry publishes no glue for it). */
export const externalHostAddresses = condition('externalHostAddresses', 2306, (name: string, a: HostAddress) => ({
  msg: `Host ${name} is not under a TLD of this registry: it takes no addresses`,
  value: addressValue(a),
}));

/** 2306: an internal host renamed to an external name keeps addresses the same update does not remove. */
export const externalRenameKeepsAddresses = condition('externalRenameKeepsAddresses', 2306, (name: string, a: HostAddress) => ({
  msg: `${name} is not under a TLD of this registry: an external host takes no addresses, remove them in the same update`,
  value: addressValue(a),
}));

/** 2003: an internal host created without addresses under a TLD whose glue is required. */
export const glueRequired = condition('glueRequired', 2003, (name: string, domain: string, tld: string, input: string) => ({
  msg: `Host ${name} is under ${domain}: .${tld} requires its addresses`,
  value: nameValue(input),
}));

/** 2306: an update removes the last address of a host under required glue. */
export const glueLastAddressRemoved = condition('glueLastAddressRemoved', 2306, (name: string, domain: string, tld: string, input: string) => ({
  msg: `Host ${name} is under ${domain}: .${tld} requires at least one address`,
  value: nameValue(input),
}));

/** 2003: a host without addresses renamed under a TLD whose glue is required, without adding any. */
export const glueMissingAfterRename = condition('glueMissingAfterRename', 2003, (name: string, domain: string, tld: string, input: string) => ({
  msg: `Host ${name} is under ${domain}: .${tld} requires at least one address`,
  value: nameValue(input),
}));

/** 2305: an internal host that domains use as a nameserver would be left without addresses. */
export const linkedHostNeedsAddress = condition('linkedHostNeedsAddress', 2305, (name: string, domain: string, input: string) => ({
  msg: `Host ${name} is under ${domain} and domains use it as a nameserver: it must keep at least one address`,
  value: nameValue(input),
}));

// ---------------------------------------------------------------- update

/** 2003: an update that adds, removes and changes nothing. */
export const hostUpdateEmpty = condition('hostUpdateEmpty', 2003, (name: string) => ({
  msg: `The update of ${name} adds, removes and changes nothing`,
  value: nameValue(name),
}));

/** 2306: removing an address the host does not have. */
export const addressAbsent = condition('addressAbsent', 2306, (name: string, a: HostAddress) => ({
  msg: `Host ${name} does not have address ${a.addr}`,
  value: addressValue(a),
}));

/** 2306: adding an address the host has. */
export const addressPresent = condition('addressPresent', 2306, (name: string, a: HostAddress) => ({
  msg: `Host ${name} already has address ${a.addr}`,
  value: addressValue(a),
}));

/** 2302: a rename to the host's own name. */
export const renameToOwnName = condition('renameToOwnName', 2302, (name: string, input: string) => ({
  msg: `${name} is already the name of this host`,
  value: nameValue(input),
}));

/** 2305: renaming an external host that domains of other registrars use (RFC 5732 §3.2.5). */
export const externalHostInUse = condition('externalHostInUse', 2305, (name: string, newName: string) => ({
  msg: `Host ${name} is external and domains of other registrars use it: create a host named ${newName} instead`,
  value: nameValue(name),
}));

// ---------------------------------------------------------------- delete

/** 2304: clientDeleteProhibited, serverDeleteProhibited, pendingDelete or pendingTransfer. */
export const hostDeleteProhibited = condition('hostDeleteProhibited', 2304, (name: string, status: string) => ({
  msg: `Host ${name} has status ${status}: it cannot be deleted`,
  value: nameValue(name),
}));

/** 2305: the host is a nameserver of some domain (of any registrar). */
export const hostLinked = condition('hostLinked', 2305, (name: string) => ({
  msg: `Host ${name} is a nameserver of a domain (status linked): remove it from the domains first`,
  value: nameValue(name),
}));
