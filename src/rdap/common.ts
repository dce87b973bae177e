/**
 * What every RDAP response shares (RFC 9083 §4 and the ICANN gTLD RDAP Response Profile / Technical
 * Implementation Guide, February 2024): the conformance identifiers, the notices, links, events and the
 * status values (mapped from EPP per RFC 8056). Plain JSON-shaped objects; the server serialises them.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };
export type JsonObject = { [key: string]: Json | undefined };

/** Where a response is being built: the service's base URL, the URI the client asked for, the instant of the snapshot. */
export interface RenderContext {
  /** Public base URL of the service, ending in "/". */
  baseUrl: string;
  /** The URI of the query as the client sent it (the `value` of the links; TIG 3.2, 3.3, profile 2.6.3, 2.10). */
  queryUri: string;
  /** The terms of service the first notice links to. */
  termsOfServiceUrl: string;
  now: Date;
}

/** rdapConformance: RFC 9083 level 0, the 2024 profile and guide (`_1`), RFC 9537 when a response declares redactions. */
export function conformance(redacted: boolean): string[] {
  const ids = ['rdap_level_0', 'icann_rdap_response_profile_1', 'icann_rdap_technical_implementation_guide_1'];
  return redacted ? [...ids, 'redacted'] : ids;
}

export const RDAP_MEDIA_TYPE = 'application/rdap+json';

export interface Link extends JsonObject {
  value: string;
  rel: string;
  href: string;
  type?: string;
}

export function link(ctx: RenderContext, rel: string, href: string, type = RDAP_MEDIA_TYPE): Link {
  return { value: ctx.queryUri, rel, href, type };
}

/** TIG 3.3/3.4: every response's notices begin with the terms of service, linked (rel terms-of-service). */
export function termsOfServiceNotice(ctx: RenderContext): JsonObject {
  return {
    title: 'Terms of Service',
    description: [
      'This registration data is provided for lookups of domain names, nameservers and registrars only, and is subject to the terms of service linked here.',
    ],
    links: [link(ctx, 'terms-of-service', ctx.termsOfServiceUrl, 'text/html')],
  };
}

/** Profile 2.6.3: the status codes notice of a domain response (exact title, text and link). */
export function statusCodesNotice(ctx: RenderContext): JsonObject {
  return {
    title: 'Status Codes',
    description: ['For more information on domain status codes, please visit https://icann.org/epp'],
    links: [link(ctx, 'glossary', 'https://icann.org/epp', 'text/html')],
  };
}

/** Profile 2.10: the RDDS inaccuracy complaint form notice of a domain response (exact title, text and link). */
export function inaccuracyNotice(ctx: RenderContext): JsonObject {
  return {
    title: 'RDDS Inaccuracy Complaint Form',
    description: ['URL of the ICANN RDDS Inaccuracy Complaint Form: https://icann.org/wicf'],
    links: [link(ctx, 'help', 'https://icann.org/wicf', 'text/html')],
  };
}

/** RFC 3339 in UTC, as RFC 9083 §4.5 and the profile write eventDate. */
export function rdapDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Event extends JsonObject {
  eventAction: string;
  eventDate: string;
}

/** The events of an object that exist, then "last update of RDAP database" (profile 2.3.1.3, 3.3, 4.4): the snapshot's instant. */
export function events(ctx: RenderContext, list: Array<[action: string, at: Date | null | undefined]>): Event[] {
  const out: Event[] = [];
  for (const [action, at] of list) if (at) out.push({ eventAction: action, eventDate: rdapDate(at) });
  out.push({ eventAction: 'last update of RDAP database', eventDate: rdapDate(ctx.now) });
  return out;
}

/**
 * EPP statuses (RFC 5731–5733, and RFC 3915's rgpStatus values) as RDAP status values: the mapping of
 * RFC 8056 §2. `linked` becomes "associated", `ok` "active".
 */
const RDAP_STATUS: Readonly<Record<string, string>> = {
  ok: 'active',
  inactive: 'inactive',
  linked: 'associated',
  clientDeleteProhibited: 'client delete prohibited',
  clientHold: 'client hold',
  clientRenewProhibited: 'client renew prohibited',
  clientTransferProhibited: 'client transfer prohibited',
  clientUpdateProhibited: 'client update prohibited',
  serverDeleteProhibited: 'server delete prohibited',
  serverHold: 'server hold',
  serverRenewProhibited: 'server renew prohibited',
  serverTransferProhibited: 'server transfer prohibited',
  serverUpdateProhibited: 'server update prohibited',
  pendingCreate: 'pending create',
  pendingDelete: 'pending delete',
  pendingRenew: 'pending renew',
  pendingTransfer: 'pending transfer',
  pendingUpdate: 'pending update',
  addPeriod: 'add period',
  autoRenewPeriod: 'auto renew period',
  renewPeriod: 'renew period',
  transferPeriod: 'transfer period',
  redemptionPeriod: 'redemption period',
  pendingRestore: 'pending restore',
};

/** RDAP status values of these EPP statuses, each once, in order (an RGP pendingDelete and the EPP one are one value). */
export function rdapStatuses(epp: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of epp) {
    const v = RDAP_STATUS[s];
    if (!v) throw new Error(`no RDAP status for EPP status ${s}`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
