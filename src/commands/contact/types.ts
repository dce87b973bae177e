import type { AuthPassword } from '../object-rules.js';
import type { Contact, Disclose, PostalType } from '../../storage/contact-repo.js';

/**
 * The contact commands as the handlers see them (RFC 5733, with the TCI contact extension): typed inputs,
 * with values as sent (text of postal lines with line breaks and tabs made spaces, trimmed) so that an
 * error can echo them, and typed results. The EPP door reads them from XML and renders the results
 * (src/epp/contact.ts); the rules (src/registry/contact-rules.ts) are applied by the handlers.
 */

/** An address as sent (<contact:addr>, <tci:legalAddr>): street lines as sent (empty ones too), sp/pc absent: undefined. */
export interface AddressInput {
  street: string[];
  city: string;
  sp?: string;
  pc?: string;
  cc: string;
}

/**
 * A <contact:postalInfo> as sent. On create the schema requires name and addr; on update each part is
 * optional (a given part replaces the stored one; an empty org removes it). A type given twice is refused
 * by the handler.
 */
export interface PostalInput {
  type: PostalType;
  name?: string;
  org?: string;
  addr?: AddressInput;
}

/** A <contact:voice>/<contact:fax> as sent: the number trimmed, the x attribute (empty: undefined). */
export interface PhoneInput {
  number: string;
  x?: string;
}

/**
 * The TCI extension's person or organization data as sent (<tci:create>, <tci:update><tci:chg>).
 * Legal addresses in the order sent (a type given twice is refused by the handler).
 */
export type TciInput =
  | { person: { birthday: string; passport: string[]; tin?: string } }
  | { organization: { legalAddr: Array<AddressInput & { type: PostalType }>; tin: string } };

// ---------------------------------------------------------------- check

export interface ContactCheck {
  ids: string[];
}
export interface ContactCheckData {
  /** One per id asked, as sent and in order (an id asked twice is answered twice). */
  results: Array<{ id: string; available: boolean; reason?: string }>;
}

// ---------------------------------------------------------------- info

export interface ContactInfo {
  id: string;
  /** <contact:authInfo><contact:pw> as sent (undefined when absent or given as <contact:ext>). */
  authInfo?: AuthPassword;
}
export interface ContactInfoData {
  contact: Contact;
  /** Stored statuses plus the computed ones (ok, linked). */
  statuses: string[];
  /** The sponsor gets an (always empty) authInfo element: RFC 9154 §5.3. */
  withAuthInfo: boolean;
}

// ---------------------------------------------------------------- create

export interface ContactCreate {
  id: string;
  postalInfo: PostalInput[];
  voice?: PhoneInput;
  fax?: PhoneInput;
  email: string;
  authInfo: AuthPassword;
  /** The disclose preference as given (null: one without children); undefined when absent. */
  disclose?: Disclose | null;
  /** <tci:create>; undefined when the extension is absent. */
  tci?: TciInput;
}
export interface ContactCreateData {
  id: string;
  createdAt: Date;
}

// ---------------------------------------------------------------- update, delete

export interface ContactUpdate {
  id: string;
  add: { statuses: string[] };
  rem: { statuses: string[] };
  /** Each field present only when the client sent its element. */
  chg: {
    postalInfo: PostalInput[];
    voice?: PhoneInput;
    fax?: PhoneInput;
    email?: string;
    authInfo?: AuthPassword;
    /** null: a <disclose> without children (removes the stored preference). */
    disclose?: Disclose | null;
  };
  /** <tci:update><tci:chg>; undefined when the extension is absent. */
  tci?: TciInput;
}

export interface ContactDelete {
  id: string;
}
