import { Ajv2020 } from 'ajv/dist/2020.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './environment.js';

/** A value given literally, or taken from a fact an earlier step's response gave. */
export type Value = string | { ref: string; fact: string; format?: 'date' | 'dateTime'; plusYears?: number } | { now: true };

export interface Step {
  id: string;
  title: string;
  titleOriginal?: string;
  as: string;
  command: string;
  params: Record<string, any>;
  expect: {
    code?: number;
    avail?: Record<string, boolean>;
    trStatus?: string;
    exDate?: Value;
    capture?: string[];
    /** Claims checks: name → on the claims list. */
    claims?: Record<string, boolean>;
    /** The fee charged (or, on a check, the first name's create fee), in the currency's decimals. */
    fee?: string;
  };
}

export interface Script {
  script: string;
  title: string;
  source: string;
  tld: string;
  accounts: string[];
  decisions: string[];
  steps: Step[];
}

export const SCRIPT_DIR = join(REPO_ROOT, 'fixtures/ote');

let validate: ReturnType<Ajv2020['compile']> | undefined;

/** Loads a script by name (`tatar`, `deti`) or path, checked against fixtures/ote/script.schema.json. */
/** The kit's script names (fixtures/ote/*.json but the schema). */
function kitScripts(): string[] {
  return readdirSync(SCRIPT_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'script.schema.json' && !f.startsWith('env-'))
    .map((f) => f.slice(0, -5));
}

export function loadScript(nameOrPath: string): Script {
  // A path (it has a slash or ends in .json) is read as given; a bare name is one of the kit's scripts.
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  const file = isPath ? nameOrPath : join(SCRIPT_DIR, `${nameOrPath}.json`);
  if (!existsSync(file)) throw new Error(isPath ? `no OT&E script file ${nameOrPath}` : `no OT&E script named ${nameOrPath} (the kit has ${kitScripts().join(', ')}; or give a path to a script file)`);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (!validate) {
    const schema = JSON.parse(readFileSync(join(SCRIPT_DIR, 'script.schema.json'), 'utf8'));
    validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  }
  if (!validate(data)) {
    const errs = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new Error(`OT&E script ${file} does not match script.schema.json: ${errs.join('; ')}`);
  }
  return data as Script;
}
