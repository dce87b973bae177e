import { Ajv2020 } from 'ajv/dist/2020.js';
import { existsSync, readFileSync } from 'node:fs';
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
export function loadScript(nameOrPath: string): Script {
  const file = existsSync(nameOrPath) ? nameOrPath : join(SCRIPT_DIR, `${nameOrPath}.json`);
  if (!existsSync(file)) throw new Error(`no OT&E script ${nameOrPath} (looked for ${file})`);
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
