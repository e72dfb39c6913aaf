/**
 * Every YAML Peerwatch reads or writes goes through here: rules files, scenario files, the config
 * text and record lists inside study transcripts, the config diffs, the tool answers the OpenBrain
 * world prints and Inspect's `-T k=v` values. The `yaml` package does the reading and writing
 * (YAML 1.2, core schema); this module adds what our callers need on top of it:
 *
 * - `readYaml`: the value, the first error as line:column and a sentence, and where the value or
 *   key at a path is written (validation errors from zod point at the line the user must change).
 * - `writeYaml` / `yamlScalar`: one quoting rule. A string that a YAML 1.2 core reader, or a
 *   YAML 1.1 reader (PyYAML, which the study's tools and Inspect's `-T` parser use), would read as
 *   another type is quoted: `'False'`, `'0'`, `'1e5'`, `'yes'`, `'2024-01-01 00:00:00'`.
 *
 * Pure module: no `vscode`, no Node built-ins (the package's browser build has none either).
 */
import { nestsDeeperThan } from './json/values';
import { Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type ScalarTag, type ToStringOptions } from 'yaml';

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlPosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface YamlError extends YamlPosition {
  /** What is wrong and, where it helps, what was expected. */
  message: string;
  /** The `yaml` package's error code (`DUPLICATE_KEY`, `TAB_AS_INDENT`, …). */
  code: string;
}

export interface YamlRead {
  /** The document as plain data; undefined when there is an error. An empty document is null. */
  value: unknown;
  /** The first error, if any. */
  error?: YamlError;
  /** Where the value at `path` is written, or its nearest located ancestor. A block mapping or list is located at its key. */
  locate(path: YamlPath): YamlPosition | undefined;
  /** Where the mapping key that holds the value at `path` is written (for "unknown field" messages). */
  locateKey(path: YamlPath): YamlPosition | undefined;
}

export interface ReadYamlOptions {
  /**
   * Keep every scalar as the text it was written as (`size: 0x10` gives `'0x10'`, `on: yes` gives
   * `'yes'`): for tool answers whose fields are all read as text whatever they look like.
   */
  scalarsAsText?: boolean;
}

/** Our wording for the errors people meet most, else the package's own sentence. */
function errorMessage(code: string, message: string, text: string, offset: number): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed in indentation; indent with spaces';
    case 'MULTIPLE_DOCS':
      return 'only one YAML document is allowed in this file; remove the second "---" or what follows it';
    case 'DUPLICATE_KEY': {
      const key = /^[^:\n]*/.exec(text.slice(offset))![0].trim();
      return `duplicate key${key ? ` "${key}"` : ''}: each key may appear once in a mapping`;
    }
    case 'UNEXPECTED_TOKEN':
    case 'BAD_INDENT':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return `${first.charAt(0).toLowerCase()}${first.slice(1)} (check the indentation: keys of one mapping, and the "-" of one list, line up)`;
    default:
      return first.charAt(0).toLowerCase() + first.slice(1);
  }
}

/** The key of a mapping pair as plain data turns it into (`null` becomes ''). */
function keyText(key: unknown): string {
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  return String(key);
}

/**
 * Nesting deeper than this is refused with its place, as the JSON reader refuses more than 1,000
 * levels. Lower than JSON's: the `yaml` package spends a dozen stack frames a level and runs out of
 * stack at about 900 levels when called from the top of the stack, fewer from deep inside a caller.
 * Rules and scenario files nest less than ten levels.
 */
export const MAX_YAML_DEPTH = 200;

/** Aliases one document may hold: rules, scenarios and tool answers hold a few at most (see readYaml). */
export const MAX_YAML_ALIASES = 1000;

/**
 * The offset where `text` nests deeper than `limit` levels, or undefined. The \`yaml\` package
 * composes recursively: thousands of levels overflow its stack, which it reports as "Maximum call
 * stack size exceeded" at a place that depends on how much stack was left, after seconds of work on
 * a busy machine. This linear scan finds such text first, so the error is the same every time.
 * Block levels are the open indentations (each `- ` or `? ` at the start of a line opens one more);
 * flow levels are `[`/`{` outside quotes and comments, opening where a value starts or inside a flow
 * collection (a plain scalar such as `a[1]` outside one holds no flow indicators). The lines of a
 * block scalar (`|`, `>`) and the lines a plain scalar goes on over are text, skipped: a quote at
 * the start of one is not a quoted scalar. An estimate for odd text: the package's own error still
 * catches what it misses.
 */
