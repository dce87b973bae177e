import type { ContactElement, TldPolicy } from '../registry/policy.js';
import type { Contact, Phone, PostalInfo } from '../storage/contact-repo.js';
import type { Json, JsonObject } from './common.js';

/**
 * Contacts as jCard entities (RFC 9083 §5.1, RFC 7095), with the ICANN Registration Data Policy's redaction
 * declared per RFC 9537 in the shapes the gTLD RDAP Response Profile (2024) names.
 *
 * What is published of a contact: its state/province and country always; of the other elements (RFC 5733's
 * disclose names: name, org, addr — street, city and postal code —, voice, fax, email) those the TLD policy
 * publishes (`rdap.publish`), plus those the contact consents to publish with <contact:disclose flag="1">
 * when the policy accepts its consent (`rdap.consent`: legal persons, everyone or nobody), less those it
 * lists under flag="0". The contact's handle (ROID) is withheld in a domain response. Everything withheld is
 * declared, whether or not the contact has that element (a fax, an organization), so that no response tells
 * which elements a contact filled in: removal for the handle, organization, phones, fax and e-mail; an empty
 * value for the name, street, city and postal code (the profile's methods). The TCI extension's data is
 * never part of a response.
 */

/** A contact's role in a domain response; 'contact' for an entity looked up by itself. */
export type ContactRole = 'registrant' | 'technical' | 'contact';

/** The publication rules of one contact: a TLD's `rdap` policy, or the strictest of all for a lookup by handle. */
export type PublicationPolicy = TldPolicy['rdap'];

/** The elements a response may carry per role: a technical contact's RDDS data is its name, phone and e-mail. */
const ROLE_ELEMENTS: Readonly<Record<ContactRole, readonly ContactElement[]>> = {
  registrant: ['name', 'org', 'addr', 'voice', 'fax', 'email'],
  technical: ['name', 'voice', 'email'],
  contact: ['name', 'org', 'addr', 'voice', 'fax', 'email'],
};

type Field = 'handle' | 'name' | 'org' | 'street' | 'city' | 'postalCode' | 'voice' | 'voiceExt' | 'fax' | 'faxExt' | 'email';

/** Redaction names: the profile's registered types for the registrant and technical roles; descriptions for a lone contact. */
const REDACTION_NAME: Readonly<Record<ContactRole, Partial<Record<Field, JsonObject>>>> = {
  registrant: {
    handle: { type: 'Registry Registrant ID' },
    name: { type: 'Registrant Name' },
    org: { type: 'Registrant Organization' },
    street: { type: 'Registrant Street' },
    city: { type: 'Registrant City' },
    postalCode: { type: 'Registrant Postal Code' },
    voice: { type: 'Registrant Phone' },
    voiceExt: { type: 'Registrant Phone Ext' },
    fax: { type: 'Registrant Fax' },
    faxExt: { type: 'Registrant Fax Ext' },
    email: { type: 'Registrant Email' },
  },
  technical: {
    handle: { type: 'Registry Tech ID' },
    name: { type: 'Tech Name' },
    voice: { type: 'Tech Phone' },
    voiceExt: { type: 'Tech Phone Ext' },
    email: { type: 'Tech Email' },
  },
  contact: {
    name: { description: 'Contact Name' },
    org: { description: 'Contact Organization' },
    street: { description: 'Contact Street' },
    city: { description: 'Contact City' },
    postalCode: { description: 'Contact Postal Code' },
    voice: { description: 'Contact Phone' },
    voiceExt: { description: 'Contact Phone Ext' },
    fax: { description: 'Contact Fax' },
    faxExt: { description: 'Contact Fax Ext' },
    email: { description: 'Contact Email' },
  },
};

const REASON = { description: 'Server policy' };

/** Whether the contact is a legal person: an organization in the TCI extension, or (without it) an organization name. */
export function isLegalPerson(c: Contact): boolean {
  if (c.tci) return 'organization' in c.tci;
  return Boolean(c.postalInt?.org || c.postalLoc?.org);
}

/** The elements published of this contact under this policy (see the module comment). */
export function publishedElements(c: Contact, policy: PublicationPolicy): Set<ContactElement> {
  const out = new Set<ContactElement>(policy.publish);
  const d = c.disclose;
  if (!d) return out;
  const listed: ContactElement[] = [];
  if (d.name.length) listed.push('name');
  if (d.org.length) listed.push('org');
  if (d.addr.length) listed.push('addr');
  if (d.voice) listed.push('voice');
  if (d.fax) listed.push('fax');
  if (d.email) listed.push('email');
  const consentCounts = policy.consent === 'everyone' || (policy.consent === 'legalPersons' && isLegalPerson(c));
  if (d.flag && consentCounts) for (const e of listed) out.add(e);
  if (!d.flag) for (const e of listed) out.delete(e);
  return out;
}

