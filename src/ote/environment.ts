import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config.js';
import { resolvePolicy, type TldPolicyInput } from '../registry/policy.js';
import { hashSecret, verifySecret } from '../registry/passwords.js';
import type { Store } from '../storage/store.js';
import type { RegistrarAddress } from '../storage/core-repos.js';
import { checkRegistrarAddress } from '../registry/registrar-address.js';
import { checkPhone } from '../registry/contact-rules.js';
import { devCertPaths, ensureDevCerts } from '../transport/dev-certs.js';

/** An OT&E environment as support staff load it: a TLD with its policy and the two test registrars. */
export interface OteEnvironment {
  tld: string;
  description: string;
  policy: TldPolicyInput;
  registrars: Array<{
    clId: string;
    name: string;
    password: string;
    balance: number;
    /** Client certificate name in the certs folder (`<name>.crt`), generated in development when missing. */
    certificate: string;
    maxSessions: number;
    /** IANA Registrar ID and abuse contact the registry publishes for the account (RDAP, escrow). */
    ianaId?: number;
    abuseEmail?: string;
    abusePhone?: string;
    /** Web site and RDAP base URL published for the account (RDAP links). */
    url?: string;
    rdapBaseUrl?: string;
    /** Postal address and phone published for the account (RDAP profile 3.1). */
    address?: RegistrarAddress;
    phone?: string;
  }>;
}

export const REPO_ROOT = PACKAGE_ROOT;
export const ENVIRONMENTS: Record<string, string> = {
  tatar: join(REPO_ROOT, 'fixtures/ote/env-tatar.json'),
  deti: join(REPO_ROOT, 'fixtures/ote/env-deti.json'),
  http: join(REPO_ROOT, 'fixtures/ote/env-http.json'),
};

