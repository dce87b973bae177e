import { dsDataOut, keyDataOut } from '../commands/domain/conditions.js';
import type { SecDnsCreate, SecDnsSet, SecDnsUpdate } from '../commands/domain/secdns.js';
import { NS } from '../protocol/namespaces.js';
import { child, childText, children, el, type Elem, type Out } from '../protocol/xml-node.js';
import { normalizeDigest, normalizePubKey, type DsRecord, type KeyRecord } from '../registry/dnssec.js';

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

const int = (e: Elem | undefined, name: string): number => Number(childText(e, name, NS.secDNS) ?? NaN);

function readKey(e: Elem): KeyRecord {
  return { flags: int(e, 'flags'), protocol: int(e, 'protocol'), alg: int(e, 'alg'), pubKey: normalizePubKey(childText(e, 'pubKey', NS.secDNS) ?? '') };
}

function readDs(e: Elem): DsRecord {
  const k = child(e, 'keyData', NS.secDNS);
  return {
    keyTag: int(e, 'keyTag'),
    alg: int(e, 'alg'),
    digestType: int(e, 'digestType'),
    digest: normalizeDigest(childText(e, 'digest', NS.secDNS) ?? ''),
    key: k ? readKey(k) : undefined,
  };
}

/** The dsData and keyData children of `holder`. */
function readRecords(holder: Elem | undefined): SecDnsSet {
  return { ds: children(holder, 'dsData', NS.secDNS).map(readDs), keys: children(holder, 'keyData', NS.secDNS).map(readKey) };
}

/** <secDNS:create> of a domain:create; undefined when absent. */
export function readSecDnsCreate(ext: Elem | undefined): SecDnsCreate | undefined {
  if (!ext) return undefined;
  const maxSigLife = childText(ext, 'maxSigLife', NS.secDNS);
  return { ...readRecords(ext), maxSigLife: maxSigLife === undefined ? null : Number(maxSigLife) };
}

/** <secDNS:update> of a domain:update; undefined when absent. */
export function readSecDnsUpdate(ext: Elem | undefined): SecDnsUpdate | undefined {
  if (!ext) return undefined;
  const rem = child(ext, 'rem', NS.secDNS);
  const add = child(ext, 'add', NS.secDNS);
  const all = childText(rem, 'all', NS.secDNS);
  const maxSigLife = childText(child(ext, 'chg', NS.secDNS), 'maxSigLife', NS.secDNS);
  return {
    urgent: ext.attrs.urgent === 'true' || ext.attrs.urgent === '1',
    remAll: all === 'true' || all === '1',
    rem: readRecords(rem),
    add: readRecords(add),
    addMaxSigLife: childText(add, 'maxSigLife', NS.secDNS),
    maxSigLife: maxSigLife === undefined ? undefined : Number(maxSigLife),
  };
}
