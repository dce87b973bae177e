import { eppDateTime } from '../protocol/response.js';
import { RDE_NS } from './namespaces.js';
import { XmlStreamWriter } from './xml-writer.js';
import type { Writable } from 'node:stream';

export interface ReportSpec {
  id: string;
  resend: number;
  type: 'FULL' | 'DIFF';
  watermark: Date;
  createdAt: Date;
  tld: string;
  /** The deposit header's counts, by object URI, in its order. */
  counts: Record<string, number>;
}

/**
 * The deposit report ICANN receives (rdeReport-1.0, ICANN's registry interfaces): the deposit's id, resend,
 * kind and watermark, the specifications it follows, and a copy of its header.
 */
export async function writeReport(out: Writable, r: ReportSpec): Promise<void> {
  const w = new XmlStreamWriter(out);
  w.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  w.open('rdeReport:report', { 'xmlns:rdeReport': RDE_NS.rdeReport, 'xmlns:rdeHeader': RDE_NS.rdeHeader });
  w.el('rdeReport:id', r.id);
  w.el('rdeReport:version', 1);
  w.el('rdeReport:rydeSpecEscrow', 'RFC8909');
  w.el('rdeReport:rydeSpecMapping', 'RFC9022');
  w.el('rdeReport:resend', r.resend);
  w.el('rdeReport:crDate', eppDateTime(r.createdAt));
  w.el('rdeReport:kind', r.type);
  w.el('rdeReport:watermark', eppDateTime(r.watermark));
  w.open('rdeHeader:header');
  w.el('rdeHeader:tld', r.tld);
  for (const [uri, n] of Object.entries(r.counts)) w.el('rdeHeader:count', n, { uri });
  w.close('rdeHeader:header');
  w.close('rdeReport:report');
  w.raw('\n');
  await w.flush(true);
}
