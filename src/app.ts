import { destination, pino, stdTimeFunctions, type Logger } from 'pino';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from './config.js';
import { TurnBatchedDestination } from './log-stream.js';
import { CommandRunner } from './commands/runner.js';
import { EppDoor } from './epp/door.js';
import type { Services } from './commands/types.js';
import { LANGUAGES } from './commands/session/login.js';
import { COMMAND_EXTENSION_URIS, OBJECT_URIS, offeredExtensionURIs, STANDARD_EXTENSION_URIS, TCI_EXTENSION_URIS } from './protocol/namespaces.js';
import { EppParser } from './protocol/parser.js';
import { buildGreeting } from './protocol/response.js';
import { compileSchemaSet } from './protocol/schema.js';
import { CLOCK_OFFSET_SETTING, REGISTRY_MODE_SETTING, OffsetClock, shareClock, systemClock, type Clock } from './registry/clock.js';
import { DueEventSchedule } from './registry/lifecycle.js';
import { LoginThrottle } from './session/login-throttle.js';
import { SessionTable } from './session/session.js';
import { SqliteStore } from './storage/sqlite/sqlite-store.js';
import { SharedDurability } from './storage/sqlite/shared-durability.js';
import { openStore } from './storage/open.js';
import { isPostgresUrl, PgStore } from './storage/postgres/pg-store.js';
import { redact } from './storage/postgres/pg-migrate.js';
import type { Store } from './storage/store.js';
import { ENVIRONMENTS, loadEnvironment, readEnvironment } from './ote/environment.js';
import { devCertPaths, ensureDevCerts } from './transport/dev-certs.js';
import { generateDevKeys } from './escrow/keys.js';
import { EppServer } from './transport/epp-server.js';
import { DEFAULT_HTTP_PORT, DEFAULT_RDAP_PORT, pemCertificates, tmchCaFile } from './config.js';
import { releaseSignedMarkSchema, useSignedMarkSchema } from './registry/signed-mark.js';
import { gitRevision, VERSION } from './version.js';
import { lockForServing } from './storage/sqlite/serve-lock.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { ZonePublisher } from './zone/publisher.js';
import { startRdapServer } from './rdap/server.js';
import { startRdapThread, type RdapThread } from './rdap/thread.js';
import { RegistryMetrics } from './ops/metrics.js';
import { CommandPacer } from './session/command-pacer.js';

export interface Registry {
  store: Store;
  services: Services;
  /** Runs commands; `execute` is the entry point of gateways such as the HTTP registrar API. */
  runner: CommandRunner;
  /** The EPP door (parse, picker, codecs) in front of the runner. */
  door: EppDoor;
  epp: EppServer;
  address: { host: string; port: number };
  /** The HTTP registrar API's address (absent when http.enabled is false). */
  http?: { host: string; port: number };
  /** The HTTP registrar API server itself (background work such as pending nameserver sets). */
  httpServer?: HttpServer;
  /** Writes the TLDs' zones after changes (zone.publish; SQLite stores only: it reads snapshots of the file). */
  zonePublisher?: ZonePublisher;
  /** The server's Prometheus metrics (GET /metrics on the HTTP listener). */
  metrics: RegistryMetrics;
  /** The RDAP service's address and base URL (absent when rdap.enabled is false), and the thread it runs on. */
  /** The RDAP service; `worker`: the thread it runs in (worker thread only: restarts counted, and a drill to end it). */
  rdap?: { host: string; port: number; baseUrl: string; thread: 'worker' | 'main'; worker?: RdapThread };
  tlds: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Said in the log at start (e.g. why development mode was not taken). */
  notes?: string[];
  clock?: Clock;
  log?: Logger;
  store?: Store;
}

/**
 * Starts the registry: opens (and migrates) the store, compiles the schemas once, loads the development
 * fixtures when configured, and listens for EPP over TLS.
 */
