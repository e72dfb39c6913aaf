/**
 * A JSON parser that keeps going as far as the text allows.
 *
 * `JSON.parse` says only "Unexpected end of JSON input"; a researcher with a truncated transcript
 * needs the line, the JSON path and what was expected there, and wants to read everything before the
 * damage. This parser returns the value built up to the first error (a member or element cut off in
 * the middle of a scalar is dropped; containers left open are kept and flagged), the error's place, and the start position of
 * every value down to `locateDepth` levels so importers can cite where an event came from.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
// The ESM build: the package's main entry is a UMD wrapper whose lazy require()s bundlers cannot follow.
import { createScanner } from 'jsonc-parser/lib/esm/main.js';
import { MAX_JSON_DEPTH, setMember } from './values';

export type JsonPath = ReadonlyArray<string | number>;

export interface JsonErrorInfo {
  /** 0-based character offset. */
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** JSON path of the value being read when the error happened, e.g. `$.conversation[17].content`. */
  readonly path: string;
  readonly expected: string;
  /** What was found instead, e.g. `end of file` or `'}'`. */
  readonly found: string;
}

export interface JsonWarning extends JsonErrorInfo {
  /** What became of the value, e.g. "it is kept as text". */
  readonly outcome: string;
}

export interface JsonParseResult {
  /**
   * The document, or as much of it as was read before the error: the objects and arrays that were
   * still open are kept (with their whole members) and reported by `isIncomplete`.
   */
  readonly value: unknown;
  readonly error?: JsonErrorInfo;
  /**
   * Values not read as written, each with its place and what became of it: objects and arrays
   * nested deeper than `maxDepth` (skipped), numbers beyond a double's range (kept as their text).
   */
  readonly warnings: readonly JsonWarning[];
  /** True for an object or array the error cut short. */
  isIncomplete(value: unknown): boolean;
  /** Start of the value at `path` (1-based line and column), when recorded. */
  locate(path: JsonPath): { line: number; column: number } | undefined;
}

export interface TolerantJsonOptions {
  /** Record value positions down to this many levels below the root (default 4). */
  readonly locateDepth?: number;
  /**
   * Objects and arrays nested deeper than this are skipped: the value is replaced by a note and a
   * warning names its place (default MAX_JSON_DEPTH, 1,000). The rest of the document is read.
   */
  readonly maxDepth?: number;
  /**
   * False when the caller never asks where a value starts (the corpus index keeps no places): a
   * well-formed document is then read by the engine's own `JSON.parse`, about four times quicker
   * than this parser, and `locate` answers undefined. A document `JSON.parse` refuses, or whose
   * value this parser would read differently (a number beyond a double's range, nesting deeper than
   * `maxDepth`), is read by this parser as usual. Default true.
   */
  readonly positions?: boolean;
}

/** Formats a path the way users read it: `$.conversation[3].tool_calls.modify_var`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

class JsonSyntaxStop extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

// jsonc-parser's token kinds and scan errors (declared as const enums in its typings, which esbuild
// cannot inline from a .d.ts, so they are spelled out here).
const T_OPEN_BRACE = 1, T_CLOSE_BRACE = 2, T_OPEN_BRACKET = 3, T_CLOSE_BRACKET = 4, T_COMMA = 5, T_COLON = 6;
const T_NULL = 7, T_TRUE = 8, T_FALSE = 9, T_STRING = 10, T_NUMBER = 11, T_LINE_COMMENT = 12, T_BLOCK_COMMENT = 13;
const T_LINE_BREAK = 14, T_TRIVIA = 15, T_EOF = 17;
const E_END_OF_STRING = 2, E_END_OF_NUMBER = 3, E_INVALID_UNICODE = 4, E_INVALID_ESCAPE = 5, E_INVALID_CHARACTER = 6;

const VALUE_EXPECTED = 'a JSON value (object, array, string, number, true, false or null)';

/** Where a positions trie node keeps the start offset of the value at its path. */
interface PositionNode {
  offset: number;
  children?: Map<string | number, PositionNode>;
}

