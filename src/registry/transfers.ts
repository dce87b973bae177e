import type { Transfer, TransferDomain, TransferRecord } from '../storage/transfer-repo.js';
import type { Repos } from '../storage/store.js';
import { plusDays, startGrace, type AppliedEvent } from './lifecycle.js';
import { domainTransferEvent, type PollEvent } from './poll-events.js';
import { addYears } from './periods.js';
import { priceOf } from './pricing.js';
import type { TldPolicy } from './policy.js';

/**
 * Domain transfers (RFC 5731 §3.2.4), all lengths and prices from the TLD policy:
 *
 *   request (gaining registrar, with the authInfo) ─ pending, domain status pendingTransfer ─┬─ approve (sponsor)  → clientApproved
 *                                                                                           ├─ reject  (sponsor)  → clientRejected
 *                                                                                           ├─ cancel  (requester) → clientCancelled
 *                                                                                           └─ acDate = request + transferAutoApprove days → serverApproved
 *
 * An approval moves the domain and its subordinate hosts to the gaining registrar (trDate = the approval
 * instant; for serverApproved the acDate), extends the registration by the period, unsets the authInfo
 * (RFC 9154 §5.4: the new sponsor sets one with <update> when a transfer is asked for), ends the losing
 * registrar's grace periods, charges the gaining registrar the transfer price per year and starts the
 * transfer grace period. If the domain is in its auto-renew grace period, that auto-renew is refunded to
 * whoever paid it and its year counts as the transfer's first one (a 1-year transfer then does not extend
 * the registration: no exDate). Every outcome is a poll message to the other party (both parties for the
 * registry's own acts), carrying a domainTransfer event (poll-events.ts; polled as <domain:trnData>).
 *
 * `applyDueTransfers` runs before every object command, in its transaction, so a transfer whose acDate has
 * passed is approved exactly once (its status leaves `pending` in the same transaction).
 *
 * Contact transfers (contact-transfers.ts) follow the same rules and share the object-independent parts
 * below: the poll message texts, who is told of what, the blocking statuses and the due sweep.
 */

/** Poll message texts, one per outcome. */
export const TRANSFER_MESSAGES = {
  pending: 'Transfer requested.',
  clientApproved: 'Transfer approved.',
  clientRejected: 'Transfer rejected.',
  clientCancelled: 'Transfer cancelled.',
  serverApproved: 'Transfer approved by the registry (no response before the acDate).',
  serverCancelled: 'Transfer cancelled by the registry.',
} as const;

/** Statuses that refuse a transfer request (2304). clientHold and the like do not. */
export const TRANSFER_BLOCKERS = ['clientTransferProhibited', 'serverTransferProhibited', 'pendingDelete'];

/** The period of a transfer in years. */
export function transferYears(period: Transfer['period']): number {
  return period.unit === 'm' ? period.value / 12 : period.value;
}

/** End of the lock after the create or the last transfer; the domain cannot be transferred before it. */
export function transferLockEnds(d: TransferDomain, policy: TldPolicy): Date {
  return plusDays(d.transferredAt ?? d.createdAt, policy.grace.transferLock);
}

/** When a transfer requested at `requestedAt` is approved by the registry. */
export function autoApproveAt(requestedAt: Date, policy: TldPolicy): Date {
  return plusDays(requestedAt, policy.grace.transferAutoApprove);
}

/**
 * The expiry a transfer of `years` gives the domain at `at` (null: unchanged), and the auto-renew grace
 * periods whose year the transfer absorbs.
 */
export async function transferExpiry(repos: Repos, d: TransferDomain, years: number, at: Date) {
  const autoRenew = (await repos.lifecycle.activeGrace(d.id, at)).filter((g) => g.kind === 'autoRenew');
  const addedYears = years - (autoRenew.length > 0 ? 1 : 0);
  return { expiresAt: addedYears > 0 ? addYears(d.expiresAt, addedYears) : null, autoRenew };
}

/** Queues the poll messages of the domain transfer's state (see `partiesToTell`). */
export async function notify(repos: Repos, t: Transfer, now: Date): Promise<void> {
  await tellParties(repos, t, domainTransferEvent(t), now);
}

/**
 * Who hears of a transfer's state, whatever the object: a request and a cancellation reach the sponsor (the
 * losing registrar), an approval or a rejection by the sponsor reaches the requester, and the registry's own
 * acts reach both (the losing registrar first).
 */
export function partiesToTell(t: TransferRecord): number[] {
  switch (t.status) {
    case 'pending':
    case 'clientCancelled':
      return [t.losingId];
    case 'clientApproved':
    case 'clientRejected':
      return [t.requesterId];
    case 'serverApproved':
    case 'serverCancelled':
      return [t.losingId, t.requesterId];
  }
}

