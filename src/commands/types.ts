import type { X509Certificate } from 'node:crypto';
import type { DueEventSchedule } from '../registry/lifecycle.js';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ResultCode } from '../protocol/result-codes.js';
import type { Clock } from '../registry/clock.js';
import type { LoginThrottle } from '../session/login-throttle.js';
import type { CommandPacer } from '../session/command-pacer.js';
import type { Session, SessionTable } from '../session/session.js';
import type { Registrar } from '../storage/core-repos.js';
import type { Repos, Store } from '../storage/store.js';

/**
 * What a command handler sees: a typed input, a context, and a typed result. Handlers never see XML or JSON:
 * each door (EPP in src/epp/, HTTP in src/http/) turns its own wire format into the input and renders the
 * result; failures are `EppError`s (see ./conditions.ts), turned into answers by the door.
 */

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
  /** Told of every command answered (the server's metrics, src/ops/metrics.ts); absent: nothing counted. */
  observer?: CommandObserver;
  /** Per-registrar command-rate limits of the EPP door (src/session/command-pacer.ts); absent: none. */
  pacer?: CommandPacer;
  /** The TMCH CA certificates signed marks must chain to (tmch.ca); absent or empty: sunrise creates are refused. */
  tmchCas?: X509Certificate[];
}

/** Sees every command the runner answers: name, result code and seconds from read to answer. Must be cheap. */
export interface CommandObserver {
  command(name: string, code: number, seconds: number): void;
  /** A command that waited for its registrar's command-rate limit, and how long. */
  paced?(clID: string, seconds: number): void;
}

export interface CommandContext {
  session: Session;
  /** The logged-in registrar (object commands always have one). */
  registrar: Registrar;
  /** The command's transaction. */
  repos: Repos;
  /** The command's instant: one value for the whole command. */
  now: Date;
  /** The server transaction id of this command's response. */
  svTRID: string;
  services: Services;
}

/** RFC 5730 §2.6 message queue state shown with a response. */
export interface MsgQ {
  count: number;
  id?: string;
  qDate?: Date;
  msg?: string;
}

/** A handler's answer: its success code (1000 unless said), its typed data, and the object it acted on. */
export interface CommandResult<D = undefined> {
  code?: ResultCode;
  msg?: string;
  data?: D;
  /** Object the command acted on, for the audit trail and logs (never secrets). */
  object?: string;
  /** Poll responses carry their own msgQ. */
  msgQ?: MsgQ;
}

/**
 * An object command (and poll): runs inside one store transaction owned by the runner, always logged in.
 * `I` is what the doors hand it, `D` the data of its answer.
 */
export interface ObjectCommand<I = unknown, D = unknown> {
  kind: 'object';
  name: string;
  /** Changes no object (check, info, transfer query, poll request): cannot add or move a due event. */
  readOnly?: true;
  /**
   * Slow work on the input that needs no data (hashing an authInfo the command may set, checking a signed
   * mark's signature), done by the runner before the command's transaction, so that it holds no other
   * command up. Changes nothing stored.
   */
  prepare?(input: I, services: Services): Promise<I>;
  run(input: I, ctx: CommandContext): Promise<CommandResult<D>>;
}

/** Context of login/logout: no transaction is open (login hashes passwords; it opens its own short ones). */
export interface SessionContext {
  session: Session;
  now: Date;
  services: Services;
}

export interface SessionResult<D = undefined> extends CommandResult<D> {
  /** Close the connection after sending the response (logout, 2501, 2502). */
  close?: boolean;
}

/** A command that manages the session itself (login, logout). */
export interface SessionCommand<I = unknown, D = undefined> {
  kind: 'session';
  name: string;
  needsLogin: boolean;
  run(input: I, ctx: SessionContext): Promise<SessionResult<D>>;
}

export type AnyCommand = ObjectCommand<any, any> | SessionCommand<any, any>;
