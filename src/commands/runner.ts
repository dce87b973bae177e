import { randomBytes } from 'node:crypto';
import { EppError } from '../protocol/errors.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage, EppParser } from '../protocol/parser.js';
import { buildResponse, type ResponseSpec } from '../protocol/response.js';
import { closesConnection, type ResultCode } from '../protocol/result-codes.js';
import type { Elem } from '../protocol/xml-node.js';
import type { Session } from '../session/session.js';
import type { Repos } from '../storage/store.js';
import { pickCommand } from './picker.js';
import type { CommandDef, CommandRequest, CommandResult, Services, SessionResult } from './types.js';

export interface Reply {
  xml: string;
  close: boolean;
}

/**
 * Runs one inbound EPP document, start to finish: parse and validate, gate on the session state, pick the
 * handler, run it inside one transaction together with its audit row, and turn its result, or any failure,
 * into a response. Handlers cannot forget the transaction, the audit trail or the logging: they live here.
 */
export class CommandRunner {
  private readonly svTridPrefix = randomBytes(4).toString('hex').toUpperCase();
  private svTridCounter = 0;

  constructor(
    private readonly services: Services,
    private readonly parser: EppParser,
    private readonly greeting: () => string,
  ) {}

  private nextSvTRID(): string {
    this.svTridCounter++;
    return `${this.services.config.roidSuffix}-${this.svTridPrefix}-${Date.now().toString(36).toUpperCase()}-${this.svTridCounter}`;
  }

  async handle(session: Session, bytes: Buffer): Promise<Reply> {
    const started = process.hrtime.bigint();
    const svTRID = this.nextSvTRID();
    const parsed = this.parser.parse(bytes);
    if (!parsed.ok) {
      return this.reply(session, 'invalid', undefined, parsed.clTRID, svTRID, started, errorSpec(parsed.error), false);
    }
    const m = parsed.message;
    if (m.kind === 'hello') return { xml: this.greeting(), close: false };

    const def = pickCommand(m);
    const req = makeRequest(m);
    const gate = this.gate(session, m, def);
    if (gate) return this.reply(session, def.name, undefined, m.clTRID, svTRID, started, errorSpec(gate), false);

    if (def.kind === 'session') {
      let result: SessionResult;
      try {
        result = await def.run(req, { session, now: this.services.clock.now(), services: this.services });
      } catch (e) {
        return this.reply(session, def.name, undefined, m.clTRID, svTRID, started, this.failureSpec(e, session, def.name), true);
      }
      return this.reply(session, def.name, result.object, m.clTRID, svTRID, started, resultSpec(result), true, result.close);
    }

    const { spec, object } = await this.runObject(session, def, req, m.clTRID, svTRID, started, 'epp');
    return this.finish(session, def.name, object, m.clTRID, svTRID, started, spec);
  }

  /**
   * Runs an object command for a registrar without an EPP connection: the HTTP registrar API is a gateway
   * onto the same handlers, transaction, lifecycle, billing and audit trail (with source 'http').
   */
  async execute(input: {
    session: Session;
    verb: string;
    object: Elem;
    op?: string;
    extensions?: Elem[];
    clTRID?: string;
  }): Promise<Omit<ResponseSpec, 'svTRID'> & { svTRID: string; command: string; object?: string }> {
    const started = process.hrtime.bigint();
    const svTRID = this.nextSvTRID();
    const verbEl: Elem = { ns: NS.epp, name: input.verb, attrs: input.op ? { op: input.op } : {}, children: [input.object], text: '' };
    const message: EppMessage = { kind: 'command', verb: input.verb, verbEl, object: input.object, extensions: input.extensions ?? [], clTRID: input.clTRID };
    const def = pickCommand(message);
    if (def.kind !== 'object') throw new Error(`${def.name} is not an object command`);
    const { spec, object } = await this.runObject(input.session, def, makeRequest(message), input.clTRID, svTRID, started, 'http');
    this.log(input.session, def.name, object, spec.code, svTRID, started);
    return { ...spec, svTRID, command: def.name, object };
  }

  /** The object-command path: one transaction holding the due events, the handler and its audit row. */
  private async runObject(
    session: Session,
    def: Extract<CommandDef, { kind: 'object' }>,
    req: CommandRequest,
    clTRID: string | undefined,
    svTRID: string,
    started: bigint,
    source: 'epp' | 'http',
  ): Promise<{ spec: Omit<ResponseSpec, 'svTRID'>; object: string | undefined }> {
    const registrar = session.registrar!;
    const now = this.services.clock.now();
    try {
      return await this.services.store.transaction(async (repos) => {
        // Time-driven events that fell due since the last command are applied first, in the same transaction.
        await this.services.dueEvents.applyIfDue(repos, now);
        const result = await def.run(req, { session, registrar, repos, now, svTRID, services: this.services });
        // Forgotten inside the batch, before any later command runs: the handler may have added or moved an event.
        if (!def.readOnly) this.services.dueEvents.forget();
        const spec = resultSpec(result);
        await this.audit(repos, session, def.name, result.object, clTRID, svTRID, spec.code, started, now, source);
        if (!spec.msgQ) spec.msgQ = await queueState(repos, registrar.id);
        return { spec, object: result.object };
      });
    } catch (e) {
      // The command's changes are rolled back, and with them any due events its sweep applied.
      this.services.dueEvents.forget();
      const spec = this.failureSpec(e, session, def.name);
      const object = objectName(req.object);
      await this.auditAlone(session, def.name, object, clTRID, svTRID, started, spec, source);
      return { spec, object };
    }
  }

