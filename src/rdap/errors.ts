import { conformance, termsOfServiceNotice, type JsonObject, type RenderContext } from './common.js';

/**
 * An RDAP error (RFC 9083 §6, RFC 7480 §5): the HTTP status, which is also the body's errorCode (profile:
 * they must match), a title and a description that says what was wrong with which value.
 */
export class RdapError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 429 | 500 | 501,
    readonly title: string,
    readonly description: string[],
  ) {
    super(`${status} ${title}: ${description.join(' ')}`);
  }
}

export const notFound = (what: string, detail: string) => new RdapError(404, 'Not Found', [`${what}: ${detail}`]);
export const badRequest = (detail: string) => new RdapError(400, 'Bad Request', [detail]);
export const notImplemented = (detail: string) => new RdapError(501, 'Not Implemented', [detail]);

export function errorBody(e: RdapError, ctx: RenderContext): JsonObject {
  return {
    rdapConformance: conformance(false),
    errorCode: e.status,
    title: e.title,
    description: e.description,
    notices: [termsOfServiceNotice(ctx)],
  };
}
