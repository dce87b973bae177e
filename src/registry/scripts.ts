import aliases from 'unicode-property-value-aliases-ecmascript';

/**
 * Scripts of U-labels (ICANN IDN Implementation Guidelines: every label is written in one script, with the
 * Common and Inherited characters that script's IDN table allows; a TLD offers one table per script). The
 * Unicode data is the runtime's: a character's script is what RegExp `\p{Script=…}` says, the scripts a
 * Common or Inherited character is used with what `\p{Script_Extensions=…}` says; the list of script names
 * and their aliases comes from unicode-property-value-aliases-ecmascript (those this Node knows).
 *
 * A label is accepted by a table when every script of its letters is one of the table's scripts, and each
 * Common/Inherited character is an ASCII digit or hyphen, or is used with one of the table's scripts
 * (Script_Extensions, e.g. the Katakana middle dot with Han, Hiragana and Katakana), or is one of the
 * table's extra characters. Names no table governs (hosts under TLDs this registry does not serve) follow
 * UTS #39's "highly restrictive" level: one script per label, or Latin with Han and Hiragana/Katakana,
 * Bopomofo or Hangul (Japanese, Chinese, Korean).
 */

/** One IDN table of a TLD (policy data). */
export interface IdnTable {
  /** Canonical Unicode script names; several only for a language written in several (Japanese: Han, Hiragana, Katakana). */
  scripts: string[];
  /** Common and Inherited characters allowed beyond ASCII digits, hyphen and those whose Script_Extensions name one of `scripts`. */
  extraCharacters: string;
}

/** A table as a policy file may write it: a script name (alias accepted) or the table. */
export type IdnTableInput = string | { scripts: string[]; extraCharacters?: string };

/** Not scripts a label is written in: the characters shared by scripts, and unassigned ones. */
const NOT_LABEL_SCRIPTS = new Set(['Common', 'Inherited', 'Unknown']);

const compiles = (source: string): boolean => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
};

/** Script alias or name → canonical name, for the scripts this runtime's RegExp knows. */
const SCRIPT_NAMES: Map<string, string> = (() => {
  const out = new Map<string, string>();
  for (const [alias, name] of aliases.get('Script') ?? []) {
    if (!compiles(`\\p{Script=${name}}`)) continue;
    out.set(alias, name);
    out.set(name, name);
  }
  return out;
})();

/** The canonical name of a script a label may be written in (`Cyrl` → `Cyrillic`); undefined otherwise. */
export function canonicalScript(name: string): string | undefined {
  const s = SCRIPT_NAMES.get(name);
  return s && !NOT_LABEL_SCRIPTS.has(s) ? s : undefined;
}

/** Checks IDN tables as a policy gives them; canonical tables, or the problems (each naming the value). */
export function resolveIdnTables(input: unknown, field = 'idnScripts'): { tables: IdnTable[]; problems: string[] } {
  const problems: string[] = [];
  const tables: IdnTable[] = [];
  if (!Array.isArray(input)) return { tables, problems: [`${field} must be a list of script names or tables {scripts, extraCharacters}`] };
  const seen = new Set<string>();
  for (const [i, entry] of input.entries()) {
    const at = `${field}[${i}]`;
    const t = typeof entry === 'string' ? { scripts: [entry] } : entry;
    if (!t || typeof t !== 'object' || !Array.isArray(t.scripts) || t.scripts.length === 0) {
      problems.push(`${at} must be a script name or {scripts: [names], extraCharacters?: string}`);
      continue;
    }
    const unknownKey = Object.keys(t).find((k) => k !== 'scripts' && k !== 'extraCharacters');
    if (unknownKey) problems.push(`${at} has an unknown field ${unknownKey}`);
    const scripts: string[] = [];
    for (const s of t.scripts as unknown[]) {
      const name = typeof s === 'string' ? canonicalScript(s) : undefined;
      if (!name) problems.push(`${at}: ${JSON.stringify(s)} is not a Unicode script a label can be written in (e.g. Cyrillic, Latin, Han)`);
      else if (seen.has(name)) problems.push(`${at}: script ${name} is in more than one table`);
      else (seen.add(name), scripts.push(name));
    }
    const extra = (t as { extraCharacters?: unknown }).extraCharacters ?? '';
    if (typeof extra !== 'string') problems.push(`${at}.extraCharacters must be a string`);
    else {
      for (const ch of extra) {
        const sc = scriptOf(ch);
        if (sc !== 'Common' && sc !== 'Inherited') problems.push(`${at}.extraCharacters: ${show(ch)} is ${sc}, not a Common or Inherited character`);
      }
    }
    tables.push({ scripts, extraCharacters: typeof extra === 'string' ? [...new Set(extra)].join('') : '' });
  }
  return { tables, problems };
}

