import type { LoginInput } from '../commands/session/types.js';
import type { EppMessage } from '../protocol/parser.js';
import { child, childText, children } from '../protocol/xml-node.js';

/** The session commands' codec (RFC 5730 §2.9.1): <login> → LoginInput; <logout> carries nothing. */

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
  return input;
}

export function readLogout(): undefined {
  return undefined;
}