/**
 * Parses `text`; never throws for bad JSON (the error is in the result).
 *
 * Tokens come from jsonc-parser's scanner (strings, escapes, numbers, literals); the structure is
 * built here. jsonc-parser's own `visit`/`parse` were weighed and not used: they recurse once per
 * nesting level (a 14 KB file of 7,000 nested arrays overflows the stack) and recover past errors
 * instead of stopping at the first one with the JSON path and what was expected. This builder keeps
 * its containers on an explicit stack, so any depth parses in constant stack space.
 */
export function parseJsonTolerant(text: string, options: TolerantJsonOptions = {}): JsonParseResult {
  if (options.positions === false) {
    const quick = parseWellFormed(text, options.maxDepth ?? MAX_JSON_DEPTH);
    if (quick) return quick;
  }
  const locateDepth = options.locateDepth ?? 4;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const warnings: JsonWarning[] = [];
  const positionsRoot: PositionNode = { offset: -1 };
  const path: Array<string | number> = [];
  const scanner = createScanner(text, false);
  // Line starts are computed lazily: most documents never need a position converted.
  let lineStarts: number[] | undefined;

  // Containers under construction, so a stop deep inside still yields the whole outer part.
  type Frame = { container: unknown[] | Record<string, unknown>; isArray: boolean; key: string | number | undefined };
  const stack: Frame[] = [];
  let root: unknown = undefined;

  /** The next token that is not whitespace; stops at comments and at the scanner's errors. */
  const next = (): number => {
    for (;;) {
      const tok = scanner.scan();
      if (tok === T_TRIVIA || tok === T_LINE_BREAK) continue;
      if (tok === T_LINE_COMMENT || tok === T_BLOCK_COMMENT) throw new JsonSyntaxStop(scanner.getTokenOffset(), VALUE_EXPECTED + ' (JSON has no comments)');
      const err = scanner.getTokenError();
      if (err !== 0) throw tokenError(err);
      return tok;
    }
  };

  /** The place and wording of a scanner error inside the current token. */
  const tokenError = (err: number): JsonSyntaxStop => {
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    switch (err) {
      case E_END_OF_STRING: {
        // Unterminated: either the file ends or a raw line break ends the line.
        for (let i = start + 1; i < end; i++) {
          const c = text.charCodeAt(i);
          if (c === 92) i++;
          else if (c === 10 || c === 13) return new JsonSyntaxStop(i, 'closing \'"\' of a string (line breaks inside a string must be escaped)');
        }
        return new JsonSyntaxStop(text.length, 'closing \'"\' of a string');
      }
      case E_INVALID_CHARACTER:
        for (let i = start + 1; i < end; i++) {
          const c = text.charCodeAt(i);
          if (c === 92) i++;
          else if (c < 0x20) return new JsonSyntaxStop(i, 'a character allowed inside a string (control characters must be escaped)');
        }
        return new JsonSyntaxStop(start, VALUE_EXPECTED);
      case E_INVALID_UNICODE:
      case E_INVALID_ESCAPE:
        for (let i = start + 1; i < end; i++) {
          if (text.charCodeAt(i) !== 92) continue;
          const e = text[i + 1];
          if (e === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
              return new JsonSyntaxStop(i + 6 > text.length ? text.length : i, 'four hex digits after \\u');
            }
          } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
            return new JsonSyntaxStop(i, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
          }
          i++;
        }
        return new JsonSyntaxStop(start, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      case E_END_OF_NUMBER:
        return new JsonSyntaxStop(end, 'a digit');
      default:
        return new JsonSyntaxStop(start, VALUE_EXPECTED);
    }
  };

  // posNodes[d] is the trie node of the value being read at depth d (its container's, for d < depth).
  const posNodes: PositionNode[] = [positionsRoot];
  const recordPosition = (offset: number) => {
    const depth = path.length;
    if (depth === 0) {
      positionsRoot.offset = offset;
      return;
    }
    const parent = posNodes[depth - 1]!;
    const part = path[depth - 1]!;
    parent.children ??= new Map();
    let node = parent.children.get(part);
    if (!node) {
      node = { offset };
      parent.children.set(part, node);
    } else node.offset = offset;
    posNodes[depth] = node;
  };

  let error: JsonErrorInfo | undefined;
  const incomplete = new WeakSet<object>();
  const toLineCol = (offset: number) => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };

  /** Reads a member's name and its colon at `tok`; returns the token where its value starts. */
  const memberName = (tok: number): number => {
    if (tok !== T_STRING) throw new JsonSyntaxStop(tok === T_EOF ? text.length : scanner.getTokenOffset(), 'a property name in double quotes');
    const k = scanner.getTokenValue();
    const colon = next();
    if (colon !== T_COLON) throw new JsonSyntaxStop(colon === T_EOF ? text.length : scanner.getTokenOffset(), `':' after property name "${k}"`);
    path.push(k);
    return next();
  };

  try {
    let tok = next();
    // Each turn of this loop reads one value starting at `tok`, then hangs it on the container
    // above it (closing containers as their ends come) until another value is due.
    value: for (;;) {
      if (path.length <= locateDepth) recordPosition(scanner.getTokenOffset());
      let v: unknown;
      if ((tok === T_OPEN_BRACE || tok === T_OPEN_BRACKET) && stack.length >= maxDepth) {
        // Skip the whole value by counting brackets (its inner syntax is not checked) and keep a note.
        const at = scanner.getTokenOffset();
        for (let depth = 1; depth > 0; ) {
          const t = next();
          if (t === T_OPEN_BRACE || t === T_OPEN_BRACKET) depth++;
          else if (t === T_CLOSE_BRACE || t === T_CLOSE_BRACKET) depth--;
          else if (t === T_EOF) throw new JsonSyntaxStop(text.length, `the end of a value nested deeper than ${maxDepth.toLocaleString('en-US')} levels`);
        }
        const { line, column } = toLineCol(at);
        const expected = `at most ${maxDepth.toLocaleString('en-US')} levels of nesting`;
        warnings.push({ offset: at, line, column, path: formatJsonPath(path), expected, found: `nesting deeper than ${maxDepth.toLocaleString('en-US')}`, outcome: 'it is not read, and the rest of the file is shown' });
        v = `[nested deeper than ${maxDepth.toLocaleString('en-US')} levels: not read]`;
        tok = next();
      } else switch (tok) {
        case T_OPEN_BRACE: {
          const obj: Record<string, unknown> = {};
          stack.push({ container: obj, isArray: false, key: path[path.length - 1] });
          tok = next();
          if (tok === T_CLOSE_BRACE) {
            stack.pop();
            v = obj;
            tok = next();
            break;
          }
          tok = memberName(tok);
          continue value;
        }
        case T_OPEN_BRACKET: {
          const arr: unknown[] = [];
          stack.push({ container: arr, isArray: true, key: path[path.length - 1] });
          path.push(0); // before the next token, so an error inside the first element names it
          tok = next();
          if (tok === T_CLOSE_BRACKET) {
            path.pop();
            stack.pop();
            v = arr;
            tok = next();
            break;
          }
          continue value;
        }
        case T_STRING:
          v = scanner.getTokenValue();
          tok = next();
          break;
        case T_NUMBER: {
          const digits = scanner.getTokenValue();
          v = Number(digits);
          if (!Number.isFinite(v)) {
            // 1e400 is valid JSON but no double: JSON.parse would give Infinity. Keep what was written.
            const { line, column } = toLineCol(scanner.getTokenOffset());
            warnings.push({ offset: scanner.getTokenOffset(), line, column, path: formatJsonPath(path), expected: 'a number within the range of a double (about ±1.8e308)', found: digits, outcome: 'it is kept as text' });
            v = digits;
          }
          tok = next();
          break;
        }
        case T_TRUE:
          v = true;
          tok = next();
          break;
        case T_FALSE:
          v = false;
          tok = next();
          break;
        case T_NULL:
          v = null;
          tok = next();
          break;
        default:
          throw new JsonSyntaxStop(tok === T_EOF ? text.length : scanner.getTokenOffset(), VALUE_EXPECTED);
      }
      // `v` is complete: hang it on its container, closing containers whose end follows.
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top) {
          root = v;
          if (tok !== T_EOF) throw new JsonSyntaxStop(scanner.getTokenOffset(), 'end of file after the top-level value');
          break value;
        }
        const k = path.pop();
        if (top.isArray) {
          const arr = top.container as unknown[];
          arr.push(v);
          if (tok === T_COMMA) {
            path.push(arr.length);
            tok = next();
            continue value;
          }
          if (tok !== T_CLOSE_BRACKET) throw new JsonSyntaxStop(tok === T_EOF ? text.length : scanner.getTokenOffset(), "',' or ']' after an array element");
        } else {
          const obj = top.container as Record<string, unknown>;
          setMember(obj, String(k), v);
          if (tok === T_COMMA) {
            tok = memberName(next());
            continue value;
          }
          if (tok !== T_CLOSE_BRACE) throw new JsonSyntaxStop(tok === T_EOF ? text.length : scanner.getTokenOffset(), "',' or '}' after an object member");
        }
        stack.pop();
        v = top.container;
        tok = next();
      }
    }
  } catch (e) {
    if (!(e instanceof JsonSyntaxStop)) throw e;
    // Hang every container under construction on its parent, so the outermost one holds
    // everything read so far; each of them is marked incomplete for the caller to judge.
    for (let i = stack.length - 1; i >= 1; i--) {
      const { container, key } = stack[i]!;
      const parent = stack[i - 1]!.container;
      if (Array.isArray(parent)) parent.push(container);
      else setMember(parent, String(key), container);
    }
    for (const f of stack) incomplete.add(f.container);
    if (stack.length > 0) root = stack[0]!.container;
    const { line, column } = toLineCol(e.offset);
    error = {
      offset: e.offset,
      line,
      column,
      path: formatJsonPath(path),
      expected: e.expected,
      found: e.offset >= text.length ? 'end of file' : describeChar(text, e.offset),
    };
  }

  return {
    value: root,
    error,
    warnings,
    isIncomplete: (v: unknown) => typeof v === 'object' && v !== null && incomplete.has(v),
    locate(p: JsonPath) {
      let node: PositionNode | undefined = positionsRoot;
      for (const part of p) node = node?.children?.get(part);
      return node === undefined || node.offset < 0 ? undefined : toLineCol(node.offset);
    },
  };
}