/** Queues the poll message of the transfer's state, with its event, to every party `partiesToTell` names. */
export async function tellParties(repos: Repos, t: TransferRecord, event: PollEvent, now: Date): Promise<void> {
  for (const id of partiesToTell(t)) await repos.poll.enqueue(id, TRANSFER_MESSAGES[t.status], event, now);
}

/**
 * Runs `apply` on every transfer `due` returns (up to `limit` at a time) until none is left; `apply` must take
 * the transfer out of `pending`, so each is applied exactly once.
 */
export async function sweepDue<T>(due: (limit: number) => Promise<T[]>, apply: (t: T) => Promise<void>): Promise<void> {
  for (;;) {
    const batch = await due(100);
    if (batch.length === 0) return;
    for (const t of batch) await apply(t);
  }
}

/**
 * Approves a pending transfer: by the sponsor (clientApproved, at `now`) or by the registry once its acDate
 * has passed (serverApproved, at the acDate). Returns the closed transfer.
 */
export async function approveTransfer(repos: Repos, t: Transfer, status: 'clientApproved' | 'serverApproved', now: Date): Promise<Transfer> {
  const at = status === 'serverApproved' ? t.actionAt : now;
  const domain = await repos.transfers.domainById(t.domainId);
  if (!domain) throw new Error(`transfer ${t.id}: domain ${t.domainId} is gone`);
  const tld = await repos.tlds.get(domain.tld);
  if (!tld) throw new Error(`domain ${domain.name} has TLD ${domain.tld} without a policy`);
  const years = transferYears(t.period);
  const { expiresAt, autoRenew } = await transferExpiry(repos, domain, years, at);

  // The losing registrar's grace periods end with its sponsorship; an auto-renew the transfer absorbs is refunded.
  for (const g of autoRenew) if (g.amount > 0) await repos.billing.post(g.registrarId, g.amount, 'refund:autoRenew', domain.name, now);
  await repos.lifecycle.endGrace(domain.id);
  // The request checked the balance; what was spent since is owed (a negative balance blocks the next paid command).
  // The price the request quoted, which the gaining registrar agreed to (a price list changed since does not
  // apply); a transfer requested before prices were kept pays the price of now, from the same source.
  const label = domain.name.slice(0, domain.name.length - tld.name.length - 1);
  const price = t.price ?? priceOf(tld.policy, await repos.tlds.premium(tld.name, label), 'transfer', years).amount;
  if (price > 0) await repos.billing.post(t.requesterId, -price, 'transfer', domain.name, now, true);
  await startGrace(repos, domain.id, 'transfer', t.requesterId, tld.policy, price, at);

  await repos.transfers.moveDomain(domain.id, t.requesterId, expiresAt, at);
  const done = await repos.transfers.close(t.id, status, at, expiresAt);
  await notify(repos, done, now);
  return done;
}

/**
 * Ends a pending transfer without moving the domain: rejected by the sponsor (the requester is told),
 * cancelled by the requester (the sponsor is told), or cancelled by the registry (both are told).
 */
export async function endTransfer(repos: Repos, t: Transfer, status: 'clientRejected' | 'clientCancelled' | 'serverCancelled', now: Date): Promise<Transfer> {
  const done = await repos.transfers.close(t.id, status, now, null);
  await notify(repos, done, now);
  return done;
}

/**
 * The registrant and contacts of a domain that lack the data of the contact extension its TLD's policy
 * requires (TCI), registrant first: a transfer is not approved while there are any (the sponsor is told to
 * complete them; the registry cancels one it would otherwise approve at acDate).
 */
export async function contactsLackingExtension(repos: Repos, domainId: number, policy: TldPolicy) {
  return policy.contactExtension === 'tci' ? repos.domains.linkedContactsWithoutTci(domainId) : [];
}

/**
 * Applies every pending transfer whose acDate is at or before `now`: serverApproved, or serverCancelled if
 * the domain has meanwhile entered pendingDelete or links a contact without the contact extension data its
 * TLD requires (contactsLackingExtension). Costs one indexed query when nothing is due.
 */
export async function applyDueTransfers(repos: Repos, now: Date, record: (e: AppliedEvent) => void = () => {}): Promise<void> {
  await sweepDue(
    (limit) => repos.transfers.due(now, limit),
    async (t) => {
      const domain = await repos.transfers.domainById(t.domainId);
      const policy = domain && (await repos.tlds.get(domain.tld))?.policy;
      const incomplete = domain && policy ? (await contactsLackingExtension(repos, domain.id, policy)).length > 0 : false;
      const cancel = domain?.statuses.includes('pendingDelete') || incomplete;
      if (cancel) await endTransfer(repos, t, 'serverCancelled', now);
      else await approveTransfer(repos, t, 'serverApproved', now);
      record({ event: cancel ? 'transferServerCancelled' : 'transferServerApproved', object: domain?.name ?? `domain #${t.domainId}`, at: now });
    },
  );
}
