import type { SessionCommand } from '../types.js';

/** <logout> (RFC 5730 §2.9.1.2): 1500, then the server closes the connection. No errors of its own. */
export const logout: SessionCommand<undefined> = {
  kind: 'session',
  name: 'logout',
  needsLogin: true,
  async run(_input, ctx) {
    return { code: 1500, object: ctx.session.registrar?.clId, close: true };
  },
};
