import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { symbols } from 'pino';
import type { Config } from '../config.js';
import type { SharedClock } from '../registry/clock.js';
import type { RdapWorkerData } from './worker.js';

/** Messages of the RDAP worker (worker.ts) to the main thread, and back. */
export type FromRdapWorker =
  | { type: 'listening'; host: string; port: number; baseUrl: string }
  | { type: 'failed'; error: string }
  | { type: 'sweep'; id: number }
  | { type: 'log'; text: string }
  | { type: 'requests'; counts: Array<[string, string, number]> }
  | { type: 'closed' };
export type ToRdapWorker = { type: 'swept'; id: number; error?: string } | { type: 'close' };

export interface RdapThreadDeps {
  config: Config;
  clock: SharedClock;
  /** The server store's SharedDurability cells. */
  durability: Int32Array;
  log: Logger;
  /** The registry's sweep of due events, run on the main thread when the worker asks. */
  applyDueEvents: () => Promise<void>;
  requestDone?: (type: string, status: number, count: number) => void;
}

export interface RdapThread {
  host: string;
  port: number;
  baseUrl: string;
  /** False once the worker has ended (crashed, or closed). */
  readonly listening: boolean;
  /** The worker's thread id (tests: it is not the main thread). */
  threadId: number;
  close(): Promise<void>;
}

/**
 * Starts the RDAP service in a worker thread of its own (worker.ts): the main thread, which runs EPP and the
 * HTTP API, only writes the worker's batched log lines, adds up its request counts, and runs a sweep of
 * due events when a lookup finds one (what the in-thread service did the same way).
 */
export async function startRdapThread(deps: RdapThreadDeps): Promise<RdapThread> {
  const data: RdapWorkerData = { config: deps.config, clock: deps.clock, durability: deps.durability, logLevel: deps.log.level };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
  // The worker's lines go to the server log's own stream, as written (one write per batch).
  const stream = (deps.log as unknown as Record<symbol, { write(s: string): void }>)[symbols.streamSym];
  let alive = true;
  let closed: () => void = () => {};
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const started = new Promise<{ host: string; port: number; baseUrl: string }>((resolve, reject) => {
    worker.on('message', (m: FromRdapWorker) => {
      switch (m.type) {
        case 'listening':
          return resolve(m);
        case 'failed':
          return reject(new Error(m.error));
        case 'log':
          return stream?.write(m.text);
        case 'requests':
          for (const [type, status, n] of m.counts) deps.requestDone?.(type, Number(status), n);
          return;
        case 'sweep':
          return void deps.applyDueEvents().then(
            () => worker.postMessage({ type: 'swept', id: m.id } satisfies ToRdapWorker),
            (e: Error) => worker.postMessage({ type: 'swept', id: m.id, error: e.message } satisfies ToRdapWorker),
          );
        case 'closed':
          return closed();
      }
    });
    worker.once('error', (e) => {
      deps.log.error({ err: e }, 'RDAP worker failed');
      reject(e);
    });
    worker.once('exit', (code) => {
      alive = false;
      reject(new Error(`RDAP worker ended (exit code ${code}) before listening`));
    });
  });
  let address: { host: string; port: number; baseUrl: string };
  try {
    address = await started;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return {
    ...address,
    threadId: worker.threadId,
    get listening() {
      return alive;
    },
    async close() {
      if (!alive) return;
      const bye = new Promise<void>((resolve) => (closed = resolve));
      worker.postMessage({ type: 'close' } satisfies ToRdapWorker);
      // Requests in progress are answered first; a worker that does not end within 5 s is stopped.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await Promise.race([bye.then(() => ended), ended]);
      clearTimeout(timer);
      alive = false;
    },
  };
}
