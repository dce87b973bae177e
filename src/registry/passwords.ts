import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Registrar passwords and API tokens are stored as scrypt hashes: `scrypt$N$r$p$salt$hash` (base64), with a
 * random 16-byte salt each. The cost parameters are in every stored hash, so they can be raised without
 * invalidating the hashes made before. Verification runs on libuv's thread pool, so a login never blocks
 * other sessions.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** Registrar passwords: ≈ 70 ms and 16 MB a hash (a login's check is remembered: src/session/password-check.ts). */
export const PASSWORD_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEYLEN = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const format = (c: ScryptCost, salt: Buffer, key: Buffer) => `scrypt$${c.N}$${c.r}$${c.p}$${salt.toString('base64')}$${key.toString('base64')}`;

export async function hashSecret(secret: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  return format(cost, salt, await derive(secret, salt, cost.N, cost.r, cost.p));
}

/** The same hash, computed on the calling thread (a migration re-hashing stored values). */
export function hashSecretSync(secret: string, cost: ScryptCost = PASSWORD_COST): string {
  const salt = randomBytes(16);
  return format(cost, salt, scryptSync(secret, salt, KEYLEN, { N: cost.N, r: cost.r, p: cost.p, maxmem: 64 * 1024 * 1024 }));
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(secret, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Longest registrar password accepted (RFC 8807 lifts RFC 5730's 16; anything longer is no password). */
export const MAX_PASSWORD_LENGTH = 128;

/**
 * What is wrong with a registrar's new password, undefined when nothing: at least 8 and at most 128
 * characters, at least three of lower-case letters, upper-case letters, digits and other characters, not
 * containing the account's clID, and not the password it replaces.
 */
export function newPasswordProblem(pw: string, clID: string, current: string): string | undefined {
  if (pw.length < 8) return 'the new password is shorter than 8 characters';
  if (pw.length > MAX_PASSWORD_LENGTH) return `the new password is longer than ${MAX_PASSWORD_LENGTH} characters`;
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(pw)).length;
  if (classes < 3) return 'the new password needs three of: lower-case letters, upper-case letters, digits, other characters';
  if (clID.length > 0 && pw.toLowerCase().includes(clID.toLowerCase())) return 'the new password contains the clID';
  if (pw === current) return 'the new password is the current one';
  return undefined;
}