export async function startRegistry(config: Config, opts: StartOptions = {}): Promise<Registry> {
  // Asynchronous, buffered writes (one write per 8 KB of lines, and at least every second; see the timer
  // below): a write per line would cost every command a system call. Lines still buffered are flushed at
  // exit; a kill -9 may lose the last second of them (the audit trail in the database is the durable record).
  const sonic = opts.log ? undefined : destination({ dest: 1, sync: false, minLength: 8192 });
  const logStream = sonic && new TurnBatchedDestination(sonic);
  // ISO-8601 times (UTC), as operators read and grep them, not epoch milliseconds.
  const log = opts.log ?? pino({ level: config.logLevel, timestamp: stdTimeFunctions.isoTime }, logStream);
  // stdout gone (EPIPE: the reader went away): lines are lost from then on, but sonic-boom's flushSync, run
  // by pino at exit, would retry the failed write for ever and the process would never end.
  sonic?.on('error', () => (sonic.flushSync = () => {}));
  const devClock = !opts.clock && config.devFixtures ? new OffsetClock() : undefined;
  const clock = opts.clock ?? devClock ?? systemClock;
  log.info({ version: VERSION, revision: gitRevision(), node: process.version, development: config.devFixtures }, `registry ${VERSION} (${gitRevision()}) starting, ${config.devFixtures ? 'development mode: OT&E fixtures, development certificates and an adjustable clock' : 'production mode: no development fixtures'}`);
  for (const note of opts.notes ?? []) log.warn(note);
  if (config.devFixtures || !existsSync(config.tls.cert)) {
    const hadCa = existsSync(devCertPaths(config.certsDir).ca);
    ensureDevCerts(config.certsDir, []);
    if (!hadCa) log.warn({ dir: config.certsDir }, `development CA and server certificate generated in ${config.certsDir} (for development only: production sets tls.cert, tls.key and tls.ca)`);
  }
  // A development registry can make escrow deposits at once: the development key pairs beside the certificates
  // (what `registry escrow keys generate` writes, and where the escrow settings look by default).
  if (config.devFixtures) {
    const written = await generateDevKeys(config.certsDir, 'curve25519');
    if (written.length > 0) log.info({ files: written }, `development escrow keys written to ${config.certsDir}`);
  }
  const metrics = new RegistryMetrics();
  // One server per SQLite database, refused before anything is written (see serve-lock.ts).
  // PostgreSQL is meant for several servers on one database: no lock, no file.
  const onPostgres = isPostgresUrl(config.database);
  if (!opts.store && !onPostgres && config.database !== ':memory:') mkdirSync(dirname(config.database), { recursive: true });
  const serveLock = opts.store || onPostgres ? undefined : lockForServing(config.database);
  // Shared with the RDAP worker's read-only store: it answers a read once what it could have read is on disk.
  const durability = new SharedDurability();
  const store =
    opts.store ??
    openStore(config, {
      stats: metrics,
      backgroundCheckpoints: true,
      shared: durability,
      // Checkpoint trouble the store works around (a failing disk, the worker gone): the operator hears of it.
      warn: (msg, detail) => log.warn(detail, msg),
    });
  if (store instanceof SqliteStore) {
    // Read back from SQLite itself, so the log shows what the server really runs with: WAL, SQLite at NORMAL
    // or FULL, and whether the store syncs the WAL before a change is answered (see SqliteStore).
    const journalMode = store.db.pragma('journal_mode', { simple: true });
    const sqliteSynchronous = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][store.db.pragma('synchronous', { simple: true }) as number];
    const durability = store.syncsBeforeAnswer ? 'FULL' : 'NORMAL';
    log.info(
      { database: config.database, journalMode, sqliteSynchronous, durability },
      `database ${config.database}: journal_mode ${journalMode}, SQLite synchronous ${sqliteSynchronous}, durability ${durability}${store.syncsBeforeAnswer ? ' (WAL synced before any change is answered)' : ''}`,
    );
  }
  if (store instanceof PgStore) {
    const d = await store.describe();
    const shown = redact(config.database);
    // FULL as on SQLite: an answered change has its commit record flushed to disk (synchronous_commit on;
    // remote_* as well, with a synchronous standby).
    const durability = ['on', 'remote_write', 'remote_apply'].includes(d.synchronousCommit) ? 'FULL' : 'NORMAL';
    log.info(
      { database: shown, store: 'postgres', postgres: d.server, synchronousCommit: d.synchronousCommit, isolation: d.isolation, durability },
      `database ${shown}: PostgreSQL ${d.server}, synchronous_commit ${d.synchronousCommit}, ${d.isolation} transactions, durability ${durability}`,
    );
  }
  // The database remembers which mode serves it, so that CLI commands (clock, escrow) know a development registry.
  await store.transaction((r) => r.settings.set(REGISTRY_MODE_SETTING, config.devFixtures ? 'development' : 'production'));
  if (config.devFixtures) {
    for (const name of Object.keys(ENVIRONMENTS)) {
      for (const change of await loadEnvironment(store, config.certsDir, readEnvironment(name), clock.now())) log.warn({ environment: name }, `OT&E fixtures: ${change}`);
    }
  }

  let extensionURIs: readonly string[] = [];
  let tlds: string[] = [];
  const refreshOffer = async () => {
    const list = await store.transaction((r) => r.tlds.list());
    tlds = list.map((t) => t.name);
    extensionURIs = offeredExtensionURIs(list.some((t) => t.policy.contactExtension === 'tci'));
  };
  await refreshOffer();
  const timers: NodeJS.Timeout[] = [];
  if (devClock) {
    const readOffset = async () => {
      const offset = Number((await store.transaction((r) => r.settings.get(CLOCK_OFFSET_SETTING))) ?? 0);
      if (offset === devClock.offsetMs) return;
      devClock.offsetMs = offset;
      log.info({ event: 'clockMoved', offsetMs: offset, registryTime: clock.now().toISOString() }, `registry clock: ${clock.now().toISOString()} (offset ${Math.round(offset / 1000)} s)`);
    };
    await readOffset();
    timers.push(setInterval(() => void readOffset().catch((e) => log.error({ err: e }, 'clock refresh failed')), 1000));
  }
  // Time-driven events (auto-renew, purge, transfer auto-approval) also happen when no command arrives; the
  // full sweep every 10 s also bounds how long a change written by another process can go unnoticed.
  // The registry's own changes (auto-renew, purge) get svTRIDs from the runner's sequence (made below).
  let runner: CommandRunner | undefined;
  // Every change the registry makes on its own gets a log line once committed.
  const dueEvents = new DueEventSchedule(
    () => runner!.nextSvTRID(),
    (e) => log.info({ event: e.event, object: e.object, at: e.at.toISOString() }, `registry ${e.event}: ${e.object}${e.detail ? ` ${e.detail}` : ''}`),
  );
  timers.push(
    setInterval(() => {
      dueEvents.forget();
      void store.transaction((r) => dueEvents.applyIfDue(r, clock.now())).then(() => dueEvents.committed(), (e) => {
        dueEvents.rolledBack();
        log.error({ err: e }, 'due events failed');
      });
    }, 10_000),
  );
  // TLDs added by the CLI (another process) are picked up without a restart.
  timers.push(setInterval(() => void refreshOffer().catch((e) => log.error({ err: e }, 'refresh failed')), 60_000));
  if (!opts.log) timers.push(setInterval(() => log.flush(), 1000));
  for (const t of timers) t.unref();

  const validator = compileSchemaSet(config.schemasDir);
  // Signed marks (sunrise creates) are checked against the same schema set.
  useSignedMarkSchema(validator);
  const parser = new EppParser(validator, new Set(COMMAND_EXTENSION_URIS));
  // PostgreSQL: session limits, failed logins and HTTP rates counted with the other server processes.
  const sharedLimits = store.sharedLimits(config.heartbeatSeconds * 1000);
  await sharedLimits?.start();
  // Per-registrar command-rate limits: read now, and again every 2 s (a `registrar set --rate` applies
  // without a restart). With several server processes each paces a registrar at its rate divided by the
  // processes alive, so that all together never exceed it.
  const pacer = new CommandPacer();
  const readRates = async () => {
    const processes = (await sharedLimits?.liveProcesses()) ?? 1;
    const registrars = await store.read((r) => r.registrars.list());
    pacer.setRates(registrars.map((r) => ({ id: r.id, commandRate: r.commandRate === null ? null : r.commandRate / processes })));
  };
  await readRates();
  const rateTimer = setInterval(() => void readRates().catch((e) => log.error({ err: e }, "rate refresh failed")), 2000);
  rateTimer.unref();
  timers.push(rateTimer);
  // The TMCH CA(s) signed marks must chain to (checked by loadConfig; development: ICANN's test CA).
  const tmchCa = tmchCaFile(config);
  const tmchCas = tmchCa === '' ? [] : pemCertificates(readFileSync(tmchCa, 'utf8'));
  if (tmchCa === '') log.info('no TMCH CA configured (tmch.ca): sunrise creates will be refused');
  else log.info({ file: tmchCa, certificates: tmchCas.map((c) => c.subject.replace(/\n/g, ', ')) }, `TMCH CA for signed marks: ${tmchCa}`);
  const services: Services = {
    store,
    clock,
    config,
    log,
    sessions: new SessionTable(sharedLimits),
    loginThrottle: LoginThrottle.over(sharedLimits),
    dueEvents,
    extensionURIs: () => extensionURIs,
    observer: metrics,
    pacer,
    tmchCas,
  };
  const greeting = () =>
    buildGreeting({ svID: config.epp.svID, svDate: clock.now(), langs: LANGUAGES, objURIs: OBJECT_URIS, extURIs: extensionURIs });
  runner = new CommandRunner(services);
  const door = new EppDoor(runner, parser, greeting);
  const epp = new EppServer(config, door, services.sessions, log, greeting);
  const address = await epp.listen(config.epp.host, config.epp.port);
  log.info({ host: address.host, port: address.port, tlds }, `EPP server listening on ${address.host}:${address.port}, serving ${tlds.join(', ') || 'no TLDs yet'}`);

  // The HTTP registrar API: a second door onto the same runner. An ephemeral EPP port (0: tests, throwaway
  // instances) makes the default HTTP port ephemeral too, so that such instances never contend for 7080.
  let httpServer: HttpServer | undefined;
  let rdapServer: { host: string; port: number; baseUrl: string; thread: 'worker' | 'main'; readonly listening: boolean; worker?: RdapThread; close(): Promise<void> } | undefined;
  let stopping = false;
  // GET /readyz: each check is real and cheap; null when fine.
  const readiness = async (): Promise<Record<string, string | null>> => {
    const database = withTimeout(
      store.transaction((r) => r.settings.set('ops.readyz', clock.now().toISOString())),
      2000,
      'no write committed within 2 s',
    ).then(
      () => null,
      (e: Error) => `not writable: ${e.message}`,
    );
    const hello = parser.parse(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><hello/></epp>'));
    return {
      database: await database,
      schemas: hello.ok && hello.message.kind === 'hello' ? null : 'the EPP schema set does not validate a <hello>',
      epp: stopping ? 'stopping' : epp.server.listening ? null : 'not listening',
      rdap: !config.rdap.enabled ? null : rdapServer?.listening ? null : 'not listening',
    };
  };
  metrics.setSources({
    sessionsByRegistrar: () => services.sessions.byClId(),
    connections: () => epp.connectionCount,
    pollQueues: () =>
      store.read(async (r) => {
        const depths = new Map<string, number>();
        for (const reg of await r.registrars.list()) depths.set(reg.clId, await r.poll.count(reg.id));
        return depths;
      }),
  });
  if (config.http.enabled) {
    const httpConfig = config.epp.port === 0 && config.http.port === DEFAULT_HTTP_PORT ? { ...config, http: { ...config.http, port: 0 } } : config;
    try {
      httpServer = await startHttpServer({
        config: httpConfig,
        store,
        runner,
        clock,
        log,
        sharedLimits,
        epp: () => ({ host: address.host, port: address.port, tlds, extensions: extensionURIs }),
        ops: {
          readiness,
          metrics: async () => ({ contentType: metrics.contentType, text: await metrics.text() }),
          metricsAllow: config.http.metricsAllow,
          requestDone: (method, route, status) => metrics.httpRequest(method, route, status),
        },
      });
    } catch (e) {
      for (const t of timers) clearInterval(t);
      await epp.close();
      throw e;
    }
    log.info({ host: httpServer.host, port: httpServer.port }, `HTTP registrar API listening on http://${httpServer.host}:${httpServer.port}/api/v1/registrar/v1`);
  }
  let zonePublisher: ZonePublisher | undefined;
  // The zone is read from a snapshot of its own (a SQLite file or the PostgreSQL database), not from a store handed in.
  if (config.zone.publish && !opts.store && config.database !== ':memory:') {
    zonePublisher = new ZonePublisher({ store, database: config.database, zone: config.zone, clock, log });
    zonePublisher.start();
    log.info({ dir: config.zone.dir, interval: config.zone.interval }, `zones published in ${config.zone.dir} (at most every ${config.zone.interval} s per TLD)`);
  }

  // RDAP: read-only, never on the EPP thread when it can be helped: in a worker thread of its own (its own
  // read-only store on the same database file, the clock and the durability counters in shared memory).
  // An in-memory database or a store handed in cannot be opened from another thread, nor a clock that is
  // not shareable: RDAP then runs here, as one more door. Ephemeral like the HTTP API's port when the EPP
  // port is.
  if (config.rdap.enabled) {
    const rdapConfig = config.epp.port === 0 && config.rdap.port === DEFAULT_RDAP_PORT ? { ...config, rdap: { ...config.rdap, port: 0 } } : config;
    // The read saw an event due in the database: whatever the schedule remembers, sweep.
    const applyDueEvents = () => {
      dueEvents.forget();
      return store.transaction((r) => dueEvents.applyIfDue(r, clock.now())).then(
        () => dueEvents.committed(),
        (e) => {
          dueEvents.rolledBack();
          throw e;
        },
      );
    };
    const sharedClock = shareClock(clock);
    try {
      if (!opts.store && config.database !== ':memory:' && sharedClock) {
        const worker = await startRdapThread({
          config: rdapConfig,
          clock: sharedClock,
          durability: durability.cells,
          log,
          applyDueEvents,
          requestDone: (type, status, n) => metrics.rdapRequest(type, status, n),
        });
        rdapServer = { host: worker.host, port: worker.port, baseUrl: worker.baseUrl, thread: 'worker', worker, close: worker.close, get listening() { return worker.listening; } };
      } else {
        const inThread = await startRdapServer({ config: rdapConfig, store, clock, log, applyDueEvents, requestDone: (type, status) => metrics.rdapRequest(type, status) });
        rdapServer = { host: inThread.host, port: inThread.port, baseUrl: inThread.baseUrl, thread: 'main', close: inThread.close, get listening() { return inThread.app.server.listening; } };
        log.warn('RDAP runs on the EPP thread (an in-memory database, a store or clock that another thread cannot open)');
      }
    } catch (e) {
      for (const t of timers) clearInterval(t);
      await httpServer?.close();
      await epp.close();
      throw e;
    }
    log.info({ host: rdapServer.host, port: rdapServer.port, baseUrl: rdapServer.baseUrl, thread: rdapServer.thread }, `RDAP service listening on ${rdapServer.host}:${rdapServer.port}, base URL ${rdapServer.baseUrl}, in the ${rdapServer.thread === 'worker' ? 'worker thread of its own' : 'main thread'}`);
  }
  log.flush(); // whoever waits for "listening" (an operator, a supervisor, a test) sees it at once

  return {
    store,
    services,
    runner,
    door,
    epp,
    address,
    http: httpServer && { host: httpServer.host, port: httpServer.port },
    httpServer,
    zonePublisher,
    metrics,
    rdap: rdapServer && { host: rdapServer.host, port: rdapServer.port, baseUrl: rdapServer.baseUrl, thread: rdapServer.thread, worker: rdapServer.worker },
    get tlds() {
      return tlds;
    },
    async close() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      await rdapServer?.close();
      await httpServer?.close();
      await zonePublisher?.close();
      await epp.close();
      await services.sessions.released();
      await sharedLimits?.stop();
      await store.close();
      serveLock?.release();
      parser.dispose();
      releaseSignedMarkSchema(validator);
      validator.dispose();
      log.info('registry stopped');
      // Buffered lines are written before close() returns (the caller may exit the process next), but not
      // waited for past a second (a stdout nobody reads any more).
      if (logStream) {
        await new Promise<void>((resolve) => {
          logStream.flush(() => resolve());
          setTimeout(resolve, 1000).unref();
        });
        logStream.detach();
      }
    },
  };
}

/** `p`, or a rejection with `message` after `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
