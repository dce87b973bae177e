import type { LaunchCheck, LaunchCheckData, LaunchCreate, PhaseInput } from '../commands/domain/types.js';
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
