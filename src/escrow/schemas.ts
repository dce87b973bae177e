import { join } from 'node:path';
import type { XsdValidator } from 'libxml2-wasm';
import { compileSchemaFiles } from '../protocol/schema.js';
import { RDE_NS } from './namespaces.js';

/**
 * The schema set a deposit and its report are validated against: the EPP schemas they import (../) and the
 * escrow schemas (schemas/rde/), compiled together through a generated driver that imports every namespace,
 * dependencies first (the escrow files' own schemaLocations, Windows-style or absent, are then skipped).
 */
export function compileEscrowSchemas(schemasDir: string): XsdValidator {
  const epp = (f: string) => join(schemasDir, f);
  const rde = (f: string) => join(schemasDir, 'rde', f);
  const order: Array<[string, string, string]> = [
    ['urn:ietf:params:xml:ns:eppcom-1.0', 'eppcom-1.0.xsd', epp('eppcom-1.0.xsd')],
    [RDE_NS.epp, 'epp-1.0.xsd', epp('epp-1.0.xsd')],
    [RDE_NS.host, 'host-1.0.xsd', epp('host-1.0.xsd')],
    [RDE_NS.domain, 'domain-1.0.xsd', epp('domain-1.0.xsd')],
    [RDE_NS.contact, 'contact-1.0.xsd', epp('contact-1.0.xsd')],
    [RDE_NS.secDNS, 'secDNS-1.1.xsd', epp('secDNS-1.1.xsd')],
    [RDE_NS.rgp, 'rgp-1.0.xsd', epp('rgp-1.0.xsd')],
    [RDE_NS.tci, 'tci-contact-ext-1.0.xsd', epp('tci-contact-ext-1.0.xsd')],
    [RDE_NS.tcidom, 'tci-domain-ext-1.0.xsd', epp('tci-domain-ext-1.0.xsd')],
    [RDE_NS.rde, 'rde-1.0.xsd', rde('rde-1.0.xsd')],
    ['urn:ietf:params:xml:ns:rdeDnrdCommon-1.0', 'rdeDnrdCommon-1.0.xsd', rde('rdeDnrdCommon-1.0.xsd')],
    [RDE_NS.rdeIDN, 'rdeIDN-1.0.xsd', rde('rdeIDN-1.0.xsd')],
    [RDE_NS.rdeHeader, 'rdeHeader-1.0.xsd', rde('rdeHeader-1.0.xsd')],
    [RDE_NS.rdeDomain, 'rdeDomain-1.0.xsd', rde('rdeDomain-1.0.xsd')],
    [RDE_NS.rdeHost, 'rdeHost-1.0.xsd', rde('rdeHost-1.0.xsd')],
    [RDE_NS.rdeContact, 'rdeContact-1.0.xsd', rde('rdeContact-1.0.xsd')],
    [RDE_NS.rdeRegistrar, 'rdeRegistrar-1.0.xsd', rde('rdeRegistrar-1.0.xsd')],
    [RDE_NS.rdeNNDN, 'rdeNNDN-1.0.xsd', rde('rdeNNDN-1.0.xsd')],
    [RDE_NS.rdeEppParams, 'rdeEppParams-1.0.xsd', rde('rdeEppParams-1.0.xsd')],
    ['urn:ietf:params:xml:ns:rdePolicy-1.0', 'rdePolicy-1.0.xsd', rde('rdePolicy-1.0.xsd')],
    [RDE_NS.rdeReport, 'rdeReport-1.0.xsd', rde('rdeReport-1.0.xsd')],
    [RDE_NS.rdeTciContact, 'rdeTciContact-1.0.xsd', rde('rdeTciContact-1.0.xsd')],
    [RDE_NS.rdeTciDomain, 'rdeTciDomain-1.0.xsd', rde('rdeTciDomain-1.0.xsd')],
  ];
  return compileSchemaFiles(Object.fromEntries(order.map(([, f, path]) => [f, path])), Object.fromEntries(order.map(([ns, f]) => [ns, f])));
}
