import { addYears, beyondMaxRegistration } from '../../registry/periods.js';
import { roid } from '../../registry/roid.js';
import type { ContactRef } from '../../storage/domain-repo.js';
import { startGrace } from '../../registry/lifecycle.js';
import { agreePrice, chargePrice, priceFor } from './fees.js';
import { authInfoOnCreateRefused } from '../conditions.js';
import { hashedAuthPassword, newAuthInfo } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import {
  contactsNotAccepted,
  domainExists,
  domainNameInvalid,
  nameNotRegistrable,
  registrantNotAccepted,
  registrantRequired,
  registrationTooLong,
  tldNotServed,
} from './conditions.js';
import {
  CONTACT_TYPES,
  checkContactCounts,
  checkDelegable,
  checkNsCount,
  classifyName,
  descriptionOf,
  periodYearsOf,
  requireContactExtension,
  resolveContacts,
  resolveNs,
  resolveRegistrant,
  type ContactLine,
} from './domain-data.js';
import { launchRulesForCreate, prepareLaunch } from './launch.js';
import { checkSecDnsCreate } from './secdns.js';
import type { DomainCreate, DomainCreateData } from './types.js';

/**
 * <domain:create> (RFC 5731 §3.2.1), with <secDNS:create> (RFC 5910) and <tcidom:create> (TCI description).
 *
 * The name: lower-case A-labels (U-labels accepted and converted), exactly one label under a TLD this
 * registry serves, in the TLD's IDN scripts, not reserved, not registered. The period (default: the
 * policy's) within the policy's range; months only as whole years. Contacts by the TLD's data model:
 * 'maximum' requires an existing registrant and the policy's minimum of admin/tech/billing contacts, at
 * most maxContactsPerType each; 'minimum' refuses any registrant or contact. Nameservers: existing host
 * objects (or host attributes under the hostAttr model), count within the policy; an internal host without
 * addresses cannot be delegated to. The expiry is the creation instant plus the period in calendar years
 * (Feb 29 → Feb 28). Statuses: `ok`, or `inactive` while it has no nameservers (computed). The authInfo
 * (RFC 9154): an empty <domain:pw/> creates the domain with none set; a value, where the policy's
 * authInfo.onCreate allows one, is kept only as a salted hash (computed before the transaction), works for
 * the policy's authInfo.ttlDays and must have its authInfo.minLength. The sponsor is charged the TLD's
 * create price per year, and the add grace period starts.
 *
 * Launch phases (RFC 8334, ./launch.ts): in sunrise the create carries the trademark holder's signed mark,
 * verified (signature, TMCH chain, revocations, validity) and covering the label; in landrush it names the
 * phase; during claims a label on the DNL needs the registrant's accepted notice. The SMD id or the notice
 * is kept with the domain for the LORDN files.
 *
 * Errors, in the order they are checked:
 * - the name: domainNameInvalid (2005), tldNotServed (2004), nameNotRegistrable (2306: not a single label,
 *   script, reserved), domainExists (2302);
 * - the launch phase: the conditions of ./launch.ts launchRulesForCreate (2003, 2005, 2102, 2306);
 * - the period: periodRefused (2004), registrationTooLong (2004, beyond maxRegistrationYears);
 * - contacts: registrantNotAccepted, contactsNotAccepted (2306, 'minimum' model); registrantRequired (2003),
 *   registrantNotFound (2303), contactTypeMissing (2003), domainContactNotFound (2303), contactListedTwice (2306),
 *   tooManyContacts (2306), contactsRequired (2003), contactExtensionDataMissing (2306: a contact without
 *   the TCI data the TLD's policy requires of its domains' contacts);
 * - nameservers: hostAttrsNotAccepted / hostObjsNotAccepted (2306), nameSyntax (2005), nameserverListedTwice
 *   (2306), host attributes as ./domain-data.ts checkHostAttrs (hostAttrNameScripts, hostAddrInvalid 2005,
 *   hostAddrListedTwice, externalHostAddrs, glueRequired 2003, hostAttrWithoutAddrs, tooManyHostAddrs,
 *   hostAddrRefused 2306), hostNotFound (2303), hostNotDelegable (2306), nameserverCount (2306);
 * - authInfo: authInfoOnCreateRefused (2306: a value where the policy takes only an empty one),
 *   authInfoRefused (2306: blank, too long, too short, roid); authInfoExtUnsupported (2102) and
 *   authInfoPwMissing (2003) are the codec's, before the handler runs;
 * - DNSSEC: the conditions of ./secdns.ts (2005, 2102, 2306);
 * - the description: tciDomainNotUsed, descriptionTooLong (2306);
 * - billing: 2104 when the balance does not cover the create.
 */