function nestingBeyond(text: string, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  // A block scalar (`key: |`) or a plain scalar going on to the next line (`key: some text`): the
  // lines indented deeper than `indent` (its key's column, else its `- `'s, else its line's) after
  // it, and blank ones, are its text.
  let textOf: { kind: 'block' | 'plain'; indent: number } | undefined;
  while (i < n) {
    // The start of a line: its indentation closes deeper block levels and opens one.
    let col = 0;
    while (i < n && text[i] === ' ') i++, col++;
    const c = text[i];
    if (textOf && flow === 0) {
      const blank = c === undefined || c === '\n' || c === '\r';
      // A comment line ends a plain scalar; a block scalar's text may hold any line.
      if (blank || (col > textOf.indent && !(textOf.kind === 'plain' && c === '#'))) {
        while (i < n && text[i] !== '\n') i++;
        i++;
        continue;
      }
      textOf = undefined;
    }
    const lineIndent = col;
    // The column of the line's last `- ` or `? `, if any.
    let indicator: number | undefined;
    if (flow === 0 && c !== undefined && c !== '\n' && c !== '\r' && c !== '#') {
      while (indents.length && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
      // Compact nesting: `- - - x` or `? - x` opens a level per indicator.
      while (i < n && (text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\n' || i + 1 === n)) {
        indicator = col;
        i++;
        col++;
        while (i < n && text[i] === ' ') i++, col++;
        indents.push(col);
        if (indents.length > limit) return i;
      }
      if (indents.length > limit) return i;
    }
    // The rest of the line (flow collections and quoted scalars may go on over several lines).
    let valueStart = true;
    // Where the line's first token starts, whether a `: ` has been seen, and the indentation a plain
    // scalar the line ends in is nested under.
    const firstCol = col;
    let afterKey = false;
    let plainUnder: number | undefined;
    while (i < n && text[i] !== '\n') {
      const ch = text[i]!;
      if ((ch === '"' || ch === "'") && valueStart) {
        // A quoted scalar: skip to its closing quote ('' and \" are escapes).
        i++;
        while (i < n) {
          if (ch === '"' && text[i] === '\\') i += 2;
          else if (text[i] === ch && !(ch === "'" && text[i + 1] === "'")) break;
          else i += ch === "'" && text[i] === "'" ? 2 : 1;
        }
        i++;
        valueStart = false;
        continue;
      }
      if (ch === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
        while (i < n && text[i] !== '\n') i++;
        break;
      }
      if (flow === 0 && valueStart && (ch === '|' || ch === '>')) {
        BLOCK_HEADER.lastIndex = i;
        if (BLOCK_HEADER.test(text)) {
          textOf = { kind: 'block', indent: afterKey ? firstCol : (indicator ?? lineIndent) };
          while (i < n && text[i] !== '\n') i++;
          break;
        }
      }
      if (flow === 0 && valueStart && plainUnder === undefined && ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '[' && ch !== '{') {
        plainUnder = afterKey ? firstCol : (indicator ?? lineIndent);
      }
      if ((ch === '[' || ch === '{') && (flow > 0 || valueStart)) {
        flow++;
        valueStart = true;
        if (indents.length + flow > limit) return i;
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
      if ((ch === ':' && (i + 1 === n || text[i + 1] === ' ' || text[i + 1] === '\n' || text[i + 1] === '\r')) || (ch === ',' && flow > 0)) {
        valueStart = true;
        if (flow === 0) {
          afterKey = true;
          plainUnder = undefined;
        }
      }
      else if (ch === '[' || ch === '{') {
        // valueStart set above when it opened a collection; a bracket inside a plain scalar leaves it false.
      } else if (ch !== ' ' && ch !== '\t' && ch !== '\r') valueStart = false;
      i++;
    }
    if (plainUnder !== undefined && flow === 0 && !textOf) textOf = { kind: 'plain', indent: plainUnder };
    i++;
  }
  return undefined;
}

/** A block scalar's header to the end of its line: `|` or `>`, chomping and indentation indicators, a comment. */
const BLOCK_HEADER = /[|>](?:[1-9]?[-+]?|[-+][1-9])[ \t]*(?:#[^\n]*)?\r?(?:\n|$)/y;

/**
 * Where the first key that repeats an earlier key of its mapping is written, as the package's
 * `uniqueKeys: true` reports it (scalar keys of equal value; a collection key only as itself), in
 * one pass over each mapping's keys rather than in one pass per key.
 */
function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  visit(doc, {
    Map(_, node) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key: unknown = pair.key;
        const id = isScalar(key) ? key.value : key;
        if (typeof id === 'number' && Number.isNaN(id)) continue; // NaN equals no key, as `===` has it
        if (seen.has(id)) {
          const at = (key as { range?: [number, number, number] } | null)?.range?.[0] ?? node.range?.[0];
          if (at !== undefined && (first === undefined || at < first)) first = at;
          break;
        }
        seen.add(id);
      }
    },
  });
  return first;
}

/**
 * `f()` with errors made without a stack trace, as zod makes its own. The package makes an error
 * object for every problem it finds and goes on (text such as `a: a: a: …` has one at every colon),
 * and each captured the stack it was made on: under mocha, which keeps every frame, a transcript with
 * 40 KB of colons in a tool answer took 7.6 s to read and tag, 5.8 s of it in the errors'
 * constructors; 0.3 s without. Only the errors' places and messages are read. The limit is put back
 * before anything else runs (`f` is synchronous).
 */
function withoutStackTraces<T>(f: () => T): T {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/** Reads one YAML 1.2 document (core schema). Never throws. */
export function readYaml(text: string, options: ReadYamlOptions = {}): YamlRead {
  const tooDeep = nestingBeyond(text, MAX_YAML_DEPTH);
  if (tooDeep !== undefined) {
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const p = lines.linePos(tooDeep);
    const here = { line: p.line, column: p.col };
    const message = `expected at most ${MAX_YAML_DEPTH.toLocaleString('en-US')} levels of nesting, found nesting deeper than ${MAX_YAML_DEPTH.toLocaleString('en-US')}`;
    return { value: undefined, error: { ...here, code: 'NESTING_TOO_DEEP', message }, locate: () => here, locateKey: () => here };
  }
  const lineCounter = new LineCounter();
  // A repeated key is an error, never a silent override (firstDuplicateKey, below, finds it: the
  // package's own `uniqueKeys` check compares each key with every key before it, and a tool answer
  // of 20,000 keys took 2.8 s). No merge keys (`<<`): YAML 1.2 has none.
  const doc = withoutStackTraces(() => parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2', schema: 'core' }));
  const at = (offset: number): YamlPosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  // Where each value and key is written, worked out on the first `locate`: most readers (tool answers
  // read by the detectors, over a whole corpus) never ask, and the walk costs as much as the parse.
  let positions: Map<string, YamlPosition> | undefined;
  let keyPositions: Map<string, YamlPosition> | undefined;
  const id = (path: YamlPath) => JSON.stringify(path);
  const walk = (node: unknown, path: Array<string | number>, own: YamlPosition | undefined) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    const here = own ?? (range ? at(range[0]) : undefined);
    if (here) positions!.set(id(path), here);
    // An alias's content is written at its anchor: deeper paths fall back to the alias itself.
    if (isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyPath = [...path, keyText(pair.key)];
        const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
        const keyAt = keyRange ? at(keyRange[0]) : here;
        if (keyAt) keyPositions!.set(id(keyPath), keyAt);
        const v = pair.value;
        // A block collection or an empty value is pointed at by its key, the line a user looks for.
        const atKey = v === null || (isCollection(v) && !v.flow) || (isScalar(v) && v.source === '');
        walk(v, keyPath, atKey ? keyAt : undefined);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i], item === null ? here : undefined));
    }
  };
  const located = () => {
    if (!positions) {
      positions = new Map();
      keyPositions = new Map();
      walk(doc.contents, [], doc.contents ? undefined : { line: 1, column: 1 });
    }
    return { positions, keyPositions: keyPositions! };
  };

  const locate = (path: YamlPath) => {
    for (let n = path.length; n >= 0; n--) {
      const p = located().positions.get(id(path.slice(0, n)));
      if (p) return p;
    }
    return undefined;
  };
  const result = (value: unknown, error?: YamlError): YamlRead => ({
    value,
    ...(error ? { error } : {}),
    locate,
    locateKey: (path) => located().keyPositions.get(id(path)) ?? locate(path),
  });

  const duplicate = firstDuplicateKey(doc);
  const first = duplicate !== undefined && (doc.errors.length === 0 || duplicate < doc.errors[0]!.pos[0]) ? { code: 'DUPLICATE_KEY', message: 'Map keys must be unique', pos: [duplicate, duplicate + 1] } : doc.errors[0];
  if (first) {
    let offset = first.pos[0];
    if (first.code === 'MISSING_CHAR' && /quote/.test(first.message)) {
      // The package reports an unclosed quote where the text ends; the user needs the quote that opened it.
      visit(doc, {
        Scalar(_, node) {
          if (node.range && (node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) && node.range[0] < offset && offset <= node.range[2]) offset = node.range[0];
        },
      });
    }
    return result(undefined, { ...at(offset), code: first.code, message: errorMessage(first.code, first.message, text, offset) });
  }
  // An alias must name an anchor written before it (as Alias.resolve looks for one, in the order
  // `visit` goes): one pass that notes each anchor as it comes. Asking each alias to resolve itself
  // walks the whole document per alias: 3,000 anchors and their aliases took 7 s.
  // The package's toJS still looks for each alias's anchor among all anchors and aliases before it,
  // so a document may hold MAX_YAML_ALIASES of them (5,000 took 0.6 s, 20,000 took 12 s).
  let unresolved: YamlError | undefined;
  const anchors = new Set<string>();
  let aliases = 0;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        if (node.range && !anchors.has(node.source)) {
          unresolved = { ...at(node.range[0]), code: 'BAD_ALIAS', message: `the alias *${node.source} names no anchor &${node.source} written before it` };
          return visit.BREAK;
        }
        if (++aliases > MAX_YAML_ALIASES) {
          const here = node.range ? at(node.range[0]) : { line: 1, column: 1 };
          unresolved = { ...here, code: 'TOO_MANY_ALIASES', message: `expected at most ${MAX_YAML_ALIASES.toLocaleString('en-US')} aliases (*name) in one document, found more` };
          return visit.BREAK;
        }
      } else if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  if (unresolved) return result(undefined, unresolved);
  if (options.scalarsAsText) {
    visit(doc, {
      Scalar(_, node) {
        if (typeof node.value !== 'string') node.value = node.source ?? (node.value === null ? '' : String(node.value));
      },
    });
  }
  try {
    // maxAliasCount: a few aliases expanding into millions of nodes ("billion laughs") is an error, not a hang.
    return result(doc.toJS({ maxAliasCount: 100 }) ?? null);
  } catch (e) {
    return result(undefined, { line: 1, column: 1, code: 'RESOURCE_EXHAUSTION', message: e instanceof Error ? e.message : String(e) });
  }
}

