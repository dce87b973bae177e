import { BlockList, isIPv6 } from 'node:net';
import { IGNORED_LOGIN_OBJECT_URIS, OBJECT_URIS } from '../../protocol/namespaces.js';
import { hashSecret, verifySecret } from '../../registry/passwords.js';
import { passwordCheck } from '../../session/password-check.js';
import type { Registrar } from '../../storage/core-repos.js';
import type { SessionCommand, SessionContext, SessionResult } from '../types.js';
import { alreadyLoggedIn, languageNotOffered, objectServiceNotOffered, versionNotImplemented } from './conditions.js';
import type { LoginInput } from './types.js';

export const LANGUAGES = ['en'];

/**
 * <login> (RFC 5730 §2.9.1.1). Opens a session for a registrar whose password matches and whose client
 * certificate is one bound to the account.
 * - already logged in: alreadyLoggedIn (2002); version other than 1.0: versionNotImplemented (2100); a
 *   language not offered: languageNotOffered (2102);
 * - no client certificate, one that does not chain to the registry CA, or another registrar's: 2200, closed;
 * - wrong clID or password: 2200; the `maxLoginFailures`th failure in the session: 2501, closed;
 * - login from an address outside the account's allowed ranges: 2501, closed;
 * - an objURI the server does not offer: objectServiceNotOffered (2307) (epp-1.0/eppcom-1.0, which clients
 *   echo, are ignored); an extURI it does not offer is ignored, and that extension cannot be used in the
 *   session;
 * - more live sessions than the account allows: 2502, closed.
 * (The 2200/2501/2502 refusals are answers, not conditions: they count a failure or close the connection.)
 * Failures are throttled per (source address, clID), and per address against clID spraying, never by
 * locking the account (src/session/login-throttle.ts).
 */
async function run(input: LoginInput, ctx: SessionContext): Promise<SessionResult> {
  const { session, services } = ctx;
  if (session.loggedIn) throw alreadyLoggedIn();

  const clID = input.clID;
  const delay = services.loginThrottle.delayFor(session.remoteAddress, clID);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));

  if (input.version !== '1.0') throw versionNotImplemented();
  const lang = input.lang;
  if (!LANGUAGES.includes(lang)) throw languageNotOffered(lang, LANGUAGES);

  const refuse = async (reason: string): Promise<SessionResult> => {
    session.failedLogins++;
    services.loginThrottle.failed(session.remoteAddress, clID);
    services.log.info({ session: session.id, clID, reason }, 'login refused');
    if (session.failedLogins >= services.config.epp.maxLoginFailures) {
      return { code: 2501, msg: 'Too many failed logins; closing the session', object: clID, close: true };
    }
    return { code: 2200, object: clID };
  };

  // The certificate is checked before the password: a connection without the registrar's certificate
  // never gets to try passwords, and is closed.
  if (!session.certFingerprint) return { code: 2200, msg: 'A client certificate is required', object: clID, close: true };
  if (!session.certTrusted) {
    return { code: 2200, msg: `Client certificate not accepted: ${session.certError ?? 'untrusted'}`, object: clID, close: true };
  }
  const registrar = await services.store.transaction((r) => r.registrars.byClId(clID));
  if (registrar && !registrar.certFingerprints.includes(session.certFingerprint)) {
    return { code: 2200, msg: 'Client certificate is not bound to this account', object: clID, close: true };
  }
  const pw = input.pw;
  const passwordOk = registrar ? await passwordCheck.verify(pw, registrar.passwordHash) : await verifySecret(pw, DUMMY_HASH).then(() => false);
  if (!registrar || !passwordOk || registrar.status !== 'active') return refuse('bad credentials');

  if (!addressAllowed(registrar, session.remoteAddress)) {
    return { code: 2501, msg: 'Login from this address is not allowed for this account', object: clID, close: true };
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

  if (services.sessions.count(registrar.id) >= registrar.maxSessions) {
    return { code: 2502, msg: `Session limit of ${registrar.maxSessions} reached for ${clID}`, object: clID, close: true };
  }

  const newPW = input.newPW;
  if (newPW !== undefined) {
    const hash = await hashSecret(newPW);
    await services.store.transaction((r) => r.registrars.update(registrar.id, { passwordHash: hash }, ctx.now));
  }

  session.registrar = registrar;
  session.objURIs = objURIs;
  session.extURIs = extURIs;
  services.sessions.add(registrar.id, session);
  services.loginThrottle.succeeded(session.remoteAddress, clID);
  return { code: 1000, object: clID };
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

export const login: SessionCommand<LoginInput> = { kind: 'session', name: 'login', needsLogin: false, run };

