import type { CommandDef, CommandRequest, LegacyResult, ObjectCommand, SessionCommand } from '../commands/types.js';
import type { EppMessage } from '../protocol/parser.js';
import type { EppBinding, ExtensionRef, Rendered } from './binding.js';

/**
 * Binds a handler not yet moved to typed inputs: it is handed the parsed XML and returns response trees.
 * Temporary: each command family moves to a typed binding, then this module goes.
 */
export function legacy(def: CommandDef, extensions: readonly ExtensionRef[] = []): EppBinding<CommandRequest, Rendered> {
  const read = (m: EppMessage): CommandRequest => ({
    message: m,
    object: m.object,
    extension: (ns: string, name?: string) => m.extensions.find((e) => e.ns === ns && (name === undefined || e.name === name)),
  });
  if (def.kind === 'session') {
    const command: SessionCommand<CommandRequest> = def;
    return { command, extensions, read };
  }
  const command: ObjectCommand<CommandRequest, Rendered> = {
    kind: 'object',
    name: def.name,
    readOnly: def.readOnly,
    async run(req, ctx) {
      const r: LegacyResult = await def.run(req, ctx);
      return { code: r.code, msg: r.msg, object: r.object, msgQ: r.msgQ, data: { resData: r.resData, extension: r.extension } };
    },
  };
  return { command, extensions, read, render: (data) => data };
}