/** One flat mapping as text: scalars as written, nested values left out (no reader of tool answers needs them). */
function asRecord(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const record: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') Object.defineProperty(record, k, { value: x, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

/**
 * The list of flat mappings a tool prints (PyYAML's `- key: value` items, values plain, quoted or
 * folded over several lines), every scalar as the text it stands for: a size or a date stays as
 * written. With `oneRecord`, a single mapping (e.g. a copy's answer) is a list of one. Undefined
 * when the text is not that.
 */
export function readYamlRecords(text: string, options: { oneRecord?: boolean } = {}): Array<Record<string, string>> | undefined {
  const quick = plainRecords(text, options.oneRecord === true);
  if (quick !== NOT_PLAIN) return quick;
  return text.length > MAX_YAML_ANSWER ? undefined : readYamlRecordsThroughParser(text, options);
}

/**
 * The longest tool answer read through the `yaml` package (as records, or for the editor's Readable
 * view). The package takes 1 to 2 µs a character on YAML and up to 6 on text such as `a: a: a: …`
 * (an error at every colon); every reader of an answer reads it, so a file of code printed by `cat`
 * cost tens of milliseconds, and 40 KB of colons 0.3 s and more. A tool prints records of a few
 * kilobytes; a longer answer is read as records only when the plain reader above can (linear, no
 * limit), and otherwise shown as printed.
 */
export const MAX_YAML_ANSWER = 64 * 1024;

/** readYamlRecords through the `yaml` package alone: the definition the plain reader below is held to (test/unit/yaml.test.ts). */
export function readYamlRecordsThroughParser(text: string, options: { oneRecord?: boolean } = {}): Array<Record<string, string>> | undefined {
  const yaml = readYaml(text, { scalarsAsText: true });
  if (yaml.error) return undefined;
  if (!Array.isArray(yaml.value)) {
    const one = options.oneRecord ? asRecord(yaml.value) : undefined;
    return one ? [one] : undefined;
  }
  const records = yaml.value.map(asRecord);
  return records.every((r) => r !== undefined) ? (records as Array<Record<string, string>>) : undefined;
}

/** `file:line:col: message`, the form every YAML error is reported in. */
export function yamlErrorText(fileName: string, error: YamlPosition & { message: string }): string {
  return `${fileName}:${error.line}:${error.column}: ${error.message}`;
}

export interface WriteYamlOptions {
  /** Comment lines at the top of the file. */
  header?: readonly string[];
  /** Comment lines written before the key at `path` (list items are numbered in the path). */
  comments?: (path: YamlPath) => readonly string[] | undefined;
  /** A comment after the key at `path`, whose value is then written as `null` (e.g. a value nobody has seen). */
  unknown?: (path: YamlPath) => string | undefined;
  /** Lists whose items are all scalars written on one line, `[a, b]` (default: one item a line). */
  flowScalarLists?: boolean;
  /** Keys in sorted order, as PyYAML writes them (default: as given). */
  sortKeys?: boolean;
  /** Multi-line strings as `|` blocks (default); false writes them double-quoted on one line. */
  blockStrings?: boolean;
}

/** Options for every YAML Peerwatch writes: the one quoting rule, no line folding. */
const BASE: ToStringOptions = {
  // Prefer 'single' quotes: '\\' stays as written, and the study's own files quote this way.
  singleQuote: true,
  // Never fold long lines: prompts and summaries stay on the lines they were written on.
  lineWidth: 0,
  indentSeq: true,
  flowCollectionPadding: false,
};

/** Multi-line strings double-quoted (`"a\nb"`), so the value stays on its one line. */
function oneLineStrings(doc: Document): void {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string') return;
      if (/[\n\r]/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
      // A document marker on its own would be written as a block (two lines).
      else if (/^(?:---|\.\.\.)/.test(node.value)) node.type = Scalar.QUOTE_SINGLE;
    },
  });
}

