import { createHash } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { DsRecord, KeyRecord } from '../registry/dnssec.js';

// dns-packet's record codecs are exported at run time but not declared by @types/dns-packet.
declare module 'dns-packet' {
  export const name: { encode(name: string): Buffer };
  export const dnskey: { encode(key: { flags: number; algorithm: number; key: Buffer }): Buffer };
}

/** RFC 4509/6605 digest types and the node:crypto hash of each. */
const HASHES: Record<number, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

/**
 * The DNSKEY RDATA in wire form (RFC 4034 §2.1): flags, protocol, algorithm, public key. dns-packet writes
 * it behind a two-byte RDLENGTH, which is cut off. (It always writes protocol 3, the only value the registry
 * accepts: src/registry/dnssec.ts.)
 */
export function dnskeyRdata(key: KeyRecord): Buffer {
  if (key.protocol !== 3) throw new Error(`DNSKEY protocol ${key.protocol}: only 3 is defined (RFC 4034 §2.1.2)`);
  return dnsPacket.dnskey.encode({ flags: key.flags, algorithm: key.alg, key: Buffer.from(key.pubKey, 'base64') }).subarray(2);
}

/** RFC 4034 Appendix B: the key tag, a 16-bit checksum of the RDATA (algorithm 1's other rule is moot: refused). */
export function keyTag(rdata: Buffer): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/**
 * The DS record of a DNSKEY (RFC 4034 §5.1.4): digest = hash(owner name in canonical wire form | DNSKEY
 * RDATA). The owner is lower-cased (canonical form, RFC 4034 §6.2) and encoded by dns-packet.
 */
export function dsFromKey(owner: string, key: KeyRecord, digestType: number): DsRecord {
  const hash = HASHES[digestType];
  if (!hash) throw new Error(`digest type ${digestType} cannot be computed (1, 2 or 4)`);
  const rdata = dnskeyRdata(key);
  const name = dnsPacket.name.encode(owner.toLowerCase().replace(/\.$/, ''));
  const digest = createHash(hash).update(name).update(rdata).digest('hex').toUpperCase();
  return { keyTag: keyTag(rdata), alg: key.alg, digestType, digest };
}
