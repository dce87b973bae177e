import { newTestDatabase, onPostgres } from './support/store-under-test.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, destination } from 'pino';
import { XmlDocument, type XsdValidator } from 'libxml2-wasm';
import { defaultConfig, type Config } from '../src/config.js';
import { startRegistry, type Registry } from '../src/app.js';
import { EppClient } from '../src/client/epp-client.js';
import { ManualClock } from '../src/registry/clock.js';
import { compileSchemaFiles, compileSchemaSet } from '../src/protocol/schema.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { createCa, issueCertificate, ensureDevCerts } from '../src/transport/dev-certs.js';
import { expectedArtifacts, newArtifactsDir, runDirectory } from './artifacts.js';

export const PASSWORDS: Record<string, string> = { ClientX: 'foo-BAR2', ClientY: 'bar-FOO3' };

/** Certificates are made once per test run and shared by every test registry. */
let certsDir: string | undefined;
export function testCerts(): string {
  if (certsDir) return certsDir;
  certsDir = join(runDirectory(), 'certs');
  mkdirSync(certsDir);
  ensureDevCerts(certsDir, ['clientx', 'clienty', 'spare']);
  // A CA the server does not trust, and a certificate from it for ClientX's name.
  const rogue = createCa('Rogue CA');
  const forged = issueCertificate(rogue, 'ClientX', 'client');
  writeFileSync(join(certsDir, 'rogue.crt'), forged.cert);
  writeFileSync(join(certsDir, 'rogue.key'), forged.key);
  // A certificate from the registry's own CA that expired yesterday.
  const ca = { cert: readFileSync(join(certsDir, 'ca.crt'), 'utf8'), key: readFileSync(join(certsDir, 'ca.key'), 'utf8') };
  const expired = issueCertificate(ca, 'ClientX', 'client', { notBefore: new Date(Date.now() - 10 * 86400_000), days: 9 });
  writeFileSync(join(certsDir, 'expired.crt'), expired.cert);
  writeFileSync(join(certsDir, 'expired.key'), expired.key);
  return certsDir;
}

export interface TestRegistry {
  registry: Registry;
  config: Config;
  clock: ManualClock;
  /** Scratch directory (the database), removed by close(). */
  dir: string;
  /** Where the server log and any evidence of this registry go: kept until the run's secret scan. */
  artifacts: string;
  logFile: string;
  connect(certName?: string | null, opts?: { timeout?: number }): Promise<EppClient>;
  /** Connects with the account's certificate and logs in; the response must be 1000. */
  login(clID: string, opts?: { objURIs?: string[]; extURIs?: string[] }): Promise<EppClient>;
  close(): Promise<void>;
}

