import type { CommandRunner, Outcome } from '../commands/runner.js';
import { EppError } from '../protocol/errors.js';
import type { EppMessage, EppParser } from '../protocol/parser.js';
import { buildResponse, type ExtValue } from '../protocol/response.js';
import { closesConnection } from '../protocol/result-codes.js';
import type { Session } from '../session/session.js';
import type { EppBinding, Rendered } from './binding.js';
import { pickCommand } from './picker.js';
import { placeForSession } from './unhandled.js';

export interface Reply {
  xml: string;
  close: boolean;
}

/**
 * The EPP door: one inbound document, start to finish. Parse and validate, answer <hello>, pick the
 * command's binding, gate on the session (RFC 5730: only login before login; only the services selected at
 * login; only the extensions the command accepts), read the typed input, have the runner run it, and render
 * the outcome as the response.
 */
export class EppDoor {
  constructor(
    private readonly runner: CommandRunner,
    private readonly parser: EppParser,
    private readonly greeting: () => string,
  ) {}

  async handle(session: Session, bytes: Buffer): Promise<Reply> {
    const started = process.hrtime.bigint();
    const parsed = this.parser.parse(bytes);
    if (!parsed.ok) {
      const o = await this.runner.refuse({ session, command: 'invalid', clTRID: parsed.clTRID, source: 'epp', audited: false }, parsed.error, started);
      return this.respond(o, parsed.clTRID);
    }
    const m = parsed.message;
    if (m.kind === 'hello') return { xml: this.greeting(), close: false };

    const binding = pickCommand(m);
    const command = binding.command;
    const gate = this.gate(session, m, binding);
    if (gate) return this.respond(await this.runner.refuse({ session, command: command.name, clTRID: m.clTRID, source: 'epp', audited: false }, gate, started), m.clTRID);

    let input: unknown;
    try {
      input = binding.read(m);
    } catch (e) {
      const o = await this.runner.refuse({ session, command: command.name, clTRID: m.clTRID, source: 'epp', object: objectName(m), audited: true }, e, started);
      return this.respond(o, m.clTRID);
    }
    if (command.kind === 'object') await this.pace(session);
    const outcome =
      command.kind === 'session'
        ? await this.runner.runSession({ session, command, input, clTRID: m.clTRID }, started)
        : await this.runner.run({ session, command, input, clTRID: m.clTRID, source: 'epp', object: objectName(m) }, started);
    return this.respond(outcome, m.clTRID, binding, session);
  }

  /**
   * The registrar's command-rate limit (src/session/command-pacer.ts): over it, the command waits here, in
   * its own session, before it costs the store anything; never refused.
   */
  private async pace(session: Session): Promise<void> {
    const { pacer, observer } = this.runner.services;
    const registrar = session.registrar;
    if (!pacer || !registrar) return;
    const ms = pacer.delay(registrar.id, registrar.commandRate);
    if (ms <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, ms));
    observer?.paced?.(registrar.clId, ms / 1000);
  }

  /** RFC 5730 session rules: before login only login (and hello); only negotiated namespaces afterwards. */
  private gate(session: Session, m: EppMessage, b: EppBinding): EppError | undefined {
    const c = b.command;
    if (!session.loggedIn) {
      if (c.kind !== 'session' || c.needsLogin) return new EppError(2002, 'Log in first: only <hello> and <login> are accepted before login');
      // Login selects the services itself: whether its extension's namespace is among them is the handler's.
      return unaccepted(m, b);
    }
    if (m.object && !session.objURIs.has(m.object.ns)) {
      return new EppError(2307, `Object service ${m.object.ns} was not selected at login`);
    }
    for (const ext of m.extensions) {
      if (!session.extURIs.has(ext.ns)) return new EppError(2103, `Extension ${ext.ns} was not selected at login`);
    }
    return unaccepted(m, b);
  }

  /**
   * The response of an outcome: its data rendered (a failure carries none, except a refused login's
   * security events), each part placed by the services the session selected (./unhandled.ts).
   */
  private respond(o: Outcome<unknown>, clTRID: string | undefined, binding?: EppBinding, session?: Session): Reply {
    let parts: Rendered & { extValues?: ExtValue[] } = {};
    if (o.data !== undefined && binding?.render) parts = binding.render(o.data, session!);
    if (session?.loggedIn) {
      const poll = binding?.command.name === 'poll:req';
      parts = placeForSession(parts, session, { poll, inResponses: this.runner.services.config.epp.unhandledNamespacesInResponses });
    }
    const xml = buildResponse({
      code: o.code,
      msg: o.msg,
      value: o.value,
      reason: o.reason,
      extValues: parts.extValues,
      msgQ: o.msgQ,
      resData: parts.resData,
      extension: parts.extension,
      clTRID,
      svTRID: o.svTRID,
    });
    return { xml, close: o.close || closesConnection(o.code) };
  }
}

/** 2102 for the first extension element the command's binding does not accept. */
function unaccepted(m: EppMessage, b: EppBinding): EppError | undefined {
  const ext = m.extensions.find((e) => !b.extensions.some(([ns, name]) => e.ns === ns && e.name === name));
  return ext && new EppError(2102, `The extension element <${ext.name}> (${ext.ns}) is not accepted by ${b.command.name}`);
}

/** The object a command names (its first name/id child), for the audit row of a failure. */
function objectName(m: EppMessage): string | undefined {
  const first = m.object?.children.find((c) => c.name === 'name' || c.name === 'id');
  return first?.text.trim().slice(0, 255);
}
