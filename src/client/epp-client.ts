import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { FrameReader, frame } from '../transport/framing.js';

export interface ClientOptions {
  host: string;
  port: number;
  /** CA certificate file (PEM) that signed the server's certificate. */
  ca?: string;
  /** Client certificate and key files (PEM). */
  cert?: string;
  key?: string;
  servername?: string;
  /** How long to wait for any one frame, in ms. */
  timeout?: number;
  /** Largest frame accepted from the server. */
  maxFrameBytes?: number;
  /** Verify the server certificate against `ca` (default true). */
  verifyServer?: boolean;
}

/**
 * A minimal EPP client over TLS (RFC 5734): its own framing, no knowledge of the server's code. Used by
 * the OT&E runner, the benchmark and the tests, i.e. the way a registrar's software talks to the registry.
 */
export class EppClient {
  readonly greeting: string;
  private readonly frames: string[] = [];
  private readonly waiters: Array<{ resolve: (s: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  private ended: Error | null = null;
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: tls.TLSSocket,
    greeting: string,
    private readonly timeout: number,
  ) {
    this.greeting = greeting;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(opts: ClientOptions): Promise<EppClient> {
    const timeout = opts.timeout ?? 15000;
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: opts.host,
        port: opts.port,
        ca: opts.ca ? readFileSync(opts.ca) : undefined,
        cert: opts.cert ? readFileSync(opts.cert) : undefined,
        key: opts.key ? readFileSync(opts.key) : undefined,
        servername: opts.servername ?? (/^[\d.:]+$/.test(opts.host) ? undefined : opts.host),
        rejectUnauthorized: opts.verifyServer ?? true,
        minVersion: 'TLSv1.2',
      });
      const reader = new FrameReader(opts.maxFrameBytes ?? 16 * 1024 * 1024);
      let client: EppClient | null = null;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no greeting within the timeout'));
      }, timeout);
      socket.on('data', (chunk: Buffer) => {
        for (const ev of reader.push(chunk)) {
          if ('error' in ev) {
            socket.destroy(new Error(`framing error from server: ${ev.error}`));
            return;
          }
          const xml = ev.frame.toString('utf8');
          if (!client) {
            clearTimeout(timer);
            client = new EppClient(socket, xml, timeout);
            resolve(client);
          } else client.deliver(xml);
        }
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        if (client) client.fail(e);
        else reject(e);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        if (client) client.fail(new Error('connection closed by server'));
        else reject(new Error('connection closed before the greeting'));
      });
    });
  }

  private deliver(xml: string): void {
    const w = this.waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      w.resolve(xml);
    } else this.frames.push(xml);
  }

  private fail(e: Error): void {
    if (!this.ended) this.ended = e;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(e);
    }
  }

  /** The next frame from the server. */
  next(): Promise<string> {
    const f = this.frames.shift();
    if (f !== undefined) return Promise.resolve(f);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.timer === timer);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error('no response within the timeout'));
      }, this.timeout);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  /** Sends one EPP document and waits for its response. */
  async request(xml: string): Promise<string> {
    this.write(frame(xml));
    return this.next();
  }

  /** Writes raw bytes (framing tests). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  get isClosed(): boolean {
    return this.ended !== null || this.socket.destroyed;
  }

  close(): Promise<void> {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    return this.closed;
  }
}
