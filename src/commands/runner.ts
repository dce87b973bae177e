import { randomBytes } from 'node:crypto';
import { EppError } from '../protocol/errors.js';
import { closesConnection, type ResultCode } from '../protocol/result-codes.js';
import type { Out } from '../protocol/xml-node.js';
import type { Session } from '../session/session.js';
import type { Repos } from '../storage/store.js';
import type { CommandResult, MsgQ, ObjectCommand, Services, SessionCommand } from './types.js';

/** Where a command came in; written into its audit row. */
export type Source = 'epp' | 'http';

/** What a door asks the runner to run: one context object instead of a row of positional parameters. */
export interface RunRequest<I, D> {
  session: Session;
  command: ObjectCommand<I, D>;
  input: I;
  clTRID?: string;
  source: Source;
  /** The object the command names, for the audit row of a failure (a successful handler names its own). */
  object?: string;
  /**
   * The door's own writes that belong to the command (the HTTP API's metadata): run after a successful
   * handler in the same transaction, so they commit or roll back with it. A throw rolls everything back.
   */
  alsoInTransaction?: (repos: Repos, result: CommandResult<D>, done: { command: string; code: ResultCode; svTRID: string }) => Promise<void>;
}

/** How a command ended, for the door to render: success with typed data, or a failure with its code. */
export interface Outcome<D> {
  command: string;
  code: ResultCode;
  msg?: string;
  /** A failure's offending element (RFC 5730 <value>) and its reason (<extValue>). */
  value?: Out;
  reason?: string;
  /** The named condition of a failure (src/commands/conditions.ts), logged. */
  condition?: string;
  data?: D;
  msgQ?: MsgQ;
  object?: string;
  svTRID: string;
  /** The connection is to be closed after the answer (session commands, 2500-range codes). */
  close: boolean;
}

/**
 * Runs commands whatever door they came through: each object command inside one transaction together
 * with the due events before it, its audit row and its door's own writes (its prepare step, if any, before
 * that transaction); session commands (login, logout) on their own. Every failure becomes an Outcome with
 * its code (anything unexpected: 2400, logged), and every command one log line. Handlers cannot forget the
 * transaction, the audit trail or the logging.
 */
export class CommandRunner {
  private readonly svTridPrefix = randomBytes(4).toString('hex').toUpperCase();
  private svTridCounter = 0;
  /** The block of registry-wide numbers being used, and the next one, reserved before this one runs out. */
  private svTridBlock = { next: 0, end: 0 };
  private spareSvTridBlock: Promise<{ next: number; end: number }> | null = null;

  constructor(readonly services: Services) {}

  /**
   * A server transaction id unique in the registry: `<roid suffix>-<number>` from the store's registry-wide
   * blocks when several processes serve it (PostgreSQL), else this process's random prefix, time and counter.
   * Never fails: when no block can be reserved (the database unreachable), the process's own form is used,
   * and the command meets the database's trouble in its transaction (2400), with an svTRID to answer it with.
   */
  async nextSvTRID(): Promise<string> {
    const blocks = this.services.store.svTrids;
    if (blocks) {
      try {
        return `${this.services.config.roidSuffix}-${await this.nextNumber(blocks)}`;
      } catch {
        // The process's own form below.
      }
    }
    this.svTridCounter++;
    return `${this.services.config.roidSuffix}-${this.svTridPrefix}-${Date.now().toString(36).toUpperCase()}-${this.svTridCounter}`;
  }

  private async nextNumber(blocks: NonNullable<Services['store']['svTrids']>): Promise<number> {
    while (this.svTridBlock.next >= this.svTridBlock.end) {
      const spare = this.spareBlock(blocks);
      const block = await spare;
      // The first command to wake takes the spare; the others use it too, or wait for the next.
      if (this.spareSvTridBlock === spare) {
        this.spareSvTridBlock = null;
        this.svTridBlock = block;
      }
    }
    const n = this.svTridBlock.next++;
    // Half used: the next block is reserved now, so that commands rarely wait for one.
    if (this.svTridBlock.end - this.svTridBlock.next === blocks.blockSize >> 1) void this.spareBlock(blocks).catch(() => {});
    return n;
  }

  private spareBlock(blocks: NonNullable<Services['store']['svTrids']>): Promise<{ next: number; end: number }> {
    this.spareSvTridBlock ??= blocks.reserve().then(
      (first) => ({ next: first, end: first + blocks.blockSize }),
      (e) => {
        this.spareSvTridBlock = null;
        throw e;
      },
    );
    return this.spareSvTridBlock;
  }

  /** An object command: one transaction holding the due events, the handler, the door's writes and the audit row. */
  async run<I, D>(r: RunRequest<I, D>, started = process.hrtime.bigint()): Promise<Outcome<D>> {
    const { session, command } = r;
    const registrar = session.registrar!;
    const now = this.services.clock.now();
    const svTRID = await this.nextSvTRID();
    let outcome: Outcome<D>;
    try {
      const input = command.prepare ? await command.prepare(r.input, this.services) : r.input;
      outcome = await this.services.store.transaction(async (repos) => {
        // Time-driven events that fell due since the last command are applied first, in the same transaction.
        await this.services.dueEvents.applyIfDue(repos, now);
        const result = await command.run(input, { session, registrar, repos, now, svTRID, services: this.services });
        // Forgotten inside the batch, before any later command runs: the handler may have added or moved an event.
        if (!command.readOnly) this.services.dueEvents.forget();
        if (r.alsoInTransaction) await r.alsoInTransaction(repos, result, { command: command.name, code: result.code ?? 1000, svTRID });
        const done: Outcome<D> = { command: command.name, code: result.code ?? 1000, msg: result.msg, data: result.data, msgQ: result.msgQ, object: result.object, svTRID, close: false };
        await this.audit(repos, { session, command: command.name, object: done.object, clTRID: r.clTRID, svTRID, code: done.code, started, now, source: r.source });
        if (!done.msgQ) done.msgQ = await queueState(repos, registrar.id);
        return done;
        // A registrar's changes queue up behind each other (its balance row): on PostgreSQL they wait their turn
        // rather than abort each other. Queries need no turn.
      }, command.readOnly ? { auditOnly: true } : { queue: `registrar:${registrar.id}` });
      this.services.dueEvents.committed();
    } catch (e) {
      // The command's changes are rolled back, and with them any due events its sweep applied.
      this.services.dueEvents.rolledBack();
      outcome = { ...this.failure(e, session, command.name), object: r.object, svTRID, close: false };
      await this.auditAlone(outcome, session, r.clTRID, started, r.source);
    }
    this.log(session, outcome, started);
    return outcome;
  }

