import { NS } from '../protocol/namespaces.js';
import { namespaceOf, type ExtValue } from '../protocol/response.js';
import type { Out } from '../protocol/xml-node.js';
import type { Session } from '../session/session.js';
import type { Rendered } from './binding.js';

/**
 * Where each part of a response goes, by the services the session selected at login (RFC 5730 §2.9.1.1,
 * RFC 9038). Renderers produce every part they have data for; this is the one place that decides:
 *
 * - an <extension> element of an extension the client selected, and a <resData> element of an object it
 *   selected, stay where they are;
 * - otherwise, when the client selected urn:ietf:params:xml:ns:epp:unhandled-namespaces-1.0, the element
 *   moves into an <extValue> of the result, with the reason "NAMESPACE-URI not in login services"
 *   (RFC 9038 §3): always for poll messages (§6), for other responses unless `inResponses` is off (§5
 *   lets the server leave the data out instead);
 * - without it, an unselected extension element is left out (as before RFC 9038), and a <resData>
 *   element stays: a poll message keeps the object data it was queued with.
 */
export function placeForSession(parts: Rendered, session: Session, o: { poll: boolean; inResponses: boolean }): { resData: Out[]; extension: Out[]; extValues: ExtValue[] } {
  const unhandled = session.extURIs.has(NS.unhandledNamespaces) && (o.poll || o.inResponses);
  const resData: Out[] = [];
  const extension: Out[] = [];
  const extValues: ExtValue[] = [];
  const moved = (e: Out, ns: string) => extValues.push({ value: e, reason: `${ns} not in login services` });
  for (const e of parts.resData ?? []) {
    const ns = namespaceOf(e);
    if (ns === undefined || session.objURIs.has(ns) || !unhandled) resData.push(e);
    else moved(e, ns);
  }
  for (const e of parts.extension ?? []) {
    const ns = namespaceOf(e);
    if (ns === undefined || session.extURIs.has(ns)) extension.push(e);
    else if (unhandled) moved(e, ns);
  }
  return { resData, extension, extValues };
}
