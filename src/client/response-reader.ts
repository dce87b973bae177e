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
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  isArray: (name) => name === 'cd',
});

const FACTS = ['exDate', 'crDate', 'trStatus', 'roid', 'reDate', 'acDate', 'name', 'id', 'upDate', 'clID'];

export function readReply(xml: string): Reply {
  const doc = parser.parse(xml) as Record<string, any>;
  const epp = doc.epp ?? {};
  if (epp.greeting) {
    return { greeting: true, code: null, msg: null, clTRID: null, svTRID: null, avail: {}, facts: { svDate: String(epp.greeting.svDate ?? '') }, msgQ: null };
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
  };
}
