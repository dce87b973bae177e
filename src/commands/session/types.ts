/**
 * The session commands as the handlers see them (RFC 5730 §2.9.1): typed inputs read from XML by
 * src/epp/session.ts. Logout's answer carries no data; login's carries the RFC 8807 security events.
 */

/** <loginSec:userAgent> (RFC 8807): the client's software, as sent. */
export interface UserAgent {
  app?: string;
  tech?: string;
  os?: string;
}

/** <loginSec:loginSec> (RFC 8807) as sent. */
export interface LoginSecInput {
  userAgent?: UserAgent;
  /** The password, when <pw> holds "[LOGIN-SECURITY]" (it may be longer than 16 characters). */
  pw?: string;
  /** The new password, when <newPW> holds "[LOGIN-SECURITY]". */
  newPW?: string;
}

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
  /** The login security extension, when sent. */
  loginSec?: LoginSecInput;
}

/** A login security event (RFC 8807), as <loginSec:event> shows it. */
export interface LoginSecEvent {
  type: 'password' | 'certificate' | 'cipher' | 'tlsProtocol' | 'newPW' | 'stat' | 'custom';
  /** Required for stat and custom events (e.g. failedLogins). */
  name?: string;
  level: 'warning' | 'error';
  exDate?: Date;
  value?: string;
  /** An XML Schema duration, for a stat event's period. */
  duration?: string;
  /** What happened, in English. */
  text: string;
}

/** What a login answers besides its code: its security events, shown when the login selected loginSec. */
export interface LoginData {
  /** Whether the login's services included the login security extension. */
  loginSec: boolean;
  events: LoginSecEvent[];
}
