import type { DueEventSchedule } from '../registry/lifecycle.js';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { EppMessage } from '../protocol/parser.js';
import type { ResultCode } from '../protocol/result-codes.js';
import type { Elem, Out } from '../protocol/xml-node.js';
import type { Clock } from '../registry/clock.js';
import type { LoginThrottle } from '../session/login-throttle.js';
import type { Session, SessionTable } from '../session/session.js';
import type { Registrar } from '../storage/core-repos.js';
import type { Repos, Store } from '../storage/store.js';

/** What a handler is given about the command it runs. */
export interface CommandRequest {
  message: EppMessage;
  /** The object element (e.g. <domain:create>); undefined for login, logout and poll. */
  object?: Elem;
  /** The command's extension element in namespace `ns`, if the client sent one. */
  extension(ns: string, name?: string): Elem | undefined;
}

/** Services shared by every command; handed to the runner once. */
export interface Services {
  store: Store;
  clock: Clock;
  config: Config;
  log: Logger;
  sessions: SessionTable;
  loginThrottle: LoginThrottle;
  /** When the next auto-approval, auto-renew or purge falls due (commands sweep only when one has). */
  dueEvents: DueEventSchedule;
  /** Extension URIs the server offers in its greeting (depends on the TLDs it serves). */
  extensionURIs(): readonly string[];
}

export interface CommandContext {
  session: Session;
  /** The logged-in registrar (handlers with `needsLogin` can rely on it). */
  registrar: Registrar;
  /** The command's transaction. */
  repos: Repos;
  /** The command's instant: one value for the whole command. */
  now: Date;
  /** The server transaction id of this command's response. */
  svTRID: string;
  services: Services;
}

export interface CommandResult {
  code?: ResultCode;
  msg?: string;
  resData?: Out[];
  extension?: Out[];
  /** Object the command acted on, for the audit trail and logs (never secrets). */
  object?: string;
  /** Poll responses carry their own msgQ. */
  msgQ?: { count: number; id?: string; qDate?: Date; msg?: string };
}

/** Context of login/logout: no transaction is open (login hashes passwords; it opens its own short ones). */
export interface SessionContext {
  session: Session;
  now: Date;
  services: Services;
}

/**
 * One EPP command, as the picker finds it. Object commands (and poll) run inside one store transaction
 * owned by the runner, always logged in; session commands (login, logout) manage the session itself.
 */
export type CommandDef =
  | {
      kind: 'object';
      name: string;
      /** Changes no object (check, info, transfer query, poll request): cannot add or move a due event. */
      readOnly?: true;
      run(req: CommandRequest, ctx: CommandContext): Promise<CommandResult>;
    }
  | { kind: 'session'; name: string; needsLogin: boolean; run(req: CommandRequest, ctx: SessionContext): Promise<SessionResult> };

export interface SessionResult extends CommandResult {
  /** Close the connection after sending the response (logout, 2501, 2502). */
  close?: boolean;
}
