import { fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { child, childText, children, el, type Elem } from '../../protocol/xml-node.js';
import { DOMAIN_CLIENT_STATUSES } from '../../registry/statuses.js';
import type { DomainChanges, DomainContact } from '../../storage/domain-repo.js';
import type { CommandDef } from '../types.js';
import {
  checkContactCounts,
  checkDelegable,
  checkNsCount,
  loadDomain,
  normalizedOrFail,
  descriptionOf,
  onlyExtensions,
  requireSponsor,
  resolveContacts,
  resolveNs,
  resolveRegistrant,
} from './domain-data.js';
import { applySecDnsUpdate, checkSecDnsUpdate, secDnsChanges } from './secdns.js';
import { readContacts, readNewAuthInfo, readNs } from '../../epp/domain.js';
import { readSecDnsUpdate } from '../../epp/secdns.js';
import { checkNewAuthPassword } from '../object-rules.js';

/** Statuses that forbid any update (besides client/serverUpdateProhibited, handled apart). */
const LIFECYCLE_BLOCKERS = ['pendingDelete', 'pendingTransfer'];

/**
 * <domain:update> (RFC 5731 §3.2.5), with <secDNS:update> (RFC 5910) and <tcidom:update> (TCI description);
 * the domain part may be empty when only an extension changes something.
 *
 * Only the sponsor may update. clientUpdateProhibited or serverUpdateProhibited refuse every update, except
 * one whose only change is removing clientUpdateProhibited (not possible under serverUpdateProhibited).
 * Removals are applied before additions. add/rem of:
 * - nameservers: added hosts must exist and be delegable (internal hosts need addresses), per the TLD's host
 *   model; the count must stay within the policy;
 * - contacts: must exist; 'minimum' model refuses them; per type at most maxContactsPerType, and the last
 *   required contact of a type cannot be removed;
 * - statuses: only the client statuses (clientDeleteProhibited, clientHold, clientRenewProhibited,
 *   clientTransferProhibited, clientUpdateProhibited); ok, inactive, linked, pending* and server* are the
 *   registry's (2306 naming it);
 * adding something already there or removing something that is not: 2306.
 * chg: registrant (must exist; refused under 'minimum'; cannot be removed under 'maximum') and the authInfo
 * password (it cannot be removed: <domain:null/> is 2306).
 *
 * Errors: 2002 foreign extension; 2003 contact without type; 2005 impossible name, host name or DNSSEC
 * value; 2102 authInfo <ext>, maxSigLife refused, secDNS urgent; 2201 not the sponsor; 2303 unknown
 * domain, contact, registrant or host; 2304 update prohibited (or pendingDelete/pendingTransfer); 2306 the
 * policy rules above and the DNSSEC rules of secdns.ts.
 */
export const domainUpdate: CommandDef = {
  kind: 'object',
  name: 'domain:update',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, [
      [NS.secDNS, 'update'],
      [NS.tciDomain, 'update'],
    ]);
    const { domain, policy } = await loadDomain(ctx, childText(object, 'name') ?? '');
    const repo = ctx.repos.domains;
    requireSponsor(ctx, domain, 'update');

    const add = child(object, 'add');
    const rem = child(object, 'rem');
    const chg = child(object, 'chg');
    const addStatuses = statusesOf(add);
    const remStatuses = statusesOf(rem);
    const secDns = readSecDnsUpdate(req.extension(NS.secDNS, 'update'));
    checkSecDnsUpdate(secDns, policy.dnssec);
    const tci = req.extension(NS.tciDomain, 'update');
    const description = descriptionOf(tci && children(child(tci, 'chg'), 'description', NS.tciDomain).map((d) => d.text), policy, domain.tld);

    // ---- status gate
    const blocker = domain.statuses.find((s) => LIFECYCLE_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Domain ${domain.name} has status ${blocker}: it cannot be updated`, el('domain:name', null, domain.name));
    if (domain.statuses.includes('serverUpdateProhibited')) {
      throw fail.status(`Domain ${domain.name} has status serverUpdateProhibited: only the registry can change it`, el('domain:name', null, domain.name));
    }
    const onlyUnlock =
      remStatuses.length === 1 &&
      remStatuses[0] === 'clientUpdateProhibited' &&
      rem!.children.length === 1 &&
      (add?.children.length ?? 0) === 0 &&
      (chg?.children.length ?? 0) === 0 &&
      !secDnsChanges(secDns) &&
      description === undefined;
    if (domain.statuses.includes('clientUpdateProhibited') && !onlyUnlock) {
      throw fail.status(
        `Domain ${domain.name} has status clientUpdateProhibited: remove it first, in an update that changes nothing else`,
        el('domain:name', null, domain.name),
      );
    }

    // ---- statuses
    for (const s of [...addStatuses, ...remStatuses]) {
      if (!(DOMAIN_CLIENT_STATUSES as readonly string[]).includes(s)) {
        throw fail.policy(`Status ${s} is not set or removed by registrars; only client* statuses are`, el('domain:status', { s }));
      }
    }
    let statuses = [...domain.statuses];
    for (const s of remStatuses) {
      if (!statuses.includes(s)) throw fail.policy(`Domain ${domain.name} does not have status ${s}`, el('domain:status', { s }));
      statuses = statuses.filter((x) => x !== s);
    }
    for (const s of addStatuses) {
      if (statuses.includes(s)) throw fail.policy(`Domain ${domain.name} already has status ${s}`, el('domain:status', { s }));
      statuses.push(s);
    }

    // ---- contacts
    const remContacts = await resolveContacts(ctx, readContacts(rem));
    const addContacts = await resolveContacts(ctx, readContacts(add));
    if (policy.dataModel === 'minimum' && addContacts.length > 0) {
      const c = addContacts[0];
      throw fail.policy(`.${domain.tld} keeps no contact data: contacts are not accepted`, el('domain:contact', { type: c.type }, c.contact.handle));
    }
    let contacts: DomainContact[] = await repo.contacts(domain.id);
    const has = (list: DomainContact[], type: string, id: number) => list.some((x) => x.type === type && x.contactId === id);
    for (const r of remContacts) {
      if (!has(contacts, r.type, r.contact.id)) {
        throw fail.policy(`${r.contact.handle} is not a ${r.type} contact of ${domain.name}`, el('domain:contact', { type: r.type }, r.contact.handle));
      }
      contacts = contacts.filter((x) => !(x.type === r.type && x.contactId === r.contact.id));
    }
    for (const a of addContacts) {
      if (has(contacts, a.type, a.contact.id)) {
        throw fail.policy(`${a.contact.handle} is already a ${a.type} contact of ${domain.name}`, el('domain:contact', { type: a.type }, a.contact.handle));
      }
      contacts.push({ type: a.type, contactId: a.contact.id, handle: a.contact.handle });
    }
    if (policy.dataModel === 'maximum') {
      const lines = contacts.map((c) => ({ type: c.type, handle: c.handle }));
      checkContactCounts(lines, policy, [...new Set(addContacts.map((a) => a.type))], null);
      checkContactCounts(lines, policy, [...new Set(remContacts.map((r) => r.type))], 'update');
    }

    // ---- nameservers
    const currentNs = await repo.nameservers(domain.id);
    const currentAttrs = await repo.hostAttrs(domain.id);
    const remNsNames = nsNames(child(rem, 'ns'));
    for (const n of remNsNames) {
      if (!currentNs.some((h) => h.name === n.name) && !currentAttrs.some((h) => h.name === n.name)) {
        throw fail.policy(`${n.name} is not a nameserver of ${domain.name}`, el(n.element, null, n.input));
      }
    }
    const addNs = await resolveNs(ctx, readNs(child(add, 'ns')), domain.name, policy);
    const afterRem = new Set([...currentNs.map((h) => h.name), ...currentAttrs.map((h) => h.name)].filter((n) => !remNsNames.some((r) => r.name === n)));
    const addNames = addNs.kind === 'obj' ? addNs.hosts.map((h) => h.name) : addNs.attrs.map((a) => a.name);
    for (const n of addNames) {
      if (afterRem.has(n)) {
        throw fail.policy(`${n} is already a nameserver of ${domain.name}`, el(addNs.kind === 'obj' ? 'domain:hostObj' : 'domain:hostName', null, n));
      }
    }
    if (addNs.kind === 'obj') checkDelegable(addNs.hosts);
    const nsTouched = remNsNames.length + addNames.length > 0;
    if (nsTouched) checkNsCount(afterRem.size + addNames.length, policy);

    // ---- chg
    const changes: DomainChanges = {};
    const registrantEl = child(chg, 'registrant');
    if (registrantEl) {
      const handle = registrantEl.text.trim();
      if (policy.dataModel === 'minimum') {
        if (handle !== '') throw fail.policy(`.${domain.tld} keeps no contact data: a registrant is not accepted`, el('domain:registrant', null, handle));
      } else {
        if (handle === '') throw fail.policy(`A domain in .${domain.tld} must have a registrant: it cannot be removed`, el('domain:registrant', null, ''));
        changes.registrantId = (await resolveRegistrant(ctx, handle)).id;
      }
    }
    const authInfo = child(chg, 'authInfo');
    if (authInfo) {
      if (child(authInfo, 'null')) throw fail.policy('The authInfo of a domain cannot be removed, only changed', el('domain:null'));
      changes.authPw = checkNewAuthPassword('domain', readNewAuthInfo(authInfo));
    }

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

function statusesOf(addRem: Elem | undefined): string[] {
  return children(addRem, 'status', NS.domain).map((s) => s.attrs.s);
}

/** Names in a <domain:ns> to remove (hostObj or hostAttr/hostName), normalised. */
function nsNames(ns: Elem | undefined): Array<{ name: string; input: string; element: string }> {
  const out: Array<{ name: string; input: string; element: string }> = [];
  for (const o of children(ns, 'hostObj', NS.domain)) {
    const input = o.text.trim();
    out.push({ name: normalizedOrFail(input, 'domain:hostObj'), input, element: 'domain:hostObj' });
  }
  for (const a of children(ns, 'hostAttr', NS.domain)) {
    const input = child(a, 'hostName')?.text.trim() ?? '';
    out.push({ name: normalizedOrFail(input, 'domain:hostName'), input, element: 'domain:hostName' });
  }
  const seen = new Set<string>();
  for (const n of out) {
    if (seen.has(n.name)) throw fail.policy(`Nameserver ${n.name} is listed twice`, el(n.element, null, n.input));
    seen.add(n.name);
  }
  return out;
}
