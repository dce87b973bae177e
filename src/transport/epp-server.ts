import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { pemCertificates, type Config } from '../config.js';
import type { EppDoor } from '../epp/door.js';
import { buildResponse } from '../protocol/response.js';
import { parseCrl } from '../registry/crl.js';
import { normalSerial } from '../registry/signed-mark.js';
import { Session, type SessionTable } from '../session/session.js';
import { FrameReader, frame } from './framing.js';

/** TLS 1.2 AEAD suites with forward secrecy; TLS 1.3 suites are all AEAD and stay at Node's defaults. */
const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');
const TLS13_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
/** The cipher list the EPP server offers (also used by the benchmark's bare-TLS baseline). */
export const EPP_CIPHERS = `${TLS13_CIPHERS}:${TLS12_CIPHERS}`;

/** The certificate, key, CA and CRL files read now, with the protocol and cipher policy (TLS 1.2+, AEAD only). */
function secureContextOptions(files: Config['tls']): tls.SecureContextOptions {
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ca: readFileSync(files.ca),
    // Node reads only the first CRL of a PEM buffer: pass each one (a CRL per CA of the client chains).
    crl: files.crl ? (readFileSync(files.crl, 'latin1').match(/-----BEGIN X509 CRL-----[^-]+-----END X509 CRL-----/g) ?? [readFileSync(files.crl)]) : undefined,
    minVersion: 'TLSv1.2',
    ciphers: EPP_CIPHERS,
    honorCipherOrder: true,
  };
}

/** Frames a client may have waiting for an answer before the server stops reading from it. */
const MAX_QUEUED_FRAMES = 16;
/** How long a connection being closed by the server may take to finish its command and flush. */
const CLOSE_GRACE_MS = 5000;

interface Connection {
  socket: tls.TLSSocket;
  session: Session;
  /** Frames are answered strictly in order; this is the tail of the chain. */
  work: Promise<void>;
  /** Frames received and not yet answered. */
  queued: number;
  idleTimer?: NodeJS.Timeout;
  sessionTimer?: NodeJS.Timeout;
  /** Runs until a successful <login>: a connection that never logs in is closed after epp.loginTimeout. */
  loginTimer?: NodeJS.Timeout;
}

/**
 * RFC 5734 EPP over TLS: asks every client for a certificate (the handshake completes without one, so that
 * the refusal comes as an EPP 2200 to <login>), sends the greeting, reads length-prefixed frames and
 * answers each in order, and closes idle, expired and failed sessions.
 */
export class EppServer {
  readonly server: tls.Server;
  private readonly connections = new Set<Connection>();
  private shuttingDown = false;

