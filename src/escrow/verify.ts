import { createReadStream, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XmlDocument, type XmlElement, type XsdValidator } from 'libxml2-wasm';
import type * as openpgp from 'openpgp';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { escapeAttr, escapeText } from '../protocol/response.js';
import { EscrowError } from './keys.js';
import { RDE_NS } from './namespaces.js';
import { checkSignature, openRyde } from './ryde.js';

export interface VerifyKeys {
  /** The escrow agent's secret key (it opens the .ryde). */
  agent: openpgp.PrivateKey;
  /** The registry's public key (it signed the .ryde). */
  signer: openpgp.PublicKey;
}

export interface VerifiedDeposit {
  base: string;
  tld: string;
  id: string;
  prevId: string | null;
  type: 'FULL' | 'DIFF';
  resend: number;
  watermark: string;
  signerKeyId: string;
  signatureHash: string;
  xmlBytes: number;
  /** Header counts by object URI (equal to the objects found). */
  counts: Record<string, number>;
  /** Deleted objects named, by element (rdeDomain:delete…). */
  deletes: Record<string, number>;
}

/** The .ryde files of a folder (each with its .sig and .rep), or the one named. */
export function depositsIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new EscrowError(`cannot read folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const bases = names.filter((n) => n.endsWith('.ryde') && !n.startsWith('.')).map((n) => n.slice(0, -'.ryde'.length));
  if (bases.length === 0) throw new EscrowError(`no deposit (.ryde file) in ${dir}`);
  return bases.sort();
}

const BASE_NAME = /^([a-z0-9-]+)_(\d{4}-\d{2}-\d{2})_(full|diff)_S1_R(\d+)$/;

/**
 * The restore drill for one deposit: the signature over the .ryde (with the registry's key), the .ryde opened
 * with the agent's key (one SEIPD v1 packet, a tar holding BASE.xml alone), the XML validated against the
 * escrow schemas, every object counted against the header and the menu, the name against the deposit's
 * TLD, watermark, kind and resend, and the .rep validated and compared with the deposit. The XML is read as
 * a stream and validated in batches of objects, each batch inside a copy of the deposit's envelope: a
 * deposit of any size is checked in flat memory. Throws EscrowError at the first problem. With `keepXml`, the
 * deposit's XML is left at that path (for an import).
 */
export async function verifyDeposit(dir: string, base: string, keys: VerifyKeys, schemas: XsdValidator, scratch: string, keepXml?: string): Promise<VerifiedDeposit> {
  const f = (ext: string) => join(dir, `${base}.${ext}`);
  for (const ext of ['ryde', 'sig', 'rep']) {
    try {
      statSync(f(ext));
    } catch {
      throw new EscrowError(`${f(ext)} is missing`);
    }
  }
  const name = BASE_NAME.exec(base);
  if (!name) throw new EscrowError(`${base}: not a deposit name ({tld}_{YYYY-MM-DD}_{full|diff}_S1_R{resend})`);
  const sig = await checkSignature(f('ryde'), f('sig'), keys.signer);
  const xml = keepXml ?? join(scratch, `.${base}.xml.verify-${process.pid}`);
  rmSync(xml, { force: true });
  try {
    const { member } = await openRyde(f('ryde'), keys.agent, xml);
    if (member !== `${base}.xml`) throw new EscrowError(`the tar in ${base}.ryde holds ${member}, not ${base}.xml`);
    const deposit = await readDeposit(xml, schemas);
    const report = readReport(f('rep'), schemas);
    const problems: string[] = [];
    const expect = (what: string, got: unknown, want: unknown) => {
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    };
    expect('file name TLD', name[1], deposit.tld);
    expect('file name date', name[2], deposit.watermark.slice(0, 10));
    expect('file name kind', name[3].toUpperCase(), deposit.type);
    expect('file name resend', Number(name[4]), deposit.resend);
    // Every object type in the header counted right, and no object of a type the header does not count.
    const { [RDE_NS.rdeHeader]: headers, ...found } = deposit.found;
    expect('header elements', headers, 1);
    expect('objects found', Object.fromEntries(Object.keys(deposit.headerCounts).map((u) => [u, found[u] ?? 0])), deposit.headerCounts);
    expect('object types found', Object.keys(found).filter((u) => !(u in deposit.headerCounts)), []);
    expect('rdeMenu objURIs', [...deposit.menu].sort(), Object.keys(deposit.headerCounts).sort());
    expect('report id', report.id, deposit.id);
    expect('report kind', report.kind, deposit.type);
    expect('report resend', report.resend, deposit.resend);
    expect('report watermark', report.watermark, deposit.watermark);
    expect('report tld', report.tld, deposit.tld);
    expect('report counts', report.counts, deposit.headerCounts);
    if (problems.length > 0) throw new EscrowError(`${base}: ${problems.join('; ')}`);
    return {
      base,
      tld: deposit.tld,
      id: deposit.id,
      prevId: deposit.prevId,
      type: deposit.type,
      resend: deposit.resend,
      watermark: deposit.watermark,
      signerKeyId: sig.keyId,
      signatureHash: sig.hash,
      xmlBytes: statSync(xml).size,
      counts: deposit.headerCounts,
      deletes: deposit.deletes,
    };
  } finally {
    if (!keepXml) rmSync(xml, { force: true });
  }
}

interface ReadDeposit {
  tld: string;
  id: string;
  prevId: string | null;
  type: 'FULL' | 'DIFF';
  resend: number;
  watermark: string;
  menu: string[];
  headerCounts: Record<string, number>;
  found: Record<string, number>;
  deletes: Record<string, number>;
}

/** Objects validated together in one batch document. */
const BATCH = 500;

async function readDeposit(file: string, schemas: XsdValidator): Promise<ReadDeposit> {
  const parser = new SaxesParser({ xmlns: true });
  const out: ReadDeposit = { tld: '', id: '', prevId: null, type: 'FULL', resend: 0, watermark: '', menu: [], headerCounts: {}, found: {}, deletes: {} };
  let rootTag = '';
  let envelope = '';
  const order: string[] = [];
  let depth = 0;
  let section: 'deletes' | 'contents' | null = null;
  let current: string[] | null = null;
  let batch: string[] = [];
  let text = '';
  let headerUri: string | null = null;
  let menuText: string | null = null;
  let parseError: Error | undefined;
  let deleteElement = '';

  const flushBatch = () => {
    if (batch.length === 0 || !section) return;
    validate(`${rootTag}${envelope}<rde:${section}>${batch.join('')}</rde:${section}></rde:deposit>`, schemas, `a batch of ${section}`);
    batch = [];
  };

  parser.on('error', (e) => (parseError ??= e));
  parser.on('opentag', (t: SaxesTagNS) => {
    depth++;
    const start = `<${t.name}${Object.values(t.attributes)
      .map((a) => ` ${a.name}="${escapeAttr(a.value)}"`)
      .join('')}>`;
    if (depth === 1) {
      if (rootTag !== '') throw new EscrowError(`the deposit XML is not well-formed: a second root element (${t.name}) follows rde:deposit`);
      if (t.uri !== RDE_NS.rde || t.local !== 'deposit') throw new EscrowError(`the root element is ${t.name}, not rde:deposit`);
      rootTag = `<?xml version="1.0" encoding="UTF-8"?>${start}`;
      out.id = t.attributes.id?.value ?? '';
      out.prevId = t.attributes.prevId?.value ?? null;
      out.type = (t.attributes.type?.value ?? '') as 'FULL' | 'DIFF';
      out.resend = Number(t.attributes.resend?.value ?? 0);
      return;
    }
    if (depth === 2) {
      text = '';
      order.push(t.local);
      if (t.local === 'deletes' || t.local === 'contents') {
        section = t.local;
        return;
      }
      current = [start];
      return;
    }
    if (depth === 3 && section) {
      current = [start];
      if (section === 'contents') out.found[t.uri] = (out.found[t.uri] ?? 0) + 1;
      else out.deletes[(deleteElement = t.name)] ??= 0;
      return;
    }
    if (depth === 4 && section === 'deletes') out.deletes[deleteElement]++;
    current?.push(start);
    if (t.uri === RDE_NS.rdeHeader && t.local === 'count') headerUri = t.attributes.uri?.value ?? '';
    if (t.uri === RDE_NS.rde && t.local === 'objURI') menuText = '';
    text = '';
  });
  parser.on('text', (s) => {
    current?.push(escapeText(s));
    text += s;
    if (menuText !== null) menuText += s;
  });
  parser.on('cdata', (s) => {
    current?.push(escapeText(s));
    text += s;
  });
  parser.on('closetag', (t: SaxesTagNS) => {
    depth--;
    if (depth === 0) return;
    current?.push(`</${t.name}>`);
    if (t.uri === RDE_NS.rdeHeader && t.local === 'count' && headerUri !== null) {
      out.headerCounts[headerUri] = Number(text.trim());
      headerUri = null;
    }
    if (t.uri === RDE_NS.rdeHeader && t.local === 'tld') out.tld = text.trim();
    if (t.uri === RDE_NS.rde && t.local === 'objURI' && menuText !== null) {
      out.menu.push(menuText.trim());
      menuText = null;
    }
    if (depth === 1) {
      if (section) flushBatch();
      else if (current) envelope += current.join('');
      if (t.local === 'watermark') out.watermark = text.trim();
      section = null;
      current = null;
    } else if (depth === 2 && section && current) {
      batch.push(current.join(''));
      current = null;
      if (batch.length >= BATCH) flushBatch();
    }
  });

  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    parser.write(chunk as string);
    if (parseError) throw new EscrowError(`the deposit XML is not well-formed: ${parseError.message}`);
  }
  parser.close();
  if (parseError) throw new EscrowError(`the deposit XML is not well-formed: ${parseError.message}`);
  // The envelope's own order (watermark, rdeMenu, deletes?, contents?) is what the batches cannot show.
  const expected = ['watermark', 'rdeMenu', ...(order.includes('deletes') ? ['deletes'] : []), ...(order.includes('contents') ? ['contents'] : [])];
  if (order.join(' ') !== expected.join(' ')) throw new EscrowError(`rde:deposit holds ${order.join(', ')}: expected ${expected.join(', ')}`);
  if (!order.includes('contents')) validate(`${rootTag}${envelope}</rde:deposit>`, schemas, 'the deposit envelope');
  return out;
}

function validate(xml: string, schemas: XsdValidator, what: string): void {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (e) {
    throw new EscrowError(`${what} does not parse: ${(e as Error).message}`);
  }
  try {
    schemas.validate(doc);
  } catch (e) {
    throw new EscrowError(`${what} is not valid against the escrow schemas: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
  } finally {
    doc.dispose();
  }
}

interface ReadReport {
  id: string;
  kind: string;
  resend: number;
  watermark: string;
  tld: string;
  counts: Record<string, number>;
}

/** The .rep, validated whole (it is small), its fields read by XPath to be compared with the deposit. */
function readReport(file: string, schemas: XsdValidator): ReadReport {
  const xml = readFileSync(file, 'utf8');
  validate(xml, schemas, basename(file));
  const doc = XmlDocument.fromString(xml);
  try {
    const ns = { r: RDE_NS.rdeReport, h: RDE_NS.rdeHeader };
    const text = (path: string) => doc.get(path, ns)?.content.trim() ?? '';
    const counts: Record<string, number> = {};
    for (const c of doc.find('/r:report/h:header/h:count', ns)) {
      counts[(c as XmlElement).attr('uri')?.value ?? ''] = Number(c.content.trim());
    }
    return {
      id: text('/r:report/r:id'),
      kind: text('/r:report/r:kind'),
      resend: Number(text('/r:report/r:resend')),
      watermark: text('/r:report/r:watermark'),
      tld: text('/r:report/h:header/h:tld'),
      counts,
    };
  } finally {
    doc.dispose();
  }
}
