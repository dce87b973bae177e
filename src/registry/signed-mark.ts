import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { ParseOption, XmlDocument, type XsdValidator } from 'libxml2-wasm';
import { SignedXml } from 'xml-crypto';
import { PACKAGE_ROOT } from '../config.js';
import { NS } from '../protocol/namespaces.js';
import { compileSchemaSet } from '../protocol/schema.js';

/**
 * Verifies a signed mark (SMD, RFC 7848) as a registry must before a sunrise create: the document is a
 * schema-valid <smd:signedMark> (2005 otherwise); its one XML signature is an enveloped signature over the
 * signedMark element itself (exclusive canonicalisation, RSA-SHA256, SHA-256 digests — nothing else is
 * accepted), made by a certificate that a TMCH CA issued, valid now and not on the TMCH CRL; the mark is not
 * on the SMD revocation list and is within its notBefore/notAfter on the registry clock (2306 otherwise).
 * The mark's data (id, labels, dates) is read from what the signature covers, never from the document
 * around it, so content outside the signed element (signature wrapping) cannot change it. The XML
 * signature is checked by xml-crypto; certificates by node:crypto.
 */

export interface SignedMarkChecks {
  /** The TMCH CA certificates trusted (tmch.ca); empty: no signed mark is accepted. */
  cas: X509Certificate[];
  /** The registry clock. */
  now: Date;
  /** Whether the TMCH CRL revokes the certificate with this serial (upper-case hex, no leading zeros). */
  certRevoked(serial: string): Promise<boolean>;
  /** Whether the SMD revocation list holds this SMD id. */
  smdRevoked(smdId: string): Promise<boolean>;
}

export interface VerifiedMark {
  smdId: string;
  /** Every <mark:label> of the marks (A-labels, as the TMCH writes them). */
  labels: string[];
  markNames: string[];
  notBefore: Date;
  notAfter: Date;
  /** <smd:issuerInfo><smd:org>. */
  issuer: string;
  /** The signer certificate's serial (upper-case hex, no leading zeros). */
  signerSerial: string;
  /** The <mark:mark> element as signed (XML text), kept for <launch:info includeMark>. */
  markXml: string;
}

export type SignedMarkResult = { ok: true; mark: VerifiedMark } | { ok: false; code: 2005 | 2306; reason: string };

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

const malformed = (reason: string) => ({ ok: false as const, code: 2005 as const, reason });
const refused = (reason: string) => ({ ok: false as const, code: 2306 as const, reason });

/** Serial numbers as the CRL table keeps them: upper-case hex without leading zeros. */
export const normalSerial = (hex: string): string => hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/^0+(?=.)/, '');

let validator: XsdValidator | undefined;
/** The registry's schema set (schemas/epp-all.xsd imports signedMark-1.0, mark-1.0 and xmldsig), compiled once. */
function schema(): XsdValidator {
  validator ??= compileSchemaSet(join(PACKAGE_ROOT, 'schemas'));
  return validator;
}

/** The server hands over the schema set its EPP parser compiled (the same files), so none is compiled twice. */
export function useSignedMarkSchema(v: XsdValidator): void {
  validator = v;
}

/** Before the server disposes of that schema set: a later check compiles its own again. */
export function releaseSignedMarkSchema(v: XsdValidator): void {
  if (validator === v) validator = undefined;
}

/** A signed mark whose document, signature and issuer were checked (what needs neither clock nor lists). */
export interface SignedMarkDocument {
  mark: VerifiedMark;
  signer: X509Certificate;
  ca: X509Certificate;
}
export type SignedMarkDocumentResult = { ok: true; document: SignedMarkDocument } | { ok: false; code: 2005 | 2306; reason: string };

/** `encoded`: the text of <smd:encodedSignedMark>, base64 with line breaks allowed. */
export async function verifyEncodedSignedMark(encoded: string, checks: SignedMarkChecks): Promise<SignedMarkResult> {
  return checkSignedMarkNow(checkEncodedSignedMarkDocument(encoded, checks.cas), checks);
}

/** A whole <smd:signedMark> document. */
export async function verifySignedMarkXml(input: string | Buffer, checks: SignedMarkChecks): Promise<SignedMarkResult> {
  return checkSignedMarkNow(checkSignedMarkDocument(input, checks.cas), checks);
}

/**
 * The CPU-bound half (schema, XML signature, issuer), which needs no clock and no data: a command runs it
 * before its transaction, so that it holds no other command up.
 */
