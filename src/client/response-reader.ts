import { XMLParser } from 'fast-xml-parser';

/** What a client needs from an EPP response, read by local names (prefixes vary between servers). */
export interface Reply {
  greeting: boolean;
  code: number | null;
  msg: string | null;
  clTRID: string | null;
  svTRID: string | null;
  /** check results: name or id → available */
  avail: Record<string, boolean>;
  /** resData facts: exDate, crDate, trStatus, roid, reDate, acDate, name, id (first occurrence of each). */
  facts: Record<string, string>;
  msgQ: { count: number; id: string | null } | null;
  /** A claims check's answer (launch:chkData): name → on the claims list, with its claim key. */
  claims: Record<string, { exists: boolean; claimKey: string | null }>;
  /** fee-1.0 answers: the fee a transform command charged (creData etc.), and a check's create fee per name. */
  fees: { charged: string | null; create: Record<string, string> };
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  isArray: (name) => name === 'cd' || name === 'command',
});

const FACTS = ['exDate', 'crDate', 'trStatus', 'roid', 'reDate', 'acDate', 'name', 'id', 'upDate', 'clID'];

export function readReply(xml: string): Reply {
  const doc = parser.parse(xml) as Record<string, any>;
  const epp = doc.epp ?? {};
  if (epp.greeting) {
    return { greeting: true, code: null, msg: null, clTRID: null, svTRID: null, avail: {}, facts: { svDate: String(epp.greeting.svDate ?? '') }, msgQ: null, claims: {}, fees: { charged: null, create: {} } };
  }
  const res = epp.response ?? {};
  const result = Array.isArray(res.result) ? res.result[0] : res.result;
  const text = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'object' ? String((v as any)['#text'] ?? '') : String(v));
  const avail: Record<string, boolean> = {};
  const facts: Record<string, string> = {};
  const resData = res.resData ?? {};
  for (const data of Object.values(resData) as any[]) {
    if (!data || typeof data !== 'object') continue;
    for (const cd of (data.cd ?? []) as any[]) {
      const key = cd.name ?? cd.id;
      const k = text(key);
      const a = typeof key === 'object' ? key['@avail'] : undefined;
      if (k !== null) avail[k] = a === '1' || a === 'true';
    }
    for (const f of FACTS) if (data[f] !== undefined && facts[f] === undefined) facts[f] = text(Array.isArray(data[f]) ? data[f][0] : data[f]) ?? '';
  }
  // Extensions by local name: launch:chkData (claims), fee:chkData and fee:creData/renData/… (RFC 8748).
  const claims: Reply['claims'] = {};
  const fees: Reply['fees'] = { charged: null, create: {} };
  const extension = res.extension ?? {};
  const chks = (Array.isArray(extension.chkData) ? extension.chkData : [extension.chkData]) as any[];
  for (const cd of chks.flatMap((c) => (c?.cd ?? []) as any[])) {
    if (cd.name !== undefined) {
      const name = text(cd.name);
      const e = typeof cd.name === 'object' ? cd.name['@exists'] : undefined;
      if (name !== null) claims[name] = { exists: e === '1' || e === 'true', claimKey: text(cd.claimKey) };
    } else if (cd.objID !== undefined) {
      const create = ((cd.command ?? []) as any[]).find((c) => c['@name'] === 'create' && c.fee !== undefined);
      const id = text(cd.objID);
      if (id !== null && create) fees.create[id] = text(create.fee) ?? '';
    }
  }
  for (const k of ['creData', 'renData', 'trnData', 'updData']) if (extension[k]?.fee !== undefined) fees.charged = text(extension[k].fee);
  const q = res.msgQ;
  return {
    greeting: false,
    code: result ? Number(result['@code']) : null,
    msg: result ? text(result.msg) : null,
    clTRID: text(res.trID?.clTRID),
    svTRID: text(res.trID?.svTRID),
    avail,
    facts,
    msgQ: q ? { count: Number(q['@count']), id: q['@id'] ?? null } : null,
    claims,
    fees,
  };
}
