import { fail } from '../protocol/errors.js';
import { eppDateTime } from '../protocol/response.js';
import type { Domain } from '../storage/domain-repo.js';
import type { Deletion, GraceKind, GracePeriod } from '../storage/lifecycle-repo.js';
import type { Repos } from '../storage/store.js';
import { addYears } from './periods.js';
import { applyDueContactTransfers } from './contact-transfers.js';
import { applyDueTransfers } from './transfers.js';
import { domainSnapshot } from './domain-snapshot.js';
import { BATCH } from './poll-events.js';
import type { TldPolicy } from './policy.js';

/**
 * A domain's life (RFC 3915 and the usual gTLD periods, all lengths from the TLD policy):
 *
 *   create ─ addPeriod ─┐                    ┌─ renew/autoRenew/transfer periods (refundable)
 *   expiry ─ auto-renew (1 year, charged) ─ autoRenewPeriod
 *   delete ─ inside addPeriod: purged at once, create refunded
 *          ─ otherwise: pendingDelete + redemptionPeriod ─ (restore request → pendingRestore → report → back)
 *                                  └─ pendingDelete (not restorable) ─ purge, poll message, name free again
 *
 * Time-driven steps (domain and contact transfer auto-approval from transfers.ts and contact-transfers.ts,
 * auto-renew, purge) are applied by `applyDueEvents` before every command and on a timer, each exactly once
 * because each one changes the row that made it due, in the same transaction. Everything else (which grace or RGP state a domain is
 * in) is computed from stored instants against the clock whenever it is read.
 */
export const DAY_MS = 86_400_000;

export function plusDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/** rgpStatus values (RFC 3915) of a domain at `now`. */
export function rgpStatuses(graces: GracePeriod[], deletion: Deletion | undefined, now: Date): string[] {
  if (deletion) {
    if (now < deletion.redemptionEndsAt) {
      const restoring = deletion.restoreReportBy !== null && now < deletion.restoreReportBy;
      return [restoring ? 'pendingRestore' : 'redemptionPeriod'];
    }
    return ['pendingDelete'];
  }
  return [...new Set(graces.map((g) => `${g.kind}Period`))];
}

/** Debits a registrar in the command's transaction; 2104 (and nothing changes) when the balance does not cover it. */
export async function charge(repos: Repos, registrarId: number, amount: number, kind: string, object: string, now: Date): Promise<void> {
  if (amount <= 0) return;
  const balance = await repos.billing.post(registrarId, -amount, kind, object, now);
  if (balance === undefined) throw fail.billing(`Insufficient funds: ${kind} of ${object} costs ${amount}`);
}

export async function startGrace(repos: Repos, domainId: number, kind: GraceKind, registrarId: number, policy: TldPolicy, amount: number, from: Date): Promise<void> {
  const days = policy.grace[kind];
  if (days > 0) await repos.lifecycle.addGrace(domainId, { kind, registrarId, endsAt: plusDays(from, days), amount });
}

/** Refunds every running grace period of the domain (to whoever paid) and ends them. */
async function refundGrace(repos: Repos, domain: Domain, graces: GracePeriod[], now: Date): Promise<void> {
  for (const g of graces) {
    if (g.amount > 0) await repos.billing.post(g.registrarId, g.amount, `refund:${g.kind}`, domain.name, now);
  }
  await repos.lifecycle.endGrace(domain.id);
}

/**
 * RFC 3915 delete: inside the add grace period the domain is purged at once (and the create refunded);
 * otherwise running renew/autoRenew/transfer grace periods are refunded and the domain enters
 * redemption with status pendingDelete.
 */
export async function deleteDomain(repos: Repos, domain: Domain, policy: TldPolicy, now: Date, svTRID: string): Promise<'purged' | 'redemption'> {
  const graces = await repos.lifecycle.activeGrace(domain.id, now);
  await refundGrace(repos, domain, graces, now);
  if (graces.some((g) => g.kind === 'add')) {
    await repos.lifecycle.detachSubordinateHosts(domain.id);
    await repos.domains.purge(domain.id);
    return 'purged';
  }
  const redemptionEndsAt = plusDays(now, policy.grace.redemption);
  await repos.lifecycle.setDeletion(domain.id, {
    deletedAt: now,
    redemptionEndsAt,
    purgeAt: plusDays(redemptionEndsAt, policy.grace.pendingDelete),
    restoreRequestedAt: null,
    restoreReportBy: null,
    deleteSvTRID: svTRID,
  });
  await repos.domains.update(domain.id, { statuses: [...domain.statuses.filter((s) => s !== 'pendingDelete'), 'pendingDelete'] }, domain.sponsorId, now);
  return 'redemption';
}

/** A change the registry made on its own (logged once its transaction has committed). */
export interface AppliedEvent {
  event: 'autoRenew' | 'purge' | 'transferServerApproved' | 'transferServerCancelled' | 'contactTransferServerApproved';
  /** The domain name or contact handle. */
  object: string;
  /** When it fell due (an auto-renew of a year long past: that year's expiry). */
  at: Date;
  detail?: string;
}

