/**
 * EPP fuzz harness (issue 7, "Bad input"): mutated frames over real TLS against a registry started in this
 * process (a temporary database and certificates, as the tests make them).
 *
 *   npm run fuzz -- --frames 1000000 --seed 7 [--seconds 3600] [--workers 4]
 *
 * Deterministic: the same seed gives the same frames in the same order on each worker. Bounded: it stops
 * after --frames frames or --seconds seconds, whichever comes first. Properties checked:
 * - the server never dies (an uncaught exception or unhandled rejection in this process fails the run);
 * - every answer is a schema-valid EPP response (schemas/, compiled with compileSchemaSet), or the server
 *   closes the connection cleanly; an answer never takes longer than --answer-ms;
 * - no external entity is ever resolved: the XXE documents point at a canary file and at a TCP listener;
 *   the canary's content never appears in an answer and the listener never gets a connection;
 * - a control session (ClientY, logged in before the run) keeps answering throughout;
 * - RSS stays bounded (the peak growth is reported and checked against --max-rss-growth-mb).
 * Exit code 0 when all hold, 1 otherwise; the report is printed as JSON as well.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { XmlDocument, type XsdValidator } from 'libxml2-wasm';
import { requests, URI } from '../src/client/requests.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { compileSchemaSet } from '../src/protocol/schema.js';
import { PASSWORDS, startTestRegistry, testCerts, type TestRegistry } from '../test/helpers.js';
import { encodedSignedMarkOf } from '../src/ote/runner.js';

export interface FuzzOptions {
  frames: number;
  seconds: number;
  seed: number;
  workers: number;
  answerMs: number;
  maxRssGrowthMb: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  answers: number;
  closes: number;
  byKind: Record<string, number>;
  byCode: Record<string, number>;
  controlChecks: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  failures: string[];
  ok: boolean;
}

export const DEFAULTS: FuzzOptions = { frames: 20_000, seconds: 600, seed: 1, workers: 4, answerMs: 10_000, maxRssGrowthMb: 512 };

// ---------------------------------------------------------------- deterministic randomness

/** mulberry32: a small, fast, seedable PRNG. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

// ---------------------------------------------------------------- frames

const frame = (body: Buffer | string): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const h = Buffer.alloc(4);
  h.writeUInt32BE(b.length + 4);
  return Buffer.concat([h, b]);
};
const withLength = (len: number, body: Buffer): Buffer => {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(len >>> 0);
  return Buffer.concat([h, body]);
};

/** Every valid command, as a registrar's client writes it (src/client/requests.ts). */
function templates(): string[] {
  const contact = {
    id: 'FZ-C1',
    email: 'fz@example.ru',
    voice: '+7.8432000000',
    authInfo: 'fz-contact-PW',
    postalInfo: { int: { name: 'Fuzz Person', street: ['1 Main St'], city: 'Kazan', pc: '420000', cc: 'RU' } },
    tci: { person: { birthday: '1980-11-10', passport: ['01 23 123456'] } },
  };
  const ds = { keyTag: 12345, alg: 8, digestType: 2, digest: '49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE49FD46E6C4B45C55D4AC69CB' };
  return [
    requests.hello(),
    requests.poll('fz', 'req'),
    requests.poll('fz', 'ack', '1'),
    requests.check('fz', 'contact', ['FZ-C1', 'FZ-C2']),
    requests.check('fz', 'domain', ['fz1.tatar', 'дети.tatar']),
    requests.check('fz', 'host', ['ns1.fz1.tatar']),
    requests.contactCreate('fz', contact),
    requests.info('fz', 'contact', 'FZ-C1', 'fz-contact-PW'),
    requests.contactUpdate('fz', { id: 'FZ-C1', chg: { email: 'fz2@example.ru' }, add: { status: ['clientDeleteProhibited'] } }),
    requests.domainCreate('fz', {
      name: 'fz1.tatar',
      period: { value: 1, unit: 'y' },
      registrant: 'FZ-C1',
      contacts: [
        { type: 'admin', id: 'FZ-C1' },
        { type: 'tech', id: 'FZ-C1' },
      ],
      authInfo: 'fz-domain-PW',
      secDNS: { dsData: [ds] },
    }),
    requests.hostCreate('fz', { name: 'ns1.fz1.tatar', addrs: [{ ip: 'v4', addr: '192.0.2.10' }, { ip: 'v6', addr: '2001:db8::10' }] }),
    requests.info('fz', 'domain', 'fz1.tatar', 'fz-domain-PW'),
    requests.info('fz', 'host', 'ns1.fz1.tatar'),
    requests.domainUpdate('fz', { name: 'fz1.tatar', add: { ns: ['ns1.fz1.tatar'], status: ['clientHold'] }, chg: { authInfo: 'fz-domain-PW' } }),
    requests.hostUpdate('fz', { name: 'ns1.fz1.tatar', rem: { addrs: [{ ip: 'v4', addr: '192.0.2.99' }] } }),
    requests.domainRenew('fz', { name: 'fz1.tatar', curExpDate: '2030-01-01', period: { value: 1, unit: 'y' } }),
    requests.domainTransfer('fz', { op: 'query', name: 'fz1.tatar', authInfo: 'fz-domain-PW' }),
    requests.domainTransfer('fz', { op: 'request', name: 'fz1.tatar', authInfo: 'fz-domain-PW', period: { value: 1, unit: 'y' } }),
    requests.domainRestore('fz', {
      name: 'fz1.tatar',
      report: { preData: 'a', postData: 'b', delTime: '2020-01-01T00:00:00Z', resTime: '2020-01-02T00:00:00Z', resReason: 'r', statements: ['s1', 's2'] },
    }),
    requests.delete('fz', 'host', 'ns9.fz1.tatar'),
    requests.delete('fz', 'domain', 'fz9.tatar'),
    requests.delete('fz', 'contact', 'FZ-C9'),
    requests.login('fz', 'ClientX', PASSWORDS.ClientX),
    `<?xml version="1.0" encoding="UTF-8"?><epp xmlns="${URI.epp}"><command><transfer op="query"><contact:transfer xmlns:contact="${URI.contact}"><contact:id>FZ-C1</contact:id><contact:authInfo><contact:pw>x</contact:pw></contact:authInfo></contact:transfer></transfer><clTRID>fz</clTRID></command></epp>`,
    // Launch phases and fees (the launch OT&E environment): a sunrise create with ICANN's test SMD, whose
    // mutations reach the signed mark verifier; a claims check and create with a notice; a premium create.
    requests.domainCreate('fz', { name: 'test-and-validate.ote-sunrise', authInfo: 'fz-domain-PW', launch: { phase: 'sunrise', encodedSignedMark: encodedSignedMarkOf(readFileSync(join(REPO_ROOT, 'fixtures/tmch/active.smd'), 'utf8'), 'active.smd') } }),
    requests.check('fz', 'domain', ['testandvalidate.ote-claims', 'fz1.ote-claims'], { launch: { type: 'claims', phase: 'claims' } }),
    requests.domainCreate('fz', { name: 'testandvalidate.ote-claims', authInfo: 'fz-domain-PW', launch: { phase: 'claims', notice: { id: 'c1d5f9780000000000000001761', notAfter: '2099-12-31T00:00:00Z', acceptedDate: new Date().toISOString() } } }),
    requests.check('fz', 'domain', ['gold.ote-claims'], { fee: { currency: 'USD', commands: [{ name: 'create', period: { value: 1, unit: 'y' } }, { name: 'renew', phase: 'claims' }] } }),
    requests.domainCreate('fz', { name: 'gold.ote-claims', authInfo: 'fz-domain-PW', fee: { currency: 'USD', amount: '500.00' } }),
  ];
}