  /**
   * A command refused before its handler ran (its input could not be read, or the session may not send
   * it): audited for a logged-in registrar, like any failed command, and logged.
   */
  async refuse(
    r: { session: Session; command: string; clTRID?: string; source: Source; object?: string; audited: boolean },
    error: unknown,
    started = process.hrtime.bigint(),
  ): Promise<Outcome<never>> {
    const outcome: Outcome<never> = { ...this.failure(error, r.session, r.command), object: r.object, svTRID: await this.nextSvTRID(), close: false };
    outcome.close = closesConnection(outcome.code);
    if (r.audited && r.session.registrar) await this.auditAlone(outcome, r.session, r.clTRID, started, r.source);
    this.log(r.session, outcome, started);
    return outcome;
  }

  /**
   * A session command (login, logout): no transaction is held while it runs; its audit row is written after.
   * Its data (login's security events) comes with the outcome whatever the code: a refused login has some.
   */
  async runSession<I, D>(r: { session: Session; command: SessionCommand<I, D>; input: I; clTRID?: string }, started = process.hrtime.bigint()): Promise<Outcome<D>> {
    const { session, command } = r;
    const svTRID = await this.nextSvTRID();
    let outcome: Outcome<D>;
    try {
      const result = await command.run(r.input, { session, now: this.services.clock.now(), services: this.services });
      const code = result.code ?? 1000;
      outcome = { command: command.name, code, msg: result.msg, data: result.data, object: result.object, svTRID, close: !!result.close || closesConnection(code) };
    } catch (e) {
      outcome = { ...this.failure(e, session, command.name), svTRID, close: false };
      outcome.close = closesConnection(outcome.code);
    }
    // Junk sent before login is only logged: auditing it would let anyone on the internet fill the disk.
    if (session.registrar || command.name === 'login') await this.auditAlone(outcome, session, r.clTRID, started, 'epp');
    this.log(session, outcome, started);
    return outcome;
  }

  private failure(e: unknown, session: Session, command: string): { command: string; code: ResultCode; msg?: string; value?: Out; reason?: string; condition?: string } {
    if (e instanceof EppError) return { command, code: e.code, msg: e.detail, value: e.value, reason: e.reason, condition: e.condition };
    this.services.log.error({ err: e, session: session.id, command }, 'command failed unexpectedly');
    return { command, code: 2400 };
  }

  /** Writes the audit row of a command that changed nothing, and fills in msgQ for a logged-in registrar. */
  private async auditAlone(o: Outcome<unknown>, session: Session, clTRID: string | undefined, started: bigint, source: Source): Promise<void> {
    const registrarId = session.registrar?.id ?? null;
    const now = this.services.clock.now();
    try {
      await this.services.store.transaction(async (repos) => {
        await this.audit(repos, { session, command: o.command, object: o.object, clTRID, svTRID: o.svTRID, code: o.code, started, now, source });
        if (registrarId !== null && !o.msgQ && !closesConnection(o.code)) o.msgQ = await queueState(repos, registrarId);
      });
    } catch (e) {
      this.services.log.error({ err: e, session: session.id, command: o.command }, 'audit write failed');
    }
  }

  /** One log line per command: who, what, on which object, the result and how long it took. Never secrets. */
  log(session: Session, o: { command: string; object?: string; code: number; condition?: string; svTRID: string }, started: bigint): void {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.services.observer?.command(o.command, o.code, ms / 1000);
    const line = { session: session.id, clID: session.registrar?.clId, command: o.command, object: o.object, code: o.code, condition: o.condition, ms: Math.round(ms * 1000) / 1000, svTRID: o.svTRID };
    this.services.log.info(line, 'command');
  }

  private async audit(
    repos: Repos,
    a: { session: Session; command: string; object?: string; clTRID?: string; svTRID: string; code: ResultCode; started: bigint; now: Date; source: Source },
  ): Promise<void> {
    await repos.audit.record({
      at: a.now,
      registrarId: a.session.registrar?.id ?? null,
      sessionId: a.session.id,
      source: a.source,
      command: a.command,
      object: a.object ?? null,
      clTRID: a.clTRID ?? null,
      svTRID: a.svTRID,
      code: a.code,
      message: null,
      durationUs: Number((process.hrtime.bigint() - a.started) / 1000n),
    });
  }
}

/** RFC 5730 §2.6: every response tells a registrar with waiting messages how many, and the first one's id. */
async function queueState(repos: Repos, registrarId: number): Promise<MsgQ | undefined> {
  const { count, first } = await repos.poll.head(registrarId);
  return first ? { count, id: String(first.id) } : undefined;
}
