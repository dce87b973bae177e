import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PASSWORDS, checkResponse, command, loginXml, send, startTestRegistry, testCerts, type TestRegistry } from './helpers.js';
import type { FromClient, ToClient } from './load/session-flood-client.js';

/**
 * Many concurrent logged-in sessions over TLS: the load comes from a separate process
 * (test/load/session-flood-client.ts), the server is this one. FLOOD_SESSIONS sets the number (README gives
 * the 10,000-session figures); the suite's default keeps this test within about 30 s on 2 cores.
 */
const REQUESTED = Number(process.env.FLOOD_SESSIONS ?? 1000);
/** Server RSS growth allowed with all sessions open: 32 MB + 128 KB a session (≈ 1.3 GB for 10,000; ≈ 63 KB a session measured). */
const maxRssGrowth = (sessions: number) => 32 * 1048576 + sessions * 128 * 1024;
/** JS heap (after a full GC) that may remain once all sessions are closed, compared with before: 4 MB + 1 KB/session. */
const maxHeapLeft = (sessions: number) => 4 * 1048576 + sessions * 1024;
const CLIENT_JS = join(fileURLToPath(new URL('.', import.meta.url)), 'load/session-flood-client.js');
const CLIENT_CERT = 'clientx';

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** A full garbage collection, then the heap in use: what the server still holds. */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** This process's open-files limit (soft, hard), from /proc; null where that is not readable. */
function openFilesLimit(): { soft: number; hard: number } | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line!.split(/\s+/).slice(3, 5).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
    return { soft, hard };
  } catch {
    return null;
  }
}

function openFiles(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 50;
  }
}

/** How many sessions fit: this process holds one descriptor per session; the client raises its own limit to its hard limit. */
function sessionsThatFit(): { count: number; why?: string } {
  const limit = openFilesLimit();
  if (!limit) return { count: REQUESTED };
  const room = limit.soft - openFiles() - 200;
  const clientRoom = Math.min(limit.hard, 1 << 20) - 200;
  const count = Math.min(REQUESTED, room, clientRoom);
  if (count >= REQUESTED) return { count };
  return { count, why: `ulimit -n is ${limit.soft} (hard ${limit.hard}) with ${openFiles()} files open: raise it (ulimit -n ${REQUESTED + 1000}) for ${REQUESTED}` };
}

class LoadClient {
  private readonly child: ChildProcess;
  private readonly replies: FromClient[] = [];
  private waiter: ((m: FromClient) => void) | null = null;
  readonly exited: Promise<number | null>;