const BOUNDARY_TEXT = (r: Rng): string =>
  r.pick([
    '',
    ' ',
    'x'.repeat(r.pick([63, 64, 65, 255, 256, 4000, 20_000, 60_000])),
    '-1',
    '0',
    '99999999999999999999',
    '1e308',
    'NaN',
    '&amp;&lt;&gt;&quot;',
    '&#0;',
    '&#x1;',
    '&#xD800;',
    '\u0000',
    '\t\r\n',
    '\u202e\u200b\ufeff',
    'дети.татар',
    'xn--',
    'xn--d1acj3b',
    '-.-.',
    '..',
    '*',
    '%00',
    "' OR 1=1 --",
    '"; DROP TABLE domains; --',
    '2020-02-30T25:61:61Z',
    '256.256.256.256',
    '::ffff:127.0.0.1',
    '<![CDATA[x]]>',
    '<x/>',
    '</epp>',
    '🦀'.repeat(100),
    r.bytes(16).toString('hex'),
  ]);

/** Leaf elements (start tag, text, end tag) and attributes of a template, for the element mutations. */
const LEAF = /<([\w.:-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*>([^<]*)<\/\1>/g;
const TAG = /<([\w.:-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g;
const ATTR = /\s([\w:.-]+)="([^"]*)"/g;

function matches(re: RegExp, s: string): RegExpExecArray[] {
  re.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m);
  return out;
}

function splice(s: string, at: number, len: number, by: string): string {
  return s.slice(0, at) + by + s.slice(at + len);
}

/** One element of a valid command mutated or removed (text, name, namespace, attribute, duplication). */
function mutateTemplate(r: Rng, t: string): { kind: string; body: string } {
  const leaves = matches(LEAF, t);
  const tags = matches(TAG, t);
  const op = r.int(9);
  if (op === 0 && leaves.length) {
    const m = r.pick(leaves);
    return { kind: 'tpl-remove-leaf', body: splice(t, m.index, m[0].length, '') };
  }
  if (op === 1 && leaves.length) {
    const m = r.pick(leaves);
    const text = BOUNDARY_TEXT(r).replace(/[<&]/g, (c) => (r.int(2) ? c : c === '<' ? '&lt;' : '&amp;'));
    return { kind: 'tpl-text', body: splice(t, m.index, m[0].length, `<${m[1]}${m[2]}>${text}</${m[1]}>`) };
  }
  if (op === 2 && leaves.length) {
    const m = r.pick(leaves);
    const times = r.pick([2, 3, 20, 500]);
    return { kind: 'tpl-duplicate', body: splice(t, m.index, m[0].length, m[0].repeat(times)) };
  }
  if (op === 3 && tags.length) {
    // Rename an element (start tag only: the document may become not well-formed, which is fine too).
    const m = r.pick(tags);
    const name = r.pick(['x', 'domain:foo', 'contact:name', 'epp', 'command', 'xmlns:a', '1bad', m[1] + m[1]]);
    return { kind: 'tpl-rename', body: splice(t, m.index, m[0].length, `<${name}${m[2]}${m[3]}>`) };
  }
  if (op === 4) {
    const attrs = matches(ATTR, t);
    if (attrs.length) {
      const m = r.pick(attrs);
      const v = r.pick(['', 'bogus', 'urn:ietf:params:xml:ns:epp-0.9', URI.domain, 'x'.repeat(r.pick([100, 30_000, 70_000])), '&#x0;', '"']);
      return { kind: 'tpl-attr', body: splice(t, m.index, m[0].length, r.int(4) ? ` ${m[1]}="${v}"` : '') };
    }
  }
  if (op === 5) {
    // Remove a whole subtree: from a start tag to its matching end tag (simple names only).
    const m = r.pick(tags);
    const end = `</${m[1]}>`;
    const e = t.indexOf(end, m.index);
    if (m[3] !== '/' && e > 0) return { kind: 'tpl-remove-subtree', body: t.slice(0, m.index) + t.slice(e + end.length) };
  }
  if (op === 6) {
    // Namespace games on a template.
    const g = r.int(6);
    const games = [
      () => t.replace(URI.epp, 'urn:ietf:params:xml:ns:epp-0.4'),
      () => t.replace(/xmlns:(\w+)="([^"]+)"/, 'xmlns:$1="urn:example:other"'),
      () => t.replace(/xmlns:(\w+)="[^"]+"/, ''),
      () => t.replace(/<(\w+):(\w+) xmlns:\1="([^"]+)"/, '<$2 xmlns="$3"'),
      () => t.replace('<command>', `<command xmlns="">`),
      () => t.replace(/(<\/\w+:\w+>)/, `<x:evil xmlns:x="urn:example:evil">1</x:evil>$1`),
    ];
    return { kind: `ns-${g}`, body: games[g]() };
  }
  if (op === 7) {
    // A byte flipped somewhere in the document.
    const b = Buffer.from(t, 'utf8');
    b[r.int(b.length)] = r.int(256);
    return { kind: 'tpl-byteflip', body: b.toString('latin1') };
  }
  // Truncated document, well framed.
  return { kind: 'tpl-cut', body: t.slice(0, r.int(t.length)) };
}

