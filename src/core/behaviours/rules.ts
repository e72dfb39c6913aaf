/**
 * Rules researchers add without code: a JSON or YAML file (see docs/rules.md) that extends the
 * built-in detectors (config keys, weight-file patterns, refusal phrases, …) and defines custom tags.
 *
 * `parseRules` validates the file with zod and reports each problem as a Diagnostic naming the file,
 * the line and column, the field and what was expected. A bad entry is dropped and the rest of the
 * file still applies, so one typo does not switch every rule off.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { z } from 'zod';
import type { Diagnostic } from '../model';
import { formatJsonPath, parseJsonTolerant, type JsonPath } from '../json/tolerantJson';
import { describeZodIssue } from '../zodMessages';
import { PatternError, compilePattern, type Pattern as CompiledPattern, type PatternKind } from './patterns';
import { readYaml, yamlErrorText } from '../yaml';
import { BUILTIN_BEHAVIOURS } from './types';

/** The rules-file format version this Peerwatch reads. */
export const RULES_VERSION = 1;

/** Where the extension looks for a workspace's rules file, in order. */
export const RULES_FILE_NAMES = ['.peerwatch/rules.yaml', '.peerwatch/rules.yml', '.peerwatch/rules.json'] as const;

const EVENT_KINDS = ['message', 'reasoning', 'tool_call', 'tool_result', 'config_change', 'file_change', 'environment'] as const;
const QUALIFIERS = ['self-preservation', 'peer-preservation', 'unknown'] as const;

const Pattern = z.string().min(1, 'expected a non-empty pattern');
const PatternList = z.array(Pattern);
/** One value or a list of them; a single value is read as a list of one. */
const oneOrMany = <T extends z.ZodType>(item: T) => z.preprocess((v) => (Array.isArray(v) || v === undefined ? v : [v]), z.array(item).min(1, 'expected at least one value'));
const Scalar = z.custom<string | number | boolean | null>((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v), { message: 'expected a text, a number, true/false or null' });

const ConfigKeyObject = z.strictObject({
  key: Pattern,
  /** Values that switch this key's shutdown off (default: false, 'False', '0', '', 'no', 'off', null, …). */
  disabledWhen: oneOrMany(Scalar).optional(),
});
/** A key pattern, or `{key, disabledWhen}`; validated by whichever shape the entry has, so errors say what is wrong. */
const ConfigKeyEntry = z.custom<string | z.infer<typeof ConfigKeyObject>>(() => true);

const MatchSchema = z
  .strictObject({
    kind: oneOrMany(z.enum(EVENT_KINDS)).optional(),
    tool: oneOrMany(Pattern).optional(),
    text: oneOrMany(Pattern).optional(),
    path: oneOrMany(Pattern).optional(),
    key: oneOrMany(Pattern).optional(),
    role: oneOrMany(z.enum(['system', 'user', 'assistant', 'tool', 'developer'])).optional(),
  })
  .refine((m) => Object.keys(m).length > 0, { message: 'a match needs at least one condition (kind, tool, text, path, key or role)' });

const CustomTagSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected an id of letters, digits, ".", "_" or "-"'),
  behaviour: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'expected a behaviour id of letters, digits, ".", "_" or "-"'),
  explanation: z.string().min(1),
  match: MatchSchema,
  severity: z.enum(['low', 'medium', 'high']).optional(),
  qualifier: z.enum(QUALIFIERS).optional(),
});

/** The rules file as written (after validation). */
export const RulesFileSchema = z.strictObject({
  version: z.number().int().positive(),
  configKeys: z.array(ConfigKeyEntry).optional(),
  disableValues: z.array(Scalar).optional(),
  shutdownFiles: PatternList.optional(),
  weightFiles: PatternList.optional(),
  refusalPhrases: PatternList.optional(),
  humanUsers: PatternList.optional(),
  agentUsers: PatternList.optional(),
  evidenceFiles: PatternList.optional(),
  disable: z.array(z.string().min(1)).optional(),
  tags: z.array(CustomTagSchema).optional(),
});
export type RulesFile = z.infer<typeof RulesFileSchema>;
export type CustomTagRule = z.infer<typeof CustomTagSchema>;

