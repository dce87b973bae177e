import type { X509Certificate } from 'node:crypto';
import { el } from '../../protocol/xml-node.js';
import { describePhases, phaseAt, phaseRunning, tmchNoticeIdMatches, type PhaseState } from '../../registry/launch-phases.js';
import { checkEncodedSignedMarkDocument, checkSignedMarkNow } from '../../registry/signed-mark.js';
import type { Tld } from '../../storage/core-repos.js';
import type { LaunchRegistration } from '../../storage/tmch-repo.js';
import { condition } from '../conditions.js';
import type { CommandContext } from '../types.js';
import type { LaunchCheck, LaunchCheckData, LaunchCreate, LaunchInfo, LaunchInfoData, NoticeInput, PhaseInput } from './types.js';

/**
 * The launch phases of domain:check and domain:create (RFC 8334 with RFC 7848 signed marks and the TMCH
 * rules of RFC 9361). This registry registers at once (the "registration" model): a sunrise create with a
 * valid signed mark creates the domain, no application is kept. What a create must carry follows the TLD's
 * phases at the command's instant (src/registry/launch-phases.ts).
 */

/** Hours a claims notice stays acceptable after the registrant accepted it (the TMCH's rule). */
export const NOTICE_ACCEPTANCE_HOURS = 48;
/** How far a registrar's clock may run ahead of the registry's: an acceptedDate up to this far ahead is taken as now. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const phaseText = (p: PhaseInput) => (p.name ? `${p.value} (${p.name})` : p.value);
const phaseEl = (p: PhaseInput) => el('launch:phase', p.name ? { name: p.name } : null, p.value);

/** 2306: the phase a command names is not running in the TLD (RFC 8334 §2.3). */
export const phaseNotRunning = condition('phaseNotRunning', 2306, (tld: string, asked: PhaseInput, state: string) => ({
  msg: `Launch phase ${phaseText(asked)} is not running in .${tld}; running now: ${state}`,
  value: phaseEl(asked),
}));

/** 2306: a sunrise create without a signed mark. */
export const signedMarkRequired = condition('signedMarkRequired', 2306, (tld: string, state: string) => ({
  msg: `.${tld} is in its sunrise phase (${state}): a create needs <launch:create> with phase sunrise and an <smd:encodedSignedMark>`,
}));

/** 2306: a landrush create that does not name the phase. */
export const landrushPhaseRequired = condition('landrushPhaseRequired', 2306, (tld: string, state: string) => ({
  msg: `.${tld} is in its landrush phase (${state}): a create needs <launch:create> with phase landrush`,
}));

/** 2306: a signed mark outside sunrise. */
export const signedMarkOutsideSunrise = condition('signedMarkOutsideSunrise', 2306, (tld: string, state: string) => ({
  msg: `Signed marks are accepted in the sunrise phase only; .${tld} runs ${state}`,
}));

/** 2306: more than one signed mark. */
export const oneSignedMark = condition('oneSignedMark', 2306, (count: number) => ({
  msg: `A sunrise create takes one signed mark; ${count} were sent`,
}));

/** 2102: forms of RFC 8334 this registry does not implement. */
export const launchOptionUnimplemented = condition('launchOptionUnimplemented', 2102, (what: string) => ({
  msg: `Unimplemented launch option: ${what}`,
}));

/** 2005 or 2306: the signed mark failed its verification (the reason says which check). */
export const signedMarkInvalid = condition('signedMarkInvalid', 2306, (reason: string) => ({ msg: `Signed mark refused: ${reason}` }));
export const signedMarkMalformed = condition('signedMarkMalformed', 2005, (reason: string) => ({ msg: `Signed mark refused: ${reason}` }));

/** 2306: the domain's label is not one of the signed mark's labels. */
export const labelNotInMark = condition('labelNotInMark', 2306, (label: string, smdId: string, labels: string[]) => ({
  msg: `The label ${label} is not one of signed mark ${smdId}'s labels (${labels.slice(0, 10).join(', ')}${labels.length > 10 ? ', …' : ''})`,
}));

/** 2003: a label on the claims list created during claims without the registrant's acceptance of the notice. */
export const claimsNoticeRequired = condition('claimsNoticeRequired', 2003, (name: string, claimKey: string) => ({
  msg: `${name} is under a trademark claim (claims period running): the create needs <launch:notice> with the accepted claims notice (claim key ${claimKey})`,
  value: el('domain:name', null, name),
}));

/** 2306: a claims notice the registry cannot accept (the reason says why). */
export const claimsNoticeInvalid = condition('claimsNoticeInvalid', 2306, (reason: string, notice: NoticeInput) => ({
  msg: `Claims notice refused: ${reason}`,
  value: el('launch:noticeID', notice.validatorId ? { validatorID: notice.validatorId } : null, notice.id),
}));

/** 2306: a claims check outside the claims period (RFC 8334 §3.1.1 asks it of the claims phase). */
export const claimsNotRunning = condition('claimsNotRunning', 2306, (tld: string, state: string) => ({
  msg: `The claims period is not running in .${tld}; running now: ${state}`,
}));

