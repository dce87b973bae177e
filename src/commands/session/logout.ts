import type { CommandDef } from '../types.js';

/** <logout> (RFC 5730 §2.9.1.2): 1500, then the server closes the connection. */
export const logout: CommandDef = {
  kind: 'session',
  name: 'logout',
  needsLogin: true,
  async run(_req, ctx) {
    return { code: 1500, object: ctx.session.registrar?.clId, close: true };
  },
};