const XML_HEAD = `<?xml version="1.0" encoding="UTF-8"?>`;

function entityDocs(r: Rng, canaryUrl: string, listenUrl: string): { kind: string; body: string } {
  const n = r.int(9);
  const hello = `<epp xmlns="${URI.epp}"><hello/></epp>`;
  const cmd = (inner: string) =>
    `<epp xmlns="${URI.epp}"><command><check><domain:check xmlns:domain="${URI.domain}"><domain:name>${inner}</domain:name></domain:check></check><clTRID>fz</clTRID></command></epp>`;
  switch (n) {
    case 0:
      return { kind: 'xxe-file', body: `${XML_HEAD}<!DOCTYPE epp [<!ENTITY x SYSTEM "${canaryUrl}">]>${cmd('&x;')}` };
    case 1:
      return { kind: 'xxe-http', body: `${XML_HEAD}<!DOCTYPE epp [<!ENTITY x SYSTEM "${listenUrl}">]>${cmd('&x;')}` };
    case 2:
      return { kind: 'xxe-dtd', body: `${XML_HEAD}<!DOCTYPE epp SYSTEM "${listenUrl}">${hello}` };
    case 3:
      return { kind: 'xxe-param', body: `${XML_HEAD}<!DOCTYPE epp [<!ENTITY % p SYSTEM "${r.int(2) ? listenUrl : canaryUrl}"> %p;]>${hello}` };
    case 4: {
      let ents = '<!ENTITY l0 "lol">';
      for (let i = 1; i < 10; i++) ents += `<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`;
      return { kind: 'billion-laughs', body: `${XML_HEAD}<!DOCTYPE epp [${ents}]>${cmd('&l9;')}` };
    }
    case 5: {
      const big = 'A'.repeat(30_000);
      return { kind: 'quadratic-blowup', body: `${XML_HEAD}<!DOCTYPE epp [<!ENTITY a "${big}">]>${cmd('&a;'.repeat(1000))}` };
    }
    case 6:
      return {
        kind: 'xinclude',
        body: `${XML_HEAD}<epp xmlns="${URI.epp}" xmlns:xi="http://www.w3.org/2001/XInclude"><hello><xi:include href="${canaryUrl}" parse="text"/></hello></epp>`,
      };
    case 7:
      return { kind: 'doctype-internal', body: `${XML_HEAD}<!DOCTYPE epp [<!ELEMENT epp ANY><!ATTLIST epp a CDATA "x">]>${hello}` };
    default:
      return { kind: 'pi-stylesheet', body: `${XML_HEAD}<?xml-stylesheet href="${listenUrl}"?>${hello}` };
  }
}

