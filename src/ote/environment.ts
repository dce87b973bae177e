import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config.js';
import { resolvePolicy, type TldPolicyInput } from '../registry/policy.js';
import type { PhaseName } from '../registry/launch-phases.js';
import { parsePremiumLine, type PremiumName } from '../registry/pricing.js';
import { hashSecret, verifySecret } from '../registry/passwords.js';
import type { Store } from '../storage/store.js';
import type { RegistrarAddress } from '../storage/core-repos.js';
import { checkRegistrarAddress } from '../registry/registrar-address.js';
import { checkPhone } from '../registry/contact-rules.js';
import { devCertPaths, ensureDevCerts } from '../transport/dev-certs.js';

/** A TLD of an OT&E environment: its policy, and what the launch environment adds to it. */
export interface OteTld {
  tld: string;
  description: string;
  policy: TldPolicyInput;
  /**
   * Launch phases in days from the moment the environment is loaded (the policy gets the instants): the
   * launch environment's TLDs are in their phase whenever support staff load or reset it.
   */
  phaseDays?: Array<{ name: PhaseName; from: number; to: number }>;
  /** Premium list lines, `label,class,create,renew,transfer,restore` (minor units), loaded with the TLD. */
  premium?: string[];
}

/** An OT&E environment as support staff load it: a TLD with its policy (and maybe more TLDs) and the two test registrars. */
export interface OteEnvironment extends OteTld {
  /** More TLDs the environment's scripts use (the launch environment: one TLD in sunrise, one in claims). */
  alsoTlds?: OteTld[];
  /** Domain Name Label list entries the environment's claims steps need: added to the DNL, never replacing it. */
  dnl?: Array<{ label: string; lookupKey: string }>;
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
  launch: join(REPO_ROOT, 'fixtures/ote/env-launch.json'),
};

/** The environment's TLDs: its own and the others it holds. */
export const environmentTlds = (env: OteEnvironment): OteTld[] => [env, ...(env.alsoTlds ?? [])];

/** A TLD's policy as loaded at `now`: relative launch phases made instants. */
function policyAt(t: OteTld, now: Date): TldPolicyInput {
  if (!t.phaseDays) return t.policy;
  const at = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
  return { ...t.policy, launch: { phases: t.phaseDays.map((p) => ({ name: p.name, start: at(p.from), end: at(p.to) })) } };
}

function premiumOf(t: OteTld, file: string): PremiumName[] {
  return (t.premium ?? []).map((line) => {
    const p = parsePremiumLine(line);
    if (typeof p === 'string') throw new Error(`${file}: premium line of ${t.tld} ${JSON.stringify(line)}: ${p}`);
    return p;
  });
}

export function readEnvironment(name: string): OteEnvironment {
  const file = ENVIRONMENTS[name] ?? ENVIRONMENTS[Object.keys(ENVIRONMENTS).find((k) => readEnv(ENVIRONMENTS[k]).tld === name) ?? ''];
  if (!file) throw new Error(`unknown OT&E environment ${name}; known: ${Object.keys(ENVIRONMENTS).join(', ')}`);
  return readEnv(file);
}

function readEnv(file: string): OteEnvironment {
  const env = JSON.parse(readFileSync(file, 'utf8')) as OteEnvironment;
  for (const t of environmentTlds(env)) {
    resolvePolicy(policyAt(t, new Date()));
    premiumOf(t, file);
  }
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
    for (const t of environmentTlds(env)) {
      await repos.tlds.upsert({ name: t.tld, policy: resolvePolicy(policyAt(t, now)) }, now);
      if (t.premium) await repos.tlds.replacePremium(t.tld, premiumOf(t, env.tld));
    }
    if (env.dnl?.length) await repos.tmch.addDnl(env.dnl.map((d) => ({ ...d, insertedAt: now })), now);
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
 * deletes every object those accounts own in that TLD (see MaintenanceRepo.clearEnvironmentObjects for the exact rule).
 */
export async function resetEnvironment(
  store: Store,
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
  const counts = { domains: 0, hosts: 0, contacts: 0 };
  for (const t of environmentTlds(env)) {
    const n = await store.transaction((r) => r.maintenance.clearEnvironmentObjects(t.tld, ids));
    counts.domains += n.domains;
    counts.hosts += n.hosts;
    counts.contacts += n.contacts;
  }
  return { ...counts, changes };
}
