import { expect } from 'chai';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import type { EppClient } from '../src/client/epp-client.js';
import { frame } from '../src/transport/framing.js';
import { HELLO, checkResponse, command, send, startTestRegistry, type TestRegistry } from './helpers.js';

const HANDSHAKE_S = 1;
const LOGIN_S = 2;
const IDLE_S = 5;

/** Milliseconds until `socket` closes, or null when it is still open after `limitMs` (it is then destroyed). */
function closeTime(socket: net.Socket, limitMs: number): Promise<number | null> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

/** Writes one byte of `bytes` every `everyMs` until the socket closes (a frame or handshake that never ends). */
function trickle(socket: net.Socket, bytes: Buffer, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(bytes.subarray(i % bytes.length, (i % bytes.length) + 1));
    i++;
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

function rawConnect(t: TestRegistry): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(t.registry.address.port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

const POLL = command('<poll op="req"/>', 'keepalive');

/**
 * Slow and stalled clients (slowloris): each is started at once on one server with short timeouts, while a
 * registrar's normal session keeps working beside them.
 */
describe('slow and stalled connections are dropped', function () {
  this.timeout(30000);
  let t: TestRegistry;
  let normal: EppClient;
  const normalAnswers: number[] = [];
  let keepalive: NodeJS.Timeout;
  const outcome: Record<string, Promise<number | null>> = {};

  before(async () => {
    t = await startTestRegistry((c) => {
      c.epp.handshakeTimeout = HANDSHAKE_S;
      c.epp.loginTimeout = LOGIN_S;
      c.epp.idleTimeout = IDLE_S;
    });
    normal = await t.login('ClientY');
    // Busy enough never to reach the idle timeout, and open well past the login timeout.
    keepalive = setInterval(() => void send(normal, POLL).then((r) => normalAnswers.push(r.code), () => normalAnswers.push(-1)), 1000);
    const limit = 15000;

    // Opens TCP and sends nothing: no ClientHello.
    outcome.silentTcp = rawConnect(t).then((s) => (s.resume(), closeTime(s, limit)));
    // Sends a TLS ClientHello record header and then one byte of it every 100 ms.
    outcome.partialClientHello = rawConnect(t).then((s) => {
      s.resume();
      trickle(s, Buffer.from('16030100c8010000c40303' + 'ab'.repeat(200), 'hex'), 100);
      return closeTime(s, limit);
    });
    // Completes TLS, reads the greeting, sends nothing.
    outcome.silentAfterTls = t.connect('clientx').then((c) => closeTime(c.socket, limit));
    // Completes TLS and trickles a frame a byte every 100 ms, never completing it (its header claims 2,000 bytes).
    outcome.tricklingBeforeLogin = t.connect('clientx').then((c) => {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(2000);
      c.write(header);
      trickle(c.socket, Buffer.from('<'), 100);
      return closeTime(c.socket, limit);
    });
    // Sends a complete <hello> every 500 ms (which restarts the idle timer) but never logs in.
    outcome.hellosWithoutLogin = t.connect('clientx').then((c) => {
      const timer = setInterval(() => void c.request(HELLO).catch(() => {}), 500);
      c.socket.once('close', () => clearInterval(timer));
      return closeTime(c.socket, limit);
    });
    // Logs in, then trickles a frame forever: bytes that never complete a frame do not restart the idle timer.
    outcome.tricklingAfterLogin = t.login('ClientX').then((c) => {
      const bytes = frame(POLL);
      c.write(bytes.subarray(0, 10));
      trickle(c.socket, bytes.subarray(10, 11), 100);
      return closeTime(c.socket, limit);
    });
    // Sends thousands of <hello>s and never reads the greetings: the server's writes stall; it must neither
    // buffer without end nor wait for them forever. The client keeps writing so that it notices the close.
    outcome.neverReads = t.connect('clientx').then((c) => {
      c.socket.pause();
      c.socket.on('error', () => {});
      c.write(Buffer.concat(Array.from({ length: 20000 }, () => frame(HELLO))));
      trickle(c.socket, frame(HELLO), 200);
      return closeTime(c.socket, limit);
    });
  });

  after(async () => {
    clearInterval(keepalive);
    await normal?.close();
    await t.close();
  });

  const within = async (name: string, lowMs: number, highMs: number) => {
    const ms = await outcome[name];
    expect(ms, `${name}: still open after 15 s`).to.not.equal(null);
    expect(ms!, name).to.be.within(lowMs, highMs);
  };

  it(`drops a TCP connection that never starts the TLS handshake (epp.handshakeTimeout ${HANDSHAKE_S} s)`, () => within('silentTcp', 500, 4000));
  it('drops a connection that trickles its ClientHello a byte at a time', () => within('partialClientHello', 500, 4000));
  it(`drops a connection that completes TLS but never sends a frame (epp.loginTimeout ${LOGIN_S} s)`, () => within('silentAfterTls', 1500, 4000));
  it('drops a connection that trickles a frame a byte at a time before login', () => within('tricklingBeforeLogin', 1500, 4000));
  it('drops a connection that sends <hello>s but never logs in, though it is never idle', () => within('hellosWithoutLogin', 1500, 4000));
  it(`drops a logged-in session that trickles a frame a byte at a time (epp.idleTimeout ${IDLE_S} s)`, () => within('tricklingAfterLogin', 4000, 8000));
  it('drops a connection that sends frames but never reads the answers', () => within('neverReads', 1500, 12000));

  it('keeps serving a normal session on the same server meanwhile, past the login timeout', async () => {
    await Promise.all(Object.values(outcome));
    expect(normalAnswers.length).to.be.at.least(4);
    expect(normalAnswers.every((c) => c === 1300)).to.equal(true);
    expect(normal.isClosed).to.equal(false);
    expect(checkResponse(await normal.request(POLL)).code).to.equal(1300);
    const fresh = await t.login('ClientX');
    await fresh.close();
  });
});

describe('epp.loginTimeout setting', () => {
  it('defaults to 60 s, is read from REGISTRY_LOGIN_TIMEOUT and refused when not a whole number of seconds from 1 to 3600', () => {
    const base = mkdtempSync(join(tmpdir(), 'epp-config-'));
    expect(loadConfig({ env: {}, base }).epp.loginTimeout).to.equal(60);
    expect(loadConfig({ env: { REGISTRY_LOGIN_TIMEOUT: '15', REGISTRY_HANDSHAKE_TIMEOUT: '3' }, base }).epp).to.include({ loginTimeout: 15, handshakeTimeout: 3 });
    expect(() => loadConfig({ env: { REGISTRY_LOGIN_TIMEOUT: '0' }, base })).to.throw(/epp.loginTimeout must be an integer from 1 to 3600/);
    expect(() => loadConfig({ env: { REGISTRY_LOGIN_TIMEOUT: '1.5' }, base })).to.throw(/epp.loginTimeout/);
  });
});
