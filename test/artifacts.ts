import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EppClient } from '../src/client/epp-client.js';
import { ENVIRONMENTS, readEnvironment } from '../src/ote/environment.js';

/**
 * What a test run keeps for the final secret scan (test/secret-scan.ts): one run-wide directory holding
 * every server log, evidence archive and CLI transcript the tests produce, and the secrets the tests used
 * (login passwords, new passwords, authInfo values, HTTP tokens and auth codes), recorded as they are sent
 * or received. The directory is removed when the process exits, unless the scan found a leak.
 */

let runDir: string | undefined;
let keep = false;

/** The run-wide directory (created on first use): `certs/` for the test PKI, `artifacts/` for what is scanned. */
export function runDirectory(): string {
  if (!runDir) {
    runDir = mkdtempSync(join(tmpdir(), 'epp-run-'));
    process.on('exit', () => {
      if (!keep) removeRunDirectory();
    });
  }
  return runDir;
}

export function artifactsRoot(): string {
  return join(runDirectory(), 'artifacts');
}

const labels = new Map<string, number>();
/** A new directory under artifacts/ named after `label` (e.g. the spec file), numbered. */
export function newArtifactsDir(label: string): string {
  const n = (labels.get(label) ?? 0) + 1;
  labels.set(label, n);
  const dir = join(artifactsRoot(), `${label}-${n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes `content` to artifacts/`relPath` for the scan; returns the file's path. */
export function keepArtifact(relPath: string, content: string): string {
  const file = join(artifactsRoot(), relPath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** Files that must exist and be non-empty when the scan runs (server logs): an empty log proves nothing. */
export const expectedArtifacts: string[] = [];

export function keepRunDirectory(): void {
  keep = true;
}

export function removeRunDirectory(): void {
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- secrets

/** Every secret value seen, with where it was first seen. */
export const secrets = new Map<string, string>();

export function recordSecret(value: string | undefined | null, source: string): void {
  if (typeof value !== 'string' || value === '') return;
  if (!secrets.has(value)) secrets.set(value, source);
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e],
  );
}

/** <pw>, <newPW>, <domain:pw>, <contact:pw> (any prefix) contents of an EPP document. */
export function recordEppSecrets(xml: string, source: string): void {
  for (const m of xml.matchAll(/<(?:[A-Za-z_][\w.-]*:)?(?:pw|newPW)(?:\s[^>]*)?>([^<]*)<\//g)) recordSecret(xmlText(m[1]), source);
}

/** HTTP API fields that hold secrets, at any depth of a JSON document. */
const SECRET_KEYS = new Set(['auth_code', 'token', 'password', 'authInfo']);
export function recordJsonSecrets(text: string | undefined, source: string): void {
  if (!text) return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return;
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (SECRET_KEYS.has(k) && typeof x === 'string') recordSecret(x, source);
        else walk(x);
      }
    }
  };
  walk(doc);
}

/** Secret-bearing arguments of a `registry` command line (--password, --token, --account, set-password). */
export function recordCliSecrets(args: string[]): void {
  args.forEach((a, i) => {
    if (a === '--password' || a === '--token') recordSecret(args[i + 1], `CLI ${a}`);
    if (a === '--account') recordSecret(args[i + 1]?.split(':')[1], 'CLI --account');
  });
  if (args[0] === 'registrar' && args[1] === 'set-password') recordSecret(args[3], 'CLI set-password');
}

// The passwords of the OT&E fixtures (ClientX, ClientY), which the tests and the OT&E runner log in with.
for (const name of Object.keys(ENVIRONMENTS)) for (const r of readEnvironment(name).registrars) recordSecret(r.password, `fixtures/ote ${name}`);

// Every EPP client of the test process (helpers, the OT&E runner, the CLI tests): what it sends and receives.
// Wrapping the client's own methods catches every path without a hook in the client itself.
const proto = EppClient.prototype as unknown as { write(b: Buffer): void; next(): Promise<string>; __secretsRecorded?: boolean };
if (!proto.__secretsRecorded) {
  proto.__secretsRecorded = true;
  const write = proto.write;
  proto.write = function (this: EppClient, bytes: Buffer) {
    recordEppSecrets(bytes.toString('utf8'), 'EPP request');
    return write.call(this, bytes);
  };
  const next = proto.next;
  proto.next = function (this: EppClient) {
    return next.call(this).then((xml) => {
      recordEppSecrets(xml, 'EPP response');
      return xml;
    });
  };
  // Every HTTP request of the test process (the tests' API client, the HTTP OT&E checklist): bearer tokens,
  // and the secret fields of request and response bodies.
  const fetch = globalThis.fetch;
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    recordSecret(/^Bearer\s+(\S+)/i.exec(headers.get('authorization') ?? '')?.[1], 'HTTP bearer token');
    if (typeof init?.body === 'string') recordJsonSecrets(init.body, 'HTTP request body');
    const res = await fetch(input, init);
    recordJsonSecrets(await res.clone().text(), 'HTTP response body');
    return res;
  };
}
