import forge from 'node-forge';
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development PKI (node-forge): a CA, a server certificate for localhost, and one client certificate per
 * registrar, written to `certs/` when missing. Production deployments bring their own files.
 */
export interface IssuedPair {
  cert: string;
  key: string;
}

const DAY = 86400_000;

function newSerial(): string {
  // Positive 16-byte serial (RFC 5280 allows up to 20 octets).
  return '01' + randomBytes(15).toString('hex');
}

function keyPair(): forge.pki.rsa.KeyPair {
  // node-forge uses Node's native generateKeyPairSync when it is available, so this is fast.
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

export function createCa(commonName: string, days = 3650): IssuedPair {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = newSerial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + days * DAY);
  const attrs = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'EPP Registry development' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

export function issueCertificate(
  ca: IssuedPair,
  commonName: string,
  usage: 'server' | 'client',
  opts: { days?: number; notBefore?: Date; altNames?: Array<{ type: number; value?: string; ip?: string }> } = {},
): IssuedPair {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = newSerial();
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + (opts.days ?? 825) * DAY);
  cert.setSubject([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'EPP Registry development' }]);
  cert.setIssuer(caCert.subject.attributes);
  const ext: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: usage === 'server', clientAuth: usage === 'client' },
  ];
  if (usage === 'server') {
    ext.push({ name: 'subjectAltName', altNames: opts.altNames ?? [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] });
  }
  cert.setExtensions(ext);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** SHA-256 fingerprint of a PEM certificate, in the form Node reports for peer certificates (AA:BB:...). */
export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

export interface DevCertPaths {
  ca: string;
  caKey: string;
  /** Certificate revocation list signed by the development CA (`registry certs revoke`). */
  crl: string;
  serverCert: string;
  serverKey: string;
  client(clId: string): { cert: string; key: string };
}

export function devCertPaths(dir: string): DevCertPaths {
  return {
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    crl: join(dir, 'ca.crl'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    client: (clId: string) => ({ cert: join(dir, `${clId.toLowerCase()}.crt`), key: join(dir, `${clId.toLowerCase()}.key`) }),
  };
}

/**
 * Makes sure `dir` holds a development CA, a server certificate and client certificates for `clients`;
 * creates only what is missing. Returns the fingerprints of the client certificates.
 */
export function ensureDevCerts(dir: string, clients: string[]): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const p = devCertPaths(dir);
  let ca: IssuedPair;
  if (existsSync(p.ca) && existsSync(p.caKey)) {
    ca = { cert: readFileSync(p.ca, 'utf8'), key: readFileSync(p.caKey, 'utf8') };
  } else {
    ca = createCa('EPP Registry development CA');
    writeFileSync(p.ca, ca.cert);
    writeFileSync(p.caKey, ca.key, { mode: 0o600 });
  }
  if (!existsSync(p.serverCert) || !existsSync(p.serverKey)) {
    const s = issueCertificate(ca, 'localhost', 'server');
    writeFileSync(p.serverCert, s.cert);
    writeFileSync(p.serverKey, s.key, { mode: 0o600 });
  }
  const fps: Record<string, string> = {};
  for (const clId of clients) {
    const c = p.client(clId);
    if (!existsSync(c.cert) || !existsSync(c.key)) {
      const pair = issueCertificate(ca, clId, 'client');
      writeFileSync(c.cert, pair.cert);
      writeFileSync(c.key, pair.key, { mode: 0o600 });
    }
    fps[clId] = fingerprint(readFileSync(c.cert, 'utf8'));
  }
  return fps;
}

// ---------------------------------------------------------------- certificate revocation lists

/** A certificate listed in a CRL: its serial number (hex) and when it was revoked. */
export interface RevokedCertificate {
  serial: string;
  revokedAt: Date;
}

const { asn1 } = forge;
const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const OID = { sha256WithRSAEncryption: '1.2.840.113549.1.1.11', cRLNumber: '2.5.29.20', authorityKeyIdentifier: '2.5.29.35' };
const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);

/** Serial number as canonical lower-case hex without leading zeros (how CRL entries are compared). */
function canonicalSerial(hex: string): string {
  return hex.toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+(?=.)/, '');
}

/** A non-negative INTEGER from hex, in minimal two's-complement DER form (RFC 5280 §4.1.2.2). */
function unsignedInteger(hex: string): forge.asn1.Asn1 {
  let h = canonicalSerial(hex);
  if (h.length % 2) h = '0' + h;
  if (parseInt(h.slice(0, 2), 16) >= 0x80) h = '00' + h;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(h));
}

/** RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
function time(d: Date): forge.asn1.Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

function isTime(a: forge.asn1.Asn1): boolean {
  return a.tagClass === asn1.Class.UNIVERSAL && (a.type === asn1.Type.UTCTIME || a.type === asn1.Type.GENERALIZEDTIME);
}

function readTime(a: forge.asn1.Asn1): Date {
  return a.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(a.value as string) : asn1.generalizedTimeToDate(a.value as string);
}

/**
 * A v2 CRL (RFC 5280 §5.1) signed by `ca` with SHA-256/RSA, as PEM: issuer, thisUpdate, nextUpdate, the
 * revoked serials, and the CRL number and authority key identifier extensions a conforming issuer includes.
 * OpenSSL refuses every certificate of the CA once the CRL is past nextUpdate, so `days` is generous for
 * development; `registry certs revoke` signs a fresh one each time.
 */
