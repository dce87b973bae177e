import type { SignedMarkDocumentResult } from '../../registry/signed-mark.js';
import type { AuthPassword } from '../object-rules.js';
import type { Domain, DomainContact, DomainContactType, HostAttr, HostRef } from '../../storage/domain-repo.js';
import type { Transfer } from '../../storage/transfer-repo.js';
import type { SecDnsCreate, SecDnsSet, SecDnsUpdate } from './secdns.js';

/**
 * The domain commands as the handlers see them: typed inputs (what a client sent, with names and values as
 * sent, so that an error can echo them) and typed results. The EPP door reads them from XML
 * (src/epp/domain.ts) and renders the results; the HTTP API builds them from JSON (src/http/routes/).
 */

/** A period as sent: <domain:period unit="y|m">N</domain:period>. Absent: the TLD policy's default. */
export interface PeriodInput {
  value: number;
  unit: 'y' | 'm';
  /** The text as sent, for <value>. */
  text: string;
}

/** An authInfo as sent with a command that names an object: a password (with a roid: another object's). */
export type AuthInfoInput = AuthPassword;

export interface ContactInput {
  type: DomainContactType | undefined;
  handle: string;
}

/** <domain:ns>: host objects (names as sent) or host attributes, by the TLD's host model. */
export interface NsInput {
  hostObjs: string[];
  hostAttrs: Array<{ name: string; addrs: Array<{ ip: 'v4' | 'v6'; addr: string }> }>;
}

// ---------------------------------------------------------------- fees (RFC 8748)

/** <fee:create|renew|transfer|update> of a transform command: what the client agreed to pay, as sent. */
export interface FeeAgreement {
  currency?: string;
  /** The <fee:fee> amounts (decimals in major units); their sum is the agreed fee. */
  fees: string[];
}
/** What a transform command charged (its <fee:*Data>), in minor units of `currency`. */
export interface FeeCharged {
  currency: string;
  amount: number;
  /** The registrar's balance after the charge. */
  balance: number;
  /** Refundable within the grace period of this many days (0: not refundable). */
  graceDays: number;
}
/** <fee:check>: the commands whose fees a check asks for. */
export interface FeeCheck {
  currency?: string;
  commands: Array<{ name: string; customName?: string; phase?: string; subphase?: string; period?: PeriodInput }>;
}
export interface FeeCheckCommand {
  name: string;
  customName?: string;
  phase?: string;
  subphase?: string;
  /** Years priced (restore: none). */
  years?: number;
  /** Minor units; absent with a reason when the command has no fee here. */
  amount?: number;
  graceDays?: number;
  reason?: string;
}
export interface FeeCheckResult {
  name: string;
  avail: boolean;
  class?: string;
  commands: FeeCheckCommand[];
  reason?: string;
}

// ---------------------------------------------------------------- launch phases (RFC 8334)

/** <launch:phase> as sent: a phase value, with the name of a custom phase (or sub-phase). */
export interface PhaseInput {
  value: string;
  name?: string;
}
/** <launch:check>: the claims check form (is the label under a trademark claim?) or the availability check of a phase. */
export interface LaunchCheck {
  type: 'claims' | 'avail';
  phase?: PhaseInput;
}
/** <launch:notice> of a create in the claims period: the claims notice the registrant accepted. */
export interface NoticeInput {
  id: string;
  /** The validator that issued the notice; absent: the TMCH ("tmch"). */
  validatorId?: string;
  /** dateTime texts as sent (schema-valid). */
  notAfter: string;
  acceptedDate: string;
}
/** <launch:create>: the phase, the signed marks (sunrise) and notices (claims). */
export interface LaunchCreate {
  phase: PhaseInput;
  type?: 'application' | 'registration';
  /** <smd:encodedSignedMark> texts (base64 of a signed mark). */
  encodedSignedMarks: string[];
  /** Forms this registry does not take: inline <smd:signedMark> and <launch:codeMark>. */
  signedMarks: number;
  codeMarks: number;
  notices: NoticeInput[];
  /** The one signed mark's document check, made by the command's prepare step outside the transaction. */
  checkedMark?: SignedMarkDocumentResult;
}
/** <launch:info> of a domain:info (RFC 8334 §3.2): the phase a registration was made in, and its mark. */
export interface LaunchInfo {
  phase: PhaseInput;
  includeMark: boolean;
  /** An application's id: this registry keeps no applications. */
  applicationId?: string;
}
/** <launch:infData>: the registration's phase, and the signed mark's <mark:mark> as signed when asked for. */
export interface LaunchInfoData {
  phase: PhaseInput;
  markXml: string | null;
}

/** The claims check's answer (<launch:chkData>). */
export interface LaunchCheckData {
  phase: PhaseInput;
  results: Array<{ name: string; exists: boolean; claimKey?: string }>;
}

