import { el, type Out } from '../protocol/xml-node.js';
import { hashAuthInfo } from '../registry/auth-info.js';
import type { AuthInfoChange } from '../storage/domain-repo.js';
import {
  authInfoRefused,
  clientUpdateProhibited,
  notSponsor,
  serverUpdateProhibited,
  statusAbsent,
  statusNotSettable,
  statusPresent,
  updateBlockedByLifecycle,
  type ObjectKind,
} from './conditions.js';
import type { CommandContext } from './types.js';

/**
 * The rules every object command (domain, contact, host) shares: who may act on an object, the status gate
 * of an update, and what an authInfo password may be. Each object's own rules stay in its folder.
 */

/** Only the sponsoring registrar may change an object (2201). */
export function requireSponsor(ctx: CommandContext, kind: ObjectKind, o: { name: string; sponsorId: number }, action: string, value?: Out): void {
  if (o.sponsorId !== ctx.registrar.id) throw notSponsor(kind, o.name, action, value);
}

/** Statuses that forbid any update, besides client/serverUpdateProhibited. */
const LIFECYCLE_BLOCKERS = ['pendingDelete', 'pendingTransfer'];

/**
 * The update gate (RFC 5731–5733 §2.3): pendingDelete or pendingTransfer refuse any update, and so does
 * serverUpdateProhibited; clientUpdateProhibited refuses every update except one whose only change is
 * removing clientUpdateProhibited itself (`onlyUnlock`). All 2304, naming the object in `value`.
 */
export function updateGate(kind: ObjectKind, name: string, statuses: readonly string[], onlyUnlock: boolean, value: Out): void {
  const blocker = statuses.find((s) => LIFECYCLE_BLOCKERS.includes(s));
  if (blocker) throw updateBlockedByLifecycle(kind, name, blocker, value);
  if (statuses.includes('serverUpdateProhibited')) throw serverUpdateProhibited(kind, name, value);
  if (statuses.includes('clientUpdateProhibited') && !onlyUnlock) throw clientUpdateProhibited(kind, name, value);
}

/**
 * The statuses an update leaves (RFC 5731–5733 §3.2.5: <rem> applied before <add>): only the `settable`
 * client statuses (statusNotSettable, `settableText` naming them), each removed only when present
 * (statusAbsent) and added only when absent (statusPresent); all 2306.
 */
export function applyClientStatuses(
  kind: ObjectKind,
  name: string,
  current: readonly string[],
  change: { add: readonly string[]; rem: readonly string[] },
  settable: readonly string[],
  settableText: string,
): string[] {
  for (const s of [...change.add, ...change.rem]) if (!settable.includes(s)) throw statusNotSettable(kind, s, settableText);
  const statuses = [...current];
  for (const s of change.rem) {
    const i = statuses.indexOf(s);
    if (i < 0) throw statusAbsent(kind, name, s);
    statuses.splice(i, 1);
  }
  for (const s of change.add) {
    if (statuses.includes(s)) throw statusPresent(kind, name, s);
    statuses.push(s);
  }
  return statuses;
}

/** Longest authInfo password accepted. */
export const MAX_AUTH_PW = 255;

/**
 * A password as a command sends it: `roid` only names another object's password; `hash` is the value's
 * salted hash when the command's prepare step computed it ahead of the transaction (see hashedAuthPassword).
 */
export interface AuthPassword {
  pw: string;
  roid?: string;
  hash?: string;
}

/**
 * The slow part of setting an authInfo, done by a command's prepare step before its transaction (so that
 * the KDF holds no other command up): the hash of a password the command may set. Returns `a` with it.
 */
export async function hashedAuthPassword<A extends AuthPassword | null | undefined>(a: A): Promise<A> {
  if (!a || a.hash !== undefined || a.pw.trim() === '' || a.pw.length > MAX_AUTH_PW) return a;
  return { ...a, hash: await hashAuthInfo(a.pw) };
}

/**
 * The authInfo a create or update sets (RFC 9154): an empty password, or <domain:null/> (null), unsets it;
 * otherwise the value is stored as its salted hash with the instant it was set. Refused (authInfoRefused,
 * 2306): a roid, a blank value (spaces only), more than 255 characters, fewer than `minLength`.
 */
export async function newAuthInfo(prefix: 'domain' | 'contact', a: AuthPassword | null, now: Date, minLength = 1): Promise<AuthInfoChange> {
  const value = el(`${prefix}:pw`, null, '');
  if (a === null) return null;
  if (a.roid !== undefined) throw authInfoRefused(`A ${prefix} authInfo password carries no roid`, value);
  if (a.pw === '') return null;
  if (a.pw.trim().length === 0) throw authInfoRefused('The authInfo password must not be blank (an empty one unsets it)', value);
  if (a.pw.length > MAX_AUTH_PW) throw authInfoRefused(`The authInfo password is longer than ${MAX_AUTH_PW} characters`, value);
  if (a.pw.length < minLength) throw authInfoRefused(`The authInfo password is shorter than the ${minLength} characters this registry asks for`, value);
  return { hash: a.hash ?? (await hashAuthInfo(a.pw)), setAt: now };
}
