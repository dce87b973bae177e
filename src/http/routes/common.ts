import { randomBytes } from 'node:crypto';
import { eppDateTime } from '../../protocol/response.js';
import { normalizeName } from '../../registry/names.js';
import { phaseAt } from '../../registry/launch-phases.js';
import type { TldPolicy } from '../../registry/policy.js';
import { ApiError, type ApiState } from '../gateway.js';

/** The audit command of a recorded outbound transfer intent (no EPP command runs for it): a transfer_domain row of GET /poll. */
export const TRANSFER_INTENT_COMMAND = 'http:transfer-intent';

/** API command names, and the EPP commands they run (GET /poll filters on either). */
export const API_COMMANDS: Record<string, string[]> = {
  status: [],
  sandbox_reset: ['domain:create'],
  check_domain: ['domain:check'],
  create_domain: ['domain:create'],
  info_domain: ['domain:info'],
  renew_domain: ['domain:renew'],
  update_domain: ['domain:update'],
  set_auth_code: ['domain:update'],
  transfer_domain: ['domain:transfer-request', 'domain:transfer-approve', TRANSFER_INTENT_COMMAND],
  set_nameservers: ['domain:update'],
  delete_domain: ['domain:delete'],
  poll: [],
};

/** The API name of an EPP command seen in the audit trail (EPP rows of GET /poll). */
export function apiCommandOfEpp(epp: string): string {
  const first = Object.entries(API_COMMANDS).find(([name, list]) => list.includes(epp) && !['sandbox_reset', 'set_nameservers', 'set_auth_code'].includes(name));
  return first ? first[0] : epp;
}

/** Lower-case A-labels when the name is well formed; else the input as given (the command will refuse it). */
export function canonicalName(input: string): string {
  const n = normalizeName(input);
  return n.ok ? n.name : input.trim().toLowerCase();
}

/** The name a check or create body gives: `domain`, or `label` + `tld`. */
export function nameFromBody(b: { domain?: string; label?: string; tld?: string }): string {
  return b.domain ?? `${b.label}.${String(b.tld).replace(/^\./, '')}`;
}

/** The channel must be approved for the name's TLD (namespace listing); 403 otherwise. */
export function requireNamespace(api: ApiState, name: string): void {
  const tlds = api.channel?.tlds;
  if (!tlds) return;
  if (!tlds.some((t) => name === t || name.endsWith(`.${t}`))) {
    throw new ApiError(403, 'namespace_not_approved', `Channel ${api.channel!.id} is not approved for the namespace of ${name} (approved: ${tlds.join(', ')})`, 'domain');
  }
}

/** A fresh auth code (domain authInfo) made by POST /domains/{domain}/auth-code: 128 bits, URL-safe (RFC 9154 §4.1). */
export function newAuthCode(): string {
  return randomBytes(16).toString('base64url');
}

export const iso = (d: Date | string | undefined | null): string | null => (d === undefined || d === null ? null : new Date(d).toISOString());

/** An instant of a registry object as EPP shows it (to the tenth of a second), so that both doors show the same time. */
export const eppIso = (d: Date | undefined | null): string | null => (d === undefined || d === null ? null : iso(eppDateTime(d)));

/** Sets what the request log and GET /poll record about the request. */
export function describe(api: ApiState, domain: string | undefined, key: string | undefined): void {
  if (domain !== undefined) api.domain = canonicalName(domain);
  if (key !== undefined) api.idempotencyKey = key;
}

/** Whether POST /domains can create in a TLD: the API sends no contacts, so only where none is required. */
export function creatableOverHttp(policy: TldPolicy): boolean {
  return policy.dataModel === 'minimum';
}

/**
 * Why POST /domains cannot create in a TLD at `now`, if it cannot: a registrant it has no field for (maximum
 * data model), or a sunrise phase (the API sends no signed mark, RFC 7848). undefined: it can.
 */
export function notCreatableOverHttp(tld: { name: string; policy: TldPolicy }, now: Date): string | undefined {
  if (!creatableOverHttp(tld.policy)) return `.${tld.name} needs a registrant contact (data model ${tld.policy.dataModel}), which this API cannot send: create its domains over EPP`;
  if (phaseAt(tld.policy.launch, now).main === 'sunrise') return `.${tld.name} is in its sunrise phase: a create needs the trademark holder's signed mark, which this API cannot send: create it over EPP (launch-1.0)`;
  return undefined;
}
