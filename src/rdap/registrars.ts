import type { Registrar } from '../storage/core-repos.js';
import { link, RDAP_MEDIA_TYPE, type Json, type JsonObject, type RenderContext } from './common.js';
import { telUri } from './contacts.js';

/**
 * The registrar as an entity (profile 2.4, 3.1, 4.3): handle and publicId its IANA Registrar ID (the clID
 * when it has none, without a publicId), its name, its web site and RDAP service as the "about" link
 * (value: the RDAP base URL, href: the site; profile 2.4.6), and its abuse contact (e-mail and phone) as an
 * entity with the abuse role (profile 2.4.5). Looked up by itself (topmost), it also carries its e-mail,
 * postal address (jCard adr, the country in the cc parameter as for contacts, profile 1.4) and phone (profile 3.1).
 */
export function registrarHandle(r: Registrar): string {
  return r.ianaId !== null ? String(r.ianaId) : r.clId;
}

export function registrarEntity(r: Registrar, ctx: RenderContext, opts: { topmost?: boolean } = {}): JsonObject {
  const handle = registrarHandle(r);
  const props: Json[] = [
    ['version', {}, 'text', '4.0'],
    ['fn', {}, 'text', r.name],
  ];
  if (opts.topmost && r.address) {
    const a = r.address;
    // RFC 7095 adr: post office box, extended address, street, locality, region, postal code, country name.
    props.push(['adr', { cc: a.cc }, 'text', ['', '', a.street.length > 1 ? a.street : a.street[0], a.city, a.sp ?? '', a.pc ?? '', '']]);
  }
  if (opts.topmost && r.phone) props.push(['tel', { type: 'voice' }, 'uri', telUri({ number: r.phone })]);
  if (opts.topmost && r.email) props.push(['email', {}, 'text', r.email]);
  const entity: JsonObject = { objectClassName: 'entity', handle, roles: ['registrar'] };
  if (r.ianaId !== null) entity.publicIds = [{ type: 'IANA Registrar ID', identifier: String(r.ianaId) }];
  entity.vcardArray = ['vcard', props];
  const links: JsonObject[] = [];
  // Looked up by its IANA Registrar ID only: a clID is no public handle.
  if (r.ianaId !== null) links.push(link(ctx, 'self', `${ctx.baseUrl}entity/${encodeURIComponent(handle)}`, RDAP_MEDIA_TYPE));
  if (r.url) links.push({ value: r.rdapBaseUrl ?? ctx.queryUri, rel: 'about', href: r.url, type: 'text/html' });
  if (links.length) entity.links = links;
  if (r.abuseEmail || r.abusePhone) {
    const abuse: Json[] = [
      ['version', {}, 'text', '4.0'],
      ['fn', {}, 'text', `Abuse contact of ${r.name}`],
    ];
    if (r.abusePhone) abuse.push(['tel', { type: 'voice' }, 'uri', telUri({ number: r.abusePhone })]);
    if (r.abuseEmail) abuse.push(['email', {}, 'text', r.abuseEmail]);
    entity.entities = [{ objectClassName: 'entity', roles: ['abuse'], vcardArray: ['vcard', abuse] }];
  }
  if (opts.topmost) entity.status = [r.status === 'active' ? 'active' : 'inactive'];
  return entity;
}