/** A compiled custom tag. */
export interface CompiledCustomTag {
  id: string;
  behaviour: string;
  explanation: string;
  severity?: 'low' | 'medium' | 'high';
  qualifier?: (typeof QUALIFIERS)[number];
  kinds?: ReadonlySet<string>;
  roles?: ReadonlySet<string>;
  tool?: CompiledPattern[];
  text?: CompiledPattern[];
  path?: CompiledPattern[];
  key?: CompiledPattern[];
}

/** Rules ready for the detectors: the additions of one rules file, compiled. Built-ins are always on. */
export interface Rules {
  /** Extra config keys whose disabling is shutdown tampering, with their own disabling values if given. */
  configKeys: Array<{ re: CompiledPattern; disabledWhen?: string[] }>;
  /** Extra values that count as "disabled" for every shutdown key (compared as lower-case strings). */
  disableValues: string[];
  shutdownFiles: CompiledPattern[];
  weightFiles: CompiledPattern[];
  refusalPhrases: CompiledPattern[];
  humanUsers: CompiledPattern[];
  agentUsers: CompiledPattern[];
  evidenceFiles: CompiledPattern[];
  /** Behaviour ids (built-in or custom) not to report. */
  disable: Set<string>;
  tags: CompiledCustomTag[];
  /** The file the rules came from, when they came from one. */
  source?: string;
}

/** Rules that add nothing: the built-in detectors alone. */
export function emptyRules(): Rules {
  return {
    configKeys: [],
    disableValues: [],
    shutdownFiles: [],
    weightFiles: [],
    refusalPhrases: [],
    humanUsers: [],
    agentUsers: [],
    evidenceFiles: [],
    disable: new Set(),
    tags: [],
  };
}

/** A rules file as sent to a worker thread: its name (for messages) and its text. */
export interface RulesText {
  fileName: string;
  text: string;
}

/** The rules of a file's text (its problems were reported where it was read), or the built-ins alone. */
export function rulesFromText(r: RulesText | undefined): Rules {
  return r ? parseRules(r.fileName, r.text).rules : emptyRules();
}

/** Compares a config value with disabling values the way the study's string-valued tools mean it. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return String(v).trim().toLowerCase();
}

interface Located {
  line?: number;
  column?: number;
}

/**
 * Reads and validates a rules file (`.json`, or YAML for any other name). Never throws: problems are
 * diagnostics (`error` for what was dropped, `warning` for what was ignored) and `rules` holds
 * everything that was valid.
 */
