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
  /** False while no worker serves (between a crash and its restart, or once closed). */
  readonly listening: boolean;
  /** The current worker's thread id (tests: it is not the main thread; a restart gives a new one). */
  readonly threadId: number;
  /** Workers started again after ending unexpectedly. */
  readonly restarts: number;
  /** Ends the current worker as a crash would (the restart drill of the tests); it is started again. */
  terminateWorker(): Promise<void>;
  close(): Promise<void>;
}

/** One worker: its address once listening, its exit, and an orderly close. */
interface Running {
  worker: Worker;
  address: { host: string; port: number; baseUrl: string };
  exited: Promise<number>;
  close(): Promise<void>;
}

/** Delay before starting a crashed worker again: 1 s, doubling with each failure in a row, at most 30 s. */
const restartDelay = (failures: number) => Math.min(30_000, 1000 * 2 ** failures);

/**
 * Starts the RDAP service in a worker thread of its own (worker.ts): the main thread, which runs EPP and the
 * HTTP API, only writes the worker's batched log lines, adds up its request counts, and runs a sweep of
 * due events when a lookup finds one (what the in-thread service did the same way). A worker that ends
 * without being asked to (an uncaught error, out of memory) is logged and started again on the same port,
 * after 1 s and up to 30 s when it keeps failing: RDAP is out for that long, EPP never.
 */
export async function startRdapThread(deps: RdapThreadDeps): Promise<RdapThread> {
  let current: Running | undefined = await spawn(deps, deps.config);
  const address = current.address;
  // A restart binds the port the first worker got (the configured one may be 0: any free port).
  const again: Config = { ...deps.config, rdap: { ...deps.config.rdap, port: address.port } };
  let closing = false;
  let restarts = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let threadId = current.worker.threadId;

  const watch = (r: Running) =>
    void r.exited.then((code) => {
      if (closing || current !== r) return;
      current = undefined;
      schedule(`RDAP worker ended unexpectedly (exit code ${code})`);
    });
  const schedule = (why: string) => {
    const delay = restartDelay(failures);
    deps.log.error({ event: 'rdapWorkerEnded', delayMs: delay }, `${why}: starting it again in ${delay} ms`);
    timer = setTimeout(() => {
      timer = undefined;
      if (closing) return;
      spawn(deps, again).then(
        (r) => {
          if (closing) return void r.close();
          current = r;
          threadId = r.worker.threadId;
          restarts++;
          failures = 0;
          deps.log.warn({ event: 'rdapWorkerRestarted', restarts }, `RDAP worker started again on ${r.address.host}:${r.address.port}`);
          watch(r);
        },
        (e: Error) => {
          failures++;
          schedule(`RDAP worker did not start again (${e.message})`);
        },
      );
    }, delay);
    timer.unref();
  };
  watch(current);

  return {
    ...address,
    get threadId() {
      return threadId;
    },
    get listening() {
      return current !== undefined;
    },
    get restarts() {
      return restarts;
    },
    async terminateWorker() {
      await current?.worker.terminate();
    },
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      const r = current;
      current = undefined;
      await r?.close();
    },
  };
}

/** Starts one worker with `config` and waits until it listens (or fails to). */
async function spawn(deps: RdapThreadDeps, config: Config): Promise<Running> {
  const data: RdapWorkerData = { config, clock: deps.clock, durability: deps.durability, logLevel: deps.log.level };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
  // The worker's lines go to the server log's own stream, as written (one write per batch).
  const stream = (deps.log as unknown as Record<symbol, { write(s: string): void }>)[symbols.streamSym];
  let closed: () => void = () => {};
  const exited = new Promise<number>((resolve) => worker.once('exit', (code) => resolve(code)));
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
    worker.once('exit', (code) => reject(new Error(`RDAP worker ended (exit code ${code}) before listening`)));
  });
  let address: { host: string; port: number; baseUrl: string };
  try {
    address = await started;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return {
    worker,
    address,
    exited,
    async close() {
      const bye = new Promise<void>((resolve) => (closed = resolve));
      worker.postMessage({ type: 'close' } satisfies ToRdapWorker);
      // Requests in progress are answered first; a worker that does not end within 5 s is stopped.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await Promise.race([bye.then(() => exited), exited]);
      clearTimeout(timer);
    },
  };
}
