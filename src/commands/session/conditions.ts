import { el } from '../../protocol/xml-node.js';
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

/** 2103: <loginSec:loginSec> in a login whose services do not include the login security extension. */
export const loginSecNotSelected = condition('loginSecNotSelected', 2103, (uri: string) => ({
  msg: `The login security extension is used but ${uri} is not among this login's extURIs`,
}));

/** 2003: <pw> or <newPW> holds "[LOGIN-SECURITY]" but the extension does not carry the password (RFC 8807). */
export const loginSecPasswordMissing = condition('loginSecPasswordMissing', 2003, (element: 'pw' | 'newPW') => ({
  msg: `<${element}> is [LOGIN-SECURITY]: the password must then be in <loginSec:${element}>`,
  value: el(`loginSec:${element}`, null, ''),
}));

/** 2005: <loginSec:pw> or <loginSec:newPW> is sent while <pw>/<newPW> does not hold "[LOGIN-SECURITY]" (RFC 8807). */
export const loginSecPasswordConflict = condition('loginSecPasswordConflict', 2005, (element: 'pw' | 'newPW') => ({
  // No <value>: the element at fault holds a password, which no answer echoes.
  msg: `<loginSec:${element}> is given, so <${element}> must be [LOGIN-SECURITY]`,
}));
