/**
 * The benchmark's workloads as a client writes them: every request document is built once by the client's
 * request builders (src/client/requests.ts) around placeholder values, then filled in per command by plain
 * concatenation, so the load generator spends its CPU on TLS and not on building XML.
 *
 * A load worker owns the preloaded domains whose index ≡ worker (mod workers): it alone updates and renews
 * them, so workers never race each other; within a worker a domain is used by one session at a time.
 */
import { requests } from '../src/client/requests.js';
import { contactHandle, domainExpiryDate, domainName, hostName, TLD, type Dataset } from './dataset.js';

export const WORKLOADS = ['check1', 'check5', 'domain-info', 'contact-info', 'create', 'update', 'renew', 'mix'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
/** What the bare-TLS baseline is sent: the check1 request (it answers every frame alike). */
export type LoadName = WorkloadName | 'baseline';

export const DESCRIPTIONS: Record<LoadName, string> = {
  baseline: 'bare TLS server, fixed response (domain:check of 1 name sent)',
  check1: 'domain:check, 1 name (half registered)',
  check5: 'domain:check, 5 names',
  'domain-info': 'domain:info of a preloaded domain',
  'contact-info': 'contact:info of a preloaded contact',
  create: 'domain:create, new name, registrant + admin + tech, 2 nameservers',
  update: 'domain:update, add/rem clientTransferProhibited alternately',
  renew: 'domain:renew 1y with the current expiry, each domain at most once',
  mix: 'mix: 70% check, 15% info, 10% create, 5% update',
};

export interface Op {
  xml: string;
  /** The result code a correct server answers. */
  expect: number;
  /** Called once with the response (null when the session failed), and whether its code was the expected one. */
  done?: (response: string | null, ok: boolean) => void;
}

/** A request document with placeholders, filled by concatenation. */
function template(xml: string, keys: string[]): (values: string[]) => string {
  const sorted = [...keys].sort((a, b) => b.length - a.length);
  const re = new RegExp(`(${sorted.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
  const parts = xml.split(re);
  for (const k of keys) if (!parts.includes(k)) throw new Error(`placeholder ${k} not in the request`);
  const lits: string[] = [];
  const slots: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) lits.push(parts[i]);
    else slots.push(keys.indexOf(parts[i]));
  }
  return (values) => {
    let s = lits[0];
    for (let i = 0; i < slots.length; i++) s += values[slots[i]] + lits[i + 1];
    return s;
  };
}

const T = 'ZZTRID';
const N = (k: number) => `zzname${k}.${TLD}`;
const STATUS = 'clientTransferProhibited';
export const CREATE_PW = 'bench-Pw1';

const TPL = {
  login: template(requests.login(T, 'ZZCLID', 'ZZPASSWORD'), [T, 'ZZCLID', 'ZZPASSWORD']),
  check1: template(requests.check(T, 'domain', [N(1)]), [T, N(1)]),
  check5: template(requests.check(T, 'domain', [N(1), N(2), N(3), N(4), N(5)]), [T, N(1), N(2), N(3), N(4), N(5)]),
  domainInfo: template(requests.info(T, 'domain', N(1)), [T, N(1)]),
  contactInfo: template(requests.info(T, 'contact', 'ZZCONTACT'), [T, 'ZZCONTACT']),
  create: template(
    requests.domainCreate(T, {
      name: N(1),
      period: { value: 1, unit: 'y' },
      ns: ['zzns1.example', 'zzns2.example'],
      registrant: 'ZZREG',
      contacts: [
        { type: 'admin', id: 'ZZADM' },
        { type: 'tech', id: 'ZZTEC' },
      ],
      authInfo: CREATE_PW,
    }),
    [T, N(1), 'zzns1.example', 'zzns2.example', 'ZZREG', 'ZZADM', 'ZZTEC'],
  ),
  updateAdd: template(requests.domainUpdate(T, { name: N(1), add: { status: [STATUS] } }), [T, N(1)]),
  updateRem: template(requests.domainUpdate(T, { name: N(1), rem: { status: [STATUS] } }), [T, N(1)]),
  renew: template(requests.domainRenew(T, { name: N(1), curExpDate: 'ZZEXP', period: { value: 1, unit: 'y' } }), [T, N(1), 'ZZEXP']),
};

export const loginXml = (clTRID: string, clID: string, pw: string) => TPL.login([clTRID, clID, pw]);
export const logoutXml = (clTRID: string) => requests.logout(clTRID);

const rand = (n: number) => Math.floor(Math.random() * n);

/** One worker's view of the registry: which objects to address next, and what it changed. */
export class WorkloadState {
  private seq = 0;
  private created = 0;
  /** Owned preloaded domains in random order; renew takes from the end, update cycles through them. */
  private readonly owned: Int32Array;
  private renewLeft: number;
  /** Domains this worker created, with their expiry date, renewable once. */
  private readonly createdForRenew: Array<{ name: string; exp: string }> = [];
  private updateCursor = 0;
  private readonly inFlight = new Set<number>();
  /** Preloaded domains (by index) that carry the update status now. */
  private readonly hasStatus: Uint8Array;
  renewExhausted = false;

  constructor(
    private readonly ds: Dataset,
    private readonly worker: number,
    private readonly workers: number,
    private readonly runTag: string,
  ) {
    const own: number[] = [];
    for (let i = 1 + worker; i <= ds.domains; i += workers) own.push(i);
    this.owned = Int32Array.from(own);
    for (let i = this.owned.length - 1; i > 0; i--) {
      const j = rand(i + 1);
      const t = this.owned[i];
      this.owned[i] = this.owned[j];
      this.owned[j] = t;
    }
    this.renewLeft = this.owned.length;
    this.hasStatus = new Uint8Array(ds.domains + 1);
  }

  private trid(): string {
    return `B${this.worker}-${++this.seq}`;
  }

  private anyName(): string {
    return Math.random() < 0.5 ? domainName(1 + rand(this.ds.domains)) : `free-${this.runTag}-${rand(1e9)}.${TLD}`;
  }

  next(w: LoadName): Op | null {
    switch (w) {
      case 'baseline':
      case 'check1':
        return { xml: TPL.check1([this.trid(), this.anyName()]), expect: 1000 };
      case 'check5':
        return { xml: TPL.check5([this.trid(), this.anyName(), this.anyName(), this.anyName(), this.anyName(), this.anyName()]), expect: 1000 };
      case 'domain-info':
        return { xml: TPL.domainInfo([this.trid(), domainName(1 + rand(this.ds.domains))]), expect: 1000 };
      case 'contact-info':
        return { xml: TPL.contactInfo([this.trid(), contactHandle(rand(this.ds.contacts))]), expect: 1000 };
      case 'create':
        return this.create();
      case 'update':
        return this.update();
      case 'renew':
        return this.renew();
      case 'mix': {
        const r = Math.random();
        if (r < 0.7) return this.next('check1');
        if (r < 0.85) return this.next('domain-info');
        if (r < 0.95) return this.create();
        return this.update();
      }
    }
  }

  private create(): Op {
    const name = `b${this.runTag}-${this.worker}-${++this.created}.${TLD}`;
    const pair = rand(this.ds.hosts >> 1) * 2;
    const c = this.ds.contacts;
    const xml = TPL.create([this.trid(), name, hostName(pair), hostName(pair + 1), contactHandle(rand(c)), contactHandle(rand(c)), contactHandle(rand(c))]);
    return {
      xml,
      expect: 1000,
      done: (resp, ok) => {
        if (!ok || !resp) return;
        const m = /<domain:exDate>(\d{4}-\d\d-\d\d)/.exec(resp);
        if (m) this.createdForRenew.push({ name, exp: m[1] });
      },
    };
  }

  private update(): Op {
    let i = 0;
    for (let tries = 0; tries < this.owned.length; tries++) {
      const cand = this.owned[this.updateCursor];
      this.updateCursor = (this.updateCursor + 1) % this.owned.length;
      if (!this.inFlight.has(cand)) {
        i = cand;
        break;
      }
    }
    if (i === 0) throw new Error('no domain free for an update: too many sessions for the preloaded domains');
    this.inFlight.add(i);
    const adding = this.hasStatus[i] === 0;
    const args = [this.trid(), domainName(i)];
    return {
      xml: adding ? TPL.updateAdd(args) : TPL.updateRem(args),
      expect: 1000,
      done: (_resp, ok) => {
        this.inFlight.delete(i);
        if (ok) this.hasStatus[i] = adding ? 1 : 0;
      },
    };
  }

  private renew(): Op | null {
    if (this.renewLeft > 0) {
      const i = this.owned[--this.renewLeft];
      return { xml: TPL.renew([this.trid(), domainName(i), domainExpiryDate(this.ds, i)]), expect: 1000 };
    }
    const c = this.createdForRenew.pop();
    if (c) return { xml: TPL.renew([this.trid(), c.name, c.exp]), expect: 1000 };
    this.renewExhausted = true;
    return null;
  }

  /** How many renewable domains are left (preloaded and created). */
  get renewable(): number {
    return this.renewLeft + this.createdForRenew.length;
  }
}

/** The result code of a response, or 0 when it has none. */
export function resultCode(xml: string): number {
  const m = /<result code="(\d{4})"/.exec(xml);
  return m ? Number(m[1]) : 0;
}
