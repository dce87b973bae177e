/**
 * XML parse + XSD validation cost and memory over a long run (issue: the schemas must be compiled once).
 * Usage: node dist/bench/validator.js [documents]   (default 200000)
 */
import { join } from 'node:path';
import { EppParser } from '../src/protocol/parser.js';
import { compileSchemaSet } from '../src/protocol/schema.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { STANDARD_EXTENSION_URIS, TCI_EXTENSION_URIS } from '../src/protocol/namespaces.js';

const N = Number(process.argv[2] ?? 200_000);
const check = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>example.tatar</domain:name></domain:check></check><clTRID>ABC-1</clTRID></command></epp>`,
);
const create = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><create><domain:create xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>example.tatar</domain:name><domain:period unit="y">1</domain:period><domain:ns><domain:hostObj>ns1.example.com</domain:hostObj><domain:hostObj>ns2.example.com</domain:hostObj></domain:ns><domain:registrant>TEST-C1</domain:registrant><domain:contact type="admin">TEST-C4</domain:contact><domain:contact type="tech">TEST-C5</domain:contact><domain:authInfo><domain:pw>password</domain:pw></domain:authInfo></domain:create></create><extension><secDNS:create xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"><secDNS:dsData><secDNS:keyTag>46707</secDNS:keyTag><secDNS:alg>5</secDNS:alg><secDNS:digestType>2</secDNS:digestType><secDNS:digest>E8E6FA107705CB9BCD30FAFA23D447C14AC62DF26AC958B0DCB5BA4D8F63A13F</secDNS:digest></secDNS:dsData></secDNS:create></extension><clTRID>ABC-2</clTRID></command></epp>`,
);

const t0 = process.hrtime.bigint();
const validator = compileSchemaSet(join(REPO_ROOT, 'schemas'));
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
const parser = new EppParser(validator, new Set([...STANDARD_EXTENSION_URIS, ...TCI_EXTENSION_URIS]));

/**
 * Lets the event loop turn every 1,000 documents, as a server does between commands. The parser frees each
 * document itself; libxml2-wasm's own `XmlDocument` (which the parser no longer uses) kept a WeakRef to each,
 * and V8 holds a WeakRef's target until the current job ends.
 */
async function run(doc: Buffer, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = parser.parse(doc);
    if (!r.ok) throw new Error(r.error.message);
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}

await run(check, 2000);
await run(create, 2000);
const rss0 = process.memoryUsage().rss;
const checkUs = await run(check, N / 2);
const createUs = await run(create, N / 2);
const rss1 = process.memoryUsage().rss;
console.log(`schema set compiled once in ${compileMs.toFixed(1)} ms`);
console.log(`parse + validate + tree, domain:check: ${checkUs.toFixed(1)} µs/document (${Math.round(1e6 / checkUs)}/s on one core)`);
console.log(`parse + validate + tree, domain:create with secDNS: ${createUs.toFixed(1)} µs/document (${Math.round(1e6 / createUs)}/s on one core)`);
console.log(`RSS after warm-up ${(rss0 / 2 ** 20).toFixed(0)} MiB, after ${N} more documents ${(rss1 / 2 ** 20).toFixed(0)} MiB`);