export function readEnvironment(name: string): OteEnvironment {
  const file = ENVIRONMENTS[name] ?? ENVIRONMENTS[Object.keys(ENVIRONMENTS).find((k) => readEnv(ENVIRONMENTS[k]).tld === name) ?? ''];
  if (!file) throw new Error(`unknown OT&E environment ${name}; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
  return readEnv(file);
}

function readEnv(file: string): OteEnvironment {
  const env = JSON.parse(readFileSync(file, 'utf8')) as OteEnvironment;
  resolvePolicy(env.policy);
  for (const r of env.registrars) {
    if (r.address) {
      const checked = checkRegistrarAddress(r.address);
      if (!checked.ok) throw new Error(`${file}: registrar ${r.clId}: ${checked.reason}`);
      r.address = checked.address;
    }
    const phone = r.phone === undefined ? undefined : checkPhone(r.phone);
    if (phone) throw new Error(`${file}: registrar ${r.clId}: ${phone.reason}`);
  }
  return env;
}

/**
 * Creates (or brings up to date) the environment's TLD and registrar accounts: certificates bound, balances
 * topped up to the starting balance (through the ledger, kind `fixtureTopUp`: a balance never changes without
 * its row). A new account gets the documented password; an existing account's password is restored to it only
 * with `restorePasswords` (`ote load`/`ote reset`, which support staff run to restore an environment), never
 * at a server's start: a password a registrar or operator changed stays. Touches no objects.
 * Returns one line per change made to an existing account, for the caller to log or print.
 */
export async function loadEnvironment(
  store: Store,
  certsDir: string,
  env: OteEnvironment,
  now: Date,
  opts: { restorePasswords?: boolean } = {},
): Promise<string[]> {
  const fps = ensureDevCerts(certsDir, env.registrars.map((r) => r.certificate));
  const hashes = await Promise.all(env.registrars.map((r) => hashSecret(r.password)));
  const existingAccounts = await store.transaction(async (repos) => Promise.all(env.registrars.map((r) => repos.registrars.byClId(r.clId))));
  // Whether each existing account still has the documented password (scrypt: checked outside the transaction).
  const documented = await Promise.all(env.registrars.map((r, i) => (existingAccounts[i] ? verifySecret(r.password, existingAccounts[i]!.passwordHash) : true)));
  const changes: string[] = [];
  await store.transaction(async (repos) => {
    await repos.tlds.upsert({ name: env.tld, policy: resolvePolicy(env.policy) }, now);
    for (const [i, r] of env.registrars.entries()) {
      const fingerprint = fps[r.certificate];
      const existing = await repos.registrars.byClId(r.clId);
      if (!existing) {
        await repos.registrars.insert(
          {
            clId: r.clId,
            name: r.name,
            passwordHash: hashes[i],
            certFingerprints: [fingerprint],
            balance: 0,
            maxSessions: r.maxSessions,
            ianaId: r.ianaId ?? null,
            abuseEmail: r.abuseEmail ?? null,
            abusePhone: r.abusePhone ?? null,
            url: r.url ?? null,
            rdapBaseUrl: r.rdapBaseUrl ?? null,
            address: r.address ?? null,
            phone: r.phone ?? null,
          },
          now,
        );
        const created = (await repos.registrars.byClId(r.clId))!;
        if (r.balance > 0) await repos.billing.post(created.id, r.balance, 'fixtureTopUp', null, now);
      } else {
        const certs = existing.certFingerprints.includes(fingerprint) ? existing.certFingerprints : [...existing.certFingerprints, fingerprint];
        const restore = !documented[i] && opts.restorePasswords;
        if (restore) changes.push(`${r.clId}: password reset to the documented one`);
        else if (!documented[i]) changes.push(`${r.clId}: password differs from the documented one and is left as set (ote load ${env.tld} restores it)`);
        if (existing.status !== 'active') changes.push(`${r.clId}: status ${existing.status} set back to active`);
        await repos.registrars.update(
          existing.id,
          {
            ...(restore && { passwordHash: hashes[i] }),
            certFingerprints: certs,
            status: 'active',
            // The published data is the environment's, unless an operator has set it.
            ianaId: existing.ianaId ?? r.ianaId ?? null,
            abuseEmail: existing.abuseEmail ?? r.abuseEmail ?? null,
            abusePhone: existing.abusePhone ?? r.abusePhone ?? null,
            url: existing.url ?? r.url ?? null,
            rdapBaseUrl: existing.rdapBaseUrl ?? r.rdapBaseUrl ?? null,
            address: existing.address ?? r.address ?? null,
            phone: existing.phone ?? r.phone ?? null,
          },
          now,
        );
        if (existing.balance < r.balance) {
          await repos.billing.post(existing.id, r.balance - existing.balance, 'fixtureTopUp', null, now);
          changes.push(`${r.clId}: balance topped up from ${existing.balance} to ${r.balance} (ledger row fixtureTopUp)`);
        }
      }
    }
  });
  return changes;
}

export function clientCertFor(certsDir: string, env: OteEnvironment, clId: string): { cert: string; key: string } {
  const r = env.registrars.find((x) => x.clId === clId);
  if (!r) throw new Error(`${clId} is not an account of the ${env.tld} environment`);
  return devCertPaths(certsDir).client(r.certificate);
}

/**
 * Resets an environment for a new certification run: loads (or restores) its TLD and accounts, then
 * deletes every object those accounts own in that TLD (see clearEnvironmentObjects for the exact rule).
 */
export async function resetEnvironment(
  store: Store,
  clear: (tld: string, registrarIds: number[]) => { domains: number; hosts: number; contacts: number },
  certsDir: string,
  env: OteEnvironment,
  now: Date,
): Promise<{ domains: number; hosts: number; contacts: number; changes: string[] }> {
  const changes = await loadEnvironment(store, certsDir, env, now, { restorePasswords: true });
  const ids = await store.transaction(async (r) => {
    const list = await Promise.all(env.registrars.map((x) => r.registrars.byClId(x.clId)));
    return list.map((x) => x!.id);
  });
  // Inside the store's transaction queue, so a running server's commands never interleave with it.
  return { ...(await store.transaction(async () => clear(env.tld, ids))), changes };
}
