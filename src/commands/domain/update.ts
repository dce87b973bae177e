import { parseAddress } from '../../registry/addresses.js';
import { DOMAIN_CLIENT_STATUSES } from '../../registry/statuses.js';
import type { DomainChanges, DomainContact } from '../../storage/domain-repo.js';
import { applyClientStatuses, hashedAuthPassword, newAuthInfo, requireSponsor, updateGate } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import {
  alreadyAContact,
  alreadyANameserver,
  contactsNotAccepted,
  hostAddrInvalid,
  hostAttrAddrsDiffer,
  nameserverListedTwice,
  nameValue,
  notAContact,
  notANameserver,
  registrantNotAccepted,
  registrantNotRemovable,
} from './conditions.js';
import {
  checkContactCounts,
  checkDelegable,
  checkNsCount,
  descriptionOf,
  loadDomain,
  normalizedOrFail,
  requireContactExtension,
  resolveContacts,
  resolveNs,
  resolveRegistrant,
} from './domain-data.js';
import { applySecDnsUpdate, checkSecDnsUpdate, secDnsChanges } from './secdns.js';
import type { DomainUpdate, NsInput } from './types.js';

/**
 * <domain:update> (RFC 5731 §3.2.5), with <secDNS:update> (RFC 5910) and <tcidom:update> (TCI description);
 * the domain part may be empty when only an extension changes something.
 *
 * Only the sponsor may update. pendingDelete, pendingTransfer and serverUpdateProhibited refuse every update;
 * clientUpdateProhibited too, except one whose only change is removing clientUpdateProhibited.
 * Removals are applied before additions. add/rem of:
 * - nameservers: added hosts must exist and be delegable (internal hosts need addresses), per the TLD's host
 *   model; host attributes follow the rules of host objects (./domain-data.ts checkHostAttrs); one removed
 *   with addresses must have exactly those (to change an attribute's addresses: rem it and add it again);
 *   the count must stay within the policy;
 * - contacts: must exist; 'minimum' model refuses them; per type at most maxContactsPerType, and the last
 *   required contact of a type cannot be removed;
 * - statuses: only the client statuses (clientDeleteProhibited, clientHold, clientRenewProhibited,
 *   clientTransferProhibited, clientUpdateProhibited); ok, inactive, linked, pending* and server* are the
 *   registry's;
 * adding something already there or removing something that is not: 2306.
 * chg: registrant (must exist; refused under 'minimum'; cannot be removed under 'maximum') and the authInfo
 * password (RFC 9154: an empty <domain:pw/> or <domain:null/> unsets it; a value is kept only as a salted
 * hash, computed before the transaction, works for the policy's authInfo.ttlDays, and must have its
 * authInfo.minLength).
 *
 * Errors, in the order they are checked:
 * - the domain: nameSyntax (2005), domainNotFound (2303), notSponsor (2201);
 * - DNSSEC: the conditions of ./secdns.ts (2005, 2102, 2306); the description: tciDomainNotUsed,
 *   descriptionTooLong (2306);
 * - the update gate: updateBlockedByLifecycle, serverUpdateProhibited, clientUpdateProhibited (2304);
 * - statuses: statusNotSettable, statusAbsent, statusPresent (2306);
 * - contacts: contactTypeMissing (2003), domainContactNotFound (2303), contactListedTwice, contactsNotAccepted,
 *   notAContact, alreadyAContact, contactExtensionDataMissing (an added contact without the TCI data the
 *   TLD requires), tooManyContacts, lastContactNotRemovable (2306);
 * - nameservers: nameSyntax (2005), nameserverListedTwice, notANameserver (2306), hostAddrInvalid (2005) and
 *   hostAttrAddrsDiffer (2306) for a removed host attribute, the conditions of a create's nameservers (2003,
 *   2005, 2303, 2306), alreadyANameserver, hostNotDelegable, nameserverCount (2306);
 * - chg: registrantNotAccepted, registrantNotRemovable (2306), registrantNotFound (2303),
 *   contactExtensionDataMissing (2306: the new registrant without the TCI data the TLD requires),
 *   authInfoRefused (2306); authInfoExtUnsupported (2102) is the codec's, before
 *   the handler runs;
 * - DNSSEC records: dsNotOnDomain, keyNotOnDomain, dsAlreadyOnDomain, keyAlreadyOnDomain,
 *   tooManyDnssecRecords (2306).
 */
