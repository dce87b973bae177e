import type { Repos } from '../storage/store.js';
import { domainSnapshot } from './domain-snapshot.js';
import type { ChangeCase } from './poll-events.js';
import { SERVER_STATUSES } from './statuses.js';

/** Who made an operator's change and why, as its change poll message tells the sponsor (RFC 8590). */
export interface OperatorAct {
  /** The operator (1 to 255 characters). */
  who: string;
  /** Why (1 to 32 characters: eppcom reasonType), if said. */
  reason?: string;
  /** The UDRP/URS/custom case the change is made for, if any. */
  caseId?: ChangeCase;
}

/** Checks what an operator says about a change; throws an Error naming the bad value. */
export function checkOperatorAct(a: OperatorAct): void {
  const who = a.who.trim();
  if (who.length < 1 || who.length > 255 || /[\r\n\t]/.test(a.who)) throw new Error(`who "${a.who}" must be 1 to 255 characters on one line`);
  if (a.reason !== undefined && !/^\S(?:.{0,30}\S)?$/.test(a.reason)) throw new Error(`reason "${a.reason}" must be 1 to 32 characters without leading or trailing spaces`);
  if (a.caseId) {
    if (!['udrp', 'urs', 'custom'].includes(a.caseId.type)) throw new Error(`case type ${a.caseId.type} must be udrp, urs or custom`);
    if (!/^\S{1,64}$/.test(a.caseId.id)) throw new Error(`case id "${a.caseId.id}" must be 1 to 64 characters without spaces`);
    if (a.caseId.type === 'custom' && !a.caseId.name) throw new Error('a custom case needs a name (custom/NAME:ID)');
  }
}

/**
 * What the registry operator does to a domain outside EPP (from the CLI): server* statuses. The sponsor
 * learns of every change through its poll queue, as a change poll message (RFC 8590: operation update,
 * the domain after the change, the operator, the reason and case given), and the change is in the audit
 * trail (source cli). Returns the statuses the domain has now.
 */
export async function changeServerStatuses(
  repos: Repos,
  name: string,
  add: string[],
  remove: string[],
  now: Date,
  svTRID: string,
  act: OperatorAct,
): Promise<string[]> {
  for (const s of [...add, ...remove]) {
    if (!(SERVER_STATUSES as readonly string[]).includes(s)) throw new Error(`${s} is not a server status (${SERVER_STATUSES.join(', ')})`);
  }
  checkOperatorAct(act);
  const domain = await repos.domains.byName(name.toLowerCase());
  if (!domain) throw new Error(`no domain ${name}`);
  const statuses = [...new Set([...domain.statuses.filter((s) => !remove.includes(s)), ...add])];
  await repos.domains.update(domain.id, { statuses }, domain.sponsorId, now);
  const parts = [add.length ? `added ${add.join(', ')}` : '', remove.length ? `removed ${remove.join(', ')}` : ''].filter(Boolean);
  const snapshot = (await domainSnapshot(repos, domain.name))!;
  await repos.poll.enqueue(
    domain.sponsorId,
    `The registry changed the status of ${domain.name}: ${parts.join('; ')}.`,
    {
      kind: 'change',
      operation: 'update',
      state: 'after',
      at: now,
      svTRID,
      who: act.who.trim(),
      ...(act.caseId && { caseId: act.caseId }),
      ...(act.reason !== undefined && { reason: act.reason }),
      domain: snapshot,
    },
    now,
  );
  await repos.audit.record({
    at: now,
    registrarId: domain.sponsorId,
    sessionId: null,
    source: 'cli',
    command: 'domain:server-status',
    object: domain.name,
    clTRID: null,
    svTRID,
    code: 1000,
    message: parts.join('; '),
    durationUs: null,
  });
  return statuses;
}
