import { DOMParser, type Element } from '@xmldom/xmldom';
import type { LaunchCheck, LaunchCheckData, LaunchCreate, LaunchInfo, LaunchInfoData, PhaseInput } from '../commands/domain/types.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { child, childText, children, el, type Elem, type Out } from '../protocol/xml-node.js';
import type { Rendered } from './binding.js';

/**
 * The launch-1.0 codec (RFC 8334): <launch:check> of a domain:check and <launch:create> of a domain:create
 * → typed values (the schema has checked their shape); the claims check's answer → <launch:chkData>. The
 * signed marks inside <launch:create> (RFC 7848) are passed on as the base64 text the client sent: they are
 * verified over their own bytes, never over a re-serialisation.
 */

const ext = (m: EppMessage, name: string): Elem | undefined => m.extensions.find((e) => e.ns === NS.launch && e.name === name);

function readPhase(e: Elem | undefined): PhaseInput | undefined {
  if (!e) return undefined;
  return { value: e.text.trim(), ...(e.attrs.name !== undefined && { name: e.attrs.name }) };
}

/** <launch:check>, if sent (type defaults to claims, as the schema says). */
export function readLaunchCheck(m: EppMessage): LaunchCheck | undefined {
  const c = ext(m, 'check');
  if (!c) return undefined;
  const phase = readPhase(child(c, 'phase', NS.launch));
  return { type: c.attrs.type === 'avail' ? 'avail' : 'claims', ...(phase && { phase }) };
}

/** <launch:create>, if sent. */
export function readLaunchCreate(m: EppMessage): LaunchCreate | undefined {
  const c = ext(m, 'create');
  if (!c) return undefined;
  const type = c.attrs.type;
  return {
    phase: readPhase(child(c, 'phase', NS.launch)) ?? { value: '' },
    ...((type === 'application' || type === 'registration') && { type }),
    encodedSignedMarks: children(c, 'encodedSignedMark', NS.signedMark).map((e) => e.text),
    signedMarks: children(c, 'signedMark', NS.signedMark).length,
    codeMarks: children(c, 'codeMark', NS.launch).length,
    notices: children(c, 'notice', NS.launch).map((n) => {
      const id = child(n, 'noticeID', NS.launch);
      return {
        id: id?.text.trim() ?? '',
        ...(id?.attrs.validatorID !== undefined && { validatorId: id.attrs.validatorID }),
        notAfter: childText(n, 'notAfter', NS.launch) ?? '',
        acceptedDate: childText(n, 'acceptedDate', NS.launch) ?? '',
      };
    }),
  };
}

/** The claims check's answer: <launch:chkData> alone, no <domain:chkData> (RFC 8334 §3.1.1). */
export function renderClaimsCheck(d: LaunchCheckData): Rendered {
  const phase: Out = el('launch:phase', d.phase.name ? { name: d.phase.name } : null, d.phase.value);
  const cds = d.results.map((r) =>
    el('launch:cd', null, [el('launch:name', { exists: r.exists ? 1 : 0 }, r.name), r.claimKey !== undefined && el('launch:claimKey', { validatorID: 'tmch' }, r.claimKey)]),
  );
  return { extension: [el('launch:chkData', null, [phase, ...cds])] };
}

/** <launch:info> of a domain:info, if sent. */
export function readLaunchInfo(m: EppMessage): LaunchInfo | undefined {
  const i = ext(m, 'info');
  if (!i) return undefined;
  const id = childText(i, 'applicationID', NS.launch);
  return {
    phase: readPhase(child(i, 'phase', NS.launch)) ?? { value: '' },
    includeMark: i.attrs.includeMark === 'true' || i.attrs.includeMark === '1',
    ...(id !== undefined && { applicationId: id }),
  };
}

/** <launch:infData>: the phase and, when asked for, the mark as it was signed. */
export function renderLaunchInfo(d: LaunchInfoData | undefined): Out[] {
  if (!d) return [];
  const mark = d.markXml ? markOut(d.markXml) : undefined;
  return [el('launch:infData', null, [el('launch:phase', d.phase.name ? { name: d.phase.name } : null, d.phase.value), mark])];
}

/** The stored <mark:mark> (the registry's own copy of what the TMCH signed) as response elements. */
function markOut(xml: string): Out | undefined {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  if (!root || root.namespaceURI !== NS.mark) return undefined;
  const walk = (e: Element): Out => {
    const kids = Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1);
    const attrs: Record<string, string> = {};
    for (const a of Array.from(e.attributes)) if (a.name !== 'xmlns' && !a.name.startsWith('xmlns:')) attrs[a.localName ?? a.name] = a.value;
    const name = `mark:${e.localName}`;
    return kids.length > 0 ? el(name, Object.keys(attrs).length ? attrs : null, kids.map(walk)) : el(name, Object.keys(attrs).length ? attrs : null, e.textContent ?? '');
  };
  return walk(root);
}
