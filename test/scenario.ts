import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { requests, type Period } from '../src/client/requests.js';
import { parseDuration } from '../src/registry/clock.js';
import { send, type CheckedResponse, type TestRegistry } from './helpers.js';

/**
 * Scenarios over a test registry, written as the OT&E scripts read: at a time, as a registrar, send a
 * command, expect a result code.
 *
 *   const s = scenario(t);
 *   await s.at('2026-01-01T00:00:00Z').as('ClientX').send(domainCreate({ name, authInfo: 'pw' })).expect(1000);
 *   await s.after('6d').as('ClientY').send(domainTransfer({ op: 'request', name, authInfo: 'pw' })).expect(1001);
 *   await s.close();
 *
 * The time is the registry's ManualClock (`at` sets it, `after` moves it on); the registry applies what has
 * fallen due (auto-renew, purge, transfer auto-approval) before the next command, as it does in production.
 * A registrar's session is opened (login with its certificate and password) on its first command, and
 * closed by `close()`; sessions the test opened itself can be handed in, and stay the test's to close.
 */

/** One EPP command; its clTRID is given when it is sent. */
export interface Request {
  /** What it is, for messages (`domain:create example.tatar`). */
  readonly label: string;
  xml(clTRID: string): string;
}

/** A command on its way: await it for the response, or `expect(code)` to check the result code too. */
export interface Sent extends Promise<CheckedResponse> {
  /** The response, once its result code is `code`; otherwise fails with the response XML in the message. */
  expect(code: number): Promise<CheckedResponse>;
}

/** A registrar in the scenario. */
export interface Actor {
  readonly clId: string;
  /** Sends a request (or a whole EPP document) in the registrar's session. */
  send(request: Request | string): Sent;
}

export interface ScenarioOptions {
  /** Sessions already logged in, by clID: used instead of opening new ones, and not closed by `close()`. */
  sessions?: Record<string, EppClient>;
}

export class Scenario {
  private readonly sessions = new Map<string, Promise<EppClient>>();
  private readonly adopted = new Set<string>();
  private seq = 0;

  constructor(
    readonly t: TestRegistry,
    opts: ScenarioOptions = {},
  ) {
    for (const [clId, c] of Object.entries(opts.sessions ?? {})) {
      this.sessions.set(clId, Promise.resolve(c));
      this.adopted.add(clId);
    }
  }

  /** The registry's time now. */
  now(): Date {
    return this.t.clock.now();
  }

  /** Sets the registry's clock: an ISO date-time, a Date, or epoch ms. */
  at(when: string | Date | number): this {
    const d = new Date(when);
    if (Number.isNaN(d.getTime())) throw new Error(`scenario: not a time: ${String(when)}`);
    this.t.clock.set(d);
    return this;
  }

  /** Moves the registry's clock on: milliseconds, or a duration such as `6d`, `12h`, `90m`, `1y` (365 days). */
  after(duration: number | string): this {
    this.t.clock.advance(typeof duration === 'number' ? duration : parseDuration(duration));
    return this;
  }

  /** The registrar `clId`; its session is opened on its first command. */
  as(clId: string): Actor {
    return {
      clId,
      send: (request) => this.send(clId, request),
    };
  }

  /** Closes the sessions the scenario opened. */
  async close(): Promise<void> {
    const open = [...this.sessions].filter(([clId]) => !this.adopted.has(clId));
    this.sessions.clear();
    for (const [, c] of open) {
      const client = await c.catch(() => undefined);
      await client?.close();
    }
  }

  private session(clId: string): Promise<EppClient> {
    let c = this.sessions.get(clId);
    if (!c) {
      c = this.t.login(clId);
      this.sessions.set(clId, c);
    }
    return c;
  }

  private send(clId: string, request: Request | string): Sent {
    const clTRID = `scn-${++this.seq}`;
    const xml = typeof request === 'string' ? request : request.xml(clTRID);
    const label = typeof request === 'string' ? 'EPP document' : request.label;
    const response = this.session(clId).then((c) => send(c, xml));
    return Object.assign(response, {
      async expect(code: number) {
        const r = await response;
        expect(r.code, `${clId} ${label}: expected ${code}, got ${r.code} ${r.msg}\n${r.xml}`).to.equal(code);
        return r;
      },
    });
  }
}

export const scenario = (t: TestRegistry, opts?: ScenarioOptions): Scenario => new Scenario(t, opts);

// ---------------------------------------------------------------- requests (src/client/requests.ts, as a registrar's client writes them)

const request = (label: string, xml: (clTRID: string) => string): Request => ({ label, xml });

type DomainCreateParams = Parameters<typeof requests.domainCreate>[1];
type DomainUpdateParams = Parameters<typeof requests.domainUpdate>[1];
type DomainRestoreParams = Parameters<typeof requests.domainRestore>[1];
export type TransferOp = 'request' | 'query' | 'approve' | 'reject' | 'cancel';

export const domainCreate = (p: DomainCreateParams): Request => request(`domain:create ${p.name}`, (id) => requests.domainCreate(id, p));
export const domainInfo = (name: string, authInfo?: string): Request => request(`domain:info ${name}`, (id) => requests.info(id, 'domain', name, authInfo));
export const domainCheck = (...names: string[]): Request => request(`domain:check ${names.join(' ')}`, (id) => requests.check(id, 'domain', names));
/** `curExpDate` as YYYY-MM-DD, or a full date-time (its date part is sent). */
export const domainRenew = (name: string, curExpDate: string, period?: Period): Request =>
  request(`domain:renew ${name}`, (id) => requests.domainRenew(id, { name, curExpDate: curExpDate.slice(0, 10), period }));
export const domainDelete = (name: string): Request => request(`domain:delete ${name}`, (id) => requests.delete(id, 'domain', name));
export const domainUpdate = (p: DomainUpdateParams): Request => request(`domain:update ${p.name}`, (id) => requests.domainUpdate(id, p));
/** RFC 3915 restore request, or report when `report` is given. */
export const domainRestore = (name: string, report?: DomainRestoreParams['report']): Request =>
  request(`domain:update ${name} (rgp restore ${report ? 'report' : 'request'})`, (id) => requests.domainRestore(id, { name, report }));
export const domainTransfer = (p: { op: TransferOp; name: string; authInfo?: string; period?: Period }): Request =>
  request(`domain:transfer op=${p.op} ${p.name}`, (id) => requests.domainTransfer(id, p));
export const pollReq = (): Request => request('poll op=req', (id) => requests.poll(id, 'req'));
export const pollAck = (msgID: string): Request => request(`poll op=ack ${msgID}`, (id) => requests.poll(id, 'ack', msgID));