/** 2303: an application id asked of a registry that keeps no applications. */
export const launchApplicationNotFound = condition('launchApplicationNotFound', 2303, (id: string) => ({
  msg: `No launch application ${id}: this registry registers at once and keeps no applications`,
  value: el('launch:applicationID', null, id),
}));

/** 2306: <launch:info> names a phase the domain was not registered in (RFC 8334 §3.2). */
export const notRegisteredInPhase = condition('notRegisteredInPhase', 2306, (name: string, asked: PhaseInput, actual: string | undefined) => ({
  msg: `${name} was not registered in the ${phaseText(asked)} phase${actual ? ` (it was registered in ${actual})` : ' (it is not a sunrise or claims registration)'}`,
  value: phaseEl(asked),
}));

/**
 * <launch:info> of a registration (RFC 8334 §3.2): the phase it was made in (sunrise or claims, as kept for
 * LORDN) and, with includeMark, the signed mark's <mark:mark> as it was signed — to the sponsor, or with the
 * domain's authInfo, never in the public view. Errors: launchApplicationNotFound (2303),
 * notRegisteredInPhase (2306).
 */
export async function launchInfo(ctx: CommandContext, domain: { id: number; name: string }, info: LaunchInfo, publicView: boolean): Promise<LaunchInfoData> {
  if (info.applicationId !== undefined) throw launchApplicationNotFound(info.applicationId);
  const reg = await ctx.repos.tmch.launchOf(domain.id);
  if (!reg || reg.kind !== info.phase.value) throw notRegisteredInPhase(domain.name, info.phase, reg?.kind);
  return { phase: { value: reg.kind }, markXml: info.includeMark && !publicView ? reg.markXml : null };
}

/** The create's launch data with its one signed mark's document checked (the prepare step, before the transaction). */
export function prepareLaunch(launch: LaunchCreate, cas: X509Certificate[]): LaunchCreate {
  if (launch.encodedSignedMarks.length !== 1) return launch;
  return { ...launch, checkedMark: checkEncodedSignedMarkDocument(launch.encodedSignedMarks[0], cas) };
}

/** The phase state of a TLD at the command's instant. */
export const phasesOf = (tld: Tld, now: Date): PhaseState => phaseAt(tld.policy.launch, now);

/** A phase a client names must run now; a custom phase never does (the policy has none). */
function requireRunning(tld: Tld, state: PhaseState, asked: PhaseInput): void {
  if (asked.value === 'custom' || !phaseRunning(state, asked.value)) throw phaseNotRunning(tld.name, asked, describePhases(state));
}

/**
 * What <launch:create> and the TLD's phases ask of a create, checked before anything is written. Returns
 * the launch registration to record once the domain exists (sunrise: the SMD id; claims: the notice), or
 * undefined for a create outside both. Errors: phaseNotRunning, launchOptionUnimplemented (2102: an
 * application, a code mark, an inline signed mark), signedMarkRequired, landrushPhaseRequired,
 * signedMarkOutsideSunrise, oneSignedMark, signedMarkMalformed (2005), signedMarkInvalid and labelNotInMark
 * (2306), claimsNoticeRequired (2003), claimsNoticeInvalid (2306).
 */