type Mode = 'answer' | 'final';
interface Case {
  kind: string;
  bytes: Buffer;
  /** 'answer': one answer (or a close) is expected and the session goes on; 'final': write, half-close, read until the server closes. */
  mode: Mode;
}

function makeCase(r: Rng, tpls: string[], canaryUrl: string, listenUrl: string): Case {
  const family = r.int(100);
  const valid = Buffer.from(r.pick(tpls), 'utf8');
  if (family < 45) {
    const m = mutateTemplate(r, r.pick(tpls));
    return { kind: m.kind, bytes: frame(Buffer.from(m.body, m.kind === 'tpl-byteflip' ? 'latin1' : 'utf8')), mode: 'answer' };
  }
  if (family < 55) {
    const e = entityDocs(r, canaryUrl, listenUrl);
    return { kind: e.kind, bytes: frame(e.body), mode: 'answer' };
  }
  if (family < 62) {
    const depth = r.pick([100, 1000, 5000, 12_000]);
    const open = r.int(2) ? '<a>' : `<x:a xmlns:x="urn:x">`;
    const close = open === '<a>' ? '</a>' : '</x:a>';
    const body = `${XML_HEAD}<epp xmlns="${URI.epp}"><hello>${open.repeat(depth)}${close.repeat(r.int(3) ? depth : depth >> 1)}</hello></epp>`;
    return { kind: 'deep-nesting', bytes: frame(body), mode: 'answer' };
  }
  if (family < 67) {
    const size = r.pick([1000, 30_000, 65_000, 70_000]);
    const body = `${XML_HEAD}<epp xmlns="${URI.epp}" a="${'v'.repeat(size)}"><hello/></epp>`;
    const many = `${XML_HEAD}<epp xmlns="${URI.epp}"><hello ${Array.from({ length: 2000 }, (_, i) => `a${i}="${i}"`).join(' ')}/></epp>`;
    return { kind: 'huge-attr', bytes: frame(r.int(3) ? body : many), mode: size + 100 > 65_536 ? 'final' : 'answer' };
  }
  if (family < 73) {
    // Invalid UTF-8 inside an otherwise valid command.
    const bad = r.pick([[0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0x80]]);
    const t = Buffer.from(r.pick(tpls), 'utf8');
    const at = t.indexOf('</clTRID>') > 0 && r.int(2) ? t.indexOf('</clTRID>') : r.int(t.length);
    return { kind: 'invalid-utf8', bytes: frame(Buffer.concat([t.subarray(0, at), Buffer.from(bad), t.subarray(at)])), mode: 'answer' };
  }
  if (family < 78) {
    const n = r.pick([1, 10, 100, 1000, 20_000]);
    return { kind: 'garbage-framed', bytes: frame(r.bytes(n)), mode: 'answer' };
  }
  if (family < 82) {
    // Encoding games: UTF-16 declared, BOMs, a NUL byte, a wrong declared encoding.
    const t = r.pick(tpls);
    const games = [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]),
      Buffer.from(t.replace('UTF-8', 'UTF-16')),
      Buffer.from(t.replace('UTF-8', 'ISO-8859-1')),
      Buffer.from(t.replace('UTF-8', 'EBCDIC-bogus')),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
      Buffer.from(t.replace('<clTRID>', '<clTRID>\u0000')),
    ];
    return { kind: 'encoding', bytes: frame(r.pick(games)), mode: 'answer' };
  }
  if (family < 90) {
    // Length prefix games, then half-close: the server must answer or close, never hang or die.
    const len = r.pick([0, 1, 2, 3, 4, 5, valid.length + 3, valid.length + 5, valid.length + 4 + r.int(100), 65_536, 65_537, 0x7fffffff, 0xffffffff, r.int(2 ** 32)]);
    return { kind: `length-${len <= 5 ? len : len === valid.length + 3 ? 'short' : len > 65_536 ? 'huge' : 'other'}`, bytes: withLength(len, valid), mode: 'final' };
  }
  if (family < 94) {
    const f = frame(valid);
    return { kind: 'truncated', bytes: f.subarray(0, r.int(f.length)), mode: 'final' };
  }
  if (family < 97) {
    return { kind: 'garbage-raw', bytes: r.bytes(1 + r.int(3000)), mode: 'final' };
  }
  // Several frames in one write, the last one cut.
  const f = frame(valid);
  return { kind: 'pipelined', bytes: Buffer.concat([f, f, f.subarray(0, r.int(f.length))]), mode: 'final' };
}