export const domainCreate: ObjectCommand<DomainCreate, DomainCreateData> = {
  kind: 'object',
  name: 'domain:create',
  async prepare(input, services) {
    // The signed mark's signature and issuer are checked here, outside the transaction (pure CPU, no data).
    const launch = input.launch && prepareLaunch(input.launch, services.tmchCas ?? []);
    return { ...input, authInfo: await hashedAuthPassword(input.authInfo), ...(launch && { launch }) };
  },
  async run(input, ctx) {
    const c = await classifyName(ctx, input.name);
    if (!c.ok) {
      if (c.code === 2005) throw domainNameInvalid(input.name, c.reason);
      throw c.code === 2004 ? tldNotServed(input.name, c.reason) : nameNotRegistrable(input.name, c.reason);
    }
    const { name, tld } = c;
    const policy = tld.policy;
    const repo = ctx.repos.domains;
    if ((await repo.existing([name])).has(name)) throw domainExists(name, input.name);
    // What the TLD's launch phase asks of a create (a signed mark in sunrise, an accepted notice in claims).
    const launch = await launchRulesForCreate(ctx, tld, name, c.label, input.launch);

    const years = periodYearsOf(input.period, policy);
    if (beyondMaxRegistration(addYears(ctx.now, years), ctx.now, policy.maxRegistrationYears)) throw registrationTooLong(policy.maxRegistrationYears, years);
    // The price (premium list included) and the client's agreement to it, before anything is written.
    const price = await priceFor(ctx, policy, tld.name, name, 'create', years);
    agreePrice(price, policy, 'create', name, input.fee);

    let registrant: ContactRef | undefined;
    let contacts: ContactLine[];
    if (policy.dataModel === 'minimum') {
      if (input.registrant !== undefined) throw registrantNotAccepted(tld.name, input.registrant);
      const first = input.contacts[0];
      if (first) throw contactsNotAccepted(tld.name, first.type, first.handle);
      contacts = [];
    } else {
      if (input.registrant === undefined) throw registrantRequired(tld.name);
      registrant = await resolveRegistrant(ctx, input.registrant);
      contacts = await resolveContacts(ctx, input.contacts);
      checkContactCounts(contacts.map((l) => ({ type: l.type, handle: l.contact.handle })), policy, CONTACT_TYPES, 'create');
      requireContactExtension(policy, tld.name, [{ type: 'registrant', contact: registrant }, ...contacts]);
    }

    const ns = await resolveNs(ctx, input.ns, name, policy);
    if (ns.kind === 'obj') checkDelegable(ns.hosts);
    const nsCount = ns.kind === 'obj' ? ns.hosts.length : ns.attrs.length;
    checkNsCount(nsCount, policy);

    if (policy.authInfo.onCreate === 'empty' && input.authInfo.pw !== '') throw authInfoOnCreateRefused(tld.name);
    const auth = await newAuthInfo('domain', input.authInfo, ctx.now, policy.authInfo.minLength);
    const secDns = input.secDns;
    checkSecDnsCreate(secDns, policy.dnssec);
    const description = descriptionOf(input.description, policy, tld.name) ?? null;

    const id = await repo.nextId();
    const createdAt = ctx.now;
    const expiresAt = addYears(createdAt, years);
    const domainRoid = roid('D', id, ctx.services.config.roidSuffix);
    await repo.insert({
      id,
      name,
      tld: tld.name,
      roid: domainRoid,
      registrarId: ctx.registrar.id,
      registrantId: registrant?.id ?? null,
      createdAt,
      expiresAt,
      auth,
      maxSigLife: secDns?.maxSigLife ?? null,
      description,
    });
    for (const l of contacts) await repo.addContact(id, l.type, l.contact.id);
    if (ns.kind === 'obj') for (const h of ns.hosts) await repo.addNameserver(id, h.id);
    else for (const a of ns.attrs) await repo.addHostAttr(id, a);
    if (secDns) await repo.replaceDnssec(id, secDns.ds, secDns.keys);
    // Kept for the LORDN files (RFC 9361): the SMD of a sunrise create, the notice of a claims create.
    if (launch) await ctx.repos.tmch.recordLaunch({ ...launch, domainId: id, roid: domainRoid, registeredAt: createdAt });
    // Billing and the add grace period (RFC 3915): a delete within it purges and refunds the create.
    const fee = await chargePrice(ctx, policy, price, 'create', name, policy.grace.add);
    await startGrace(ctx.repos, id, 'add', ctx.registrar.id, policy, price.amount, ctx.now);

    return { data: { name, createdAt, expiresAt, fee }, object: name };
  },
};
