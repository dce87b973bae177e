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
  serverCert: string;
  serverKey: string;
  client(clId: string): { cert: string; key: string };
}

export function devCertPaths(dir: string): DevCertPaths {
  return {
    ca: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
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
