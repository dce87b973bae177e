import { NS } from '../protocol/namespaces.js';

/** Namespaces of a deposit (RFC 8909, RFC 9022, ICANN's report) and the prefixes the registry writes them with. */
export const RDE_NS = {
  rde: 'urn:ietf:params:xml:ns:rde-1.0',
  rdeHeader: 'urn:ietf:params:xml:ns:rdeHeader-1.0',
  rdeDomain: 'urn:ietf:params:xml:ns:rdeDomain-1.0',
  rdeHost: 'urn:ietf:params:xml:ns:rdeHost-1.0',
  rdeContact: 'urn:ietf:params:xml:ns:rdeContact-1.0',
  rdeRegistrar: 'urn:ietf:params:xml:ns:rdeRegistrar-1.0',
  rdeIDN: 'urn:ietf:params:xml:ns:rdeIDN-1.0',
  rdeNNDN: 'urn:ietf:params:xml:ns:rdeNNDN-1.0',
  rdeEppParams: 'urn:ietf:params:xml:ns:rdeEppParams-1.0',
  rdeReport: 'urn:ietf:params:xml:ns:rdeReport-1.0',
  /**
   * The TCI dialect's data (the contact extension's person/organization data, the domain description),
   * which RFC 9022 has no element for: objects of this registry's own, in namespaces of its own that are
   * not registered anywhere (schemas/rde/rdeTciContact-1.0.xsd, rdeTciDomain-1.0.xsd), deposited only for
   * TLDs whose policy uses the dialect.
   */
  rdeTciContact: 'urn:x-registry:params:xml:ns:rdeTciContact-1.0',
  rdeTciDomain: 'urn:x-registry:params:xml:ns:rdeTciDomain-1.0',
  domain: NS.domain,
  host: NS.host,
  contact: NS.contact,
  secDNS: NS.secDNS,
  rgp: NS.rgp,
  epp: NS.epp,
  tci: NS.tciContact,
  tcidom: NS.tciDomain,
} as const;

export type RdePrefix = keyof typeof RDE_NS;

/** The object types a deposit counts in its header, in the order written. */
export const OBJECT_TYPES = ['rdeDomain', 'rdeHost', 'rdeContact', 'rdeRegistrar', 'rdeIDN', 'rdeNNDN', 'rdeEppParams', 'rdeTciContact', 'rdeTciDomain'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];
