/**
 * The load side of test/many-sessions.test.ts, in its own process so that the server under test does not
 * share its event loop (or its file descriptors) with the clients. Driven over the IPC channel:
 *   open   → opens `count` TLS connections (at most `concurrency` handshakes at once), logs each one in,
 *            answers `opened` with the result codes;
 *   sample → sends a <domain:check> on every `every`-th session, answers `sampled` with the codes;
 *   close  → closes every connection, answers `closed` once all are closed, then exits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { FrameReader, frame } from '../../src/transport/framing.js';

export type ToClient =
  | { type: 'open'; port: number; certsDir: string; certName: string; clID: string; password: string; count: number; concurrency: number }
  | { type: 'sample'; every: number }
  | { type: 'close' };

export type FromClient =
  | { type: 'opened'; ms: number; codes: Record<string, number>; errors: string[] }
  | { type: 'sampled'; codes: Record<string, number>; examples: string[] }
  | { type: 'closed'; ms: number };

const TIMEOUT_MS = 60_000;

class Session {
  private readonly reader = new FrameReader(1 << 20);
  private waiting: ((xml: string) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;
  readonly closed: Promise<void>;

  constructor(readonly socket: tls.TLSSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      for (const ev of this.reader.push(chunk)) {
        if ('error' in ev) return void socket.destroy(new Error(ev.error));
        const w = this.waiting;
        this.waiting = this.failed = null;
        w?.(ev.frame.toString('utf8'));
      }
    });
    socket.on('error', (e) => this.failed?.(e));
    socket.on('close', () => this.failed?.(new Error('connection closed')));
  }

  /** The next frame; `xml`, when given, is sent first. */
  next(xml?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer in time')), TIMEOUT_MS);
      this.waiting = (x) => (clearTimeout(timer), resolve(x));
      this.failed = (e) => (clearTimeout(timer), reject(e));
      if (xml) this.socket.write(frame(xml));
    });
  }
}

const code = (xml: string) => /<result code="(\d{4})"/.exec(xml)?.[1] ?? 'none';
const count = (codes: Record<string, number>, c: string) => (codes[c] = (codes[c] ?? 0) + 1);

const sessions: Session[] = [];

async function open(m: Extract<ToClient, { type: 'open' }>): Promise<FromClient> {
  const started = Date.now();
  // One context for all connections: parsing the key and CA for each would cost more than the handshake.
  const secureContext = tls.createSecureContext({
    ca: readFileSync(join(m.certsDir, 'ca.crt')),
    cert: readFileSync(join(m.certsDir, `${m.certName}.crt`)),
    key: readFileSync(join(m.certsDir, `${m.certName}.key`)),
    minVersion: 'TLSv1.2',
  });
  const tlsOptions = { host: '127.0.0.1', port: m.port, secureContext, servername: 'localhost' };
  const login = `<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><login><clID>${m.clID}</clID><pw>${m.password}</pw><options><version>1.0</version><lang>en</lang></options><svcs><objURI>urn:ietf:params:xml:ns:domain-1.0</objURI></svcs></login><clTRID>flood-login</clTRID></command></epp>`;
  const codes: Record<string, number> = {};
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < m.count) {
      next++;
      try {
        const s = new Session(tls.connect(tlsOptions));
        sessions.push(s);
        await s.next(); // greeting
        count(codes, code(await s.next(login)));
      } catch (e) {
        count(codes, 'error');
        if (errors.length < 5) errors.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  return { type: 'opened', ms: Date.now() - started, codes, errors };
}

async function sample(every: number): Promise<FromClient> {
  const codes: Record<string, number> = {};
  const examples: string[] = [];
  await Promise.all(
    sessions
      .filter((_, i) => i % every === 0)
      .map(async (s, i) => {
        try {
          const xml = await s.next(
            `<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>flood-${i}.tatar</domain:name></domain:check></check><clTRID>flood-check-${i}</clTRID></command></epp>`,
          );
          count(codes, code(xml));
          if (examples.length < 3) examples.push(xml);
        } catch {
          count(codes, 'error');
        }
      }),
  );
  return { type: 'sampled', codes, examples };
}

async function close(): Promise<FromClient> {
  const started = Date.now();
  for (const s of sessions) s.socket.end();
  await Promise.all(sessions.map((s) => s.closed));
  return { type: 'closed', ms: Date.now() - started };
}

process.on('message', (m: ToClient) => {
  const reply = (r: FromClient, then?: () => void) => process.send!(r, undefined, {}, () => then?.());
  if (m.type === 'open') void open(m).then((r) => reply(r));
  else if (m.type === 'sample') void sample(m.every).then((r) => reply(r));
  else if (m.type === 'close') void close().then((r) => reply(r, () => process.disconnect()));
});
// The test's process going away ends this one too.
process.on('disconnect', () => process.exit(0));