  constructor(
    private readonly config: Config,
    private readonly door: EppDoor,
    private readonly sessions: SessionTable,
    private readonly log: Logger,
    private readonly greeting: () => string,
  ) {
    this.server = tls.createServer({
      ...secureContextOptions(config.tls),
      requestCert: true,
      rejectUnauthorized: false,
      handshakeTimeout: config.epp.handshakeTimeout * 1000,
      // Each answer goes out at once: an EPP session is request/response, Nagle's delay buys nothing.
      noDelay: true,
    });
    this.server.on('secureConnection', (socket) => this.accept(socket));
    this.server.on('tlsClientError', (err, socket) => {
      log.info({ remote: socket.remoteAddress, err: err.message }, 'TLS handshake failed');
      // Node only reports a handshake timeout (and a failed handshake): without this, a connection that never
      // completes its handshake would stay open.
      socket.destroy();
    });
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as { address: string; port: number };
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  private accept(socket: tls.TLSSocket): void {
    const peer = socket.getPeerCertificate();
    const hasCert = !!peer && Object.keys(peer).length > 0;
    const session = new Session(
      randomBytes(6).toString('hex'),
      socket.remoteAddress ?? 'unknown',
      hasCert ? peer.fingerprint256 : null,
      hasCert && socket.authorized,
      hasCert && !socket.authorized ? String(socket.authorizationError) : null,
      hasCert && peer.valid_to ? new Date(peer.valid_to) : null,
    );
    const conn: Connection = { socket, session, work: Promise.resolve(), queued: 0 };
    this.connections.add(conn);
    this.log.info({ session: session.id, remote: session.remoteAddress, tls: socket.getProtocol(), cert: hasCert, certTrusted: session.certTrusted }, 'connection opened');
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    const reader = new FrameReader(this.config.epp.maxFrameBytes);
    this.resetIdle(conn);
    conn.sessionTimer = setTimeout(() => this.expire(conn, 'session lifetime reached'), this.config.epp.sessionTimeout * 1000);
    conn.sessionTimer.unref();
    // Counted from the end of the handshake, whatever arrives meanwhile: <hello>s, failed logins or a frame
    // trickled a byte at a time do not extend it (the idle timer, too, only restarts on a complete frame).
    conn.loginTimer = setTimeout(() => this.expire(conn, 'no login within the login timeout'), this.config.epp.loginTimeout * 1000);
    conn.loginTimer.unref();

    socket.on('data', (chunk: Buffer) => {
      if (session.closing) return;
      for (const ev of reader.push(chunk)) {
        if ('error' in ev) {
          session.closing = true;
          this.log.info({ session: session.id, err: ev.error }, 'framing error');
          const xml = buildResponse({ code: 2500, msg: `Framing error: ${ev.error}`, svTRID: `${this.config.roidSuffix}-FRAME-${Date.now()}` });
          conn.work = conn.work.then(() => this.send(conn, xml, true));
          return;
        }
        this.resetIdle(conn);
        conn.queued++;
        conn.work = conn.work.then(() => this.process(conn, ev.frame)).finally(() => {
          if (--conn.queued === 0 && socket.isPaused()) socket.resume();
        });
      }
      // A client that sends frames without reading the answers must not make the server buffer them
      // without end: stop reading until the queue is answered.
      if (conn.queued >= MAX_QUEUED_FRAMES) socket.pause();
    });
    socket.on('error', (err) => this.log.debug({ session: session.id, err: err.message }, 'socket error'));
    socket.on('close', () => this.closed(conn));
    socket.write(frame(this.greeting()));
  }

  private async process(conn: Connection, bytes: Buffer): Promise<void> {
    if (conn.session.closing || conn.socket.destroyed) return;
    let reply;
    try {
      reply = await this.door.handle(conn.session, bytes);
      if (conn.loginTimer && conn.session.loggedIn) {
        clearTimeout(conn.loginTimer);
        conn.loginTimer = undefined;
      }
    } catch (e) {
      // The door turns every failure into a response; reaching this is a bug, answered as 2400.
      this.log.error({ err: e, session: conn.session.id }, 'unhandled failure');
      reply = { xml: buildResponse({ code: 2400, svTRID: `${this.config.roidSuffix}-ERR-${Date.now()}` }), close: false };
    }
    await this.send(conn, reply.xml, reply.close);
  }

  private send(conn: Connection, xml: string, close: boolean): Promise<void> {
    return new Promise((resolve) => {
      if (conn.socket.destroyed) return resolve();
      if (close) {
        conn.session.closing = true;
        conn.socket.end(frame(xml), () => resolve());
        // A client that never reads must not keep the socket open.
        setTimeout(() => conn.socket.destroy(), CLOSE_GRACE_MS).unref();
      } else if (conn.socket.write(frame(xml))) {
        resolve(); // buffered below the high-water mark: the session's next frame may go on
      } else {
        // A client that does not read its answers: nothing more is processed for it until the socket drains.
        const done = () => {
          conn.socket.off('drain', done);
          conn.socket.off('close', done);
          resolve();
        };
        conn.socket.on('drain', done);
        conn.socket.on('close', done);
      }
    });
  }

  private resetIdle(conn: Connection): void {
    if (conn.idleTimer) {
      conn.idleTimer.refresh(); // restarts the same timer: no new one per frame
      return;
    }
    conn.idleTimer = setTimeout(() => this.expire(conn, 'idle timeout'), this.config.epp.idleTimeout * 1000);
    conn.idleTimer.unref();
  }

  /**
   * Timeouts close the session cleanly: the command in progress finishes, then the connection ends. A
   * client that does not read its answers would stall that forever, so the socket is destroyed after a
   * grace period in any case.
   */
  private expire(conn: Connection, reason: string): void {
    if (conn.session.closing) return;
    conn.session.closing = true;
    this.log.info({ session: conn.session.id, clID: conn.session.registrar?.clId, reason }, 'session closed by server');
    setTimeout(() => conn.socket.destroy(), CLOSE_GRACE_MS).unref();
    void conn.work.then(() => conn.socket.end());
  }

  private closed(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    clearTimeout(conn.idleTimer);
    clearTimeout(conn.sessionTimer);
    clearTimeout(conn.loginTimer);
    conn.session.ended = true;
    void this.sessions.remove(conn.session).catch((e: Error) => this.log.warn({ session: conn.session.id, error: e.message }, 'session not released from the shared count'));
    this.log.info({ session: conn.session.id, clID: conn.session.registrar?.clId }, 'connection closed');
  }

  /**
   * Reads the certificate, key, CA and CRL files again (operators replace them while the server runs; SIGHUP
   * for `registry serve`). New connections use them; an open session goes on unless the new CRL revokes its
   * client certificate: that one is ended (after the command in progress), as a login with it would now be
   * refused. New session-ticket keys, so that a TLS session established under the old files cannot be
   * resumed. Throws, leaving the current files in use, when one cannot be read or parsed.
   */
  reloadTls(): void {
    this.server.setSecureContext({ ...secureContextOptions(this.config.tls), ticketKeys: randomBytes(48) });
    this.log.info({ cert: this.config.tls.cert, ca: this.config.tls.ca, crl: this.config.tls.crl || null }, 'TLS certificate, CA and CRL files reloaded');
    if (this.config.tls.crl) {
      this.revocationCheck = this.endRevokedSessions().catch((e: Error) => this.log.error({ err: e.message }, 'open sessions not checked against the reloaded CRL'));
    }
  }

  /** Settles once the open sessions have been checked against the CRL last reloaded (tests). */
  revocationCheck: Promise<void> = Promise.resolve();

  /** Ends the sessions whose client certificate the CRL (tls.crl, signed by the tls.ca CA) revokes. */
  private async endRevokedSessions(): Promise<void> {
    const cas = pemCertificates(readFileSync(this.config.tls.ca, 'utf8'));
    const crl = await parseCrl(readFileSync(this.config.tls.crl), cas, 'the client CA (tls.ca)');
    const revoked = new Set(crl.revoked.map((r) => r.serial));
    for (const conn of this.connections) {
      const serial = conn.socket.getPeerCertificate()?.serialNumber;
      if (serial && revoked.has(normalSerial(serial))) this.expire(conn, 'client certificate revoked by the reloaded CRL');
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, lets in-flight commands finish, then closes every session. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(
      [...this.connections].map(async (c) => {
        c.session.closing = true;
        await c.work;
        c.socket.end();
        setTimeout(() => c.socket.destroy(), 2000).unref();
      }),
    );
    await stopped;
  }
}
