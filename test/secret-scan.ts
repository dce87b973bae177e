import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Suite, Test } from 'mocha';
import { artifactsRoot, expectedArtifacts, keepRunDirectory, removeRunDirectory, secrets } from './artifacts.js';

/**
 * Root-hook plugin (.mocharc.json "require"): after the whole run, every server log, evidence archive and
 * CLI transcript the tests kept (test/artifacts.ts) is searched for every password, authInfo value, token
 * and auth code the tests used. The requirement: none of them may be in a log or an archive.
 * Mocha runs every spec in this one process (no --parallel), so the recorded secrets are all here.
 */

/**
 * Values shorter than this are not looked for: RFC 5730 passwords are 6 to 16 characters, and shorter
 * strings (test inputs such as a blank authInfo) occur in ordinary text.
 */
const MIN_LENGTH = 6;

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * The strings whose presence means the secret leaked, or null when it is not looked for. A value of
 * letters only or digits only ("password", "12345678") is also an ordinary word or part of a number (a
 * log message about a password, a tax number), so it counts only as a whole value: XML element content or
 * a quoted string. Any other value counts wherever it appears: raw, XML-escaped, JSON-escaped, or both.
 */
export function leakForms(secret: string): string[] | null {
  if (secret.trim().length < MIN_LENGTH) return null;
  if (/^(?:[A-Za-z]+|\d+)$/.test(secret)) return [`>${secret}<`, `"${secret}"`, `'${secret}'`];
  return [...new Set([secret, xmlEscape(secret), jsonEscape(secret), jsonEscape(xmlEscape(secret))])];
}

export function findLeaks(text: string, secretList: Iterable<string>): string[] {
  const found: string[] = [];
  for (const s of secretList) if (leakForms(s)?.some((f) => text.includes(f))) found.push(s);
  return found;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Whether this run loaded every spec file and ran every test (not one file, not --grep). */
function wholeSuiteRan(root: Suite): boolean {
  const specDir = fileURLToPath(new URL('.', import.meta.url));
  const specs = readdirSync(specDir).filter((f) => f.endsWith('.test.js'));
  const loaded = new Set(root.suites.map((s) => s.file && basename(s.file)));
  const tests: Test[] = [];
  const walk = (s: Suite) => {
    tests.push(...s.tests);
    s.suites.forEach(walk);
  };
  walk(root);
  return specs.every((f) => loaded.has(f)) && tests.every((t) => t.state !== undefined || t.isPending());
}

/** Figures of a whole run are at least these (measured: see the README); a scan below them proves little. */
const WHOLE_RUN_MINIMUM = { files: 20, bytes: 1_000_000, secrets: 40 };

export const mochaHooks = {
  afterAll(this: Mocha.Context) {
    // The matcher itself: each form of a leak is found, and a word-like secret inside ordinary text is not.
    const probe = '<pw>hunterpw</pw> q-R7<s x&amp;y-Z9 {"k":"a\\"b-C3"} the password was wrong; TIN 7712345678; abc';
    const probed = findLeaks(probe, ['hunterpw', 'q-R7<s', 'x&y-Z9', 'a"b-C3', 'password', '12345678', 'abc']);
    if (probed.join() !== 'hunterpw,q-R7<s,x&y-Z9,a"b-C3') throw new Error(`secret scan: the matcher is broken (found ${probed.join()})`);

    const files = filesUnder(artifactsRoot());
    const scanned = new Set(files);
    const missing = expectedArtifacts.filter((f) => !scanned.has(f) || statSync(f).size === 0);
    const looked = [...secrets.keys()].filter((s) => leakForms(s) !== null);
    let bytes = 0;
    const leaks: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      bytes += text.length;
      for (const s of findLeaks(text, looked)) leaks.push(`${relative(artifactsRoot(), file)}: ${JSON.stringify(s)} (${secrets.get(s)})`);
    }
    const summary = `${files.length} files (${Math.round(bytes / 1024)} KiB), ${looked.length} secrets (${secrets.size - looked.length} too short to look for)`;
    if (leaks.length > 0) {
      keepRunDirectory();
      const more = leaks.length > 40 ? `\n  … and ${leaks.length - 40} more` : '';
      throw new Error(`secrets found in logs or evidence (kept in ${artifactsRoot()}):\n  ${leaks.slice(0, 40).join('\n  ')}${more}`);
    }
    removeRunDirectory();
    if (missing.length > 0) throw new Error(`secret scan: server logs missing or empty: ${missing.join(', ')}`);
    const root = this.test?.parent;
    if (root && wholeSuiteRan(root)) {
      const m = WHOLE_RUN_MINIMUM;
      if (files.length < m.files || bytes < m.bytes || looked.length < m.secrets) {
        throw new Error(`secret scan: a whole run must scan at least ${m.files} files, ${m.bytes} bytes and ${m.secrets} secrets; this one scanned ${summary}`);
      }
    }
    console.log(`  secret scan: no secret in ${summary}`);
  },
};
