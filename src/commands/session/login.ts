import { BlockList, isIPv6 } from 'node:net';
import { IGNORED_LOGIN_OBJECT_URIS, NS, OBJECT_URIS } from '../../protocol/namespaces.js';
import type { ResultCode } from '../../protocol/result-codes.js';
import { hashSecret, newPasswordProblem, verifySecret } from '../../registry/passwords.js';
import { passwordCheck } from '../../session/password-check.js';
import type { Registrar } from '../../storage/core-repos.js';
import type { SessionCommand, SessionContext, SessionResult } from '../types.js';
import {
  alreadyLoggedIn,
  languageNotOffered,
  loginSecNotSelected,
  loginSecPasswordConflict,
  loginSecPasswordMissing,
  objectServiceNotOffered,
  versionNotImplemented,
} from './conditions.js';
import type { LoginData, LoginInput, LoginSecEvent } from './types.js';

export const LANGUAGES = ['en'];

/** What <pw> and <newPW> hold when the password travels in <loginSec:pw>/<loginSec:newPW> (RFC 8807). */
export const LOGIN_SECURITY = '[LOGIN-SECURITY]';

const DAY_MS = 86_400_000;

/**
 * <login> (RFC 5730 §2.9.1.1, with the RFC 8807 login security extension). Opens a session for a registrar
 * whose password matches and whose client certificate is one bound to the account.
 * - already logged in: alreadyLoggedIn (2002); version other than 1.0: versionNotImplemented (2100); a
 *   language not offered: languageNotOffered (2102);
 * - <loginSec:loginSec> without the extension among the login's extURIs: loginSecNotSelected (2103);
 *   <pw>/<newPW> "[LOGIN-SECURITY]" without <loginSec:pw>/<loginSec:newPW>: loginSecPasswordMissing (2003);
 *   <loginSec:pw>/<loginSec:newPW> while <pw>/<newPW> holds anything else: loginSecPasswordConflict (2005);
 * - no client certificate, one that does not chain to the registry CA, or another registrar's: 2200, closed;
 * - wrong clID or password: 2200 (counted for the account, reported at its next successful login); the
 *   `maxLoginFailures`th failure in the session: 2501, closed;
 * - login from an address outside the account's allowed ranges: 2501, closed;
 * - an objURI the server does not offer: objectServiceNotOffered (2307) (epp-1.0/eppcom-1.0, which clients
 *   echo, are ignored); an extURI it does not offer is ignored, and that extension cannot be used in the
 *   session;
 * - more live sessions than the account allows: 2502, closed;
 * - a password older than epp.passwordMaxAgeDays, without a new one: 2200 with a `password` error event;
 *   a new password that does not meet the rules (src/registry/passwords.ts): 2200 with a `newPW` error
 *   event (neither counts as a failure: the password was right).
 * A successful login answers, to a client that selected loginSec, the events that concern it: the password
 * expiring within epp.passwordExpiryWarningDays, the client certificate expiring within
 * epp.certificateExpiryWarningDays, and the wrong passwords given for the account since its last successful
 * login (stat failedLogins). <loginSec:userAgent> is logged with the login.
 * (The 2200/2501/2502 refusals are answers, not conditions: they count a failure or close the connection.)
 * Failures are throttled per (source address, clID), and per address against clID spraying, never by
 * locking the account (src/session/login-throttle.ts); the attempts of one (address, clID) are checked one
 * at a time.
 */
async function run(input: LoginInput, ctx: SessionContext): Promise<SessionResult<LoginData>> {
  if (ctx.session.loggedIn) throw alreadyLoggedIn();
  // One attempt at a time per (address, clID), each after the throttle's delay: parallel connections do not
  // multiply the guesses an attacker gets per delay.
  const release = await ctx.services.loginThrottle.acquire(ctx.session.remoteAddress, input.clID);
  try {
    return await attempt(input, ctx);
  } finally {
    release();
  }
}

