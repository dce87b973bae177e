/**
 * The session commands as the handlers see them (RFC 5730 §2.9.1): typed inputs read from XML by
 * src/epp/session.ts. Their answers carry no data: only a result code, and whether to close.
 */

/** <login> as sent (texts trimmed). */
export interface LoginInput {
  clID: string;
  pw: string;
  /** A new password to set once logged in. */
  newPW?: string;
  /** <options><version>. */
  version: string;
  /** <options><lang>. */
  lang: string;
  /** <svcs><objURI>, as sent (epp-1.0/eppcom-1.0, which clients echo, included). */
  objURIs: string[];
  /** <svcs><svcExtension><extURI>, as sent. */
  extURIs: string[];
}
