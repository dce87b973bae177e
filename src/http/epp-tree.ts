import { NS } from '../protocol/namespaces.js';
import type { Elem, Out } from '../protocol/xml-node.js';

/**
 * The two conversions of the gateway: JSON → the `Elem` tree the XML parser would produce for the
 * equivalent EPP command (so the command handlers cannot tell the doors apart), and the handlers' `Out`
 * result trees → plain values for JSON responses.
 */

type Content = string | Array<Elem | undefined | false | null>;

/** An inbound element in `ns`: `e(NS.domain, 'name', 'x.defiwallet')`, `e(NS.domain, 'create', [...])`. */
export function e(ns: string, name: string, content: Content = '', attrs: Record<string, string> = {}): Elem {
  if (typeof content === 'string') return { ns, name, attrs, children: [], text: content };
  const kids = content.filter((c): c is Elem => !!c);
  return { ns, name, attrs, children: kids, text: '' };
}

/** Shorthand for the domain namespace. */
export const d = (name: string, content: Content = '', attrs: Record<string, string> = {}): Elem => e(NS.domain, name, content, attrs);

/** <domain:authInfo><domain:pw>…</domain:pw></domain:authInfo> */
export const authInfo = (pw: string): Elem => d('authInfo', [d('pw', pw)]);

// ---------------------------------------------------------------- Out reader

function kids(o: Out | undefined): Out[] {
  return (o?.children ?? []).filter((c): c is Out => !!c);
}

/** First child named `name` (qualified, e.g. `domain:name`). */
export function outChild(o: Out | undefined, name: string): Out | undefined {
  return kids(o).find((c) => c.name === name);
}

export function outChildren(o: Out | undefined, name: string): Out[] {
  return kids(o).filter((c) => c.name === name);
}

/** Text of the first child named `name`, or undefined. */
export function outText(o: Out | undefined, name: string): string | undefined {
  const c = outChild(o, name);
  return c?.text === undefined ? undefined : String(c.text);
}

/** The first tree named `name` in a result's resData or extension list. */
export function find(list: Out[] | undefined, name: string): Out | undefined {
  return (list ?? []).find((o) => o.name === name);
}