export function checkEncodedSignedMarkDocument(encoded: string, cas: X509Certificate[]): SignedMarkDocumentResult {
  const b64 = encoded.replace(/\s+/g, '');
  if (b64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return malformed('the encoded signed mark is not base64');
  return checkSignedMarkDocument(Buffer.from(b64, 'base64'), cas);
}

export function checkSignedMarkDocument(input: string | Buffer, cas: X509Certificate[]): SignedMarkDocumentResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const text = bytes.toString('utf8');
  // No DTDs: nothing is ever expanded or fetched (the schema and the TMCH's SMDs have no use for them).
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return malformed('the signed mark has a DOCTYPE or entity declaration, which is not allowed');
  const invalid = schemaProblem(bytes);
  if (invalid) return malformed(invalid);

  const doc = parseDom(text);
  if (!doc) return malformed('the signed mark is not well-formed XML');
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.signedMark || root.localName !== 'signedMark') return malformed('the document is not an <smd:signedMark> (RFC 7848)');

  // The signature: exactly one, a child of signedMark, over signedMark itself with the algorithms of RFC 7848.
  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature'));
  if (signatures.length !== 1 || signatures[0].parentNode !== root) return refused('the signed mark must carry exactly one XML signature, inside <smd:signedMark>');
  const signature = signatures[0];
  const shape = signatureShapeProblem(signature, root.getAttribute('id') ?? '');
  if (shape) return refused(shape);

  const signer = signerCertificate(signature);
  if (typeof signer === 'string') return refused(signer);
  if (cas.length === 0) return refused('the registry trusts no TMCH CA (tmch.ca is not configured)');
  const ca = cas.find((c) => signer.checkIssued(c) && signer.verify(c.publicKey));
  if (!ca) return refused(`the signer certificate (${oneLine(signer.subject)}, issued by ${oneLine(signer.issuer)}) was not issued by a trusted TMCH CA`);

  const verifier = new SignedXml({ publicCert: signer.toString() });
  let signedXml: string;
  try {
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    if (!verifier.checkSignature(text)) return refused('the XML signature does not verify');
    // The canonical XML of each signed reference; the one whose root is signedMark is the mark.
    const marks = verifier.getSignedReferences().filter((x) => /^<([A-Za-z_][\w.-]*:)?signedMark[\s>]/.test(x));
    if (marks.length !== 1) return refused('the XML signature must cover the signed mark exactly once');
    signedXml = marks[0];
  } catch (e) {
    return refused(`the XML signature does not verify (${(e as Error).message.split('\n')[0].slice(0, 160)})`);
  }
  // The mark's data, from the canonical form of what was signed.
  const signed = parseDom(signedXml)?.documentElement;
  if (!signed || signed.namespaceURI !== NS.signedMark || signed.localName !== 'signedMark') return refused('the XML signature does not cover the <smd:signedMark> element');
  const mark = markOf(signed, normalSerial(signer.serialNumber));
  if (typeof mark === 'string') return malformed(mark);
  return { ok: true, document: { mark, signer, ca } };
}

/** The half that needs the registry clock and the TMCH lists: certificate validity, the CRL, the SMDRL, the mark's window. */
export async function checkSignedMarkNow(checked: SignedMarkDocumentResult, checks: Omit<SignedMarkChecks, 'cas'>): Promise<SignedMarkResult> {
  if (!checked.ok) return checked;
  const { mark, signer, ca } = checked.document;
  const validity = certificateValidity(signer, checks.now, 'the signer certificate') ?? certificateValidity(ca, checks.now, 'the TMCH CA certificate');
  if (validity) return refused(validity);
  if (await checks.certRevoked(mark.signerSerial)) return refused(`the signer certificate (serial ${mark.signerSerial}) is revoked by the TMCH CRL`);
  if (await checks.smdRevoked(mark.smdId)) return refused(`signed mark ${mark.smdId} is on the TMCH's SMD revocation list`);
  if (checks.now < mark.notBefore) return refused(`signed mark ${mark.smdId} is not valid before ${mark.notBefore.toISOString()} (notBefore)`);
  if (checks.now >= mark.notAfter) return refused(`signed mark ${mark.smdId} expired at ${mark.notAfter.toISOString()} (notAfter)`);
  return { ok: true, mark };
}

function schemaProblem(bytes: Buffer): string | undefined {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(bytes, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE });
  } catch {
    return 'the signed mark is not well-formed XML';
  }
  try {
    schema().validate(doc);
    return undefined;
  } catch (e) {
    const details = (e as { details?: Array<{ message: string }> }).details;
    const first = details?.[0]?.message ?? (e as Error).message;
    return `the signed mark is not valid against the signedMark-1.0 schema: ${first.trim().split('\n')[0].slice(0, 200)}`;
  } finally {
    doc.dispose();
  }
}

function parseDom(text: string): Document | undefined {
  let failed = false;
  const doc = new DOMParser({
    onError: (level) => {
      if (level !== 'warning') failed = true;
    },
  }).parseFromString(text, 'text/xml');
  return failed ? undefined : doc;
}

