import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The registry's Prometheus metrics (GET /metrics on the HTTP listener), in a prom-client Registry of its own
 * (never the global default one, which any library in the process could fill).
 *
 * Cost per command: the hot paths (every command, every group commit, every WAL sync) only add to numbers
 * kept here (a Map lookup and a short bucket scan, ≈ 50 ns); prom-client reads them when scraped. Its own
 * labelled histograms cost ≈ 0.5 µs per observation (hashing the label set each time), used only for the
 * rarer events (HTTP and RDAP requests, login failures, pacing delays).
 */

/** Latency buckets in seconds: from a query answered at once (≈ 0.1 ms) to a create waiting behind a flood. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Commands per group commit (at most 256, see SqliteStore). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
/** WAL sync times in seconds (≈ 0.15–0.3 ms on a quiet disk). */
const SYNC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A histogram kept as plain numbers (no label hashing per observation), exposed to prom-client when scraped. */
class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    if (i < b.length) this.counts[i]++;
    this.sum += v;
    this.count++;
  }
  /** prom-client's value list of a histogram: cumulative buckets, +Inf, sum and count. */
  values(name: string, labels: Record<string, string | number>): Array<{ metricName: string; labels: Record<string, string | number>; value: number }> {
    const out = [];
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i];
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: this.bounds[i] }, value: acc });
    }
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: this.count });
    out.push({ metricName: `${name}_sum`, labels, value: this.sum });
    out.push({ metricName: `${name}_count`, labels, value: this.count });
    return out;
  }
}

/** A histogram metric over Buckets, one per label value, registered with prom-client as a custom metric. */
class LightHistogram {
  readonly type = 'histogram';
  private readonly series = new Map<string, Buckets>();
  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly label?: string,
  ) {
    registry.registerMetric(this as never);
  }
  /** The series of one label value (callers on hot paths keep it). */
  series_(value = ''): Buckets {
    let s = this.series.get(value);
    if (!s) this.series.set(value, (s = new Buckets(this.bounds)));
    return s;
  }
  get() {
    const values = [];
    for (const [v, b] of this.series) values.push(...b.values(this.name, this.label ? { [this.label]: v } : {}));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
  reset(): void {
    this.series.clear();
  }
}

interface CommandSeries {
  latency: Buckets;
  /** Result code → commands answered with it. */
  codes: Map<number, number>;
}

/** What the metrics read when scraped (sessions, queues): given by the app, which knows the live objects. */
export interface MetricSources {
  /** Open EPP sessions per logged-in registrar (clID → count). */
  sessionsByRegistrar(): Map<string, number>;
  /** EPP connections open, logged in or not. */
  connections(): number;
  /** Unacknowledged poll messages per registrar (clID → count). */
  pollQueues(): Promise<Map<string, number>>;
}

export class RegistryMetrics {
  readonly registry = new Registry();
  private readonly commands = new Map<string, CommandSeries>();
  private readonly commandLatency: LightHistogram;
  private readonly batchSizes: Buckets;
  private readonly syncTimes: Buckets;
  private readonly loginFailures: Counter<'code'>;
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly rdapRequests: Counter<'type' | 'status'>;
  private readonly pacedCommands: Counter<'registrar'>;
  private readonly pacingDelay: Counter<'registrar'>;
  private sources: MetricSources | null = null;

  constructor() {
    const registry = this.registry;
    this.commandLatency = new LightHistogram(registry, 'registry_command_duration_seconds', 'Time from a command read to its answer (EPP and HTTP commands; includes any pacing delay)', LATENCY_BUCKETS, 'command');
    const commands = this.commands;
    new Counter({
      name: 'registry_commands_total',
      help: 'Commands answered, by command and EPP result code (EPP and HTTP)',
      labelNames: ['command', 'code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [command, s] of commands) for (const [code, n] of s.codes) this.inc({ command, code: String(code) }, n);
      },
    });
    this.batchSizes = new LightHistogram(registry, 'registry_group_commit_commands', 'Commands per group commit (one SQLite transaction)', BATCH_BUCKETS).series_();
    this.syncTimes = new LightHistogram(registry, 'registry_wal_sync_seconds', 'Time of each WAL fdatasync before answers leave (durability FULL)', SYNC_BUCKETS).series_();
    this.loginFailures = new Counter({ name: 'registry_login_failures_total', help: 'EPP logins refused, by result code (2200 credentials or certificate, 2501 closed, 2502 session limit...)', labelNames: ['code'], registers: [registry] });
    this.httpRequests = new Counter({ name: 'registry_http_requests_total', help: 'HTTP registrar API requests, by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
    this.rdapRequests = new Counter({ name: 'registry_rdap_requests_total', help: 'RDAP requests, by lookup type and status', labelNames: ['type', 'status'], registers: [registry] });
    this.pacedCommands = new Counter({ name: 'registry_paced_commands_total', help: "EPP commands delayed by their registrar's command-rate limit", labelNames: ['registrar'], registers: [registry] });
    this.pacingDelay = new Counter({ name: 'registry_pacing_delay_seconds_total', help: "Time EPP commands waited for their registrar's command-rate limit", labelNames: ['registrar'], registers: [registry] });
    const self = this;
    new Gauge({
      name: 'registry_epp_sessions',
      help: 'Open EPP sessions per logged-in registrar',
      labelNames: ['registrar'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [registrar, n] of self.sources?.sessionsByRegistrar() ?? []) this.set({ registrar }, n);
      },
    });
    new Gauge({
      name: 'registry_epp_connections',
      help: 'Open EPP connections (logged in or not)',
      registers: [registry],
      collect() {
        this.set(self.sources?.connections() ?? 0);
      },
    });
    new Gauge({
      name: 'registry_poll_queue_messages',
      help: 'Unacknowledged poll messages per registrar',
      labelNames: ['registrar'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [registrar, n] of (await self.sources?.pollQueues()) ?? []) this.set({ registrar }, n);
      },
    });
  }

  /** The live objects read when scraped (set once the servers are up). */
  setSources(s: MetricSources): void {
    this.sources = s;
  }

  /** Every command the runner answers: its name, result code and time from read to answer. */
  command(name: string, code: number, seconds: number): void {
    let s = this.commands.get(name);
    if (!s) this.commands.set(name, (s = { latency: this.commandLatency.series_(name), codes: new Map() }));
    s.latency.observe(seconds);
    s.codes.set(code, (s.codes.get(code) ?? 0) + 1);
    if (name === 'login' && code >= 2000) this.loginFailures.inc({ code: String(code) });
  }

  /** A group commit: how many commands its transaction held. */
  batch(commands: number): void {
    this.batchSizes.observe(commands);
  }

  /** A WAL sync and how long it took. */
  sync(seconds: number): void {
    this.syncTimes.observe(seconds);
  }

  httpRequest(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  rdapRequest(type: string, status: number, count = 1): void {
    this.rdapRequests.inc({ type, status: String(status) }, count);
  }

  /** A command held back by its registrar's command-rate limit. */
  paced(registrar: string, seconds: number): void {
    this.pacedCommands.inc({ registrar });
    this.pacingDelay.inc({ registrar }, seconds);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