/**
 * Applies what is due at `now`: domain and contact transfers whose acDate passed (auto-approval), auto-renewals of expired
 * domains, purges at the end of pendingDelete. An auto-renew and a purge are changes the registry makes on its own:
 * each gets a server transaction id of its own from `nextSvTRID` and tells the sponsor with a change poll message
 * (RFC 8590, who: batch).
 */
export async function applyDueEvents(repos: Repos, now: Date, nextSvTRID: () => Promise<string>, record: (e: AppliedEvent) => void = () => {}): Promise<void> {
  await applyDueTransfers(repos, now, record);
  await applyDueContactTransfers(repos, now, record);
  for (;;) {
    const due = await repos.lifecycle.dueForAutoRenew(now, 100);
    if (due.length === 0) break;
    for (const d of due) {
      const tld = await repos.tlds.get(d.tld);
      if (!tld) continue;
      // Year by year, as the registry would have run them had it been up (or its clock moved one year at a
      // time): one charge, one expiry, one poll message per year, each at the instant it fell due. Only a grace
      // period still running now is recorded (the earlier years' have ended).
      let expiresAt = d.expiresAt;
      while (expiresAt <= now) {
        const at = expiresAt;
        expiresAt = addYears(at, 1);
        const price = tld.policy.prices.renew;
        // The registry renews whatever the balance: the sponsor owes it (a negative balance blocks its next paid command).
        await repos.billing.post(d.sponsorId, -price, 'autoRenew', d.name, at, true);
        await repos.lifecycle.setExpiry(d.id, expiresAt);
        if (plusDays(at, tld.policy.grace.autoRenew) > now) await startGrace(repos, d.id, 'autoRenew', d.sponsorId, tld.policy, price, at);
        const after = (await domainSnapshot(repos, d.name))!;
        await repos.poll.enqueue(
          d.sponsorId,
          `Domain ${d.name} auto-renewed until ${eppDateTime(expiresAt)}.`,
          { kind: 'change', operation: 'autoRenew', state: 'after', at, svTRID: await nextSvTRID(), who: BATCH, domain: after },
          at,
        );
        record({ event: 'autoRenew', object: d.name, at, detail: `until ${eppDateTime(expiresAt)}` });
      }
    }
  }
  for (;;) {
    const due = await repos.lifecycle.dueForPurge(now, 100);
    if (due.length === 0) break;
    for (const d of due) {
      // RFC 8590: a purge leaves no object after it, so the message shows the domain as it was before.
      const before = (await domainSnapshot(repos, d.name))!;
      await repos.lifecycle.detachSubordinateHosts(d.id);
      await repos.domains.purge(d.id);
      await repos.poll.enqueue(
        d.sponsorId,
        `Domain ${d.name} purged at the end of its redemption; the name is available again.`,
        { kind: 'change', operation: 'autoPurge', state: 'before', at: now, svTRID: await nextSvTRID(), who: BATCH, domain: before, deleteSvTRID: d.deleteSvTRID },
        now,
      );
      record({ event: 'purge', object: d.name, at: now });
    }
  }
}

/**
 * Remembers when the next time-driven event falls due, so that the commands in between (nearly all of
 * them) skip the sweep: one comparison instead of six queries. Whatever may add or move an event (any
 * command that is not read-only, a failed transaction whose sweep was rolled back, another process
 * writing to the database) makes it forget, and the next command sweeps and asks again.
 */
export class DueEventSchedule {
  /** Epoch ms of the next event; null: none pending; undefined: not known. */
  private nextAt: number | null | undefined;
  /** Events applied in the transaction under way (transactions never interleave): logged once it commits. */
  private applied: AppliedEvent[] = [];

  /**
   * `nextSvTRID` names the registry's own changes (the runner's svTRID sequence); `report` hears of each
   * applied event once the transaction that applied it has committed (`committed`), never of a rolled back one.
   */
  constructor(
    private readonly nextSvTRID: () => Promise<string>,
    private readonly report: (e: AppliedEvent) => void = () => {},
  ) {}

  /** Applies due events (in the caller's transaction) unless the next event is still ahead. */
  async applyIfDue(repos: Repos, now: Date): Promise<void> {
    // Not known (after any change): four index probes say whether the six sweep queries are needed at all.
    if (this.nextAt === undefined) this.nextAt = (await repos.lifecycle.nextDueAt())?.getTime() ?? null;
    if (this.nextAt === null || now.getTime() < this.nextAt) return;
    await applyDueEvents(repos, now, this.nextSvTRID, (e) => this.applied.push(e));
    this.nextAt = (await repos.lifecycle.nextDueAt())?.getTime() ?? null;
  }

  /** The transaction that ran `applyIfDue` committed: its events are reported. */
  committed(): void {
    const done = this.applied;
    this.applied = [];
    for (const e of done) this.report(e);
  }

  /** The transaction rolled back: its events did not happen, and the next sweep looks again. */
  rolledBack(): void {
    this.applied = [];
    this.nextAt = undefined;
  }

  forget(): void {
    this.nextAt = undefined;
  }
}