export async function launchRulesForCreate(
  ctx: CommandContext,
  tld: Tld,
  name: string,
  label: string,
  launch: LaunchCreate | undefined,
): Promise<Omit<LaunchRegistration, 'domainId' | 'roid' | 'registeredAt' | 'reportedAt'> | undefined> {
  const state = phasesOf(tld, ctx.now);
  const running = describePhases(state);
  if (launch) {
    requireRunning(tld, state, launch.phase);
    if (launch.type === 'application') throw launchOptionUnimplemented('applications (type="application"): this registry registers at once, send type="registration" or no type');
    if (launch.codeMarks > 0) throw launchOptionUnimplemented('code marks (<launch:codeMark>): send the trademark holder\'s signed mark as <smd:encodedSignedMark>');
    if (launch.signedMarks > 0) throw launchOptionUnimplemented('inline signed marks (<smd:signedMark>): send it base64-encoded as <smd:encodedSignedMark>');
  }
  const base = { name, tld: tld.name, registrarId: ctx.registrar.id };

  if (state.main === 'sunrise') {
    if (!launch || launch.phase.value !== 'sunrise' || launch.encodedSignedMarks.length === 0) throw signedMarkRequired(tld.name, running);
    if (launch.encodedSignedMarks.length > 1) throw oneSignedMark(launch.encodedSignedMarks.length);
    const tmch = ctx.repos.tmch;
    const document = launch.checkedMark ?? checkEncodedSignedMarkDocument(launch.encodedSignedMarks[0], ctx.services.tmchCas ?? []);
    const checked = await checkSignedMarkNow(document, {
      now: ctx.now,
      certRevoked: (serial) => tmch.certRevoked(serial),
      smdRevoked: (id) => tmch.smdRevoked(id),
    });
    if (!checked.ok) throw checked.code === 2005 ? signedMarkMalformed(checked.reason) : signedMarkInvalid(checked.reason);
    if (!checked.mark.labels.includes(label)) throw labelNotInMark(label, checked.mark.smdId, checked.mark.labels);
    return { ...base, kind: 'sunrise', smdId: checked.mark.smdId, notice: null, markXml: checked.mark.markXml || null };
  }

  if (launch && launch.encodedSignedMarks.length > 0) throw signedMarkOutsideSunrise(tld.name, running);
  if (state.main === 'landrush' && launch?.phase.value !== 'landrush' && !(launch?.phase.value === 'claims' && state.claims)) {
    throw landrushPhaseRequired(tld.name, running);
  }
  const notices = launch?.notices ?? [];
  if (!state.claims) {
    if (notices.length > 0) throw claimsNoticeInvalid(`no claims period is running in .${tld.name} (${running})`, notices[0]);
    return undefined;
  }
  const claimKey = (await ctx.repos.tmch.claimKeys([label])).get(label);
  if (claimKey === undefined) {
    if (notices.length > 0) throw claimsNoticeInvalid(`${label} is not on the Domain Name Label list: its create takes no claims notice`, notices[0]);
    return undefined;
  }
  if (notices.length === 0) throw claimsNoticeRequired(name, claimKey);
  if (notices.length > 1) throw claimsNoticeInvalid(`send one notice, the TMCH's (${notices.length} were sent)`, notices[1]);
  const notice = notices[0];
  const validatorId = notice.validatorId ?? 'tmch';
  if (validatorId !== 'tmch') throw claimsNoticeInvalid(`validator ${validatorId} is not one this registry uses (tmch)`, notice);
  const notAfter = new Date(notice.notAfter);
  const acceptedAt = new Date(notice.acceptedDate);
  if (Number.isNaN(notAfter.getTime()) || Number.isNaN(acceptedAt.getTime())) throw claimsNoticeInvalid('notAfter and acceptedDate must be date-times with a time zone', notice);
  const now = ctx.now.getTime();
  if (acceptedAt.getTime() > now + CLOCK_SKEW_MS) throw claimsNoticeInvalid(`acceptedDate ${acceptedAt.toISOString()} is in the future (registry time ${ctx.now.toISOString()})`, notice);
  if (now >= notAfter.getTime()) throw claimsNoticeInvalid(`the notice expired at ${notAfter.toISOString()} (notAfter)`, notice);
  if (now - acceptedAt.getTime() > NOTICE_ACCEPTANCE_HOURS * 3600_000) {
    throw claimsNoticeInvalid(`it was accepted at ${acceptedAt.toISOString()}, more than ${NOTICE_ACCEPTANCE_HOURS} hours ago: show the notice again`, notice);
  }
  const id = tmchNoticeIdMatches(notice.id, label, notAfter);
  if (id === 'format') throw claimsNoticeInvalid(`${notice.id} is not a TMCH notice id (8 hexadecimal digits of checksum and 19 digits)`, notice);
  if (id === 'checksum') throw claimsNoticeInvalid(`the checksum of notice id ${notice.id} does not match the label ${label} and notAfter ${notAfter.toISOString()}`, notice);
  return { ...base, kind: 'claims', smdId: null, notice: { id: notice.id, validatorId, notAfter, acceptedAt }, markXml: null };
}

/**
 * The claims check form (RFC 8334 §3.1.1): per name, whether its label is on the Domain Name Label list, with
 * the claim key to fetch the notice with. Asked of a TLD whose claims period is not running (or naming a
 * phase that is not running): claimsNotRunning / phaseNotRunning (2306). A name that is not a domain this
 * registry could register is answered exists="0".
 */
export async function claimsCheck(ctx: CommandContext, check: LaunchCheck, names: Array<{ name: string; label?: string; tld?: Tld }>): Promise<LaunchCheckData> {
  for (const t of new Map(names.flatMap((n) => (n.tld ? [[n.tld.name, n.tld] as const] : []))).values()) {
    const state = phasesOf(t, ctx.now);
    if (check.phase) requireRunning(t, state, check.phase);
    if (!state.claims) throw claimsNotRunning(t.name, describePhases(state));
  }
  const keys = await ctx.repos.tmch.claimKeys(names.flatMap((n) => (n.label !== undefined ? [n.label] : [])));
  return {
    phase: check.phase ?? { value: 'claims' },
    results: names.map((n) => {
      const key = n.label !== undefined ? keys.get(n.label) : undefined;
      return key === undefined ? { name: n.name, exists: false } : { name: n.name, exists: true, claimKey: key };
    }),
  };
}

/** The availability check form (RFC 8334 §3.1.2): the phase asked must run in every TLD of the names. */
export function availCheckPhase(ctx: CommandContext, check: LaunchCheck, tlds: Tld[]): void {
  if (!check.phase) return;
  for (const t of new Map(tlds.map((x) => [x.name, x])).values()) requireRunning(t, phasesOf(t, ctx.now), check.phase);
}