// ---------------------------------------------------------------- check

export interface DomainCheck {
  names: string[];
  fee?: FeeCheck;
  launch?: LaunchCheck;
}
export interface DomainCheckData {
  /** One per name asked, in order (a name asked twice is answered twice); names normalised where possible. */
  results: Array<{ name: string; available: boolean; reason?: string }>;
  /** The fee answers (one per name, in order) when the check carried <fee:check>. */
  fees?: { currency: string; results: FeeCheckResult[] };
  /** The claims check form's answer, instead of availability (RFC 8334 §3.1.1). */
  launch?: LaunchCheckData;
}

// ---------------------------------------------------------------- info

export interface DomainInfo {
  name: string;
  /** Which hosts to list: delegated, subordinate, both (default) or none. */
  hosts: 'all' | 'del' | 'sub' | 'none';
  authInfo?: AuthInfoInput;
  launch?: LaunchInfo;
}
export type InfoView = 'full' | 'noAuth' | 'public';
export interface DomainInfoData {
  domain: Domain;
  view: InfoView;
  hosts: DomainInfo['hosts'];
  contacts: DomainContact[];
  nameservers: HostRef[];
  hostAttrs: HostAttr[];
  subordinates: string[];
  /** Computed statuses (stored + inactive/ok). */
  statuses: string[];
  /** RFC 3915 states (addPeriod, redemptionPeriod, …). */
  rgpStatuses: string[];
  secDns: SecDnsSet;
  /** TCI description lines (TLDs of the TCI dialect), null when unset or not to be shown. */
  description: string | null;
  /** The answer to <launch:info>, when asked. */
  launch?: LaunchInfoData;
}

// ---------------------------------------------------------------- create

export interface DomainCreate {
  name: string;
  period?: PeriodInput;
  registrant?: string;
  contacts: ContactInput[];
  ns?: NsInput;
  authInfo: AuthInfoInput;
  /** <secDNS:create> (RFC 5910), as read: values normalised, checked against the policy by the handler. */
  secDns?: SecDnsCreate;
  /** <tcidom:create> description lines; undefined when the extension is absent. */
  description?: string[];
  /** <fee:create> (RFC 8748): the fee the client agreed to. */
  fee?: FeeAgreement;
  /** <launch:create> (RFC 8334): the phase, a signed mark (sunrise) or a claims notice. */
  launch?: LaunchCreate;
}
export interface DomainCreateData {
  name: string;
  createdAt: Date;
  expiresAt: Date;
  fee?: FeeCharged;
}

// ---------------------------------------------------------------- update

export interface DomainUpdate {
  name: string;
  add: { ns?: NsInput; contacts: ContactInput[]; statuses: Array<{ s: string; lang?: string; text?: string }> };
  rem: { ns?: NsInput; contacts: ContactInput[]; statuses: Array<{ s: string }> };
  /** registrant null: <domain:registrant/> (removing it); authInfo null: <domain:null/> (unsetting it, as an empty <domain:pw/> does). */
  chg: { registrant?: string | null; authInfo?: AuthInfoInput | null };
  secDns?: SecDnsUpdate;
  /** <tcidom:update><tcidom:chg> description lines; undefined when the extension is absent. */
  description?: string[];
}

// ---------------------------------------------------------------- renew, delete, restore

export interface DomainRenew {
  name: string;
  /** <domain:curExpDate> as sent (YYYY-MM-DD). */
  curExpDate: string;
  period?: PeriodInput;
  fee?: FeeAgreement;
}
export interface DomainRenewData {
  name: string;
  expiresAt: Date;
  fee?: FeeCharged;
}

export interface DomainDelete {
  name: string;
}

/** <domain:update> with <rgp:update><rgp:restore op="request|report"> (RFC 3915). */
export interface DomainRestore {
  name: string;
  /** Whether the <domain:update> itself carried any add/rem/chg content (it must not). */
  hasChanges: boolean;
  op: 'request' | 'report';
  report?: {
    preData: string;
    postData: string;
    delTime: string;
    resTime: string;
    resReason: string;
    statements: string[];
    other?: string;
  };
  fee?: FeeAgreement;
}
/** After a restore: a request leaves the domain pendingRestore (<rgp:upData>); a report restores it at once (no state left). */
export interface DomainRestoreData {
  name: string;
  rgpStatus?: 'pendingRestore';
  fee?: FeeCharged;
}

// ---------------------------------------------------------------- transfer

export interface DomainTransfer {
  op: 'request' | 'query' | 'approve' | 'reject' | 'cancel';
  name: string;
  period?: PeriodInput;
  authInfo?: AuthInfoInput;
  fee?: FeeAgreement;
}
/** The transfer's state after the command (<domain:trnData>). */
export interface DomainTransferData {
  transfer: Transfer;
  fee?: FeeCharged;
}
