import { hashSecret, hashSecretSync, verifySecret, type ScryptCost } from './passwords.js';

/**
 * authInfo passwords of domains and contacts, as RFC 9154 (secure authorization information for transfer)
 * wants them kept: only as a salted hash (scrypt, a random 16-byte salt each: `scrypt$N$r$p$salt$hash`),
 * so the registry can check a value but never show it again; with the instant it was set, after which it
 * works for a limited time (the TTL: the TLD policy's authInfo.ttlDays for a domain, CONTACT_AUTH_INFO_TTL_DAYS
 * for a contact).
 *
 * The cost is far below a registrar password's (scrypt N=256, r=8 against N=16384: ≈ 0.5 ms and 256 KB a hash,
 * some forty times a salted SHA-256, the least RFC 9154 §4.3 asks for). A higher one would not protect weak
 * values (a million-word dictionary costs 500 CPU-seconds here, 2,000 at N=1024) and every create or update
 * that sets a value pays it; what protects an authInfo is a strong random value (RFC 9154 §4.1: 128 bits or
 * more) and its TTL. The parameters are in each stored hash, so raising them later leaves the existing ones
 * valid.
 */
export const AUTH_INFO_COST: ScryptCost = { N: 256, r: 8, p: 1 };

/**
 * Days a contact's authInfo works after it was set. A domain's comes from its TLD policy, but a contact
 * belongs to no TLD, so the registry has one period for every contact: the policies' default.
 */
export const CONTACT_AUTH_INFO_TTL_DAYS = 14;

const DAY_MS = 86_400_000;

/** A stored authInfo: its hash and when it was set; both null when none is set. */
export interface StoredAuthInfo {
  authHash: string | null;
  authSetAt: Date | null;
}

/** The hash to store for a new authInfo password (on the thread pool). */
export function hashAuthInfo(pw: string): Promise<string> {
  return hashSecret(pw, AUTH_INFO_COST);
}

/** The same, on the calling thread (the migration that re-hashes stored values). */
export function hashAuthInfoSync(pw: string): string {
  return hashSecretSync(pw, AUTH_INFO_COST);
}

/** When a stored authInfo stops working (null: it does not, or none is set). `ttlDays` 0: no TTL. */
export function authInfoExpiresAt(stored: StoredAuthInfo, ttlDays: number): Date | null {
  if (stored.authHash === null || stored.authSetAt === null || ttlDays <= 0) return null;
  return new Date(stored.authSetAt.getTime() + ttlDays * DAY_MS);
}

/**
 * Whether a password a registrar sends matches the object's authInfo (RFC 9154 §4.4): an empty one never
 * matches, nothing matches an unset one, and nothing matches one whose TTL has run out.
 */
export async function authInfoMatches(given: string, stored: StoredAuthInfo, ttlDays: number, now: Date): Promise<boolean> {
  if (given === '' || stored.authHash === null) return false;
  const expires = authInfoExpiresAt(stored, ttlDays);
  if (expires !== null && now >= expires) return false;
  return verifySecret(given, stored.authHash);
}
