import { join } from 'node:path';
import { EppClient } from '../../src/client/epp-client.js';
import { requests } from '../../src/client/requests.js';
import { Rng } from '../../fuzz/run.js';
import { checkResponse, loginXml, PASSWORDS } from '../helpers.js';

/**
 * The crash test's load: workers, each holding one EPP session of ClientX and one of ClientY, create contacts
 * and domains, toggle domains with <domain:update>, and move them between the two registrars with transfer
 * request + approve. Every domain belongs to one worker, so the commands on a domain are strictly sequential
 * and the model below knows its exact state, except for the one command per worker that may have been in
 * flight when the server died.
 */

export type Reg = 'ClientX' | 'ClientY';
export const REGS: Reg[] = ['ClientX', 'ClientY'];
const other = (r: Reg): Reg => (r === 'ClientX' ? 'ClientY' : 'ClientX');

export const TLD = 'crash';
export const HOSTS = ['ns1.crash-dns.net', 'ns2.crash-dns.net'];
/** Transfers add a year each; the policy allows 10 years of registration in all. */
const MAX_TRANSFERS = 4;

export interface DomainState {
  name: string;
  creator: Reg;
  sponsor: Reg;
  registrant: string;
  /** The admin contact given at create; while `held`, the tech contact is the admin as well. */
  admin: string;
  tech: string;
  /** clientHold set, and the admin contact swapped for the tech contact, by one <domain:update>. */
  held: boolean;
  pendingTransfer: boolean;
  /** Transfer requests made, and transfers approved. */
  requests: number;
  approvals: number;
}

export interface Model {
  /** Contact handle → the registrar that created (and sponsors) it. */
  contacts: Map<string, Reg>;
  domains: Map<string, DomainState>;
}

/** One mutating command: what it is, and how the model changes once it is known to be committed. */
export interface Cmd {
  clTRID: string;
  /** The command as the audit log names it. */
  command: 'contact:create' | 'domain:create' | 'domain:update' | 'domain:transfer-request' | 'domain:transfer-approve';
  object: string;
  registrar: Reg;
  xml: string;
  expectCode: 1000 | 1001;
  apply(m: Model): void;
  /** Set when the response arrived: the command was acknowledged. */
  ack?: { code: number; svTRID: string };
}

