import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';

/**
 * A real authoritative DNS server for the zone tests: Knot DNS (Debian's `knot`, installed by .ci/run),
 * started by the test on a free port of 127.0.0.1 with a configuration and state in a folder of its own,
 * and stopped at the end. Queries go to it over UDP (dns-packet), as a resolver's would.
 *
 * Without knotd: in CI (CI set) the tests fail, since .ci/run installs it; elsewhere they are skipped with a
 * message saying what to install.
 */
export const KNOT_MISSING = 'Knot DNS (knotd, knotc) and BIND utilities (named-checkzone, dnssec-dsfromkey) are not installed: apt-get install knot bind9-utils';

export function dnsToolsPresent(): boolean {
  return ['knotd', 'knotc', 'named-checkzone', 'dnssec-dsfromkey'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);
}

/** Skips the suite outside CI when the DNS tools are missing; in CI their absence is a failure. */
export function requireDnsTools(ctx: Mocha.Context): void {
  if (dnsToolsPresent()) return;
  if (process.env.CI) throw new Error(`${KNOT_MISSING} (CI must have them: .ci/run installs them)`);
  console.warn(`      skipped: ${KNOT_MISSING}`);
  ctx.skip();
}

async function freePort(): Promise<number> {
  // A TCP port that is free now; knotd binds UDP and TCP on it (a UDP clash would show as a failed start).
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One record of an answer as dns-packet decodes it (`data` per type: a name, an address, {serial...}, {keyTag...}). */
export interface Rr {
  name: string;
  type: string;
  ttl: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

export interface DnsAnswer {
  rcode: string;
  /** The AA bit: an authoritative answer, not a referral. */
  aa: boolean;
  answers: Rr[];
  authorities: Rr[];
  additionals: Rr[];
}

export interface Knot {
  port: number;
  conf: string;
  /** The shell command that makes knotd read a zone file again (for zone.reloadCommand). */
  reloadCommand: string;
  /** Reads the zone file of `tld` again and waits until knotd serves `serial` (or fails with its log). */
  reload(tld: string, serial: number): Promise<void>;
  /** `dnssec`: with the DO bit (RFC 3225), so that signatures come along. */
  query(name: string, type: string, o?: { dnssec?: boolean }): Promise<DnsAnswer>;
  serial(tld: string): Promise<number | undefined>;
  /** `knotc zone-check`: Knot's semantic checks of the zone as loaded (empty output: none failed). */
  zoneCheck(tld: string): { ok: boolean; output: string };
  log(): string;
  stop(): Promise<void>;
}

/** `dir`: the server's folder (configuration, socket, state), made here unless given: a test may need its path first. */
export function knotDir(): string {
  return mkdtempSync(join(tmpdir(), 'knot-test-'));
}

/** The configuration file of a Knot started in `dir`. */
export const knotConf = (dir: string) => join(dir, 'knot.conf');

/**
 * Knot's automatic signing as README ("Zone publication") sets it up for a zone file the registry rewrites:
 * the differences of each new file are applied and signed (zonefile-load: difference-no-serial, the
 * journal keeping the signed zone), Knot numbering its own serials.
 */
export const KNOT_SIGNING = [
  'policy:',
  '  - id: tld',
  '    algorithm: ecdsap256sha256',
  '    nsec3: on',
  '    nsec3-opt-out: on',
  '    nsec3-iterations: 0',
  '    nsec3-salt-length: 0',
];
const KNOT_SIGNED_ZONE = ['    zonefile-load: difference-no-serial', '    journal-content: all', '    serial-policy: unixtime', '    dnssec-signing: on', '    dnssec-policy: tld'];

export async function startKnot(zones: Array<{ tld: string; file: string }>, dir = knotDir(), o: { signing?: boolean } = {}): Promise<Knot> {
  const port = await freePort();
  const conf = knotConf(dir);
  writeFileSync(
    conf,
    [
      'server:',
      `    rundir: "${dir}"`,
      `    listen: 127.0.0.1@${port}`,
      'control:',
      `    listen: "${join(dir, 'knot.sock')}"`,
      'database:',
      `    storage: "${dir}"`,
      'log:',
      '  - target: stderr',
      '    any: info',
      ...(o.signing ? KNOT_SIGNING : []),
      'template:',
      '  - id: default',
      `    storage: "${dir}"`,
      // Knot's optional semantic checks too (their findings are reported by zone-check, see zoneCheck).
      '    semantic-checks: on',
      '    zonefile-sync: -1',
      ...(o.signing ? [] : ['    zonefile-load: whole', '    journal-content: none']),
      'zone:',
      ...zones.flatMap((z) => [`  - domain: ${z.tld}`, `    file: "${z.file}"`, ...(o.signing ? KNOT_SIGNED_ZONE : [])]),
      '',
    ].join('\n'),
  );
  let logText = '';
  const proc: ChildProcess = spawn('knotd', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (b) => (logText += b));
  proc.stderr!.on('data', (b) => (logText += b));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  const query = (name: string, type: string, o: { dnssec?: boolean } = {}): Promise<DnsAnswer> =>
    new Promise((resolve, reject) => {
      const sock = createSocket('udp4');
      const id = Math.floor(Math.random() * 65535);
      const timer = setTimeout(() => {
        sock.close();
        reject(new Error(`no answer from knotd for ${name} ${type}\n${logText}`));
      }, 2000);
      sock.on('message', (msg) => {
        const p = dnsPacket.decode(msg) as ReturnType<typeof dnsPacket.decode> & { rcode: string };
        if (p.id !== id) return;
        clearTimeout(timer);
        sock.close();
        const rrs = (list: unknown) => (list ?? []) as Rr[];
        resolve({ rcode: p.rcode, aa: ((p.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0, answers: rrs(p.answers), authorities: rrs(p.authorities), additionals: rrs(p.additionals) });
      });
      const opt: dnsPacket.OptAnswer = { type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] };
      const edns = o.dnssec ? [opt] : [];
      sock.send(dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ name, type: type as 'A', class: 'IN' }], additionals: edns }), port, '127.0.0.1');
    });
  const serial = async (tld: string) => {
    try {
      const r = await query(tld, 'SOA');
      return r.answers.find((a) => a.type === 'SOA')?.data.serial as number | undefined;
    } catch {
      return undefined;
    }
  };
  const knotc = (...args: string[]) => spawnSync('knotc', ['-c', conf, ...args], { encoding: 'utf8' });
  const waitSerial = async (tld: string, want: number) => {
    for (let i = 0; i < 100; i++) {
      if ((await serial(tld)) === want) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`knotd does not serve .${tld} serial ${want} (serves ${await serial(tld)})\n${logText}`);
  };

  const knot: Knot = {
    port,
    conf,
    reloadCommand: `knotc -c '${conf}' zone-reload {tld}`,
    async reload(tld, want) {
      const r = knotc('zone-reload', tld);
      if (r.status !== 0) throw new Error(`knotc zone-reload ${tld}: ${r.stdout}${r.stderr}`);
      await waitSerial(tld, want);
    },
    query,
    serial,
    zoneCheck(tld) {
      const r = knotc('zone-check', tld);
      return { ok: r.status === 0 && r.stdout.trim() === '' && r.stderr.trim() === '', output: `${r.stdout}${r.stderr}` };
    },
    log: () => logText,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Up once every zone answers its SOA (knotd loads them after it starts listening).
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    const serials = await Promise.all(zones.map((z) => serial(z.tld)));
    if (serials.every((s) => s !== undefined)) return knot;
    await new Promise((r) => setTimeout(r, 50));
  }
  await knot.stop().catch(() => {});
  throw new Error(`knotd did not start or load its zones:\n${logText}`);
}