/**
 * `JSON.parse` of a document this parser would read the same way, else undefined: the value, no
 * warnings, no error, no places. Both keep a member named `__proto__` as data and the last of two
 * members of one name; they differ only on what `parseJsonTolerant` warns about (a number beyond a
 * double's range, which `JSON.parse` turns into Infinity; nesting deeper than `maxDepth`), so a
 * value holding either is left to the full parser.
 */
function parseWellFormed(text: string, maxDepth: number): JsonParseResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!readsTheSame(value, 0, maxDepth)) return undefined;
  return { value, warnings: [], isIncomplete: () => false, locate: () => undefined };
}

/**
 * True when `v` holds no number beyond a double's range (Infinity, from JSON.parse) and no container
 * at depth `maxDepth` or deeper. Recursive, which is quicker than a stack here (a transcript walks in
 * a few microseconds); the recursion stops at `maxDepth` levels, so its depth is bounded whatever the
 * document.
 */
function readsTheSame(v: unknown, depth: number, maxDepth: number): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return true;
  if (depth >= maxDepth) return false;
  if (Array.isArray(v)) {
    for (const c of v) if (!readsTheSame(c, depth + 1, maxDepth)) return false;
  } else {
    for (const k in v) if (!readsTheSame((v as Record<string, unknown>)[k], depth + 1, maxDepth)) return false;
  }
  return true;
}

function describeChar(text: string, offset: number): string {
  const snippet = text.slice(offset, offset + 12).replace(/\s+/g, ' ');
  return `'${snippet}${text.length > offset + 12 ? '…' : ''}'`;
}
