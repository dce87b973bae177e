import type { ResultCode } from './result-codes.js';
import type { Out } from './xml-node.js';

/**
 * A command failure that carries its EPP result code. Handlers throw these; the runner turns them into a
 * response in one place. `value` names the offending element (RFC 5730 <value>); `reason` adds an
 * <extValue> with a human-readable reason for that element.
 */
export class EppError extends Error {
  constructor(
    readonly code: ResultCode,
    message?: string,
    readonly value?: Out,
    readonly reason?: string,
    /** The named condition this failure is (see src/commands/conditions.ts), for logs and tests. */
    readonly condition?: string,
  ) {
    super(message ?? String(code));
    this.name = 'EppError';
  }
  /** The text for <msg>: the specific message when one was given, else the standard one. */
  get detail(): string | undefined {
    return this.message === String(this.code) ? undefined : this.message;
  }
}

/** Shorthand constructors, named after the RFC 5730 result they produce. */
export const fail = {
  syntax: (msg: string, value?: Out) => new EppError(2001, msg, value),
  use: (msg: string) => new EppError(2002, msg),
  missing: (msg: string, value?: Out) => new EppError(2003, msg, value),
  range: (msg: string, value?: Out) => new EppError(2004, msg, value),
  valueSyntax: (msg: string, value?: Out) => new EppError(2005, msg, value),
  unimplemented: (msg: string) => new EppError(2101, msg),
  unimplementedOption: (msg: string) => new EppError(2102, msg),
  unimplementedExtension: (msg: string) => new EppError(2103, msg),
  billing: (msg: string) => new EppError(2104, msg),
  notRenewable: (msg: string, value?: Out) => new EppError(2105, msg, value),
  notTransferable: (msg: string, value?: Out) => new EppError(2106, msg, value),
  authentication: (msg: string) => new EppError(2200, msg),
  authorization: (msg: string, value?: Out) => new EppError(2201, msg, value),
  invalidAuthInfo: (msg: string) => new EppError(2202, msg),
  pendingTransfer: (msg: string, value?: Out) => new EppError(2300, msg, value),
  notPendingTransfer: (msg: string, value?: Out) => new EppError(2301, msg, value),
  exists: (msg: string, value?: Out) => new EppError(2302, msg, value),
  notFound: (msg: string, value?: Out) => new EppError(2303, msg, value),
  status: (msg: string, value?: Out) => new EppError(2304, msg, value),
  association: (msg: string, value?: Out) => new EppError(2305, msg, value),
  policy: (msg: string, value?: Out) => new EppError(2306, msg, value),
  unimplementedService: (msg: string) => new EppError(2307, msg),
};
