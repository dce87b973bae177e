import { condition } from '../conditions.js';

/**
 * The error conditions of login (RFC 5730 §2.9.1.1) that leave the connection open. The refusals that
 * close it (2200 without a bound certificate, 2501, 2502) and a wrong password (2200, counted) are answers
 * of the handler, not conditions.
 */

/** 2002: a second <login> in a session. */
export const alreadyLoggedIn = condition('alreadyLoggedIn', 2002, () => ({ msg: 'Already logged in: send <logout> first' }));

/** 2100: an EPP version other than 1.0. */
export const versionNotImplemented = condition('versionNotImplemented', 2100, () => ({ msg: 'Only EPP version 1.0 is implemented' }));

/** 2102: a language the server does not offer. */
export const languageNotOffered = condition('languageNotOffered', 2102, (lang: string, offered: readonly string[]) => ({
  msg: `Language ${lang} is not offered; offered: ${offered.join(', ')}`,
}));

/** 2307: an object service the server does not offer. */
export const objectServiceNotOffered = condition('objectServiceNotOffered', 2307, (uri: string) => ({
  msg: `Object service ${uri} is not offered by this server`,
}));
