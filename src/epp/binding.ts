import type { EppMessage } from '../protocol/parser.js';
import type { Out } from '../protocol/xml-node.js';
import type { AnyCommand } from '../commands/types.js';
import type { Session } from '../session/session.js';

/** An extension element a command accepts: its namespace URI and local name (e.g. secDNS-1.1 `create`). */
export type ExtensionRef = readonly [ns: string, name: string];

/** The response parts a renderer produces from a command's typed data. */
export interface Rendered {
  resData?: Out[];
  extension?: Out[];
}

/**
 * How one EPP command reaches its handler: the handler, the extension elements it accepts (the door refuses
 * any other before the handler runs), the reader that turns the validated XML into the handler's typed
 * input, and the renderer that turns its typed data into <resData>/<extension>.
 */
export interface EppBinding<I = any, D = any> {
  command: AnyCommand;
  extensions: readonly ExtensionRef[];
  /** Validated XML → typed input. May throw an EppError for a value the schema lets through (2003–2005). */
  read(m: EppMessage): I;
  /** Typed data → response parts, for the namespaces the session selected at login. */
  render?(data: D, session: Session): Rendered;
}

/** A binding, typed so that reader, handler and renderer agree. */
export function bind<I, D>(b: {
  command: AnyCommand & { run(input: I, ctx: never): Promise<{ data?: D }> };
  extensions?: readonly ExtensionRef[];
  read(m: EppMessage): I;
  render?(data: D, session: Session): Rendered;
}): EppBinding<I, D> {
  return { extensions: [], ...b };
}

/** A renderer's parts with more extension elements added (fee-1.0, launch-1.0 answers). */
export function withExtension(r: Rendered, extension: Out[]): Rendered {
  return extension.length === 0 ? r : { ...r, extension: [...(r.extension ?? []), ...extension] };
}
