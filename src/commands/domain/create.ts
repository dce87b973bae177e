import { EppError, fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { eppDateTime } from '../../protocol/response.js';
import { child, childText, el } from '../../protocol/xml-node.js';
import { addYears, beyondMaxRegistration } from '../../registry/periods.js';
import { roid } from '../../registry/roid.js';
import type { ContactRef } from '../../storage/domain-repo.js';
import { charge, startGrace } from '../../registry/lifecycle.js';
import type { CommandDef } from '../types.js';
import {
  CONTACT_TYPES,
  checkContactCounts,
  checkDelegable,
  checkNsCount,
  classifyName,
  nameValue,
  onlyExtensions,
  parseAuthPw,
  parseDescription,
  parsePeriod,
  resolveContacts,
  resolveNs,
  resolveRegistrant,
  type ContactLine,
} from './domain-data.js';
import { parseSecDnsCreate } from './secdns.js';

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
 * (Feb 29 → Feb 28). Statuses: `ok`, or `inactive` while it has no nameservers (computed). The sponsor
 * is charged the TLD's create price per year, and the add grace period starts.
 *
 * Errors: 2002 foreign extension element; 2003 registrant or required contact missing, contact without
 * type; 2004 TLD not served, period out of range (or beyond maxRegistrationYears); 2005 invalid name, host name or DNSSEC value; 2102
 * authInfo <ext>, maxSigLife refused by policy; 2302 name registered; 2303 unknown registrant, contact or
 * host; 2306 name not a single label / script / reserved, contacts in the minimum model, too many
 * contacts, nameserver count, hostAttr/hostObj against the model, undelegable host, empty authInfo,
 * DNSSEC interface/policy, TCI extension outside its TLDs; 2104 the balance does not cover the create.
 */
export const domainCreate: CommandDef = {
  kind: 'object',
  name: 'domain:create',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, [
      [NS.secDNS, 'create'],
      [NS.tciDomain, 'create'],
    ]);
    const input = childText(object, 'name') ?? '';
    const c = await classifyName(ctx, input);
    if (!c.ok) throw new EppError(c.code, c.code === 2005 ? `Invalid domain name ${input}: ${c.reason}` : `${input}: ${c.reason}`, nameValue(input));
    const { name, tld } = c;
    const policy = tld.policy;
    const repo = ctx.repos.domains;
    if ((await repo.existing([name])).has(name)) throw fail.exists(`Domain ${name} is already registered`, nameValue(input));

    const years = parsePeriod(object, policy);
    if (beyondMaxRegistration(addYears(ctx.now, years), ctx.now, policy.maxRegistrationYears)) {
      throw fail.range(`A registration may not exceed ${policy.maxRegistrationYears} years`, el('domain:period', { unit: 'y' }, years));
    }

    const registrantHandle = childText(object, 'registrant');
    let registrant: ContactRef | undefined;
    let contacts: ContactLine[];
    if (policy.dataModel === 'minimum') {
      if (registrantHandle !== undefined) {
        throw fail.policy(`.${tld.name} keeps no contact data: a registrant is not accepted`, el('domain:registrant', null, registrantHandle));
      }
      const first = child(object, 'contact');
      if (first) {
        throw fail.policy(`.${tld.name} keeps no contact data: contacts are not accepted`, el('domain:contact', { type: first.attrs.type }, first.text.trim()));
      }
      contacts = [];
    } else {
      if (registrantHandle === undefined) throw fail.missing(`A registrant is required in .${tld.name}`);
      registrant = await resolveRegistrant(ctx, registrantHandle);
      contacts = await resolveContacts(ctx, object);
      checkContactCounts(contacts.map((l) => ({ type: l.type, handle: l.contact.handle })), policy, CONTACT_TYPES, 2003);
    }

    const ns = await resolveNs(ctx, child(object, 'ns'), name, policy);
    if (ns.kind === 'obj') checkDelegable(ns.hosts);
    const nsCount = ns.kind === 'obj' ? ns.hosts.length : ns.attrs.length;
    checkNsCount(nsCount, policy);

    const authPw = parseAuthPw(child(object, 'authInfo')!);
    const secDns = parseSecDnsCreate(req.extension(NS.secDNS, 'create'), policy.dnssec);
    const description = parseDescription(req.extension(NS.tciDomain, 'create'), policy, tld.name) ?? null;

    const id = await repo.nextId();
    const createdAt = ctx.now;
    const expiresAt = addYears(createdAt, years);
    await repo.insert({
      id,
      name,
      tld: tld.name,
      roid: roid('D', id, ctx.services.config.roidSuffix),
      registrarId: ctx.registrar.id,
      registrantId: registrant?.id ?? null,
      createdAt,
      expiresAt,
      authPw,
      maxSigLife: secDns?.maxSigLife ?? null,
      description,
    });
    for (const l of contacts) await repo.addContact(id, l.type, l.contact.id);
    if (ns.kind === 'obj') for (const h of ns.hosts) await repo.addNameserver(id, h.id);
    else for (const a of ns.attrs) await repo.addHostAttr(id, a);
    if (secDns) await repo.replaceDnssec(id, secDns.ds, secDns.keys);
    // Billing and the add grace period (RFC 3915): a delete within it purges and refunds the create.
    const price = policy.prices.create * years;
    await charge(ctx.repos, ctx.registrar.id, price, 'create', name, ctx.now);
    await startGrace(ctx.repos, id, 'add', ctx.registrar.id, policy, price, ctx.now);

    return {
      resData: [
        el('domain:creData', null, [
          el('domain:name', null, name),
          el('domain:crDate', null, eppDateTime(createdAt)),
          el('domain:exDate', null, eppDateTime(expiresAt)),
        ]),
      ],
      object: name,
    };
  },
};
