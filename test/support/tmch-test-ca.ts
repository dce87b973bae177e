import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignedXml } from 'xml-crypto';

/**
 * A Trademark Clearinghouse of the suite's own, made at test time so that tests never expire: a CA, a
 * validator (TMV) certificate that signs signed marks, a second one that the CA's CRL revokes, and signed
 * marks (RFC 7848) for any labels and validity, signed as the TMCH signs them (enveloped XML signature,
 * exclusive canonicalisation, RSA-SHA256). Certificates and the CRL by pkijs, the XML signature by xml-crypto.
 */

const subtle = webcrypto.subtle;
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

const DAY = 86_400_000;
const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

export interface SignedMarkOptions {
  id: string;
  labels: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Which validator certificate signs: the valid one (default) or the one the CRL revokes. */
  signer?: 'valid' | 'revoked';
  /** Change a label after signing (the signature must then fail). */
  tamper?: boolean;
}

export interface TestTmch {
  caPem: string;
  crlPem: string;
  crlDer: Buffer;
  /** Serial of the revoked validator certificate (upper-case hex). */
  revokedSerial: string;
  signedMark(o: SignedMarkOptions): Promise<{ xml: string; encoded: string }>;
  /** Writes ca.pem and crl.pem into `dir` (created), and returns their paths. */
  writeTo(dir: string): { dir: string; ca: string; crl: string };
}

interface Issued {
  cert: pkijs.Certificate;
  keys: webcrypto.CryptoKeyPair;
}

const pem = (label: string, der: ArrayBuffer | Buffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der as ArrayBuffer).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.6', value: new asn1js.PrintableString({ value: 'US' }) }),
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.10', value: new asn1js.Utf8String({ value: 'Registry Test Suite' }) }),
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }),
    ],
  });
}

async function issue(cn: string, serial: number, issuer: Issued | undefined, ca: boolean): Promise<Issued> {
  const keys = (await subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serial });
  cert.subject = name(cn);
  cert.issuer = issuer ? issuer.cert.subject : name(cn);
  cert.notBefore.value = new Date(Date.now() - 10 * 365 * DAY);
  cert.notAfter.value = new Date(Date.now() + 10 * 365 * DAY);
  const basic = new pkijs.BasicConstraints({ cA: ca });
  const usage = new asn1js.BitString({ valueHex: new Uint8Array([ca ? 0x06 : 0x80]).buffer, unusedBits: ca ? 1 : 7 });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic }),
    new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: usage.toBER(false) }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  await cert.sign(issuer ? issuer.keys.privateKey : keys.privateKey, 'SHA-256');
  return { cert, keys };
}

async function privatePem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey));
}

function markXml(o: SignedMarkOptions, notBefore: Date, notAfter: Date): string {
  const labels = o.labels.map((l) => `<mark:label>${l}</mark:label>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<smd:signedMark xmlns:smd="urn:ietf:params:xml:ns:signedMark-1.0" id="_smd-${o.id}">` +
    `<smd:id>${o.id}</smd:id>` +
    `<smd:issuerInfo issuerID="65535"><smd:org>Registry Test Suite TMV</smd:org><smd:email>tmv@example.test</smd:email></smd:issuerInfo>` +
    `<smd:notBefore>${notBefore.toISOString()}</smd:notBefore><smd:notAfter>${notAfter.toISOString()}</smd:notAfter>` +
    `<mark:mark xmlns:mark="urn:ietf:params:xml:ns:mark-1.0"><mark:trademark>` +
    `<mark:id>${o.id.replace(/\D/g, '') || '1'}-1</mark:id><mark:markName>Mark ${o.labels[0] ?? ''}</mark:markName>` +
    `<mark:holder entitlement="owner"><mark:org>Example Holder Inc.</mark:org><mark:addr><mark:street>1 Example Street</mark:street><mark:city>Example City</mark:city><mark:cc>US</mark:cc></mark:addr></mark:holder>` +
    `<mark:jurisdiction>US</mark:jurisdiction><mark:class>35</mark:class>${labels}` +
    `<mark:goodsAndServices>Testing services</mark:goodsAndServices><mark:regNum>1234567</mark:regNum><mark:regDate>2012-12-31T23:00:00.000Z</mark:regDate>` +
    `</mark:trademark></mark:mark></smd:signedMark>`
  );
}

let made: Promise<TestTmch> | undefined;

/** The suite's TMCH (made once per process: key generation takes a moment). */
export function makeTestTmch(): Promise<TestTmch> {
  made ??= build();
  return made;
}

async function build(): Promise<TestTmch> {
  const ca = await issue('Registry Test Suite TMCH CA', 1, undefined, true);
  const validator = await issue('Registry Test Suite TMV', 2, ca, false);
  const revoked = await issue('Registry Test Suite TMV (revoked)', 3, ca, false);
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = ca.cert.subject;
  crl.thisUpdate = new pkijs.Time({ type: 0, value: new Date(Date.now() - DAY) });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: new Date(Date.now() + 30 * DAY) });
  crl.revokedCertificates = [new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ value: 3 }), revocationDate: new pkijs.Time({ type: 0, value: new Date(Date.now() - DAY) }) })];
  await crl.sign(ca.keys.privateKey, 'SHA-256');
  const crlDer = Buffer.from(crl.toSchema(true).toBER(false));
  const caPem = pem('CERTIFICATE', ca.cert.toSchema(true).toBER(false));
  const signers = {
    valid: { cert: pem('CERTIFICATE', validator.cert.toSchema(true).toBER(false)), key: await privatePem(validator.keys) },
    revoked: { cert: pem('CERTIFICATE', revoked.cert.toSchema(true).toBER(false)), key: await privatePem(revoked.keys) },
  };
  return {
    caPem,
    crlDer,
    crlPem: pem('X509 CRL', crlDer),
    revokedSerial: '3',
    async signedMark(o) {
      const notBefore = o.notBefore ?? new Date(Date.now() - DAY);
      const notAfter = o.notAfter ?? new Date(Date.now() + 365 * DAY);
      const signer = signers[o.signer ?? 'valid'];
      const sig = new SignedXml({
        privateKey: signer.key,
        publicCert: signer.cert,
        signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
        getKeyInfoContent: SignedXml.getKeyInfoContent,
      });
      sig.addReference({
        xpath: "/*[local-name()='signedMark']",
        transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
        digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      });
      sig.computeSignature(markXml(o, notBefore, notAfter), { prefix: 'ds', location: { reference: "/*[local-name()='signedMark']", action: 'append' } });
      let xml = sig.getSignedXml();
      if (o.tamper) xml = xml.replace(`<mark:label>${o.labels[0]}</mark:label>`, `<mark:label>${o.labels[0]}x</mark:label>`);
      return { xml, encoded: Buffer.from(xml).toString('base64') };
    },
    writeTo(dir) {
      mkdirSync(dir, { recursive: true });
      const files = { dir, ca: join(dir, 'tmch-ca.pem'), crl: join(dir, 'tmch.crl.pem') };
      writeFileSync(files.ca, caPem);
      writeFileSync(files.crl, pem('X509 CRL', crlDer));
      return files;
    },
  };
}