export function createCrl(ca: IssuedPair, revoked: RevokedCertificate[], opts: { crlNumber: number; thisUpdate?: Date; days?: number }): string {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const thisUpdate = opts.thisUpdate ?? new Date();
  const nextUpdate = new Date(thisUpdate.getTime() + (opts.days ?? 365) * DAY);
  const sha256WithRsa = seq([oid(OID.sha256WithRSAEncryption), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]);
  const extensions: forge.asn1.Asn1[] = [seq([oid(OID.cRLNumber), octets(asn1.toDer(unsignedInteger(opts.crlNumber.toString(16))).getBytes())])];
  const ski = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (ski?.subjectKeyIdentifier) {
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
    const keyId = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, forge.util.hexToBytes(ski.subjectKeyIdentifier));
    extensions.unshift(seq([oid(OID.authorityKeyIdentifier), octets(asn1.toDer(seq([keyId])).getBytes())]));
  }
  const tbs: forge.asn1.Asn1[] = [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, String.fromCharCode(1)), // v2
    sha256WithRsa,
    forge.pki.distinguishedNameToAsn1(caCert.subject),
    time(thisUpdate),
    time(nextUpdate),
  ];
  // An empty revokedCertificates sequence must be left out, not encoded empty (§5.1.2.6).
  if (revoked.length > 0) tbs.push(seq(revoked.map((r) => seq([unsignedInteger(r.serial), time(r.revokedAt)]))));
  tbs.push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [seq(extensions)]));
  const tbsDer = asn1.toDer(seq(tbs)).getBytes();
  const md = forge.md.sha256.create();
  md.update(tbsDer);
  const signature = caKey.sign(md);
  const crl = seq([asn1.fromDer(tbsDer), sha256WithRsa, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(0) + signature)]);
  return forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() }, { maxline: 64 });
}

/** Reads a CRL that `ca` signed: its entries and CRL number. Throws when another key signed it. */
export function readCrl(pem: string, ca: IssuedPair): { revoked: RevokedCertificate[]; crlNumber: number } {
  const msg = forge.pem.decode(pem).find((m) => m.type === 'X509 CRL');
  if (!msg) throw new Error('not a PEM CRL (no X509 CRL block)');
  const crl = asn1.fromDer(msg.body);
  const [tbs, , sig] = crl.value as forge.asn1.Asn1[];
  const md = forge.md.sha256.create();
  md.update(asn1.toDer(tbs).getBytes());
  const caKey = forge.pki.certificateFromPem(ca.cert).publicKey as forge.pki.rsa.PublicKey;
  let signed = false;
  try {
    signed = caKey.verify(md.digest().getBytes(), (sig.value as string).slice(1));
  } catch {
    signed = false;
  }
  if (!signed) throw new Error('the CRL is not signed by this CA');
  const fields = tbs.value as forge.asn1.Asn1[];
  let i = fields[0].type === asn1.Type.INTEGER ? 1 : 0; // optional version
  i += 3; // signature, issuer, thisUpdate
  if (fields[i] && isTime(fields[i])) i++; // optional nextUpdate
  const revoked: RevokedCertificate[] = [];
  if (fields[i] && fields[i].tagClass === asn1.Class.UNIVERSAL && fields[i].type === asn1.Type.SEQUENCE) {
    for (const entry of fields[i].value as forge.asn1.Asn1[]) {
      const [serial, at] = entry.value as forge.asn1.Asn1[];
      revoked.push({ serial: canonicalSerial(forge.util.bytesToHex(serial.value as string)), revokedAt: readTime(at) });
    }
    i++;
  }
  let crlNumber = 0;
  const ext = fields[i];
  if (ext && ext.tagClass === asn1.Class.CONTEXT_SPECIFIC) {
    for (const e of (ext.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[]) {
      const parts = e.value as forge.asn1.Asn1[];
      if (asn1.derToOid(parts[0].value as string) !== OID.cRLNumber) continue;
      const n = asn1.fromDer(parts.at(-1)!.value as string);
      crlNumber = parseInt(forge.util.bytesToHex(n.value as string) || '0', 16);
    }
  }
  return { revoked, crlNumber };
}

/**
 * Lists a certificate in the development CA's CRL (`dir`/ca.crl, created when missing) and signs the CRL
 * again with a new number and fresh dates. The certificate must have been issued by that CA.
 */
export function revokeDevCertificate(dir: string, certPem: string, now = new Date()): { crlFile: string; serial: string; subject: string; added: boolean; count: number } {
  const p = devCertPaths(dir);
  const ca: IssuedPair = { cert: readFileSync(p.ca, 'utf8'), key: readFileSync(p.caKey, 'utf8') };
  const cert = new X509Certificate(certPem);
  if (!cert.checkIssued(new X509Certificate(ca.cert)) || !cert.verify(new X509Certificate(ca.cert).publicKey)) {
    throw new Error(`${cert.subject.replace(/\n/g, ', ')} was not issued by the CA in ${p.ca}; its CRL cannot revoke it`);
  }
  const current = existsSync(p.crl) ? readCrl(readFileSync(p.crl, 'utf8'), ca) : { revoked: [], crlNumber: 0 };
  const serial = canonicalSerial(cert.serialNumber);
  const added = !current.revoked.some((r) => r.serial === serial);
  const revoked = added ? [...current.revoked, { serial, revokedAt: now }] : current.revoked;
  writeFileSync(p.crl, createCrl(ca, revoked, { crlNumber: current.crlNumber + 1, thisUpdate: now }));
  return { crlFile: p.crl, serial, subject: cert.subject.replace(/\n/g, ', '), added, count: revoked.length };
}