// ---------------------------------------------------------------- Unicode lookups (cached per character)

/** One alternation with a named group per script: the group that matched names the character's script. */
const SCRIPT_OF = new RegExp(
  [...new Set(SCRIPT_NAMES.values())].map((n) => `(?<${n}>\\p{Script=${n}})`).join('|'),
  'u',
);
const scriptCache = new Map<string, string>();

/** The Unicode script of one character (Common, Inherited and Unknown included). */
export function scriptOf(ch: string): string {
  let s = scriptCache.get(ch);
  if (s === undefined) {
    const m = SCRIPT_OF.exec(ch);
    s = (m?.groups && Object.entries(m.groups).find(([, v]) => v !== undefined)?.[0]) ?? 'Unknown';
    scriptCache.set(ch, s);
  }
  return s;
}

/** Common/Inherited characters whose Script_Extensions are just Common or Inherited (used with any script). */
const GENERIC = /^[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]$/u;
const usedWithCache = new Map<string, RegExp>();

/** Whether Unicode's Script_Extensions of `ch` name `script`. */
function usedWith(ch: string, script: string): boolean {
  let re = usedWithCache.get(script);
  if (!re) usedWithCache.set(script, (re = new RegExp(`^\\p{Script_Extensions=${script}}$`, 'u')));
  return re.test(ch);
}

const show = (ch: string) => `"${ch}" (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;

// ---------------------------------------------------------------- the label rule

/** UTS #39 §5.2 "highly restrictive" script sets (besides a single script). */
const UTS39_SETS: readonly string[][] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

/** `short` fits eppcom:reasonType (32 characters) for check answers. */
export type LabelVerdict = { ok: true } | { ok: false; reason: string; short: string };

const ASCII_DIGIT_HYPHEN = /^[0-9-]$/;

/**
 * Whether the U-label `u` is written in one script under `tables` (the IDN tables of `where`, a TLD), or
 * under UTS #39's highly restrictive level when `tables` is 'any' (no table governs the name).
 */
export function checkLabelScripts(u: string, tables: readonly IdnTable[] | 'any', where = ''): LabelVerdict {
  const letters: Array<{ ch: string; script: string }> = [];
  const neutral: string[] = [];
  for (const ch of u) {
    if (ASCII_DIGIT_HYPHEN.test(ch)) continue;
    const script = scriptOf(ch);
    if (script === 'Common' || script === 'Inherited') neutral.push(ch);
    else letters.push({ ch, script });
  }
  const scripts = [...new Set(letters.map((l) => l.script))];
  const candidates: readonly IdnTable[] =
    tables === 'any'
      ? [...(scripts.length <= 1 ? [{ scripts, extraCharacters: '' }] : []), ...UTS39_SETS.map((s) => ({ scripts: s, extraCharacters: '' }))]
      : tables;
  const neutralOk = (ch: string, t: IdnTable) =>
    GENERIC.test(ch) ? tables === 'any' || t.extraCharacters.includes(ch) : t.scripts.some((s) => usedWith(ch, s)) || t.extraCharacters.includes(ch);
  const fits = (t: IdnTable) => scripts.every((s) => t.scripts.includes(s)) && neutral.every((ch) => neutralOk(ch, t));
  if (candidates.some(fits) || (tables === 'any' && scripts.length === 0)) return { ok: true };

  const covering = candidates.find((t) => scripts.every((s) => t.scripts.includes(s)));
  if (scripts.length > 1 && !covering) {
    const first = letters[0];
    const other = letters.find((l) => l.script !== first.script)!;
    return {
      ok: false,
      reason: `label "${u}" mixes scripts: ${show(first.ch)} is ${first.script}, ${show(other.ch)} is ${other.script} (one script per label)`,
      short: 'Mixed scripts in a label',
    };
  }
  if (!covering) {
    const outside = letters[0];
    const offered = candidates.flatMap((t) => t.scripts).join(', ') || 'none';
    return {
      ok: false,
      reason: `label "${u}": ${show(outside.ch)} is ${outside.script}, a script the IDN tables of ${where || 'the TLD'} do not include (${offered})`,
      short: 'Script not allowed in this TLD',
    };
  }
  const bad = neutral.find((ch) => !neutralOk(ch, covering)) ?? neutral[0];
  return {
    ok: false,
    reason: `label "${u}": ${show(bad)} is not allowed with ${scripts.join(', ') || 'these characters'} by the IDN tables of ${where || 'the TLD'}`,
    short: 'Character not in the IDN table',
  };
}