// ---------------------------------------------------------------- a raw EPP connection

class RawConn {
  private buf = Buffer.alloc(0);
  private waiters: Array<(f: Buffer | null) => void> = [];
  private queue: Array<Buffer | null> = [];
  closed = false;
  private constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4) {
        const len = this.buf.readUInt32BE(0);
        if (len < 4) {
          this.push(Buffer.from(`bad frame length ${len} from the server`));
          this.buf = Buffer.alloc(0);
          break;
        }
        if (this.buf.length < len) break;
        this.push(this.buf.subarray(4, len));
        this.buf = this.buf.subarray(len);
      }
    });
    const end = () => {
      if (this.closed) return;
      this.closed = true;
      this.push(null);
    };
    socket.on('close', end);
    socket.on('end', end);
    socket.on('error', end);
  }
  private push(f: Buffer | null) {
    const w = this.waiters.shift();
    if (w) w(f);
    else this.queue.push(f);
  }
  /** The next frame, or null once the server closed. */
  next(ms: number): Promise<Buffer | null | 'timeout'> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== got);
        resolve('timeout');
      }, ms);
      const got = (f: Buffer | null) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push(got);
    });
  }
  static open(port: number, certs: string, cert: string): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        ca: readFile(join(certs, 'ca.crt')),
        cert: readFile(join(certs, `${cert}.crt`)),
        key: readFile(join(certs, `${cert}.key`)),
        servername: 'localhost',
      });
      socket.once('secureConnect', () => resolve(new RawConn(socket)));
      socket.once('error', reject);
    });
  }
  write(b: Buffer) {
    if (!this.closed) this.socket.write(b);
  }
  destroy() {
    this.socket.destroy();
  }
}

