import { EppError } from '../protocol/errors.js';
import type { CommandDef } from './types.js';

/** A command the protocol defines but this server does not implement yet: 2101, never a crash. */
export function unimplemented(name: string): CommandDef {
  return {
    kind: 'object',
    name,
    async run() {
      throw new EppError(2101, `${name} is not implemented by this server`);
    },
  };
}