const dsChildren = (e: Element, name: string): Element[] => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === DSIG && (n as Element).localName === name);
const dsChild = (e: Element | undefined, name: string): Element | undefined => (e ? dsChildren(e, name)[0] : undefined);
const oneLine = (dn: string) => dn.replace(/\n/g, ', ');

/**
 * The signature names the algorithms RFC 7848 uses and references the signedMark element by its id, once,
 * as an enveloped signature; the only other reference it may have is to its own <ds:KeyInfo> (the TMCH's
 * SMDs sign their KeyInfo too).
 */
function signatureShapeProblem(signature: Element, rootId: string): string | undefined {
  const info = dsChild(signature, 'SignedInfo');
  const algo = (e: Element | undefined) => e?.getAttribute('Algorithm') ?? '';
  if (algo(dsChild(info, 'CanonicalizationMethod')) !== EXC_C14N) return `the XML signature must use exclusive canonicalisation (${EXC_C14N})`;
  if (algo(dsChild(info, 'SignatureMethod')) !== RSA_SHA256) return `the XML signature must use RSA-SHA256 (${RSA_SHA256})`;
  const refs = info ? dsChildren(info, 'Reference') : [];
  const keyInfoId = dsChild(signature, 'KeyInfo')?.getAttribute('Id') || undefined;
  const toRoot = refs.filter((r) => rootId !== '' && r.getAttribute('URI') === `#${rootId}`);
  if (toRoot.length !== 1) return 'the XML signature must reference the <smd:signedMark> element itself, once (URI="#" and its id)';
  for (const r of refs) {
    const transforms = dsChildren(dsChild(r, 'Transforms') ?? r, 'Transform').map(algo);
    if (algo(dsChild(r, 'DigestMethod')) !== SHA256) return `the XML signature must use SHA-256 digests (${SHA256})`;
    if (r === toRoot[0]) {
      if (!transforms.includes(ENVELOPED) || transforms.some((t) => t !== ENVELOPED && t !== EXC_C14N)) return 'the XML signature must be an enveloped signature with exclusive canonicalisation';
    } else if (keyInfoId === undefined || r.getAttribute('URI') !== `#${keyInfoId}` || transforms.some((t) => t !== EXC_C14N)) {
      return `the XML signature references ${r.getAttribute('URI') ?? 'a document'}: only the signed mark and the signature's own KeyInfo may be signed`;
    }
  }
  return undefined;
}

/** The signer's certificate from <ds:KeyInfo><ds:X509Data><ds:X509Certificate> (whitespace and CRs stripped). */
function signerCertificate(signature: Element): X509Certificate | string {
  const certEl = dsChild(dsChild(dsChild(signature, 'KeyInfo'), 'X509Data'), 'X509Certificate');
  if (!certEl) return 'the XML signature carries no signer certificate (<ds:KeyInfo><ds:X509Data><ds:X509Certificate>)';
  try {
    return new X509Certificate(Buffer.from((certEl.textContent ?? '').replace(/\s+/g, ''), 'base64'));
  } catch {
    return 'the signer certificate in the XML signature cannot be read';
  }
}

function certificateValidity(cert: X509Certificate, now: Date, what: string): string | undefined {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) return `${what} is not valid before ${from.toISOString()}`;
  if (now > to) return `${what} expired at ${to.toISOString()}`;
  return undefined;
}

/** The signed mark's data (RFC 7848 §2): id, issuer, validity and the labels of its marks. */
function markOf(root: Element, signerSerial: string): VerifiedMark | string {
  const own = (e: Element, ns: string, name: string): Element[] => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name);
  const text = (e: Element | undefined) => (e?.textContent ?? '').trim();
  const smdId = text(own(root, NS.signedMark, 'id')[0]);
  const notBefore = new Date(text(own(root, NS.signedMark, 'notBefore')[0]));
  const notAfter = new Date(text(own(root, NS.signedMark, 'notAfter')[0]));
  if (smdId === '' || Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) return 'the signed mark lacks its id, notBefore or notAfter';
  const issuer = text(own(own(root, NS.signedMark, 'issuerInfo')[0] ?? root, NS.signedMark, 'org')[0]);
  const marks = own(root, NS.mark, 'mark').flatMap((m) => Array.from(m.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === NS.mark));
  const labels = marks.flatMap((m) => own(m, NS.mark, 'label').map((l) => text(l).toLowerCase()));
  const markNames = marks.flatMap((m) => own(m, NS.mark, 'markName').map(text));
  const markEl = own(root, NS.mark, 'mark')[0];
  const markXml = markEl ? new XMLSerializer().serializeToString(markEl) : '';
  return { smdId, labels, markNames, notBefore, notAfter, issuer, signerSerial, markXml };
}
