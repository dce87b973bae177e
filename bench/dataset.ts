/**
 * The preloaded registry's shape, shared by the preload (which writes it) and the load workers (which
 * address it): object names, counts and each domain's expiry are functions of an index, so a worker
 * knows every object without reading the database.
 */
import { addYears, utcDate } from '../src/registry/periods.js';

export const TLD = 'tatar';
export const CLID = 'ClientX';
export const PASSWORD = 'foo-BAR2';
export const CERT = 'clientx';

export interface Dataset {
  domains: number;
  contacts: number;
  hosts: number;
  /** Epoch ms, noon UTC of the preload's day: the anchor of creation and expiry dates. */
  t0: number;
}

export function datasetFor(domains: number, now = Date.now()): Dataset {
  const d = new Date(now);
  return {
    domains,
    // About one contact per four domains and one nameserver pair per hundred, as in a retail registry.
    contacts: Math.max(100, Math.ceil(domains / 4)),
    hosts: Math.max(20, 2 * Math.ceil(domains / 200)),
    t0: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12),
  };
}

/** Domain i (1-based). */
export const domainName = (i: number) => `bench-${i}.${TLD}`;
/** Contact i (0-based); ids are 3 to 16 printable characters. */
export const contactHandle = (i: number) => `BC${i}`;
/** Host i (0-based): external nameservers in pairs, ns1/ns2 of one operator. */
export const hostName = (i: number) => `ns${1 + (i % 2)}.dns${i >> 1}.bench-hosting.net`;

export const domainCreated = (ds: Dataset, i: number) => ds.t0 - (i % 365) * 86_400_000;
/** Every preloaded domain expires 1 to 3 years after its creation, so at least a day after the preload. */
export const domainExpires = (ds: Dataset, i: number) => addYears(new Date(domainCreated(ds, i)), 1 + (i % 3)).getTime();
export const domainExpiryDate = (ds: Dataset, i: number) => utcDate(new Date(domainExpires(ds, i)));

/** The contacts and nameservers of domain i. */
export function domainLinks(ds: Dataset, i: number): { registrant: number; admin: number; tech: number; ns: [number, number] } {
  const pair = (i % (ds.hosts >> 1)) * 2;
  return {
    registrant: (i * 7) % ds.contacts,
    admin: (i * 13 + 1) % ds.contacts,
    tech: (i * 17 + 2) % ds.contacts,
    ns: [pair, pair + 1],
  };
}