  constructor() {
    // Through sh so that the client may raise its own open-files limit as far as the hard limit allows.
    this.child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, CLIENT_JS], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.on('message', (m: FromClient) => {
      const w = this.waiter;
      this.waiter = null;
      if (w) w(m);
      else this.replies.push(m);
    });
  }

  async ask<T extends FromClient['type']>(m: ToClient, expect: T): Promise<Extract<FromClient, { type: T }>> {
    this.child.send(m);
    const r = this.replies.shift() ?? (await new Promise<FromClient>((resolve) => (this.waiter = resolve)));
    if (r.type !== expect) throw new Error(`load client answered ${r.type}, not ${expect}`);
    return r as Extract<FromClient, { type: T }>;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

async function until(what: string, ms: number, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('many concurrent TLS sessions', function () {
  // About 10 ms a session on 2 cores (TLS handshake, login, its audit row); 4 times that is allowed.
  this.timeout(60_000 + REQUESTED * 40);
  let t: TestRegistry;
  let load: LoadClient | undefined;
  after(async () => {
    load?.kill();
    await t?.close();
  });

  it(`serves ${REQUESTED} logged-in sessions at once (FLOOD_SESSIONS) with bounded memory, and releases them all`, async () => {
    const { count, why } = sessionsThatFit();
    if (why) console.log(`      scaled down to ${count} sessions: ${why}`);
    expect(count, `no room for sessions: ${why}`).to.be.at.least(100);

    t = await startTestRegistry();
    const clientX = await t.registry.store.transaction(async (r) => {
      const x = (await r.registrars.byClId('ClientX'))!;
      await r.registrars.update(x.id, { maxSessions: count }, new Date());
      return x;
    });
    // A separate registrar's control session, open throughout.
    const control = await t.login('ClientY');
    const heapBefore = heapAfterGc();
    const rssBefore = process.memoryUsage().rss;

    load = new LoadClient();
    let controlAnswers = 0;
    let controlBad = 0;
    let controlSlowestMs = 0;
    let pinging = true;
    const pings = (async () => {
      while (pinging) {
        const sent = Date.now();
        const r = await send(control, command('<poll op="req"/>', 'control'));
        controlSlowestMs = Math.max(controlSlowestMs, Date.now() - sent);
        if (r.code === 1300) controlAnswers++;
        else controlBad++;
        await new Promise((res) => setTimeout(res, 250));
      }
    })();

    const opened = await load.ask(
      { type: 'open', port: t.registry.address.port, certsDir: testCerts(), certName: CLIENT_CERT, clID: 'ClientX', password: PASSWORDS.ClientX, count, concurrency: 100 },
      'opened',
    );
    const rssOpen = process.memoryUsage().rss;
    expect(opened.codes, `login results (errors: ${opened.errors.join('; ')})`).to.deep.equal({ '1000': count });
    expect(t.registry.epp.connectionCount).to.equal(count + 1);
    expect(t.registry.services.sessions.count(clientX.id)).to.equal(count);

    // While all are open: a sample of them still works, and so does the control session.
    const every = Math.max(1, Math.floor(count / 200));
    const sampled = await load.ask({ type: 'sample', every }, 'sampled');
    expect(sampled.codes).to.deep.equal({ '1000': Math.ceil(count / every) });
    for (const xml of sampled.examples) expect(checkResponse(xml).text('//domain:cd/domain:name/@avail')).to.equal('1');
    pinging = false;
    await pings;
    expect(controlBad).to.equal(0);
    expect(controlAnswers).to.be.at.least(1);
    expect(checkResponse(await control.request(command('<poll op="req"/>'))).code).to.equal(1300);
    // ClientX is at its cap: one more session is refused with 2502 (as in test/session.test.ts "session limit").
    const extra = await t.connect(CLIENT_CERT);
    expect((await send(extra, loginXml('ClientX', PASSWORDS.ClientX))).code).to.equal(2502);
    await extra.closed;

    const closed = await load.ask({ type: 'close' }, 'closed');
    expect(await load.exited).to.equal(0);
    await until('the server closes every load connection', 30_000, () => t.registry.epp.connectionCount === 1);
    await control.close();
    await until('the control connection is closed', 5000, () => t.registry.epp.connectionCount === 0);
    expect(t.registry.services.sessions.count(clientX.id)).to.equal(0);
    // PostgreSQL: the closed sessions' rows are deleted by queries still queued on the pool; measured after them.
    await t.registry.services.sessions.released();
    const rssAfter = process.memoryUsage().rss;
    const heapAfter = heapAfterGc();

    const perSessionKb = Math.round((rssOpen - rssBefore) / 1024 / count);
    console.log(
      `      ${count} sessions: opened and logged in in ${(opened.ms / 1000).toFixed(1)} s (${Math.round(count / (opened.ms / 1000))}/s), ` +
        `closed in ${(closed.ms / 1000).toFixed(1)} s; server RSS ${mb(rssBefore)} MB before, ${mb(rssOpen)} MB with all open ` +
        `(${perSessionKb} KB/session), ${mb(rssAfter)} MB after; JS heap after GC ${mb(heapBefore)} MB before, ${mb(heapAfter)} MB after (${heapAfter >= heapBefore ? '+' : ''}${Math.round((heapAfter - heapBefore) / 1024)} KB); ` +
        `control session answered ${controlAnswers} polls meanwhile (slowest ${controlSlowestMs} ms)`,
    );
    expect(rssOpen - rssBefore).to.be.below(maxRssGrowth(count));
    // Released: what the server still holds after all closed is not proportional to the sessions it served.
    expect(heapAfter - heapBefore).to.be.below(maxHeapLeft(count));
  });
});