/** The strictest of several TLD policies: what every one of them publishes, and the narrowest consent. */
export function strictestPolicy(policies: PublicationPolicy[]): PublicationPolicy {
  if (policies.length === 0) return { publish: [], consent: 'nobody' };
  const order = ['nobody', 'legalPersons', 'everyone'] as const;
  return {
    publish: policies[0].publish.filter((e) => policies.every((p) => p.publish.includes(e))),
    consent: order[Math.min(...policies.map((p) => order.indexOf(p.consent)))],
  };
}

export interface ContactRendering {
  entity: JsonObject;
  /** RFC 9537 redaction entries, their paths from the response's topmost object. */
  redacted: JsonObject[];
}

/**
 * One contact as an entity. `path` is the JSONPath of the entity in the response (`$.entities[1]`, or `$`
 * when it is the topmost object); `showHandle` false withholds its handle (the Registry Registrant/Tech ID
 * of a domain response).
 */
export function contactEntity(c: Contact, role: ContactRole, published: Set<ContactElement>, path: string, showHandle: boolean): ContactRendering {
  const allowed = ROLE_ELEMENTS[role];
  const show = (e: ContactElement) => allowed.includes(e) && published.has(e);
  const redacted: JsonObject[] = [];
  const names = REDACTION_NAME[role];
  const vcard = `${path}.vcardArray[1]`;
  const removed = (field: Field, prePath: string) => {
    const name = names[field];
    if (name) redacted.push({ name, prePath, pathLang: 'jsonpath', method: 'removal', reason: REASON });
  };
  const emptied = (field: Field, postPath: string) => {
    const name = names[field];
    if (name) redacted.push({ name, postPath, pathLang: 'jsonpath', method: 'emptyValue', reason: REASON });
  };

  const postal: PostalInfo | null = c.postalInt ?? c.postalLoc;
  const props: Json[] = [['version', {}, 'text', '4.0']];
  props.push(['fn', {}, 'text', show('name') ? (postal?.name ?? '') : '']);
  if (!show('name')) emptied('name', `${vcard}[?(@[0]=='fn')][3]`);

  if (allowed.includes('org')) {
    if (!show('org')) removed('org', `${vcard}[?(@[0]=='org')]`);
    else if (postal?.org) props.push(['org', {}, 'text', postal.org]);
  }

  if (allowed.includes('addr') && postal) {
    const addr = show('addr');
    const street = addr ? (postal.street.length > 1 ? postal.street : (postal.street[0] ?? '')) : '';
    // RFC 7095 adr: post office box, extended address, street, locality, region, postal code, country. The
    // country goes in the cc parameter and the country name stays empty (profile 1.4).
    props.push(['adr', { cc: postal.cc }, 'text', ['', '', street, addr ? postal.city : '', postal.sp ?? '', addr ? (postal.pc ?? '') : '', '']]);
    if (!addr) {
      emptied('street', `${vcard}[?(@[0]=='adr')][3][2]`);
      emptied('city', `${vcard}[?(@[0]=='adr')][3][3]`);
      emptied('postalCode', `${vcard}[?(@[0]=='adr')][3][5]`);
    }
  }

  for (const kind of ['voice', 'fax'] as const) {
    if (!allowed.includes(kind)) continue;
    const prePath = `${vcard}[?(@[1].type=='${kind}')]`;
    if (!show(kind)) {
      removed(kind, prePath);
      removed(kind === 'voice' ? 'voiceExt' : 'faxExt', prePath);
    } else if (c[kind]) props.push(['tel', { type: kind }, 'uri', telUri(c[kind]!)]);
  }

  if (allowed.includes('email')) {
    if (show('email')) props.push(['email', {}, 'text', c.email]);
    else removed('email', `${vcard}[?(@[0]=='email')]`);
  }

  const entity: JsonObject = { objectClassName: 'entity' };
  if (showHandle) entity.handle = c.roid;
  else removed('handle', `${path}.handle`);
  if (role !== 'contact') entity.roles = [role];
  entity.vcardArray = ['vcard', props];
  return { entity, redacted };
}

/** An EPP phone (+CC.NUMBER, RFC 5733) as a tel URI (RFC 3966: the dot is a visual separator). */
export function telUri(p: Phone): string {
  return `tel:${p.number}${p.x ? `;ext=${p.x}` : ''}`;
}
