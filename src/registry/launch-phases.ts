import { crc32 } from 'node:zlib';

/**
 * A TLD's launch phases (RFC 8334) as policy data: each phase a name and the instants it runs between
 * (start inclusive, end exclusive), read on the registry clock. Outside every phase the TLD is open.
 *
 * - sunrise: creates need a trademark holder's signed mark (RFC 7848) whose labels include the domain's;
 * - landrush: a limited period open to every registrar, creates name the phase in <launch:create>;
 * - claims: labels on the TMCH's Domain Name Label list need the registrant's acceptance of the claims
 *   notice (<launch:notice>); it runs alongside landrush or open, never with sunrise;
 * - open: general availability (the same as no phase; listed to end a schedule explicitly).
 * Sunrise, landrush and open never overlap one another, nor do two claims periods.
 */

export const PHASE_NAMES = ['sunrise', 'landrush', 'claims', 'open'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];
/** The phases that decide how a create is made (claims runs beside one of them). */
export type MainPhase = 'sunrise' | 'landrush' | 'open';

export interface LaunchPhase {
  name: PhaseName;
  /** RFC 3339 instants with a time zone, e.g. 2027-01-10T16:00:00Z. */
  start: string;
  end: string;
}

export interface LaunchPolicy {
  phases: LaunchPhase[];
}

/** What runs at an instant. */
export interface PhaseState {
  /** The phase creates follow: a running sunrise/landrush/open phase, else open. */
  main: MainPhase;
  /** The running main phase's entry; undefined when the TLD is open outside every phase. */
  mainPhase?: LaunchPhase;
  /** The running claims period, if any. */
  claims?: LaunchPhase;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

const instant = (s: string): number => Date.parse(s);

/** The policy's problems (an empty list: valid). Checked when a policy is written, never when it is used. */
export function launchProblems(launch: unknown): string[] {
  if (!launch || typeof launch !== 'object' || Array.isArray(launch)) return ['launch must be an object {phases: [...]}'];
  const extra = Object.keys(launch).filter((k) => k !== 'phases');
  if (extra.length) return [`launch: unknown field ${extra[0]}`];
  const phases = (launch as { phases: unknown }).phases;
  if (!Array.isArray(phases)) return ['launch.phases must be a list of {name, start, end}'];
  const problems: string[] = [];
  for (const [i, p] of phases.entries()) {
    const at = `launch.phases[${i}]`;
    if (!p || typeof p !== 'object' || Array.isArray(p)) {
      problems.push(`${at} must be an object {name, start, end}`);
      continue;
    }
    const unknown = Object.keys(p).filter((k) => !['name', 'start', 'end'].includes(k));
    if (unknown.length) problems.push(`${at}: unknown field ${unknown[0]}`);
    if (!(PHASE_NAMES as readonly string[]).includes(p.name)) problems.push(`${at}.name ${JSON.stringify(p.name)} must be one of ${PHASE_NAMES.join(', ')}`);
    for (const k of ['start', 'end'] as const) {
      if (typeof p[k] !== 'string' || !RFC3339.test(p[k]) || Number.isNaN(instant(p[k]))) problems.push(`${at}.${k} ${JSON.stringify(p[k])} must be an RFC 3339 instant with a time zone, e.g. 2027-01-10T16:00:00Z`);
    }
    if (problems.length === 0 && instant(p.start) >= instant(p.end)) problems.push(`${at}: start ${p.start} must be before end ${p.end}`);
  }
  if (problems.length) return problems;
  const list = phases as LaunchPhase[];
  const clash = (a: LaunchPhase, b: LaunchPhase) => instant(a.start) < instant(b.end) && instant(b.start) < instant(a.end);
  const exclusive = (a: LaunchPhase, b: LaunchPhase) => (a.name === 'claims') === (b.name === 'claims') || a.name === 'sunrise' || b.name === 'sunrise';
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      if (exclusive(list[i], list[j]) && clash(list[i], list[j])) {
        problems.push(`launch.phases[${i}] (${list[i].name}) and launch.phases[${j}] (${list[j].name}) overlap: only claims may run beside landrush or open`);
      }
    }
  }
  return problems;
}

/** What runs at `now`. */
export function phaseAt(launch: LaunchPolicy, now: Date): PhaseState {
  const t = now.getTime();
  const running = launch.phases.filter((p) => instant(p.start) <= t && t < instant(p.end));
  const mainPhase = running.find((p) => p.name !== 'claims');
  return { main: (mainPhase?.name as MainPhase | undefined) ?? 'open', mainPhase, claims: running.find((p) => p.name === 'claims') };
}

/** Whether the phase a client names (RFC 8334 <launch:phase>) runs now: the main phase, or claims while it runs. */
export function phaseRunning(state: PhaseState, name: string): boolean {
  return name === state.main || (name === 'claims' && state.claims !== undefined);
}

/** The running phases, for messages: "sunrise (until 2027-02-09T16:00:00Z)", "open, with claims (until …)". */
export function describePhases(state: PhaseState): string {
  const main = state.mainPhase ? `${state.main} (until ${state.mainPhase.end})` : 'open';
  return state.claims ? `${main}, with claims (until ${state.claims.end})` : main;
}

/**
 * Whether a TMCH claims notice id matches the label and the notice's notAfter (RFC 9361 §6.3 Trademark
 * Claims Notice identifier): 8 hex digits of CRC-32 over label + notAfter in Unix seconds + the 19-digit
 * notice number that follows them.
 */
export function tmchNoticeIdMatches(noticeId: string, label: string, notAfter: Date): 'ok' | 'format' | 'checksum' {
  const m = /^([0-9a-fA-F]{8})(\d{19})$/.exec(noticeId);
  if (!m) return 'format';
  const expected = crc32(`${label}${Math.floor(notAfter.getTime() / 1000)}${m[2]}`);
  return parseInt(m[1], 16) === expected ? 'ok' : 'checksum';
}

/** A TMCH notice id for a label (test and OT&E data): the checksum over the label, notAfter and `number`. */
export function tmchNoticeId(label: string, notAfter: Date, number: bigint | number): string {
  const digits = String(number).padStart(19, '0');
  return crc32(`${label}${Math.floor(notAfter.getTime() / 1000)}${digits}`).toString(16).padStart(8, '0') + digits;
}
