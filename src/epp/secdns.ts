import { dsDataOut, keyDataOut } from '../commands/domain/conditions.js';
import type { SecDnsSet } from '../commands/domain/secdns.js';
import { el, type Out } from '../protocol/xml-node.js';

/**
 * The secDNS-1.1 codec (RFC 5910) of the domain commands: <secDNS:create>/<secDNS:update> → typed values
 * (normalised, not yet checked against the TLD's policy: src/commands/domain/secdns.ts does that), and the
 * DNSSEC data of an info → <secDNS:infData>.
 */

/** <secDNS:infData> when the domain has DS or key data (keys only when it has no DS); maxSigLife when set. */
export function renderSecDnsInfData(set: SecDnsSet, maxSigLife: number | null): Out | undefined {
  if (set.ds.length === 0 && set.keys.length === 0) return undefined;
  return el('secDNS:infData', null, [
    maxSigLife !== null && el('secDNS:maxSigLife', null, maxSigLife),
    ...(set.ds.length > 0 ? set.ds.map(dsDataOut) : set.keys.map(keyDataOut)),
  ]);
}