const fileCache = new Map<string, Buffer>();
function readFile(p: string): Buffer {
  let b = fileCache.get(p);
  if (!b) fileCache.set(p, (b = readFileSync(p)));
  return b;
}

// ---------------------------------------------------------------- the run

export async function runFuzz(o: Partial<FuzzOptions> = {}): Promise<FuzzReport> {
  const opts = { ...DEFAULTS, ...o };
  const log = opts.log ?? ((l: string) => console.log(l));
  const failures: string[] = [];
  const fail = (m: string) => {
    if (failures.length < 50) failures.push(m);
  };
  const onCrash = (e: unknown) => fail(`server process: uncaught ${e instanceof Error ? e.stack : String(e)}`);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  // The canary file and the listener that must never be reached.
  const scratch = mkdtempSync(join(tmpdir(), 'epp-fuzz-'));
  const canary = `CANARY-${randomBytes(8).toString('hex')}`;
  const canaryPath = join(scratch, 'canary.txt');
  writeFileSync(canaryPath, canary);
  let outbound = 0;
  const listener = net.createServer((s) => {
    outbound++;
    s.destroy();
  });
  await new Promise<void>((res) => listener.listen(0, '127.0.0.1', res));
  const listenUrl = `http://127.0.0.1:${(listener.address() as net.AddressInfo).port}/evil.dtd`;
  const canaryUrl = pathToFileURL(canaryPath).href;

  const validator: XsdValidator = compileSchemaSet(join(REPO_ROOT, 'schemas'));
  const byCode: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  let answers = 0;
  let closes = 0;
  /** Checks one answer: schema-valid EPP, no canary; returns its result code (0 for a greeting). */
  const check = (f: Buffer, what: string): number => {
    const xml = f.toString('utf8');
    if (xml.includes(canary)) fail(`${what}: the answer contains the canary file's content`);
    let doc: XmlDocument | undefined;
    try {
      doc = XmlDocument.fromString(xml);
      validator.validate(doc);
      const code = doc.find('/e:epp/e:response/e:result/@code', { e: URI.epp }).map((n) => n.content)[0];
      return code ? Number(code) : 0;
    } catch (e) {
      fail(`${what}: answer is not schema-valid EPP (${(e as Error).message.split('\n')[0]}): ${xml.slice(0, 600)}`);
      return -1;
    } finally {
      doc?.dispose();
    }
  };

  const t: TestRegistry = await startTestRegistry((c) => {
    c.epp.idleTimeout = 60;
  });
  const certs = testCerts();
  const port = t.registry.address.port;
  const tpls = templates();

  const open = async (login: boolean, cert = 'clientx', clID = 'ClientX'): Promise<RawConn> => {
    const c = await RawConn.open(port, certs, cert);
    const g = await c.next(opts.answerMs);
    if (!(g instanceof Buffer)) throw new Error(`no greeting (${g})`);
    check(g, 'greeting');
    if (login) {
      c.write(frame(requests.login('fz-login', clID, PASSWORDS[clID])));
      const a = await c.next(opts.answerMs);
      if (!(a instanceof Buffer) || check(a, 'login') !== 1000) throw new Error(`login of ${clID} failed: ${a instanceof Buffer ? a.toString() : a}`);
    }
    return c;
  };

  const rss = () => process.memoryUsage().rss / 1048576;
  const rssStart = rss();
  let rssPeak = rssStart;
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, rss())), 200);

  // The control session: ClientY, logged in before the storm; it must keep answering.
  const control = await open(true, 'clienty', 'ClientY');
  let controlChecks = 0;
  const controlCheck = async () => {
    control.write(frame(requests.poll('fz-ctl', 'req')));
    const a = await control.next(opts.answerMs);
    controlChecks++;
    if (!(a instanceof Buffer)) return fail(`control session: no answer (${a})`);
    const code = check(a, 'control');
    if (code !== 1300 && code !== 1301) fail(`control session answered ${code}`);
  };

  // The valid templates once, unmutated: they create the objects the mutations then aim at.
  {
    const c = await open(true);
    for (const tp of tpls) {
      c.write(frame(tp));
      const a = await c.next(opts.answerMs);
      if (a instanceof Buffer) check(a, 'template');
      else if (a === 'timeout') fail('template: no answer');
      if (a === null) break;
    }
    c.destroy();
  }

  const started = Date.now();
  const deadline = started + opts.seconds * 1000;
  let sent = 0;
  let lastReport = started;
  const controlEvery = Math.max(200, Math.floor(opts.frames / 20));

  const worker = async (w: number) => {
    const r = new Rng((opts.seed * 1_000_003 + w * 7919) >>> 0);
    let session: RawConn | undefined;
    while (sent < opts.frames && Date.now() < deadline && failures.length < 50) {
      const n = ++sent;
      const cs = makeCase(r, tpls, canaryUrl, listenUrl);
      byKind[cs.kind] = (byKind[cs.kind] ?? 0) + 1;
      const what = `frame #${n} (${cs.kind}, seed ${opts.seed}, worker ${w})`;
      try {
        if (cs.mode === 'answer') {
          // Half of the answer-mode frames on a logged-in session (the command handlers), half before login.
          if (!session || session.closed) session = await open(r.int(4) !== 0);
          session.write(cs.bytes);
          const a = await session.next(opts.answerMs);
          if (a === 'timeout') fail(`${what}: no answer within ${opts.answerMs} ms`);
          else if (a === null) closes++;
          else {
            answers++;
            const code = check(a, what);
            byCode[code] = (byCode[code] ?? 0) + 1;
            if (code === 1500 || code >= 2500) {
              // The server ends the session after these: wait for the close.
              const c = await session.next(opts.answerMs);
              if (c === 'timeout') fail(`${what}: ${code} but the connection stays open`);
              else if (c instanceof Buffer) fail(`${what}: a second answer after ${code}`);
              closes++;
            }
          }
          if (a === 'timeout' || a === null) {
            session.destroy();
            session = undefined;
          }
        } else {
          const c = await open(false);
          c.write(cs.bytes);
          c.socket.end();
          for (;;) {
            const a = await c.next(opts.answerMs);
            if (a === 'timeout') {
              fail(`${what}: neither an answer nor a close within ${opts.answerMs} ms after the half-close`);
              break;
            }
            if (a === null) {
              closes++;
              break;
            }
            answers++;
            const code = check(a, what);
            byCode[code] = (byCode[code] ?? 0) + 1;
          }
          c.destroy();
        }
      } catch (e) {
        fail(`${what}: ${(e as Error).message}`);
        session?.destroy();
        session = undefined;
      }
      if (n % controlEvery === 0) await controlCheck();
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`fuzz: ${sent} frames, ${Math.round(sent / ((Date.now() - started) / 1000))} frames/s, rss ${Math.round(rss())} MB`);
      }
    }
    session?.destroy();
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  const seconds = (Date.now() - started) / 1000;
  await controlCheck();

  clearInterval(rssTimer);
  const rssEnd = rss();
  rssPeak = Math.max(rssPeak, rssEnd);
  if (outbound > 0) fail(`the server opened ${outbound} connection(s) to the external-entity listener`);
  if (rssPeak - rssStart > opts.maxRssGrowthMb) fail(`RSS grew by ${Math.round(rssPeak - rssStart)} MB (limit ${opts.maxRssGrowthMb} MB)`);
  control.destroy();
  await t.close();
  await new Promise((res) => listener.close(res));
  rmSync(scratch, { recursive: true, force: true });
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);

  const report: FuzzReport = {
    seed: opts.seed,
    frames: sent,
    seconds: Math.round(seconds * 10) / 10,
    framesPerSecond: Math.round(sent / seconds),
    answers,
    closes,
    byKind,
    byCode,
    controlChecks,
    rssStartMb: Math.round(rssStart),
    rssPeakMb: Math.round(rssPeak),
    rssEndMb: Math.round(rssEnd),
    failures,
    ok: failures.length === 0,
  };
  return report;
}

