import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiToken } from '../storage/http-repo.js';
import type { Store } from '../storage/store.js';

/**
 * API tokens. A token is 256 bits from the CSPRNG, shown once; only its SHA-256 is stored. A fast hash is
 * the right tool here, unlike for passwords: the token is uniformly random, so there is nothing to
 * dictionary-attack and a preimage search over 2^256 is out of reach, while a per-request scrypt would cost
 * tens of milliseconds of CPU on every API call. Lookup is by the hash (an index), so no comparison leaks
 * timing about other tokens.
 */

export const TOKEN_PREFIX = 'rrapi_';

/** The registrar API profile: one scope per command group. */
export const SCOPES = ['status', 'check', 'create', 'info', 'renew', 'update', 'transfer', 'nameservers', 'delete', 'poll', 'sandbox'] as const;
export type Scope = (typeof SCOPES)[number];

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented secret with a stored SHA-256 (admin token). */
export function matchesSha256(presented: string, sha256: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = Buffer.from(sha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface IssuedToken {
  token: string;
  id: number;
  prefix: string;
  channelId: string;
  scopes: string[];
}

/**
 * Issues a token for registrar `clId` bound to `channel`. The channel is created for the registrar when it
 * does not exist (approved for OT&E; `tlds`: its approved namespaces, all served TLDs when omitted); a
 * channel of another registrar is refused.
 */
export async function issueToken(
  store: Store,
  o: { clId: string; channel: string; scopes?: string[]; tlds?: string[]; label?: string },
  now: Date,
): Promise<IssuedToken> {
  const scopes = o.scopes && o.scopes.length > 0 ? [...new Set(o.scopes)] : [...SCOPES];
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scope(s) ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(o.channel)) throw new Error('channel id: 1 to 64 letters, digits, and . _ : -');
  const token = newToken();
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const id = await store.transaction(async (r) => {
    const reg = await r.registrars.byClId(o.clId);
    if (!reg) throw new Error(`no registrar ${o.clId}`);
    const ch = await r.http.channel(o.channel);
    if (ch && ch.registrarId !== reg.id) throw new Error(`channel ${o.channel} belongs to another registrar`);
    if (!ch) await r.http.insertChannel({ id: o.channel, registrarId: reg.id, tlds: o.tlds && o.tlds.length > 0 ? o.tlds : null, productionApproved: false, createdAt: now });
    return r.http.insertToken({ registrarId: reg.id, channelId: o.channel, sha256: sha256Hex(token), prefix, scopes, label: o.label ?? null, createdAt: now });
  });
  return { token, id, prefix, channelId: o.channel, scopes };
}

export async function listTokens(store: Store, clId?: string): Promise<Array<ApiToken & { clId: string }>> {
  return store.transaction(async (r) => {
    const reg = clId ? await r.registrars.byClId(clId) : undefined;
    if (clId && !reg) throw new Error(`no registrar ${clId}`);
    const list = await r.http.tokens(reg?.id);
    const names = new Map((await r.registrars.list()).map((x) => [x.id, x.clId]));
    return list.map((t) => ({ ...t, clId: names.get(t.registrarId) ?? '?' }));
  });
}

export async function revokeToken(store: Store, id: number, now: Date): Promise<boolean> {
  return store.transaction((r) => r.http.revokeToken(id, now));
}