export const domainUpdate: ObjectCommand<DomainUpdate, undefined> = {
  kind: 'object',
  name: 'domain:update',
  async prepare(input) {
    return input.chg.authInfo ? { ...input, chg: { ...input.chg, authInfo: await hashedAuthPassword(input.chg.authInfo) } } : input;
  },
  async run(input, ctx) {
    const { add, rem, chg } = input;
    const { domain, policy } = await loadDomain(ctx, input.name);
    const repo = ctx.repos.domains;
    requireSponsor(ctx, 'Domain', domain, 'update');

    const addStatuses = add.statuses.map((x) => x.s);
    const remStatuses = rem.statuses.map((x) => x.s);
    const secDns = input.secDns;
    checkSecDnsUpdate(secDns, policy.dnssec);
    const description = descriptionOf(input.description, policy, domain.tld);

    // ---- status gate
    const onlyUnlock =
      remStatuses.length === 1 &&
      remStatuses[0] === 'clientUpdateProhibited' &&
      rem.ns === undefined &&
      rem.contacts.length === 0 &&
      add.ns === undefined &&
      add.contacts.length + add.statuses.length === 0 &&
      chg.registrant === undefined &&
      chg.authInfo === undefined &&
      !secDnsChanges(secDns) &&
      description === undefined;
    updateGate('Domain', domain.name, domain.statuses, onlyUnlock, nameValue(domain.name));

    // ---- statuses
    const statuses = applyClientStatuses('Domain', domain.name, domain.statuses, { add: addStatuses, rem: remStatuses }, DOMAIN_CLIENT_STATUSES, 'client* statuses');

    // ---- contacts
    const remContacts = await resolveContacts(ctx, rem.contacts);
    const addContacts = await resolveContacts(ctx, add.contacts);
    if (policy.dataModel === 'minimum' && addContacts.length > 0) {
      const c = addContacts[0];
      throw contactsNotAccepted(domain.tld, c.type, c.contact.handle);
    }
    let contacts: DomainContact[] = await repo.contacts(domain.id);
    const has = (list: DomainContact[], type: string, id: number) => list.some((x) => x.type === type && x.contactId === id);
    for (const r of remContacts) {
      if (!has(contacts, r.type, r.contact.id)) throw notAContact(domain.name, r.type, r.contact.handle);
      contacts = contacts.filter((x) => !(x.type === r.type && x.contactId === r.contact.id));
    }
    for (const a of addContacts) {
      if (has(contacts, a.type, a.contact.id)) throw alreadyAContact(domain.name, a.type, a.contact.handle);
      contacts.push({ type: a.type, contactId: a.contact.id, handle: a.contact.handle });
    }
    requireContactExtension(policy, domain.tld, addContacts);
    if (policy.dataModel === 'maximum') {
      const lines = contacts.map((c) => ({ type: c.type, handle: c.handle }));
      checkContactCounts(lines, policy, [...new Set(addContacts.map((a) => a.type))], null);
      checkContactCounts(lines, policy, [...new Set(remContacts.map((r) => r.type))], 'update');
    }

    // ---- nameservers
    const currentNs = await repo.nameservers(domain.id);
    const currentAttrs = await repo.hostAttrs(domain.id);
    const remNsNames = nsNames(rem.ns);
    for (const n of remNsNames) {
      const attr = currentAttrs.find((h) => h.name === n.name);
      if (!currentNs.some((h) => h.name === n.name) && !attr) throw notANameserver(domain.name, n);
      // A host attribute named with addresses is removed only if it has exactly those (as a status or an address: what is not there cannot be removed).
      if (attr && n.addrs.length > 0) {
        const sent = n.addrs.map((a) => {
          const r = parseAddress(a.addr.trim(), a.ip);
          if (!r.ok) throw hostAddrInvalid(a, r.reason);
          return r.address.addr;
        });
        const stored = attr.addrs.map((a) => a.addr);
        if (new Set(sent).size !== stored.length || !sent.every((x) => stored.includes(x))) throw hostAttrAddrsDiffer(domain.name, n.name, n.input);
      }
    }
    const addNs = await resolveNs(ctx, add.ns, domain.name, policy);
    const afterRem = new Set([...currentNs.map((h) => h.name), ...currentAttrs.map((h) => h.name)].filter((n) => !remNsNames.some((r) => r.name === n)));
    const addNames = addNs.kind === 'obj' ? addNs.hosts.map((h) => h.name) : addNs.attrs.map((a) => a.name);
    for (const n of addNames) {
      if (!afterRem.has(n)) continue;
      const attr = currentAttrs.find((h) => h.name === n);
      const hint = attr ? ` (addresses: ${attr.addrs.map((a) => a.addr).join(', ') || 'none'}); to change them, remove it and add it in the same update` : '';
      throw alreadyANameserver(domain.name, n, addNs.kind === 'obj' ? 'domain:hostObj' : 'domain:hostName', hint);
    }
    if (addNs.kind === 'obj') checkDelegable(addNs.hosts);
    const nsTouched = remNsNames.length + addNames.length > 0;
    if (nsTouched) checkNsCount(afterRem.size + addNames.length, policy);

    // ---- chg
    const changes: DomainChanges = {};
    if (chg.registrant !== undefined) {
      // null: <domain:registrant/> (removing it)
      const handle = chg.registrant;
      if (policy.dataModel === 'minimum') {
        if (handle !== null) throw registrantNotAccepted(domain.tld, handle);
      } else {
        if (handle === null) throw registrantNotRemovable(domain.tld);
        const registrant = await resolveRegistrant(ctx, handle);
        requireContactExtension(policy, domain.tld, [{ type: 'registrant', contact: registrant }]);
        changes.registrantId = registrant.id;
      }
    }
    if (chg.authInfo !== undefined) changes.auth = await newAuthInfo('domain', chg.authInfo, ctx.now, policy.authInfo.minLength);

    // ---- DNSSEC
    let dnssec;
    if (secDns) {
      dnssec = applySecDnsUpdate({ ds: await repo.dsData(domain.id), keys: await repo.keyData(domain.id) }, secDns, policy.dnssec);
      if (secDns.maxSigLife !== undefined) changes.maxSigLife = secDns.maxSigLife;
    }
    if (description !== undefined) changes.description = description;
    if (addStatuses.length + remStatuses.length > 0) changes.statuses = statuses;

    // ---- write
    for (const r of remContacts) await repo.removeContact(domain.id, r.type, r.contact.id);
    for (const a of addContacts) await repo.addContact(domain.id, a.type, a.contact.id);
    for (const n of remNsNames) {
      const h = currentNs.find((x) => x.name === n.name);
      if (h) await repo.removeNameserver(domain.id, h.id);
      else await repo.removeHostAttr(domain.id, n.name);
    }
    if (addNs.kind === 'obj') for (const h of addNs.hosts) await repo.addNameserver(domain.id, h.id);
    else for (const a of addNs.attrs) await repo.addHostAttr(domain.id, a);
    if (dnssec) await repo.replaceDnssec(domain.id, dnssec.ds, dnssec.keys);
    await repo.update(domain.id, changes, ctx.registrar.id, ctx.now);
    return { object: domain.name };
  },
};

/** A nameserver named in a <domain:rem>: normalised, as sent, the element it was sent in, and a host attribute's addresses as sent. */
interface NsName {
  name: string;
  input: string;
  element: 'domain:hostObj' | 'domain:hostName';
  addrs: Array<{ ip: 'v4' | 'v6'; addr: string }>;
}

/** Names in a <domain:ns> to remove (hostObj or hostAttr/hostName), normalised (nameSyntax 2005; nameserverListedTwice 2306). */
function nsNames(ns: NsInput | undefined): NsName[] {
  const out: NsName[] = [];
  for (const input of ns?.hostObjs ?? []) out.push({ name: normalizedOrFail(input, 'domain:hostObj'), input, element: 'domain:hostObj', addrs: [] });
  for (const a of ns?.hostAttrs ?? []) out.push({ name: normalizedOrFail(a.name, 'domain:hostName'), input: a.name, element: 'domain:hostName', addrs: a.addrs });
  const seen = new Set<string>();
  for (const n of out) {
    if (seen.has(n.name)) throw nameserverListedTwice(n.name, n.element, n.input);
    seen.add(n.name);
  }
  return out;
}