const FUZZ_USAGE = `usage: npm run fuzz -- [--frames N] [--seconds S] [--seed N] [--workers N] [--answer-ms MS] [--max-rss-growth-mb MB]
  sends mutated EPP frames over real TLS sessions to a test registry and checks it answers, closes cleanly and stays up`;

function parseArgs(argv: string[]): Partial<FuzzOptions> {
  const o: Partial<FuzzOptions> = {};
  const keys: Record<string, keyof FuzzOptions> = {
    '--frames': 'frames',
    '--seconds': 'seconds',
    '--seed': 'seed',
    '--workers': 'workers',
    '--answer-ms': 'answerMs',
    '--max-rss-growth-mb': 'maxRssGrowthMb',
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(FUZZ_USAGE);
      process.exit(0);
    }
    const k = keys[argv[i]];
    const v = Number(argv[i + 1]);
    if (!k || !Number.isFinite(v) || v < 0) {
      console.error(`fuzz: ${k ? `${argv[i]} needs a number from 0` : `unknown option ${argv[i]}`}\n${FUZZ_USAGE}`);
      process.exit(2);
    }
    (o as Record<string, number>)[k] = v;
    i++;
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const o = parseArgs(process.argv.slice(2));
  runFuzz(o).then(
    (r) => {
      console.log(
        `fuzz: ${r.frames} frames in ${r.seconds} s (${r.framesPerSecond} frames/s), ${r.answers} answers, ${r.closes} clean closes, ` +
          `${r.controlChecks} control checks, RSS ${r.rssStartMb} → peak ${r.rssPeakMb} → end ${r.rssEndMb} MB: ${r.ok ? 'OK' : 'FAILED'}`,
      );
      console.log(JSON.stringify(r, null, 2));
      process.exit(r.ok ? 0 : 1);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