export async function startTestRegistry(overrides: (c: Config) => void = () => {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'epp-test-'));
  const certs = testCerts();
  const config = defaultConfig(REPO_ROOT);
  // On PostgreSQL (REGISTRY_TEST_STORE=postgres) a database of its own on the run's cluster, else a SQLite file.
  const pgDatabase = onPostgres ? await newTestDatabase() : undefined;
  config.database = pgDatabase?.url ?? join(dir, 'registry.sqlite');
  config.certsDir = certs;
  config.tls = { cert: join(certs, 'server.crt'), key: join(certs, 'server.key'), ca: join(certs, 'ca.crt'), crl: '' };
  config.devFixtures = true;
  config.epp.port = 0;
  config.epp.svID = 'Test Registry';
  // Zones are published by the tests that look at them (test/zone*.test.ts turn it on).
  config.zone = { ...config.zone, publish: false, dir: join(dir, 'zones') };
  overrides(config);
  const artifacts = newArtifactsDir(callerName());
  const logFile = join(artifacts, 'server.log');
  expectedArtifacts.push(logFile);
  const log = pino({ level: 'info' }, destination({ dest: logFile, sync: true }));
  const clock = new ManualClock(Date.now());
  const registry = await startRegistry(config, { clock, log });
  const t: TestRegistry = {
    registry,
    config,
    clock,
    dir,
    artifacts,
    logFile,
    connect: (certName = 'clientx', opts = {}) =>
      EppClient.connect({
        host: '127.0.0.1',
        port: registry.address.port,
        ca: join(certs, 'ca.crt'),
        cert: certName ? join(certs, `${certName}.crt`) : undefined,
        key: certName ? join(certs, `${certName}.key`) : undefined,
        servername: 'localhost',
        timeout: opts.timeout ?? 10000,
      }),
    async login(clID, opts = {}) {
      const c = await t.connect(clID.toLowerCase());
      const r = await c.request(loginXml(clID, PASSWORDS[clID], opts));
      const res = checkResponse(r);
      if (res.code !== 1000) throw new Error(`login of ${clID} failed: ${r}`);
      return c;
    },
    async close() {
      await registry.close();
      await pgDatabase?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The spec (or harness) file that called: names the registry's artifacts directory. */
function callerName(): string {
  const files = [...(new Error().stack ?? '').matchAll(/\/(test|fuzz|bench)\/([\w.-]+?)(?:\.test)?\.js/g)].map((m) => (m[1] === 'test' ? m[2] : `${m[1]}-${m[2]}`));
  return files.find((f) => f !== 'helpers') ?? 'registry';
}

export const ALL_OBJ_URIS = ['urn:ietf:params:xml:ns:domain-1.0', 'urn:ietf:params:xml:ns:contact-1.0', 'urn:ietf:params:xml:ns:host-1.0'];
export const ALL_EXT_URIS = [
  'urn:ietf:params:xml:ns:secDNS-1.1',
  'urn:ietf:params:xml:ns:rgp-1.0',
  'http://www.tcinet.ru/epp/tci-contact-ext-1.0',
  'http://www.tcinet.ru/epp/tci-domain-ext-1.0',
];

export function loginXml(
  clID: string,
  pw: string,
  opts: { objURIs?: string[]; extURIs?: string[]; newPW?: string; version?: string; lang?: string; clTRID?: string } = {},
): string {
  const obj = (opts.objURIs ?? ALL_OBJ_URIS).map((u) => `<objURI>${u}</objURI>`).join('');
  const ext = (opts.extURIs ?? ALL_EXT_URIS).map((u) => `<extURI>${u}</extURI>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0">
  <command>
    <login>
      <clID>${clID}</clID>
      <pw>${pw}</pw>${opts.newPW ? `<newPW>${opts.newPW}</newPW>` : ''}
      <options><version>${opts.version ?? '1.0'}</version><lang>${opts.lang ?? 'en'}</lang></options>
      <svcs>${obj}${ext ? `<svcExtension>${ext}</svcExtension>` : ''}</svcs>
    </login>
    <clTRID>${opts.clTRID ?? 'login-1'}</clTRID>
  </command>
</epp>`;
}

export function command(body: string, clTRID = 'ABC-12345'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command>${body}<clTRID>${clTRID}</clTRID></command></epp>`;
}

export const HELLO = '<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><hello/></epp>';
export const LOGOUT = command('<logout/>', 'logout-1');

// ---- response checking: every response the tests see is validated against schemas/ and the RFC reference copies

let ownValidator: XsdValidator | undefined;
let referenceValidator: XsdValidator | null | undefined;

const REFERENCE_DIR = join(REPO_ROOT, '../shared/reference');

function validators(): Array<[string, XsdValidator]> {
  ownValidator ??= compileSchemaSet(join(REPO_ROOT, 'schemas'));
  if (referenceValidator === undefined) {
    if (existsSync(join(REFERENCE_DIR, 'epp-xsd/epp-1.0.xsd'))) {
      const files: Record<string, string> = {};
      const ns: Record<string, string> = {};
      const add = (dir: string, file: string, uri: string) => {
        files[file] = join(REFERENCE_DIR, dir, file);
        ns[uri] = file;
      };
      add('epp-xsd', 'epp-1.0.xsd', 'urn:ietf:params:xml:ns:epp-1.0');
      add('epp-xsd', 'eppcom-1.0.xsd', 'urn:ietf:params:xml:ns:eppcom-1.0');
      add('epp-xsd', 'domain-1.0.xsd', 'urn:ietf:params:xml:ns:domain-1.0');
      add('epp-xsd', 'host-1.0.xsd', 'urn:ietf:params:xml:ns:host-1.0');
      add('epp-xsd', 'contact-1.0.xsd', 'urn:ietf:params:xml:ns:contact-1.0');
      add('epp-xsd', 'secDNS-1.1.xsd', 'urn:ietf:params:xml:ns:secDNS-1.1');
      add('epp-xsd', 'rgp-1.0.xsd', 'urn:ietf:params:xml:ns:rgp-1.0');
      add('ext-xsd', 'loginSec-1.0.xsd', 'urn:ietf:params:xml:ns:epp:loginSec-1.0');
      add('ext-xsd', 'changePoll-1.0.xsd', 'urn:ietf:params:xml:ns:changePoll-1.0');
      add('ext-xsd', 'fee-1.0.xsd', 'urn:ietf:params:xml:ns:epp:fee-1.0');
      add('ext-xsd', 'xmldsig-core-schema.xsd', 'http://www.w3.org/2000/09/xmldsig#');
      add('ext-xsd', 'mark-1.0.xsd', 'urn:ietf:params:xml:ns:mark-1.0');
      add('ext-xsd', 'signedMark-1.0.xsd', 'urn:ietf:params:xml:ns:signedMark-1.0');
      add('ext-xsd', 'launch-1.0.xsd', 'urn:ietf:params:xml:ns:launch-1.0');
      add('tci-xsd', 'tci-contact-ext-1.0.xsd', 'http://www.tcinet.ru/epp/tci-contact-ext-1.0');
      add('tci-xsd', 'tci-domain-ext-1.0.xsd', 'http://www.tcinet.ru/epp/tci-domain-ext-1.0');
      referenceValidator = compileSchemaFiles(files, ns);
    } else referenceValidator = null; // ../shared is absent: only our own schemas
  }
  const list: Array<[string, XsdValidator]> = [['schemas/', ownValidator]];
  if (referenceValidator) list.push(['shared/reference', referenceValidator]);
  return list;
}

export const NSMAP: Record<string, string> = {
  e: 'urn:ietf:params:xml:ns:epp-1.0',
  domain: 'urn:ietf:params:xml:ns:domain-1.0',
  host: 'urn:ietf:params:xml:ns:host-1.0',
  contact: 'urn:ietf:params:xml:ns:contact-1.0',
  fee: 'urn:ietf:params:xml:ns:epp:fee-1.0',
  launch: 'urn:ietf:params:xml:ns:launch-1.0',
  smd: 'urn:ietf:params:xml:ns:signedMark-1.0',
  mark: 'urn:ietf:params:xml:ns:mark-1.0',
  secDNS: 'urn:ietf:params:xml:ns:secDNS-1.1',
  rgp: 'urn:ietf:params:xml:ns:rgp-1.0',
  tci: 'http://www.tcinet.ru/epp/tci-contact-ext-1.0',
  tcidom: 'http://www.tcinet.ru/epp/tci-domain-ext-1.0',
  loginSec: 'urn:ietf:params:xml:ns:epp:loginSec-1.0',
  changePoll: 'urn:ietf:params:xml:ns:changePoll-1.0',
};

export interface CheckedResponse {
  xml: string;
  code: number;
  msg: string;
  svTRID: string;
  clTRID?: string;
  /** Text of the first node matching the XPath (prefixes of NSMAP), or undefined. */
  text(xpath: string): string | undefined;
  /** Texts of all nodes matching the XPath. */
  texts(xpath: string): string[];
  count(xpath: string): number;
}

/** Validates a response against both schema sets and reads its result; throws when it is not valid EPP. */
export function checkResponse(xml: string): CheckedResponse {
  const doc = XmlDocument.fromString(xml);
  try {
    for (const [name, v] of validators()) {
      try {
        v.validate(doc);
      } catch (e) {
        throw new Error(`response does not validate against ${name}: ${(e as Error).message}\n${xml}`);
      }
    }
  } finally {
    doc.dispose();
  }
  const get = (xp: string) => {
    const d = XmlDocument.fromString(xml);
    try {
      return d.find(xp, NSMAP).map((n) => n.content);
    } finally {
      d.dispose();
    }
  };
  return {
    xml,
    code: Number(get('/e:epp/e:response/e:result/@code')[0]),
    msg: get('/e:epp/e:response/e:result/e:msg')[0],
    svTRID: get('/e:epp/e:response/e:trID/e:svTRID')[0],
    clTRID: get('/e:epp/e:response/e:trID/e:clTRID')[0],
    text: (xp) => get(xp)[0],
    texts: (xp) => get(xp),
    count: (xp) => get(xp).length,
  };
}

/** Sends a command and returns the checked response. */
export async function send(c: EppClient, xml: string): Promise<CheckedResponse> {
  return checkResponse(await c.request(xml));
}

export function readLog(t: TestRegistry): string {
  return existsSync(t.logFile) ? readFileSync(t.logFile, 'utf8') : '';
}
