/** Namespace URIs the server speaks. Commands and extensions are dispatched on these, never on prefixes. */
export const NS = {
  epp: 'urn:ietf:params:xml:ns:epp-1.0',
  eppcom: 'urn:ietf:params:xml:ns:eppcom-1.0',
  domain: 'urn:ietf:params:xml:ns:domain-1.0',
  host: 'urn:ietf:params:xml:ns:host-1.0',
  contact: 'urn:ietf:params:xml:ns:contact-1.0',
  secDNS: 'urn:ietf:params:xml:ns:secDNS-1.1',
  rgp: 'urn:ietf:params:xml:ns:rgp-1.0',
  /** RFC 9154: announced and negotiated only (its rules need no XML of their own). */
  secureAuthInfo: 'urn:ietf:params:xml:ns:epp:secure-authinfo-transfer-1.0',
  /** RFC 8807 login security: <loginSec:loginSec> in <login>, <loginSec:loginSecData> in its response. */
  loginSec: 'urn:ietf:params:xml:ns:epp:loginSec-1.0',
  /** RFC 9038: announced and negotiated only (unhandled data goes to <extValue>). */
  unhandledNamespaces: 'urn:ietf:params:xml:ns:epp:unhandled-namespaces-1.0',
  /** RFC 8590 change poll: <changePoll:changeData> in poll messages of registry-side changes. */
  changePoll: 'urn:ietf:params:xml:ns:changePoll-1.0',
  /** RFC 8748 fees: <fee:check> on domain:check, <fee:create|renew|transfer|update> on the transform commands. */
  fee: 'urn:ietf:params:xml:ns:epp:fee-1.0',
  /** RFC 8334 launch phases: <launch:check> on domain:check, <launch:create> (signed marks, claims notices) on domain:create. */
  launch: 'urn:ietf:params:xml:ns:launch-1.0',
  /** RFC 7848 signed marks and marks: content of <launch:create>, never an extension of their own. */
  signedMark: 'urn:ietf:params:xml:ns:signedMark-1.0',
  mark: 'urn:ietf:params:xml:ns:mark-1.0',
  tciContact: 'http://www.tcinet.ru/epp/tci-contact-ext-1.0',
  tciDomain: 'http://www.tcinet.ru/epp/tci-domain-ext-1.0',
} as const;

/** Object services offered in the greeting (svcMenu/objURI). */
export const OBJECT_URIS: readonly string[] = [NS.domain, NS.contact, NS.host];

/** IANA-registered extensions, always offered. */
export const STANDARD_EXTENSION_URIS: readonly string[] = [NS.secDNS, NS.rgp, NS.secureAuthInfo, NS.loginSec, NS.unhandledNamespaces, NS.changePoll, NS.fee, NS.launch];

/**
 * Extensions whose elements a command may carry (the parser refuses any other extension namespace with
 * 2103): RFC 9154 and RFC 9038 define no XML, and changePoll appears only in responses.
 */
export const COMMAND_EXTENSION_URIS: readonly string[] = [NS.secDNS, NS.rgp, NS.loginSec, NS.fee, NS.launch, NS.tciContact, NS.tciDomain];

/**
 * The registry dialect of the .TATAR/.ДЕТИ OT&E TLDs (shared/notes/tci-contact-ext.md). These URIs are not
 * IANA-registered, so they are offered only while some served TLD's policy uses them.
 */
export const TCI_EXTENSION_URIS: readonly string[] = [NS.tciContact, NS.tciDomain];

/** The extensions the greeting offers: the standard ones, and the TCI dialect while a served TLD uses it. */
export function offeredExtensionURIs(tciUsed: boolean): readonly string[] {
  return tciUsed ? [...STANDARD_EXTENSION_URIS, ...TCI_EXTENSION_URIS] : STANDARD_EXTENSION_URIS;
}

/** objURIs that real clients echo at login although they are not object services: accepted and ignored. */
export const IGNORED_LOGIN_OBJECT_URIS: readonly string[] = [NS.epp, NS.eppcom];

/** Customary prefixes for the responses we build (clients must not depend on them). */
export const PREFIX: Record<string, string> = {
  [NS.domain]: 'domain',
  [NS.host]: 'host',
  [NS.contact]: 'contact',
  [NS.secDNS]: 'secDNS',
  [NS.rgp]: 'rgp',
  [NS.loginSec]: 'loginSec',
  [NS.changePoll]: 'changePoll',
  [NS.fee]: 'fee',
  [NS.launch]: 'launch',
  [NS.signedMark]: 'smd',
  [NS.mark]: 'mark',
  [NS.tciContact]: 'tci',
  [NS.tciDomain]: 'tcidom',
};
