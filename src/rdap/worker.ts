import { pino } from 'pino';
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { sharedClock, type SharedClock } from '../registry/clock.js';
import { openStore } from '../storage/open.js';
import { SharedDurability } from '../storage/sqlite/shared-durability.js';
import { startRdapServer } from './server.js';
import type { FromRdapWorker, ToRdapWorker } from './thread.js';

/**
 * The RDAP worker thread (started by thread.ts): its own store opened read-only beside the server's, its own
 * fastify listener, the main thread's clock and durability counters in shared memory. It asks the main
 * thread only to sweep due events (a write, which only the server's store makes) and hands it its log lines
 * and request counts in batches, one message per turn of this thread's event loop (many requests under
 * load, one when quiet, so the metrics are current), so the EPP thread never runs a lookup.
 */
export interface RdapWorkerData {
  config: Config;
  clock: SharedClock;
  durability: Int32Array;
  logLevel: string;
}

const data = workerData as RdapWorkerData;
const port = parentPort!;
const post = (m: FromRdapWorker) => port.postMessage(m);

let lines: string[] = [];
const counts = new Map<string, number>();
let flushing = false;
const soon = () => {
  if (!flushing) (flushing = true), setImmediate(flush);
};
const log = pino({ level: data.logLevel }, { write: (line: string) => (lines.push(line), soon()) });
const flush = () => {
  flushing = false;
  if (lines.length > 0) post({ type: 'log', text: lines.join('') });
  lines = [];
  if (counts.size > 0) post({ type: 'requests', counts: [...counts].map(([k, n]) => [...(k.split(' ') as [string, string]), n]) });
  counts.clear();
};

let sweeps = 0;
const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

const store = openStore(data.config, { reader: true, shared: new SharedDurability(data.durability) });
try {
  const server = await startRdapServer({
    config: data.config,
    store,
    clock: sharedClock(data.clock),
    log,
    applyDueEvents: () =>
      new Promise<void>((resolve, reject) => {
        const id = ++sweeps;
        waiting.set(id, { resolve, reject });
        post({ type: 'sweep', id });
      }),
    requestDone: (type, status) => (counts.set(`${type} ${status}`, (counts.get(`${type} ${status}`) ?? 0) + 1), soon()),
  });
  port.on('message', (m: ToRdapWorker) => {
    if (m.type === 'swept') {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error === undefined) w?.resolve();
      else w?.reject(new Error(m.error));
      return;
    }
    // close: stop listening (requests in progress are answered), then the store; the thread then ends.
    void (async () => {
      await server.close();
      await store.close();
      flush();
      post({ type: 'closed' });
      port.close();
    })();
  });
  post({ type: 'listening', host: server.host, port: server.port, baseUrl: server.baseUrl });
} catch (e) {
  flush();
  await store.close().catch(() => {});
  post({ type: 'failed', error: (e as Error).message });
  port.close();
}
