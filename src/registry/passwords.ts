import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Registrar passwords and API tokens are stored as scrypt hashes: `scrypt$N$r$p$salt$hash` (base64).
 * Verification runs on libuv's thread pool, so a login never blocks other sessions.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
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
