/**
 * JSON schemas of every body, query and path parameter (fastify validates them before a handler runs: a
 * request that fails gets 400 `{error: {code: 'invalid_request', message, field}}` and changes nothing).
 * Unknown fields are refused, not ignored, so a typo cannot silently drop a change.
 */

const idempotencyKey = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' } as const;
const domainName = { type: 'string', minLength: 3, maxLength: 253 } as const;
const label = { type: 'string', minLength: 1, maxLength: 63 } as const;
const tld = { type: 'string', minLength: 1, maxLength: 63 } as const;
const years = { type: 'integer', minimum: 1, maximum: 99 } as const;
/** The fee the registrar agrees to (RFC 8748 semantics), a decimal in the TLD's currency: needed for premium names. */
const fee = { type: 'string', pattern: '^[0-9]{1,12}(\\.[0-9]{1,6})?$' } as const;
const email = { type: ['string', 'null'], format: 'email', maxLength: 254 } as const;
const externalId = { type: ['string', 'null'], minLength: 1, maxLength: 255 } as const;
const authCode = { type: 'string', minLength: 1, maxLength: 255 } as const;
const clientStatus = {
  type: 'string',
  enum: ['clientDeleteProhibited', 'clientHold', 'clientRenewProhibited', 'clientTransferProhibited', 'clientUpdateProhibited'],
} as const;

export const domainParams = {
  type: 'object',
  required: ['domain'],
  properties: { domain: domainName },
} as const;

export const sandboxResetBody = {
  type: 'object',
  required: ['tld', 'sandbox'],
  additionalProperties: false,
  properties: { tld, sandbox: { const: true }, idempotency_key: idempotencyKey },
} as const;

/** A full name, or a label and a TLD. */
export const checkBody = {
  type: 'object',
  additionalProperties: false,
  properties: { domain: domainName, label, tld, idempotency_key: idempotencyKey },
  oneOf: [{ required: ['domain'] }, { required: ['label', 'tld'] }],
} as const;

export const createBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    domain: domainName,
    label,
    tld,
    years,
    registrant_email: email,
    registrant_external_id: externalId,
    auth_code: authCode,
    fee,
    idempotency_key: idempotencyKey,
  },
  oneOf: [{ required: ['domain'] }, { required: ['label', 'tld'] }],
} as const;

export const renewBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    years,
    /** The expiry date being renewed (YYYY-MM-DD); the current one when omitted. */
    current_expiry: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    fee,
    idempotency_key: idempotencyKey,
  },
} as const;

export const patchBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    registrant_email: email,
    registrant_external_id: externalId,
    client_statuses: {
      type: 'object',
      additionalProperties: false,
      properties: {
        add: { type: 'array', items: clientStatus, uniqueItems: true, maxItems: 5 },
        remove: { type: 'array', items: clientStatus, uniqueItems: true, maxItems: 5 },
      },
    },
    /** The registrar's own auth code for the domain; null unsets it (RFC 9154). */
    auth_code: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
    idempotency_key: idempotencyKey,
  },
  anyOf: [{ required: ['registrant_email'] }, { required: ['registrant_external_id'] }, { required: ['client_statuses'] }, { required: ['auth_code'] }],
} as const;

/** POST /domains/{domain}/auth-code takes nothing: the registry makes the code. */
export const authCodeBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {},
} as const;

export const transferBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /**
     * Who gains the domain, by what the sponsor knows of it: this registry's registrar id (clID), or metadata
     * (name, external id, contact e-mail) of a registrar that may not be one of this registry's. The route
     * requires at least one of id, name, external_id, contact_email (a clearer 400 than a schema anyOf).
     */
    gaining_registrar: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 64 },
        name: { type: 'string', minLength: 1, maxLength: 255 },
        external_id: { type: 'string', minLength: 1, maxLength: 255 },
        channel_id: { type: 'string', minLength: 1, maxLength: 64 },
        contact_email: { type: 'string', format: 'email', maxLength: 254 },
      },
    },
    /** The domain's auth code: a gaining registrar requesting the transfer sends it. */
    auth_code: authCode,
    years: { type: 'integer', minimum: 1, maximum: 10 },
    /** With auth_code: the transfer fee the gaining registrar agrees to (<fee:transfer>; a premium name needs it). */
    fee,
    reason: { type: 'string', maxLength: 1000 },
    idempotency_key: idempotencyKey,
  },
  anyOf: [{ required: ['gaining_registrar'] }, { required: ['auth_code'] }],
} as const;

export const nameserversBody = {
  type: 'object',
  required: ['nameservers'],
  additionalProperties: false,
  properties: {
    nameservers: { type: 'array', minItems: 2, maxItems: 13, items: { type: 'string', minLength: 3, maxLength: 253 } },
    idempotency_key: idempotencyKey,
  },
} as const;

export const deleteBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { idempotency_key: idempotencyKey },
} as const;

export const pollQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    idempotency_key: idempotencyKey,
    request_id: { type: 'string', maxLength: 64 },
    command: { type: 'string', maxLength: 64 },
    status: { type: 'string', enum: ['success', 'error'] },
    domain: domainName,
    before_id: { type: 'integer', minimum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
} as const;

export const interopBody = {
  type: 'object',
  required: ['registrar', 'name', 'reviewer', 'decision'],
  additionalProperties: false,
  properties: {
    run_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' },
    registrar: { type: 'string', minLength: 3, maxLength: 16 },
    channel_id: { type: 'string', maxLength: 64 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    reviewer: { type: 'string', minLength: 1, maxLength: 200 },
    decision: { type: 'string', enum: ['approved', 'rejected', 'needs_changes', 'pending'] },
    notes: { type: 'string', maxLength: 10000 },
    window: {
      type: 'object',
      required: ['from', 'to'],
      additionalProperties: false,
      properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
    },
    idempotency_keys: { type: 'array', items: idempotencyKey, minItems: 1, maxItems: 1000 },
    request_ids: { type: 'array', items: { type: 'string', maxLength: 64 }, minItems: 1, maxItems: 1000 },
  },
  anyOf: [{ required: ['window'] }, { required: ['idempotency_keys'] }, { required: ['request_ids'] }],
} as const;

export const runParams = {
  type: 'object',
  required: ['run_id'],
  properties: { run_id: { type: 'string', maxLength: 64 } },
} as const;
