import type { HostCheck, HostCheckData, HostCreate, HostCreateData, HostDelete, HostInfo, HostInfoData, HostUpdate, HostAddrInput } from '../commands/host/types.js';
import { addressValue } from '../commands/host/conditions.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { eppDateTime } from '../protocol/response.js';
import { child, childText, children, el, type Elem } from '../protocol/xml-node.js';
import type { Rendered } from './binding.js';

/**
 * The host commands' codec (RFC 5732): the validated <host:…> element → the typed inputs of
 * src/commands/host/types.ts, and their typed results → <resData>. Host commands take no extension.
 */

// ---------------------------------------------------------------- readers

/** The <host:name> a command names, trimmed ('' when absent). */
const nameOf = (m: EppMessage): string => childText(m.object, 'name') ?? '';

/** The <host:addr> children of `parent`, as sent. */
function addrsOf(parent: Elem | undefined): HostAddrInput[] {
  return children(parent, 'addr', NS.host).map((a) => {
    const ip = a.attrs.ip as HostAddrInput['ip'];
    return ip === undefined ? { addr: a.text.trim() } : { addr: a.text.trim(), ip };
  });
}

/** The s attributes of the <host:status> children of an <add>/<rem>. */
function statusesOf(parent: Elem | undefined): string[] {
  return children(parent, 'status', NS.host).map((s) => s.attrs.s);
}

export function readHostCheck(m: EppMessage): HostCheck {
  return { names: children(m.object, 'name', NS.host).map((n) => n.text.trim()) };
}

export function readHostInfo(m: EppMessage): HostInfo {
  return { name: nameOf(m) };
}

export function readHostCreate(m: EppMessage): HostCreate {
  return { name: nameOf(m), addrs: addrsOf(m.object) };
}

export function readHostUpdate(m: EppMessage): HostUpdate {
  const add = child(m.object, 'add');
  const rem = child(m.object, 'rem');
  const newName = childText(child(m.object, 'chg'), 'name');
  return {
    name: nameOf(m),
    add: { addrs: addrsOf(add), statuses: statusesOf(add) },
    rem: { addrs: addrsOf(rem), statuses: statusesOf(rem) },
    chg: newName === undefined ? {} : { name: newName },
  };
}

export function readHostDelete(m: EppMessage): HostDelete {
  return { name: nameOf(m) };
}

// ---------------------------------------------------------------- renderers

export function renderHostCheck(d: HostCheckData): Rendered {
  const cds = d.results.map((r) =>
    el('host:cd', null, [el('host:name', { avail: r.available ? 1 : 0 }, r.name), r.reason !== undefined && el('host:reason', null, r.reason)]),
  );
  return { resData: [el('host:chkData', null, cds)] };
}

/** <host:infData> in the schema's order. Hosts have no authInfo: every logged-in registrar sees all of it. */
export function renderHostInfo(d: HostInfoData): Rendered {
  const h = d.host;
  return {
    resData: [
      el('host:infData', null, [
        el('host:name', null, h.name),
        el('host:roid', null, h.roid),
        ...d.statuses.map((s) => el('host:status', { s })),
        ...h.addresses.map(addressValue),
        el('host:clID', null, h.sponsorClId),
        el('host:crID', null, h.creatorClId),
        el('host:crDate', null, eppDateTime(h.createdAt)),
        h.updaterClId !== null && el('host:upID', null, h.updaterClId),
        h.updatedAt !== null && el('host:upDate', null, eppDateTime(h.updatedAt)),
        h.transferredAt !== null && el('host:trDate', null, eppDateTime(h.transferredAt)),
      ]),
    ],
  };
}

export function renderHostCreate(d: HostCreateData): Rendered {
  return { resData: [el('host:creData', null, [el('host:name', null, d.name), el('host:crDate', null, eppDateTime(d.createdAt))])] };
}