export function parseRules(fileName: string, text: string): { rules: Rules; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rules = emptyRules();
  rules.source = fileName;
  const isJson = /\.json$/i.test(fileName) || (!/\.ya?ml$/i.test(fileName) && /^\s*[{[]/.test(text));

  let doc: unknown;
  let locate: (path: JsonPath) => Located | undefined;
  let locateKey: (path: JsonPath) => Located | undefined = (path) => locate(path);
  const add = (severity: 'error' | 'warning', path: JsonPath, message: string, expected?: string, onKey = false) => {
    const at = (onKey ? locateKey(path) : locate(path)) ?? {};
    const where = at.line ? `${fileName}:${at.line}:${at.column ?? 1}` : fileName;
    diagnostics.push({
      severity,
      file: fileName,
      ...(at.line ? { line: at.line } : {}),
      ...(at.column ? { column: at.column } : {}),
      path: formatJsonPath(path),
      ...(expected ? { expected } : {}),
      message: `${where}: ${message}`,
      afterEvent: -1,
    });
  };

  if (isJson) {
    const json = parseJsonTolerant(text, { locateDepth: 8 });
    locate = (path) => {
      for (let n = path.length; n >= 0; n--) {
        const p = json.locate(path.slice(0, n));
        if (p) return p;
      }
      return undefined;
    };
    if (json.error) {
      const e = json.error;
      diagnostics.push({
        severity: 'error',
        file: fileName,
        line: e.line,
        column: e.column,
        path: e.path,
        expected: e.expected,
        message: `${fileName}:${e.line}:${e.column}: invalid JSON at ${e.path}: expected ${e.expected}, found ${e.found}. No rules from this file are used.`,
        afterEvent: -1,
      });
      return { rules, diagnostics };
    }
    doc = json.value;
  } else {
    const yaml = readYaml(text);
    locate = (path) => yaml.locate(path);
    locateKey = (path) => yaml.locateKey(path);
    if (yaml.error) {
      const e = yaml.error;
      diagnostics.push({
        severity: 'error',
        file: fileName,
        line: e.line,
        column: e.column,
        message: `${yamlErrorText(fileName, e)}. No rules from this file are used.`,
        afterEvent: -1,
      });
      return { rules, diagnostics };
    }
    doc = yaml.value;
  }

  if (doc === null || doc === undefined || typeof doc !== 'object' || Array.isArray(doc)) {
    add('error', [], `expected a mapping with "version: ${RULES_VERSION}" and rule lists, found ${doc === null || doc === undefined ? 'an empty file' : Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}. No rules from this file are used.`, 'an object');
    return { rules, diagnostics };
  }
  const obj = doc as Record<string, unknown>;

  // Version first: a newer file's fields may mean something else, so nothing is guessed.
  const version = obj['version'];
  if (version === undefined) {
    add('error', [], `missing "version"; write "version: ${RULES_VERSION}" at the top. No rules from this file are used.`, `version: ${RULES_VERSION}`);
    return { rules, diagnostics };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    add('error', ['version'], `"version" must be a whole number (this Peerwatch reads version ${RULES_VERSION}). No rules from this file are used.`, String(RULES_VERSION));
    return { rules, diagnostics };
  }
  if (version > RULES_VERSION) {
    add('error', ['version'], `this rules file uses version ${version}, but this Peerwatch reads rules version ${RULES_VERSION}; update Peerwatch. No rules from this file are used.`, String(RULES_VERSION));
    return { rules, diagnostics };
  }

  const known = Object.keys(RulesFileSchema.shape);
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    add('warning', [key], `unknown field "${key}" is ignored${guess ? `; did you mean "${guess}"?` : ` (known fields: ${known.join(', ')})`}`, undefined, true);
  }

  const listField = <T>(key: keyof typeof RulesFileSchema.shape, item: z.ZodType<T>, use: (v: T, path: JsonPath) => void) => {
    const raw = obj[key];
    if (raw === undefined || raw === null) return;
    if (!Array.isArray(raw)) {
      add('error', [key], `"${key}" must be a list, found ${describe(raw)}; it is ignored`, 'a list');
      return;
    }
    raw.forEach((v, i) => {
      const schema = key === 'configKeys' ? (typeof v === 'object' && v !== null ? ConfigKeyObject : Pattern) : item;
      const r = (schema as z.ZodType<T>).safeParse(v, { reportInput: true });
      if (!r.success) {
        for (const issue of r.error.issues) {
          const path: JsonPath = [key, i, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
          add('error', path, `${describeZodIssue({ ...issue, path } as z.core.$ZodIssue)}; this entry is ignored`);
        }
        return;
      }
      use(r.data, [key, i]);
    });
  };

  const compile = (p: string, kind: PatternKind, path: JsonPath): CompiledPattern | undefined => {
    try {
      return compilePattern(p, kind);
    } catch (e) {
      add('error', path, `${e instanceof PatternError ? e.message : String(e)} in pattern ${JSON.stringify(p)}; it is ignored`, 'a valid pattern');
      return undefined;
    }
  };
  const compileList = (v: string[] | undefined, kind: PatternKind, path: JsonPath, single: boolean): CompiledPattern[] | undefined => {
    if (v === undefined) return undefined;
    const out: CompiledPattern[] = [];
    v.forEach((p, i) => {
      const re = compile(p, kind, single ? path : [...path, i]);
      if (re) out.push(re);
    });
    return out;
  };

  listField('configKeys', ConfigKeyEntry, (v, path) => {
    const key = typeof v === 'string' ? v : v.key;
    const re = compile(key, 'key', typeof v === 'string' ? path : [...path, 'key']);
    if (!re) return;
    rules.configKeys.push(typeof v === 'string' || !v.disabledWhen ? { re } : { re, disabledWhen: v.disabledWhen.map(valueText) });
  });
  listField('disableValues', Scalar, (v) => rules.disableValues.push(valueText(v)));
  const patterns: Array<[keyof Rules & keyof typeof RulesFileSchema.shape, PatternKind]> = [
    ['shutdownFiles', 'file'],
    ['weightFiles', 'file'],
    ['refusalPhrases', 'phrase'],
    ['humanUsers', 'key'],
    ['agentUsers', 'key'],
    ['evidenceFiles', 'file'],
  ];
  for (const [key, kind] of patterns) {
    listField(key, Pattern, (p, path) => {
      const re = compile(p, kind, path);
      if (re) (rules[key] as CompiledPattern[]).push(re);
    });
  }

  const customIds = new Set<string>();
  const pendingDisable: Array<[string, JsonPath]> = [];
  listField('disable', z.string().min(1), (id, path) => pendingDisable.push([id, path]));
  listField('tags', CustomTagSchema, (t, path) => {
    if (customIds.has(t.id)) {
      add('error', [...path, 'id'], `duplicate custom tag id "${t.id}"; this entry is ignored`);
      return;
    }
    const m = t.match;
    const compiled: CompiledCustomTag = { id: t.id, behaviour: t.behaviour, explanation: t.explanation };
    if (t.severity) compiled.severity = t.severity;
    if (t.qualifier) compiled.qualifier = t.qualifier;
    if (m.kind) compiled.kinds = new Set(m.kind);
    if (m.role) compiled.roles = new Set(m.role);
    const mp = [...path, 'match'];
    const rawMatch = ((obj['tags'] as unknown[])[path[1] as number] as { match: Record<string, unknown> }).match;
    const single = (k: string) => !Array.isArray(rawMatch[k]);
    const tool = compileList(m.tool, 'key', [...mp, 'tool'], single('tool'));
    const text = compileList(m.text, 'phrase', [...mp, 'text'], single('text'));
    const p = compileList(m.path, 'file', [...mp, 'path'], single('path'));
    const key = compileList(m.key, 'key', [...mp, 'key'], single('key'));
    // A condition whose every pattern failed would match nothing at all: drop the tag instead.
    if ([[m.tool, tool], [m.text, text], [m.path, p], [m.key, key]].some(([given, got]) => given !== undefined && (got as CompiledPattern[]).length === 0)) return;
    if (tool) compiled.tool = tool;
    if (text) compiled.text = text;
    if (p) compiled.path = p;
    if (key) compiled.key = key;
    customIds.add(t.id);
    rules.tags.push(compiled);
  });
  const behaviours = new Set<string>([...BUILTIN_BEHAVIOURS, ...rules.tags.map((t) => t.behaviour)]);
  for (const [id, path] of pendingDisable) {
    if (!behaviours.has(id)) {
      const guess = closest(id, [...behaviours]);
      add('warning', path, `"${id}" is not a behaviour id${guess ? `; did you mean "${guess}"?` : ''} (it disables nothing)`);
    }
    rules.disable.add(id);
  }
  // In file order, so a researcher can work down the list.
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { rules, diagnostics };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)}`;
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

/** The known name nearest to a misspelt one (edit distance ≤ 3), for "did you mean". */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
