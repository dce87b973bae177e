import { execFile } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../registry/clock.js';
import type { Store } from '../storage/store.js';
import { publishZone, zoneFile, type ZoneWriteJob } from './publish.js';
import type { ZoneWriteResult } from './writer.js';

export interface PublisherOptions {
  store: Store;
  /** The SQLite file the worker reads its snapshots from. */
  database: string;
  zone: Config['zone'];
  clock: Clock;
  log: Logger;
}

/** Most seconds a reload command may run before it is killed (and counted as failed). */
const RELOAD_TIMEOUT_MS = 30_000;

/**
 * `serve`'s zone publisher. Every second it reads each TLD's change counter (kept by triggers, so changes
 * made by any process count: EPP, HTTP, the CLI, due events); a TLD whose zone is stale, never written, or
 * written elsewhere is written again once `zone.interval` seconds have passed since its last publication
 * here (the first one at start goes at once). Zones are written one at a time by a worker thread; after each,
 * `zone.reloadCommand` tells the DNS server, and a failed reload is tried again at the next tick.
 */
export class ZonePublisher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private closed = false;
  private worker: Worker | null = null;
  private job: { out: string; resolve: (r: ZoneWriteResult) => void; reject: (e: Error) => void } | null = null;
  /** performance.now() of each TLD's last publication by this process. */
  private readonly lastAt = new Map<string, number>();
  private readonly reloadPending = new Map<string, ZoneWriteResult>();

  constructor(private readonly o: PublisherOptions) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), Math.min(1000, this.o.zone.interval * 1000));
    this.timer.unref();
    this.tick();
  }

  /** Runs one round unless one is running; resolves when the round in progress (or this one) ends. */
  tick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.round()
      .catch((e) => this.o.log.error({ err: (e as Error).message }, 'zone publication failed'))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    const states = await this.o.store.transaction((r) => r.zone.states());
    for (const s of states) {
      if (this.closed) return;
      const file = zoneFile(this.o.zone.dir, s.tld);
      const stale = !s.published || s.published.changes !== s.changes || s.published.file !== file;
      const last = this.lastAt.get(s.tld);
      if (stale && (last === undefined || performance.now() - last >= this.o.zone.interval * 1000)) {
        this.lastAt.set(s.tld, performance.now());
        let result: ZoneWriteResult;
        try {
          result = await publishZone(this.o.store, { database: this.o.database, tld: s.tld, out: file, now: this.o.clock.now().getTime() }, (job) => this.write(job));
        } catch (e) {
          if (this.closed) return;
          this.o.log.error({ tld: s.tld, err: (e as Error).message }, `zone of .${s.tld} not written: ${(e as Error).message}`);
          continue;
        }
        this.o.log.info(
          { tld: s.tld, serial: result.serial, bytes: result.bytes, delegations: result.delegations, ms: Math.round(result.durationMs) },
          `zone of .${s.tld} written: serial ${result.serial}, ${result.delegations} delegations, ${result.bytes} bytes`,
        );
        if (this.o.zone.reloadCommand) this.reloadPending.set(s.tld, result);
      }
      const pending = this.reloadPending.get(s.tld);
      if (pending && !this.closed) {
        if (await this.reload(pending)) this.reloadPending.delete(s.tld);
      }
    }
  }

  private write(job: ZoneWriteJob): Promise<ZoneWriteResult> {
    if (!this.worker) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: { ok: true; result: ZoneWriteResult } | { ok: false; error: string }) => {
        const j = this.job;
        this.job = null;
        if (m.ok) j?.resolve(m.result);
        else j?.reject(new Error(m.error));
      });
      const gone = (e: Error) => {
        this.worker = null;
        this.job?.reject(e);
        this.job = null;
      };
      w.on('error', gone);
      w.on('exit', (code) => gone(new Error(`zone worker stopped (exit code ${code})`)));
      w.unref();
      this.worker = w;
    }
    const w = this.worker;
    return new Promise((resolve, reject) => {
      this.job = { out: job.out, resolve, reject };
      w.postMessage(job);
    });
  }

  /** Runs the reload command for a written zone; false (logged) when it fails. */
  private reload(r: ZoneWriteResult): Promise<boolean> {
    const fill = (s: string) => s.replaceAll('{tld}', r.tld).replaceAll('{file}', r.file).replaceAll('{serial}', String(r.serial));
    const command = fill(this.o.zone.reloadCommand);
    return new Promise((resolve) => {
      execFile(
        '/bin/sh',
        ['-c', command],
        { timeout: RELOAD_TIMEOUT_MS, env: { ...process.env, ZONE_TLD: r.tld, ZONE_FILE: r.file, ZONE_SERIAL: String(r.serial) } },
        (err, stdout, stderr) => {
          if (err) {
            this.o.log.error(
              { tld: r.tld, serial: r.serial, command, err: err.message, stderr: stderr.trim().slice(0, 500) },
              `zone reload of .${r.tld} failed (tried again in a second): ${err.message}`,
            );
            resolve(false);
            return;
          }
          this.o.log.info({ tld: r.tld, serial: r.serial, command, stdout: stdout.trim().slice(0, 500) }, `zone of .${r.tld} reloaded (serial ${r.serial})`);
          resolve(true);
        },
      );
    });
  }

  /** Stops: no new round; a zone being written is abandoned (the published file stays as it was). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const w = this.worker;
    const abandoned = this.job?.out;
    this.worker = null;
    if (w) await w.terminate();
    await this.running;
    // The abandoned zone's temporary file (the writer names it .<file>.<pid>.<random>.tmp beside the file).
    if (abandoned) {
      const prefix = `.${basename(abandoned)}.${process.pid}.`;
      for (const f of readdirSync(dirname(abandoned))) {
        if (f.startsWith(prefix) && f.endsWith('.tmp')) rmSync(join(dirname(abandoned), f), { force: true });
      }
    }
  }
}