/** A seeded random source (the fuzzer's PRNG), so a run's choices and kill moments can be replayed. */
export function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Up to `n` distinct items of `list` in random order (the first n steps of a Fisher-Yates shuffle of a copy). */
export function sample<T>(list: T[], n: number, random: () => number): T[] {
  const a = [...list];
  const k = Math.min(n, a.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

export interface Connection {
  port: number;
  certsDir: string;
}

export async function loginSession(conn: Connection, clID: Reg, clTRID: string): Promise<EppClient> {
  const c = await EppClient.connect({
    host: '127.0.0.1',
    port: conn.port,
    ca: join(conn.certsDir, 'ca.crt'),
    cert: join(conn.certsDir, `${clID.toLowerCase()}.crt`),
    key: join(conn.certsDir, `${clID.toLowerCase()}.key`),
    servername: 'localhost',
    timeout: 15_000,
  });
  const r = checkResponse(await c.request(loginXml(clID, PASSWORDS[clID], { clTRID })));
  if (r.code !== 1000) throw new Error(`login of ${clID} failed: ${r.xml}`);
  return c;
}

export class Worker {
  private sessions: Partial<Record<Reg, EppClient>> = {};
  private seq = 0;
  /** Domains this worker created (committed). */
  readonly domains: string[] = [];
  /** The command sent and not answered when the connection died; settled from the audit log after the restart. */
  inFlight: Cmd | undefined;
  /** Every acknowledged command, in order. */
  readonly acked: Cmd[] = [];
  private reported = 0;

  constructor(
    readonly id: number,
    private readonly model: Model,
    private readonly random: () => number,
  ) {}

  private nextTrid(): string {
    return `crash-w${this.id}-${++this.seq}`; // unique over the run: the audit log is searched by it
  }

  private pick<T>(list: T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  /** Logs in both sessions. False when the server died meanwhile. */
  async connect(conn: Connection): Promise<boolean> {
    try {
      for (const r of REGS) this.sessions[r] = await loginSession(conn, r, this.nextTrid());
      return true;
    } catch {
      return false;
    }
  }

  /** Sends commands until the server dies; throws only when a response is not the one the model predicts. */
  async run(): Promise<void> {
    for (;;) {
      let cmd: Cmd | undefined;
      try {
        cmd = await this.nextCommand();
      } catch (e) {
        if (e instanceof ConnectionLost) return;
        throw e;
      }
      this.inFlight = cmd;
      let xml: string;
      try {
        xml = await this.sessions[cmd.registrar]!.request(cmd.xml);
      } catch {
        return; // the server died: the command stays in flight
      }
      const r = checkResponse(xml);
      if (r.code !== cmd.expectCode) throw new Error(`${cmd.command} ${cmd.object} (${cmd.clTRID}): expected ${cmd.expectCode}, got ${r.code} ${r.msg}`);
      cmd.ack = { code: r.code, svTRID: r.svTRID };
      cmd.apply(this.model);
      this.acked.push(cmd);
      this.inFlight = undefined;
    }
  }

  /** The commands acknowledged since the previous call. */
  ackedSinceLastCall(): Cmd[] {
    const fresh = this.acked.slice(this.reported);
    this.reported = this.acked.length;
    return fresh;
  }

  /** The logged-in session of a registrar (for checks between kills). */
  session(r: Reg): EppClient {
    return this.sessions[r]!;
  }

  /** Drops the sessions of a dead server. */
  disconnect(): void {
    for (const c of Object.values(this.sessions)) c?.socket.destroy();
    this.sessions = {};
  }

  /** Records the fate of the in-flight command (committed or not), as the audit log tells after a restart. */
  settle(committed: boolean): Cmd | undefined {
    const cmd = this.inFlight;
    this.inFlight = undefined;
    if (cmd && committed) cmd.apply(this.model);
    return cmd;
  }

  private async nextCommand(): Promise<Cmd> {
    const mine = this.domains.map((n) => this.model.domains.get(n)!);
    const pending = mine.find((d) => d.pendingTransfer);
    if (pending) return this.transferApprove(pending);
    const r = this.random();
    if (this.model.contacts.size < 3 || r < 0.2) return this.contactCreate(this.pick(REGS));
    if (mine.length === 0 || r < 0.5) return this.domainCreate(this.pick(REGS), [...this.model.contacts.keys()]);
    const movable = mine.filter((d) => d.requests < MAX_TRANSFERS);
    if (r < 0.8 || movable.length === 0) return this.domainUpdate(this.pick(mine));
    return this.transferRequest(this.pick(movable));
  }

  private contactCreate(reg: Reg): Cmd {
    const clTRID = this.nextTrid();
    const id = `c${this.id}-${this.seq}`;
    return {
      clTRID,
      command: 'contact:create',
      object: id,
      registrar: reg,
      expectCode: 1000,
      xml: requests.contactCreate(clTRID, {
        id,
        email: `${id}@example.net`,
        authInfo: `pw-${id}-secret`,
        postalInfo: { int: { name: `Contact ${id}`, street: ['1 Main Street'], city: 'Kazan', cc: 'RU' } },
      }),
      apply: (m) => void m.contacts.set(id, reg),
    };
  }

  private domainCreate(reg: Reg, contacts: string[]): Cmd {
    const clTRID = this.nextTrid();
    const name = `d${this.id}-${this.seq}.${TLD}`;
    const [registrant, admin, tech] = sample(contacts, 3, this.random);
    return {
      clTRID,
      command: 'domain:create',
      object: name,
      registrar: reg,
      expectCode: 1000,
      xml: requests.domainCreate(clTRID, {
        name,
        registrant,
        contacts: [
          { type: 'admin', id: admin },
          { type: 'tech', id: tech },
        ],
        ns: HOSTS,
        authInfo: `pw-${name}`,
      }),
      apply: (m) => {
        m.domains.set(name, { name, creator: reg, sponsor: reg, registrant, admin, tech, held: false, pendingTransfer: false, requests: 0, approvals: 0 });
        this.domains.push(name);
      },
    };
  }

  /** Sets clientHold and makes the tech contact the admin, or undoes both: a half-applied update is visible. */
  private domainUpdate(d: DomainState): Cmd {
    const clTRID = this.nextTrid();
    const [from, to] = d.held ? [d.tech, d.admin] : [d.admin, d.tech];
    const hold = ['clientHold'];
    const xml = requests.domainUpdate(clTRID, {
      name: d.name,
      add: { contacts: [{ type: 'admin', id: to }], status: d.held ? [] : hold },
      rem: { contacts: [{ type: 'admin', id: from }], status: d.held ? hold : [] },
    });
    return {
      clTRID,
      command: 'domain:update',
      object: d.name,
      registrar: d.sponsor,
      expectCode: 1000,
      xml,
      apply: (m) => {
        const s = m.domains.get(d.name)!;
        s.held = !s.held;
      },
    };
  }

  /**
   * The sponsor sets a fresh authInfo for the registrant (RFC 9154: the registry keeps only its hash, never
   * shows it, and a completed transfer unsets it), and the other registrar asks for the domain with it.
   */
  private async transferRequest(d: DomainState): Promise<Cmd> {
    const pw = `tr-${d.name}-${this.nextTrid()}`;
    let xml: string;
    try {
      // Its clTRID ends in -auth: the invariants tell it from the clientHold updates they count.
      xml = await this.sessions[d.sponsor]!.request(requests.domainUpdate(`${this.nextTrid()}-auth`, { name: d.name, chg: { authInfo: pw } }));
    } catch {
      throw new ConnectionLost();
    }
    const set = checkResponse(xml);
    if (set.code !== 1000) throw new Error(`the sponsor of ${d.name} could not set its authInfo: ${set.xml}`);
    const clTRID = this.nextTrid();
    return {
      clTRID,
      command: 'domain:transfer-request',
      object: d.name,
      registrar: other(d.sponsor),
      expectCode: 1001,
      xml: requests.domainTransfer(clTRID, { op: 'request', name: d.name, authInfo: pw }),
      apply: (m) => {
        const s = m.domains.get(d.name)!;
        s.pendingTransfer = true;
        s.requests++;
      },
    };
  }

  private transferApprove(d: DomainState): Cmd {
    const clTRID = this.nextTrid();
    return {
      clTRID,
      command: 'domain:transfer-approve',
      object: d.name,
      registrar: d.sponsor,
      expectCode: 1000,
      xml: requests.domainTransfer(clTRID, { op: 'approve', name: d.name }),
      apply: (m) => {
        const s = m.domains.get(d.name)!;
        s.pendingTransfer = false;
        s.approvals++;
        s.sponsor = other(s.sponsor);
      },
    };
  }
}

class ConnectionLost extends Error {}
