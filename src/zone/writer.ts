import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkZoneForTld, inZone, type TldPolicy } from '../registry/policy.js';
import type { DsRecord } from '../registry/dnssec.js';
import type { ZoneDomain, ZoneSnapshot } from '../storage/zone-repo.js';
import { dsFromKey } from './ds.js';
import { NOT_DELEGATED_STATUSES } from './delegation.js';

export interface ZoneWriteResult {
  tld: string;
  serial: number;
  file: string;
  bytes: number;
  /** Domains delegated (NS records written). */
  delegations: number;
  /** Domains of the TLD read, delegated or not. */
  domains: number;
  glue: number;
  ds: number;
  /** The TLD's change counter in the snapshot the zone was read from. */
  changes: number;
  durationMs: number;
}

/** Bytes gathered before each write: few system calls, a small constant buffer. */
const CHUNK = 1 << 16;

/**
 * Writes the TLD's zone as an RFC 1035 master file from one snapshot of the registry: SOA, apex NS (and
 * their glue when inside the TLD), then each domain in name order with its NS, its DS records and the glue
 * of its subordinate name servers. The file is written under a temporary name in the same folder, synced
 * and renamed over `out`: a DNS server reloading it reads the old zone or the new one, never half of one.
 * The domains stream from the snapshot's cursor: memory does not grow with the TLD.
 */
export async function writeZone(snapshot: ZoneSnapshot, tld: string, serial: number, out: string, now: Date): Promise<ZoneWriteResult> {
  const started = process.hrtime.bigint();
  const policy = await snapshot.policy(tld);
  if (!policy) throw new Error(`no TLD ${tld}`);
  checkZoneForTld(tld, policy);
  const changes = await snapshot.changes(tld);
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  let bytes = 0;
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    writeSync(fd, buf);
    bytes += buf.length;
    pending = [];
    pendingLength = 0;
  };
  const line = (s: string) => {
    pending.push(s, '\n');
    pendingLength += s.length + 1;
    if (pendingLength >= CHUNK) flush();
  };
  const stats = { delegations: 0, domains: 0, glue: 0, ds: 0 };
  try {
    writeApex(line, tld, policy, serial, now);
    line('');
    for await (const d of snapshot.domains(tld, NOT_DELEGATED_STATUSES)) {
      stats.domains++;
      writeDomain(line, tld, policy, d, stats);
    }
    flush();
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, out);
  syncFolder(dirname(out));
  return { tld, serial, file: out, bytes, changes, ...stats, durationMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** The rename itself is durable only once the folder is synced. */
function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

type Line = (s: string) => void;

/** Absolute form of a host name (every name in the file is written absolute but the owners below the apex). */
const fqdn = (name: string) => `${name.replace(/\.$/, '')}.`;

/** An owner name relative to the origin ($ORIGIN is the TLD). */
const owner = (name: string, tld: string) => name.slice(0, name.length - tld.length - 1);

/** user@host → user.host. with the dots of the user part escaped (RFC 1035 §8). */
function rname(mailbox: string): string {
  const at = mailbox.lastIndexOf('@');
  return `${mailbox.slice(0, at).replace(/\./g, '\\.')}.${fqdn(mailbox.slice(at + 1))}`;
}

function writeApex(line: Line, tld: string, policy: TldPolicy, serial: number, now: Date): void {
  const z = policy.zone;
  const mname = z.soa.mname || z.nameservers[0].name;
  line(`; Zone of .${tld}, serial ${serial}, written ${now.toISOString()} by the registry from one consistent read.`);
  line('; Unsigned: the DNS server signs it (see README, "Zone publication").');
  line(`$ORIGIN ${tld}.`);
  line(`$TTL ${z.ttl}`);
  line(`@\tIN\tSOA\t${fqdn(mname)} ${rname(z.soa.rname)} ${serial} ${z.soa.refresh} ${z.soa.retry} ${z.soa.expire} ${z.soa.minimum}`);
  for (const ns of z.nameservers) line(`@\tIN\tNS\t${fqdn(ns.name)}`);
  for (const ns of z.nameservers) {
    for (const a of [...(ns.addresses ?? [])].sort()) line(`${owner(ns.name.replace(/\.$/, ''), tld)}\tIN\t${a.includes(':') ? 'AAAA' : 'A'}\t${a}`);
  }
}

const dsKey = (d: DsRecord) => `${String(d.keyTag).padStart(5, '0')} ${String(d.alg).padStart(3, '0')} ${d.digestType} ${d.digest}`;

function writeDomain(line: Line, tld: string, policy: TldPolicy, d: ZoneDomain, stats: { delegations: number; glue: number; ds: number }): void {
  const ns = [...new Set([...d.nameservers, ...d.hostAttrs.map((h) => h.name)])].sort();
  const rel = owner(d.name, tld);
  if (d.eligible && ns.length > 0) {
    stats.delegations++;
    for (const n of ns) line(`${rel}\tIN\tNS\t${fqdn(n)}`);
    // dsData as the registrar gave it; keyData as DS of each digest type the policy names.
    const ds = [...d.ds, ...d.keys.flatMap((k) => policy.zone.dsDigestTypes.map((t) => dsFromKey(d.name, k, t)))];
    const seen = new Set<string>();
    for (const r of ds.sort((a, b) => (dsKey(a) < dsKey(b) ? -1 : 1))) {
      const key = dsKey(r);
      if (seen.has(key)) continue;
      seen.add(key);
      stats.ds++;
      line(`${rel}\tIN\tDS\t${r.keyTag} ${r.alg} ${r.digestType} ${r.digest}`);
    }
    // Host attributes inside the TLD carry their own glue (hostAttr model).
    const attrGlue = d.hostAttrs
      .filter((h) => inZone(h.name, tld) && h.name !== tld)
      .flatMap((h) => h.addrs.map((a) => ({ name: h.name, ip: a.ip, addr: a.addr })));
    writeGlue(line, tld, attrGlue, stats);
  }
  // Host objects below this domain that a delegation of the zone uses (this one or another): glue.
  writeGlue(line, tld, d.glue, stats);
}

function writeGlue(line: Line, tld: string, glue: ZoneDomain['glue'], stats: { glue: number }): void {
  const sorted = [...glue].sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.ip !== b.ip ? (a.ip < b.ip ? -1 : 1) : a.addr < b.addr ? -1 : 1));
  for (const g of sorted) {
    stats.glue++;
    line(`${owner(g.name, tld)}\tIN\t${g.ip === 'v6' ? 'AAAA' : 'A'}\t${g.addr}`);
  }
}