  /** RFC 5730 session rules: before login only login (and hello); only negotiated namespaces afterwards. */
  private gate(session: Session, m: EppMessage, def: CommandDef): EppError | undefined {
    if (!session.loggedIn) {
      if (def.kind === 'session' && !def.needsLogin) return undefined;
      return new EppError(2002, 'Log in first: only <hello> and <login> are accepted before login');
    }
    if (m.object && !session.objURIs.has(m.object.ns)) {
      return new EppError(2307, `Object service ${m.object.ns} was not selected at login`);
    }
    for (const ext of m.extensions) {
      if (!session.extURIs.has(ext.ns)) return new EppError(2103, `Extension ${ext.ns} was not selected at login`);
    }
    return undefined;
  }

  private failureSpec(e: unknown, session: Session, command: string): Omit<ResponseSpec, 'svTRID'> {
    if (e instanceof EppError) return errorSpec(e);
    this.services.log.error({ err: e, session: session.id, command }, 'command failed unexpectedly');
    return { code: 2400 };
  }

  /** Records the audit row in its own transaction (failures, session commands), then builds the response. */
  private async reply(
    session: Session,
    command: string,
    object: string | undefined,
    clTRID: string | undefined,
    svTRID: string,
    started: bigint,
    spec: Omit<ResponseSpec, 'svTRID'>,
    audited: boolean,
    close = false,
  ): Promise<Reply> {
    // Junk sent before login is only logged: auditing it would let anyone on the internet fill the disk.
    if (audited && (session.registrar || command === 'login')) await this.auditAlone(session, command, object, clTRID, svTRID, started, spec, 'epp');
    return this.finish(session, command, object, clTRID, svTRID, started, spec, close);
  }

  /** Writes the audit row of a command that changed nothing, and fills in msgQ for a logged-in registrar. */
  private async auditAlone(
    session: Session,
    command: string,
    object: string | undefined,
    clTRID: string | undefined,
    svTRID: string,
    started: bigint,
    spec: Omit<ResponseSpec, 'svTRID'>,
    source: 'epp' | 'http',
  ): Promise<void> {
    const registrarId = session.registrar?.id ?? null;
    const now = this.services.clock.now();
    try {
      await this.services.store.transaction(async (repos) => {
        await this.audit(repos, session, command, object, clTRID, svTRID, spec.code, started, now, source);
        if (registrarId !== null && !spec.msgQ && !closesConnection(spec.code)) spec.msgQ = await queueState(repos, registrarId);
      });
    } catch (e) {
      this.services.log.error({ err: e, session: session.id, command }, 'audit write failed');
    }
  }

  private finish(
    session: Session,
    command: string,
    object: string | undefined,
    clTRID: string | undefined,
    svTRID: string,
    started: bigint,
    spec: Omit<ResponseSpec, 'svTRID'>,
    close = false,
  ): Reply {
    const xml = buildResponse({ ...spec, clTRID, svTRID });
    this.log(session, command, object, spec.code, svTRID, started);
    return { xml, close: close || closesConnection(spec.code) };
  }

  /** One log line per command: who, what, on which object, the result and how long it took. Never secrets. */
  private log(session: Session, command: string, object: string | undefined, code: number, svTRID: string, started: bigint): void {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    this.services.log.info({ session: session.id, clID: session.registrar?.clId, command, object, code, ms: Math.round(ms * 1000) / 1000, svTRID }, 'command');
  }

  private async audit(
    repos: Repos,
    session: Session,
    command: string,
    object: string | undefined,
    clTRID: string | undefined,
    svTRID: string,
    code: ResultCode,
    started: bigint,
    now: Date,
    source: 'epp' | 'http' = 'epp',
  ): Promise<void> {
    await repos.audit.record({
      at: now,
      registrarId: session.registrar?.id ?? null,
      sessionId: session.id,
      source,
      command,
      object: object ?? null,
      clTRID: clTRID ?? null,
      svTRID,
      code,
      message: null,
      durationUs: Number((process.hrtime.bigint() - started) / 1000n),
    });
  }
}

/** RFC 5730 §2.6: every response tells a registrar with waiting messages how many, and the first one's id. */
async function queueState(repos: Repos, registrarId: number): Promise<ResponseSpec['msgQ']> {
  const { count, first } = await repos.poll.head(registrarId);
  return first ? { count, id: String(first.id) } : undefined;
}

function makeRequest(m: EppMessage): CommandRequest {
  return {
    message: m,
    object: m.object,
    extension: (ns: string, name?: string) => m.extensions.find((e) => e.ns === ns && (name === undefined || e.name === name)),
  };
}

function resultSpec(r: CommandResult): Omit<ResponseSpec, 'svTRID'> {
  return { code: r.code ?? 1000, msg: r.msg, resData: r.resData, extension: r.extension, msgQ: r.msgQ };
}

function errorSpec(e: EppError): Omit<ResponseSpec, 'svTRID'> {
  return { code: e.code, msg: e.detail, value: e.value, reason: e.reason };
}

/** The object a failed command named (its first name/id child), for the audit trail. */
function objectName(object: Elem | undefined): string | undefined {
  const first = object?.children.find((c) => c.name === 'name' || c.name === 'id');
  return first?.text.trim().slice(0, 255);
}
