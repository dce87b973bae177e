import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { NS, PREFIX } from './namespaces.js';
import { RESULT_MESSAGES, type ResultCode } from './result-codes.js';
import type { Out } from './xml-node.js';

const NS_BY_PREFIX: Record<string, string> = Object.fromEntries(Object.entries(PREFIX).map(([ns, p]) => [p, ns]));

/** What one response says, before it becomes XML. */
export interface ResponseSpec {
  code: ResultCode;
  /** Specific text for <msg>; the standard message of the code when absent. */
  msg?: string;
  /** <value> naming the offending element (RFC 5730 §2.6). */
  value?: Out;
  /** Adds <extValue> with this reason around `value`. */
  reason?: string;
  msgQ?: { count: number; id?: string; qDate?: Date; msg?: string };
  resData?: Out[];
  extension?: Out[];
  clTRID?: string;
  svTRID: string;
}

export function eppDateTime(d: Date): string {
  return d.toISOString().replace(/\.(\d)\d\dZ$/, '.$1Z');
}

/**
 * xmlbuilder2 leaves anything that looks like an entity or character reference (`&x;`, `&#0;`) unescaped,
 * so text taken from a request (a clTRID of "&amp;#0;", i.e. the characters "&#0;") would come out as markup
 * and make the response not well-formed. Escaping `&` first makes every `&` in the data literal.
 */
const lit = (s: string): string => s.replace(/&/g, '&amp;');

function addOut(parent: XMLBuilder, out: Out): void {
  const colon = out.name.indexOf(':');
  const ns = colon > 0 ? NS_BY_PREFIX[out.name.slice(0, colon)] : NS.epp;
  if (!ns) throw new Error(`no namespace for element ${out.name}`);
  const node = parent.ele(ns, out.name);
  if (out.attrs) {
    for (const [k, v] of Object.entries(out.attrs)) if (v !== undefined) node.att(k, lit(String(v)));
  }
  if (out.text !== undefined) node.txt(lit(String(out.text)));
  if (out.children) for (const c of out.children) if (c) addOut(node, c);
}

export function buildResponse(spec: ResponseSpec): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', standalone: false });
  const response = doc.ele(NS.epp, 'epp').ele('response');
  const result = response.ele('result').att('code', String(spec.code));
  result.ele('msg').txt(lit(spec.msg ?? RESULT_MESSAGES[spec.code]));
  if (spec.value && spec.reason) {
    const ext = result.ele('extValue');
    addOut(ext.ele('value'), spec.value);
    ext.ele('reason').txt(lit(spec.reason));
  } else if (spec.value) {
    addOut(result.ele('value'), spec.value);
  } else if (spec.reason) {
    // RFC 5730 requires an element in <value>; name the command itself when no single element is at fault.
    const ext = result.ele('extValue');
    ext.ele('value').ele('command');
    ext.ele('reason').txt(lit(spec.reason));
  }
  if (spec.msgQ && spec.msgQ.count > 0) {
    const q = response.ele('msgQ').att('count', String(spec.msgQ.count));
    if (spec.msgQ.id !== undefined) q.att('id', spec.msgQ.id);
    if (spec.msgQ.qDate) q.ele('qDate').txt(eppDateTime(spec.msgQ.qDate));
    if (spec.msgQ.msg) q.ele('msg').txt(lit(spec.msgQ.msg));
  }
  if (spec.resData && spec.resData.length > 0) {
    const rd = response.ele('resData');
    for (const r of spec.resData) addOut(rd, r);
  }
  if (spec.extension && spec.extension.length > 0) {
    const ex = response.ele('extension');
    for (const r of spec.extension) addOut(ex, r);
  }
  const tr = response.ele('trID');
  if (spec.clTRID !== undefined) tr.ele('clTRID').txt(lit(spec.clTRID));
  tr.ele('svTRID').txt(spec.svTRID);
  return doc.end({ prettyPrint: false });
}

export interface GreetingSpec {
  svID: string;
  svDate: Date;
  langs: string[];
  objURIs: readonly string[];
  extURIs: readonly string[];
}

/** RFC 5730 §2.4 greeting, with a data collection policy that states what a registry really does. */
export function buildGreeting(g: GreetingSpec): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', standalone: false });
  const greeting = doc.ele(NS.epp, 'epp').ele('greeting');
  greeting.ele('svID').txt(g.svID);
  greeting.ele('svDate').txt(eppDateTime(g.svDate));
  const menu = greeting.ele('svcMenu');
  menu.ele('version').txt('1.0');
  for (const l of g.langs) menu.ele('lang').txt(l);
  for (const u of g.objURIs) menu.ele('objURI').txt(u);
  if (g.extURIs.length > 0) {
    const ext = menu.ele('svcExtension');
    for (const u of g.extURIs) ext.ele('extURI').txt(u);
  }
  const dcp = greeting.ele('dcp');
  dcp.ele('access').ele('all');
  const st = dcp.ele('statement');
  const purpose = st.ele('purpose');
  purpose.ele('admin');
  purpose.ele('prov');
  const recipient = st.ele('recipient');
  recipient.ele('ours');
  recipient.ele('public');
  st.ele('retention').ele('stated');
  return doc.end({ prettyPrint: false });
}
