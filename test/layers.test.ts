import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../src/ote/environment.js';

/**
 * The layers of src/ import downwards only: the doors (transport, epp, http, rdap) over the command handlers, the
 * handlers over the registry rules and the storage. A handler never reads XML or JSON, and the registry's
 * rules never reach up into the handlers or a door (poll messages are typed events, rendered by the EPP door);
 * zone publication and escrow deposits sit beside the doors, on the storage and the rules, and nothing below
 * imports them.
 */
const FORBIDDEN: Record<string, string[]> = {
  protocol: ['commands', 'epp', 'http', 'rdap', 'transport', 'registry', 'storage', 'session', 'ote', 'cli', 'zone', 'escrow'],
  storage: ['commands', 'epp', 'http', 'rdap', 'transport', 'session', 'ote', 'cli', 'zone', 'escrow'],
  registry: ['commands', 'epp', 'http', 'rdap', 'transport', 'session', 'ote', 'cli', 'zone', 'escrow'],
  session: ['commands', 'epp', 'http', 'rdap', 'transport', 'ote', 'cli', 'zone', 'escrow'],
  commands: ['epp', 'http', 'rdap', 'transport', 'ote', 'cli', 'zone', 'escrow'],
  epp: ['http', 'rdap', 'transport', 'ote', 'cli', 'zone', 'escrow'],
  http: ['epp', 'rdap', 'transport', 'ote', 'cli', 'zone', 'escrow'],
  // RDAP publishes: it reads through the store and the registry's rules, and runs no command of another door.
  rdap: ['epp', 'http', 'transport', 'session', 'ote', 'cli', 'zone', 'escrow'],
  // Zone publication reads the registry (storage, rules) and is driven by serve and the CLI, never by a door.
  zone: ['commands', 'epp', 'http', 'rdap', 'transport', 'session', 'ote', 'cli', 'escrow'],
  // Escrow deposits read the storage's snapshot and the rules' computed states; no door, no session.
  escrow: ['epp', 'http', 'rdap', 'transport', 'session', 'ote', 'cli', 'zone'],
  // The server's metrics are told of events through narrow interfaces (the runner's observer, the store's
  // stats, the doors' request hooks); they reach into no layer, and only the app wires them in.
  ops: ['protocol', 'commands', 'epp', 'http', 'rdap', 'transport', 'registry', 'storage', 'session', 'ote', 'cli', 'zone', 'escrow'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('layers', () => {
  it('import only downwards (no handler, rule or store module reaches up into a door)', () => {
    const src = join(REPO_ROOT, 'src');
    const wrong: string[] = [];
    for (const file of files(src)) {
      const layer = relative(src, file).split('/')[0];
      const banned = FORBIDDEN[layer];
      if (!banned) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(src, join(file, '..', m[1])).split('/')[0];
        if (banned.includes(target)) wrong.push(`${relative(src, file)} imports ${m[1]}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('keeps XML out of the command handlers: no handler reads an element tree', () => {
    const dir = join(REPO_ROOT, 'src/commands');
    const readers = files(dir).filter((f) => /\b(child|children|childText)\(|type Elem\b|\bElem\[\]|: Elem\b/.test(readFileSync(f, 'utf8')));
    expect(readers.map((f) => relative(REPO_ROOT, f))).to.deep.equal([]);
  });
});
