import { webcrypto, type X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { normalSerial } from './signed-mark.js';

/**
 * X.509 CRLs (RFC 5280) read with pkijs: the TMCH CA's (sunrise signed marks) and the client CA's (EPP
 * sessions). A CRL counts only when its signature verifies against one of the CAs given.
 */

let engineSet = false;

/** A CRL (PEM or DER) signed by one of `cas`: its dates and the serials it revokes. Throws naming what is wrong. */
export async function parseCrl(data: Buffer, cas: X509Certificate[], what = 'a TMCH CA of tmch.ca'): Promise<{ thisUpdate: Date; nextUpdate: Date | null; revoked: Array<{ serial: string; revokedAt: Date | null }> }> {
  if (!engineSet) {
    pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));
    engineSet = true;
  }
  const text = data.toString('latin1');
  const armoured = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(text);
  const der = armoured ? Buffer.from(armoured[1].replace(/\s+/g, ''), 'base64') : data;
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
  } catch (e) {
    throw new Error(`not an X.509 CRL (PEM or DER): ${(e as Error).message.split('\n')[0]}`);
  }
  let signedBy: X509Certificate | undefined;
  for (const ca of cas) {
    try {
      if (await crl.verify({ issuerCertificate: pkijs.Certificate.fromBER(new Uint8Array(ca.raw)) })) {
        signedBy = ca;
        break;
      }
    } catch {
      // Another issuer's CRL: try the next CA.
    }
  }
  if (!signedBy) throw new Error(`the CRL is not signed by ${what}`);
  return {
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value ?? null,
    revoked: (crl.revokedCertificates ?? []).map((r) => ({ serial: normalSerial(Buffer.from(r.userCertificate.valueBlock.valueHexView).toString('hex')), revokedAt: r.revocationDate?.value ?? null })),
  };
}

