import type { LoginData, LoginInput, LoginSecInput } from '../commands/session/types.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { child, childText, children, el, type Elem } from '../protocol/xml-node.js';
import type { Rendered } from './binding.js';

/**
 * The session commands' codec (RFC 5730 §2.9.1, RFC 8807): <login> with <loginSec:loginSec> → LoginInput,
 * its security events → <loginSec:loginSecData>; <logout> carries nothing.
 */

export function readLogin(m: EppMessage): LoginInput {
  const login = m.verbEl!;
  const options = child(login, 'options');
  const svcs = child(login, 'svcs');
  const input: LoginInput = {
    clID: childText(login, 'clID') ?? '',
    pw: childText(login, 'pw') ?? '',
    version: childText(options, 'version') ?? '',
    lang: childText(options, 'lang') ?? '',
    objURIs: children(svcs, 'objURI').map((u) => u.text.trim()),
    extURIs: children(child(svcs, 'svcExtension'), 'extURI').map((u) => u.text.trim()),
  };
  const newPW = childText(login, 'newPW');
  if (newPW !== undefined) input.newPW = newPW;
  const ext = m.extensions.find((e) => e.ns === NS.loginSec && e.name === 'loginSec');
  if (ext) input.loginSec = readLoginSec(ext);
  return input;
}

/** <loginSec:loginSec>: user agent, password and new password (token values: trimmed, as the schema collapses them). */
function readLoginSec(ext: Elem): LoginSecInput {
  const L = NS.loginSec;
  const out: LoginSecInput = {};
  const ua = child(ext, 'userAgent', L);
  if (ua) {
    out.userAgent = {};
    for (const k of ['app', 'tech', 'os'] as const) {
      const v = childText(ua, k, L);
      if (v !== undefined) out.userAgent[k] = v;
    }
  }
  const pw = childText(ext, 'pw', L);
  const newPW = childText(ext, 'newPW', L);
  if (pw !== undefined) out.pw = pw;
  if (newPW !== undefined) out.newPW = newPW;
  return out;
}

/** <loginSec:loginSecData> with the login's events, for a login that selected the extension and has any. */
export function renderLogin(d: LoginData): Rendered {
  if (!d.loginSec || d.events.length === 0) return {};
  return {
    extension: [
      el(
        'loginSec:loginSecData',
        null,
        d.events.map((e) =>
          el(
            'loginSec:event',
            {
              type: e.type,
              name: e.name,
              level: e.level,
              exDate: e.exDate?.toISOString(),
              value: e.value,
              duration: e.duration,
              lang: 'en',
            },
            e.text,
          ),
        ),
      ),
    ],
  };
}

export function readLogout(): undefined {
  return undefined;
}