async function attempt(input: LoginInput, ctx: SessionContext): Promise<SessionResult<LoginData>> {
  const { session, services } = ctx;
  const epp = services.config.epp;
  const clID = input.clID;

  if (input.version !== '1.0') throw versionNotImplemented();
  const lang = input.lang;
  if (!LANGUAGES.includes(lang)) throw languageNotOffered(lang, LANGUAGES);
  const loginSec = input.extURIs.includes(NS.loginSec) && services.extensionURIs().includes(NS.loginSec);
  if (input.loginSec && !loginSec) throw loginSecNotSelected(NS.loginSec);
  const pw = password(input.pw, input.loginSec?.pw, 'pw');
  const newPW = input.newPW === undefined && input.loginSec?.newPW === undefined ? undefined : password(input.newPW ?? '', input.loginSec?.newPW, 'newPW');
  const answer = (code: ResultCode, msg: string | undefined, events: LoginSecEvent[], close = false): SessionResult<LoginData> => ({
    code,
    ...(msg !== undefined && { msg }),
    object: clID,
    ...(close && { close }),
    data: { loginSec, events },
  });

  const refuse = async (reason: string, registrarId?: number): Promise<SessionResult<LoginData>> => {
    session.failedLogins++;
    await services.loginThrottle.failed(session.remoteAddress, clID);
    if (registrarId !== undefined) await services.store.transaction((r) => r.registrars.loginFailed(registrarId));
    services.log.info({ session: session.id, clID, reason }, 'login refused');
    if (session.failedLogins >= epp.maxLoginFailures) return answer(2501, 'Too many failed logins; closing the session', [], true);
    return answer(2200, undefined, []);
  };

  // The certificate is checked before the password: a connection without the registrar's certificate
  // never gets to try passwords, and is closed.
  if (!session.certFingerprint) return answer(2200, 'A client certificate is required', [], true);
  if (!session.certTrusted) return answer(2200, `Client certificate not accepted: ${session.certError ?? 'untrusted'}`, [], true);
  const registrar = await services.store.transaction((r) => r.registrars.byClId(clID));
  if (registrar && !registrar.certFingerprints.includes(session.certFingerprint)) {
    return answer(2200, 'Client certificate is not bound to this account', [], true);
  }
  const passwordOk = registrar ? await passwordCheck.verify(pw, registrar.passwordHash) : await verifySecret(pw, DUMMY_HASH).then(() => false);
  if (!registrar || !passwordOk || registrar.status !== 'active') return refuse('bad credentials', registrar?.id);

  if (!addressAllowed(registrar, session.remoteAddress)) {
    return answer(2501, 'Login from this address is not allowed for this account', [], true);
  }

  const objURIs = new Set<string>();
  for (const uri of input.objURIs) {
    if (IGNORED_LOGIN_OBJECT_URIS.includes(uri)) continue;
    if (!OBJECT_URIS.includes(uri)) throw objectServiceNotOffered(uri);
    objURIs.add(uri);
  }
  const offeredExt = services.extensionURIs();
  const extURIs = new Set<string>();
  for (const uri of input.extURIs) {
    if (offeredExt.includes(uri)) extURIs.add(uri);
    else services.log.info({ session: session.id, clID, extURI: uri }, 'login: extension not offered, ignored');
  }

  // Counted and taken at once (across every server process on PostgreSQL); given back if the login fails after all.
  if (!(await services.sessions.admit(registrar.id, session, registrar.maxSessions))) {
    return answer(2502, `Session limit of ${registrar.maxSessions} reached for ${clID}`, [], true);
  }
  const events: LoginSecEvent[] = [];
  let loggedIn = false;
  try {
    // RFC 8807: an expired password lets the registrar in only to replace it.
    const expiresAt = epp.passwordMaxAgeDays > 0 ? new Date(registrar.passwordChangedAt.getTime() + epp.passwordMaxAgeDays * DAY_MS) : undefined;
    if (expiresAt && ctx.now >= expiresAt && newPW === undefined) {
      const text = 'Password expired: log in with a new password (newPW)';
      return answer(2200, text, [{ type: 'password', level: 'error', exDate: expiresAt, text }]);
    }
    if (newPW !== undefined) {
      const problem = newPW === LOGIN_SECURITY ? `the new password may not be ${LOGIN_SECURITY}` : newPasswordProblem(newPW, clID, pw);
      if (problem) {
        const text = `New password refused: ${problem}`;
        return answer(2200, text, [{ type: 'newPW', level: 'error', text }]);
      }
      const hash = await hashSecret(newPW);
      await services.store.transaction((r) => r.registrars.update(registrar.id, { passwordHash: hash }, ctx.now));
    } else if (expiresAt && ctx.now.getTime() >= expiresAt.getTime() - epp.passwordExpiryWarningDays * DAY_MS) {
      events.push({ type: 'password', level: 'warning', exDate: expiresAt, text: 'Password expiring soon' });
    }
    const certExpires = session.certNotAfter;
    if (certExpires && ctx.now.getTime() >= certExpires.getTime() - epp.certificateExpiryWarningDays * DAY_MS) {
      events.push({ type: 'certificate', level: 'warning', exDate: certExpires, text: 'Client certificate expiring soon' });
    }
    const failures = await services.store.transaction((r) => r.registrars.loginSucceeded(registrar.id));
    if (failures > 0) {
      events.push({ type: 'stat', name: 'failedLogins', level: 'warning', value: String(failures), text: 'Failed logins since the last successful login' });
    }

    session.registrar = registrar;
    session.objURIs = objURIs;
    session.extURIs = extURIs;
    session.userAgent = input.loginSec?.userAgent ?? null;
    loggedIn = true;
  } finally {
    if (!loggedIn) await services.sessions.remove(session);
  }
  await services.loginThrottle.succeeded(session.remoteAddress, clID);
  services.log.info({ session: session.id, clID, userAgent: session.userAgent ?? undefined, loginSecEvents: events.length }, 'login');
  return answer(1000, undefined, events);
}

/** The password a login's <pw> or <newPW> stands for: itself, or with "[LOGIN-SECURITY]" the extension's (RFC 8807). */
function password(base: string, ext: string | undefined, element: 'pw' | 'newPW'): string {
  if (base === LOGIN_SECURITY) {
    if (ext === undefined) throw loginSecPasswordMissing(element);
    return ext;
  }
  if (ext !== undefined) throw loginSecPasswordConflict(element);
  return base;
}

/** Verified against when the clID is unknown, so that unknown and known accounts take the same time. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function addressAllowed(r: Registrar, address: string): boolean {
  if (!r.allowedIps || r.allowedIps.length === 0) return true;
  const list = new BlockList();
  for (const cidr of r.allowedIps) {
    const [net, bits] = cidr.split('/');
    const type = isIPv6(net) ? 'ipv6' : 'ipv4';
    list.addSubnet(net, Number(bits ?? (type === 'ipv6' ? 128 : 32)), type);
  }
  const mapped = address.startsWith('::ffff:') ? address.slice(7) : address;
  return list.check(mapped, isIPv6(mapped) ? 'ipv6' : 'ipv4');
}

export const login: SessionCommand<LoginInput, LoginData> = { kind: 'session', name: 'login', needsLogin: false, run };