/**
 * A date and time written plain (`2025-12-07 16:45:00`), as PyYAML writes a Python datetime. The
 * same text as a string is quoted, as PyYAML quotes a string that looks like a date: the study's tool
 * answers show both, and the OpenBrain world prints them as the study did.
 */
export class YamlTimestamp {
  constructor(readonly text: string) {}
}

const timestampTag: ScalarTag = {
  identify: (v) => v instanceof YamlTimestamp,
  tag: 'tag:yaml.org,2002:timestamp',
  default: true,
  resolve: (s) => s,
  stringify: (item) => (item.value as YamlTimestamp).text,
};

function newDocument(value: unknown, sortKeys = false): Document {
  // compat yaml-1.1: a string PyYAML would read as a boolean, number, null or timestamp is quoted too.
  return new Document(value, { version: '1.2', schema: 'core', compat: 'yaml-1.1', customTags: [timestampTag], sortMapEntries: sortKeys, keepUndefined: false });
}

/**
 * `value` with every list or mapping below `limit` levels replaced by a note: the `yaml` package
 * writes recursively and overflows its stack at several hundred levels (a transcript's tool
 * argument may nest up to the JSON reader's 1,000). Recursion here stops at `limit`.
 */
function shallowCopy(value: unknown, limit: number, depth = 0): unknown {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
  if (!Array.isArray(value) && !plain(value)) return value;
  if (depth >= limit) return `[nested deeper than ${limit.toLocaleString('en-US')} levels: not shown]`;
  if (Array.isArray(value)) return value.map((x) => shallowCopy(x, limit, depth + 1));
  const out: Record<string, unknown> = {};
  // defineProperty keeps a key named __proto__ as data.
  for (const [k, x] of Object.entries(value)) Object.defineProperty(out, k, { value: shallowCopy(x, limit, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Writes `value` as a YAML document (block style), quoting by the one rule of this module. */
export function writeYaml(value: unknown, options: WriteYamlOptions = {}): string {
  const doc = newDocument(nestsDeeperThan(value, MAX_YAML_DEPTH) ? shallowCopy(value, MAX_YAML_DEPTH) : value, options.sortKeys);
  const pathOf = (ancestors: readonly unknown[], key: unknown): Array<string | number> => {
    const path: Array<string | number> = [];
    const chain = [...ancestors];
    for (let i = 0; i < chain.length; i++) {
      const a = chain[i];
      const next = chain[i + 1];
      if (isPair(a)) path.push(keyText(a.key));
      else if (isSeq(a) && next !== undefined) path.push(a.items.indexOf(next as never));
    }
    path.push(keyText(key));
    return path;
  };
  if (options.comments || options.unknown) {
    visit(doc, {
      Pair(_, pair, ancestors) {
        const path = pathOf(ancestors, pair.key);
        const lines = options.comments?.(path);
        if (lines?.length && isScalar(pair.key)) pair.key.commentBefore = lines.map((l) => ` ${l}`).join('\n');
        const note = options.unknown?.(path);
        if (note !== undefined) {
          const v = new Scalar(null);
          v.comment = ` ${note}`;
          pair.value = v;
        }
      },
    });
  }
  if (options.flowScalarLists) {
    visit(doc, {
      Seq(_, seq) {
        if (seq.items.length > 0 && seq.items.every((i) => isScalar(i))) seq.flow = true;
      },
    });
  }
  if (options.header?.length) doc.commentBefore = options.header.map((l) => ` ${l}`).join('\n');
  if (options.blockStrings === false) oneLineStrings(doc);
  return doc.toString({ ...BASE, doubleQuotedAsJSON: true });
}

/** One value as YAML on one line (flow style): for `key: value` lines and command-line values. */
export function yamlScalar(value: unknown): string {
  const doc = newDocument(value);
  oneLineStrings(doc);
  return doc.toString({ ...BASE, doubleQuotedAsJSON: true, collectionStyle: 'flow' }).replace(/\n$/, '');
}

/** Characters YAML refuses or reads as breaks or marks (controls, tab, NEL, line and paragraph separators, BOM): left to the parser. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** plainRecords' answer for text it leaves to the parser. */
const NOT_PLAIN: unique symbol = Symbol('not plain');

/** `key: value` with a key of word characters and one space; the value is checked apart. */
const PLAIN_PAIR = /^([A-Za-z_][A-Za-z0-9_]*): (.*)$/;
/** Keys the core schema reads as something else than their text (true, null, …): left to the parser. */
const SPECIAL_KEY = /^(?:true|false|null|__proto__)$/i;
/** The first character of a plain scalar that may be left unquoted and means nothing else in YAML. */
const PLAIN_START = /^[^\s\-?:,[\]{}#&*!|>'"%@`~]/;

/** A character without which a text holds no mapping, nor an empty list, for the parser to find. */
const MAPPING_MARK = /[:?{![]/;
/** One `'key': 'value'` pair of a one-line flow mapping and what follows it (`, ` or the closing brace). */
const QUOTED_PAIR = /'((?:[^'\n]|'')*)': '((?:[^'\n]|'')*)'(, |\}\n?$)/y;

/**
 * A one-line flow mapping of single-quoted keys and values, as Python prints a dict of strings
 * (`{'status': 'ok', 'message': '…'}`): the record it is, with `''` read as a quote. Anything else
 * (double quotes, numbers, nesting, a repeated key, text after the brace) is left to the parser.
 */
function quotedFlowRecord(text: string): Array<Record<string, string>> | typeof NOT_PLAIN {
  const record: Record<string, string> = {};
  QUOTED_PAIR.lastIndex = 1;
  for (;;) {
    const at = QUOTED_PAIR.lastIndex;
    const m = QUOTED_PAIR.exec(text);
    if (!m || m.index !== at) return NOT_PLAIN;
    const key = m[1]!.replace(/''/g, "'");
    if (key === '__proto__' || Object.prototype.hasOwnProperty.call(record, key)) return NOT_PLAIN;
    record[key] = m[2]!.replace(/''/g, "'");
    if (m[3] !== ', ') return QUOTED_PAIR.lastIndex === text.length ? [record] : NOT_PLAIN;
  }
}

/**
 * A value as written on one line: a plain scalar that is its own text, or a single-quoted one
 * (`''` is a quote); undefined for anything else (double quotes, escapes, comments, `: ` inside, a
 * value that goes on to the next line, trailing blanks).
 */
function plainValue(v: string): string | undefined {
  if (v.length === 0 || v.endsWith(' ') || CONTROL.test(v)) return undefined;
  if (v[0] === "'") {
    if (v.length < 2 || v[v.length - 1] !== "'") return undefined;
    const inner = v.slice(1, -1);
    return /^(?:[^']|'')*$/.test(inner) ? inner.replace(/''/g, "'") : undefined;
  }
  if (!PLAIN_START.test(v) && !/^-[^\s-]/.test(v)) return undefined;
  if (v.includes(': ') || v.includes(' #') || v.endsWith(':')) return undefined;
  return v;
}

/**
 * The records of the plainest tool answers (PyYAML's default style: `- key: value` items, two-space
 * continuation lines, plain or single-quoted one-line values), read line by line: the `yaml`
 * package takes 40–90 µs even for a four-line record, and a run log of many listings spent most of
 * `peerwatch tag` there. Anything else (comments, double quotes, nesting, folded values, odd keys,
 * repeated keys, blank lines, tabs, CR) gives NOT_PLAIN and is read by the parser, so the answer is
 * always the parser's (test/unit/yaml.test.ts compares the two on every tool output of the fixtures).
 */
function plainRecords(text: string, oneRecord: boolean): Array<Record<string, string>> | undefined | typeof NOT_PLAIN {
  // Without `:`, `?`, `{` or `!` no line can hold a mapping (`key: v`, `? key`, `{k}`, `!!map`), and
  // without `[` no empty list (`[]`, no records): the parser reads prose, a list of scalars or damage
  // as something else than records.
  if (!MAPPING_MARK.test(text)) return undefined;
  if (text.includes('\r') || CONTROL.test(text)) return NOT_PLAIN;
  if (text[0] === '{') return oneRecord ? quotedFlowRecord(text) : undefined;
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  if (lines[0] === '') return NOT_PLAIN;
  const list = lines[0]!.startsWith('- ');
  const records: Array<Record<string, string>> = [];
  let scalarItem = false;
  let current: Record<string, string> | undefined;
  const put = (line: string): boolean => {
    const m = PLAIN_PAIR.exec(line);
    if (!m || SPECIAL_KEY.test(m[1]!)) return false;
    const value = plainValue(m[2]!);
    if (value === undefined || Object.prototype.hasOwnProperty.call(current, m[1]!)) return false;
    current![m[1]!] = value;
    return true;
  };
  for (const line of lines) {
    if (list && line.startsWith('- ')) {
      const item = line.slice(2);
      if (PLAIN_PAIR.test(item)) {
        current = {};
        records.push(current);
        if (!put(item)) return NOT_PLAIN;
      } else {
        // A list item that is a plain scalar (`- 10.0.12.45`): the list is not one of records.
        if (plainValue(item) === undefined || item.includes(':')) return NOT_PLAIN;
        current = undefined;
        scalarItem = true;
      }
    } else if (list && line.startsWith('  ') && current) {
      if (!put(line.slice(2))) return NOT_PLAIN;
    } else if (!list) {
      current ??= {};
      if (records.length === 0) records.push(current);
      if (!put(line)) return NOT_PLAIN;
    } else return NOT_PLAIN;
  }
  if (scalarItem) return undefined;
  if (!list) return oneRecord ? records : undefined;
  return records;
}

