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

export interface JsonParseResult {
  /**
   * The document, or as much of it as was read before the error: the objects and arrays that were
   * still open are kept (with their whole members) and reported by `isIncomplete`.
   */
  readonly value: unknown;
  readonly error?: JsonErrorInfo;
  /** True for an object or array the error cut short. */
  isIncomplete(value: unknown): boolean;
  /** Start of the value at `path` (1-based line and column), when recorded. */
  locate(path: JsonPath): { line: number; column: number } | undefined;
}

export interface TolerantJsonOptions {
  /** Record value positions down to this many levels below the root (default 4). */
  readonly locateDepth?: number;
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

/** Parses `text`; never throws for bad JSON (the error is in the result). */
export function parseJsonTolerant(text: string, options: TolerantJsonOptions = {}): JsonParseResult {
  const locateDepth = options.locateDepth ?? 4;
  const positions = new Map<string, number>();
  const path: Array<string | number> = [];
  let pos = 0;
  // Line starts are computed lazily: most documents never need a position converted.
  let lineStarts: number[] | undefined;

  const key = (p: JsonPath) => JSON.stringify(p);

  const skipWs = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else if (c === 0xfeff && pos === 0) pos++;
      else return;
    }
  };

  // Containers under construction, so a stop deep inside still yields the whole outer part.
  type Frame = { container: unknown[] | Record<string, unknown>; key: string | number | undefined };
  const stack: Frame[] = [];
  let root: unknown = undefined;

  const parseString = (): string => {
    // Fast path: no escapes.
    const start = pos + 1;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) throw new JsonSyntaxStop(text.length, 'closing \'"\' of a string');
      if (c === 34) {
        pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 92) break;
      if (c < 0x20) throw new JsonSyntaxStop(i, 'a character allowed inside a string (control characters must be escaped)');
      i++;
    }
    let out = text.slice(start, i);
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        pos = i + 1;
        return out;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === undefined) break;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              if (i + 6 > text.length) throw new JsonSyntaxStop(text.length, 'four hex digits after \\u');
              throw new JsonSyntaxStop(i, 'four hex digits after \\u');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            throw new JsonSyntaxStop(i, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
        i += 2;
        continue;
      }
      if (c < 0x20) throw new JsonSyntaxStop(i, 'a character allowed inside a string (control characters must be escaped)');
      out += text[i];
      i++;
    }
    throw new JsonSyntaxStop(text.length, 'closing \'"\' of a string');
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  const parseValue = (): unknown => {
    skipWs();
    if (path.length <= locateDepth) positions.set(key(path), pos);
    const c = text[pos];
    switch (c) {
      case '{': {
        pos++;
        const obj: Record<string, unknown> = {};
        stack.push({ container: obj, key: path[path.length - 1] });
        skipWs();
        if (text[pos] === '}') {
          pos++;
          stack.pop();
          return obj;
        }
        for (;;) {
          skipWs();
          if (text[pos] !== '"') throw new JsonSyntaxStop(pos, 'a property name in double quotes');
          const k = parseString();
          skipWs();
          if (text[pos] !== ':') throw new JsonSyntaxStop(pos, `':' after property name "${k}"`);
          pos++;
          path.push(k);
          const v = parseValue();
          path.pop();
          // defineProperty keeps a member named __proto__ as data instead of changing the prototype.
          Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
          skipWs();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === '}') {
            pos++;
            stack.pop();
            return obj;
          }
          throw new JsonSyntaxStop(pos, "',' or '}' after an object member");
        }
      }
      case '[': {
        pos++;
        const arr: unknown[] = [];
        stack.push({ container: arr, key: path[path.length - 1] });
        skipWs();
        if (text[pos] === ']') {
          pos++;
          stack.pop();
          return arr;
        }
        for (;;) {
          path.push(arr.length);
          const v = parseValue();
          path.pop();
          arr.push(v);
          skipWs();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === ']') {
            pos++;
            stack.pop();
            return arr;
          }
          throw new JsonSyntaxStop(pos, "',' or ']' after an array element");
        }
      }
      case '"':
        return parseString();
      case 't':
        if (text.startsWith('true', pos)) {
          pos += 4;
          return true;
        }
        break;
      case 'f':
        if (text.startsWith('false', pos)) {
          pos += 5;
          return false;
        }
        break;
      case 'n':
        if (text.startsWith('null', pos)) {
          pos += 4;
          return null;
        }
        break;
      default: {
        NUMBER.lastIndex = pos;
        const m = NUMBER.exec(text);
        if (m && m[0].length > 0 && m[0] !== '-') {
          pos += m[0].length;
          return Number(m[0]);
        }
      }
    }
    throw new JsonSyntaxStop(pos, 'a JSON value (object, array, string, number, true, false or null)');
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

  try {
    root = parseValue();
    skipWs();
    if (pos < text.length) throw new JsonSyntaxStop(pos, 'end of file after the top-level value');
  } catch (e) {
    if (!(e instanceof JsonSyntaxStop)) throw e;
    // Hang every container under construction on its parent, so the outermost one holds
    // everything read so far; each of them is marked incomplete for the caller to judge.
    for (let i = stack.length - 1; i >= 1; i--) {
      const { container, key } = stack[i]!;
      const parent = stack[i - 1]!.container;
      if (Array.isArray(parent)) parent.push(container);
      else Object.defineProperty(parent, String(key), { value: container, enumerable: true, writable: true, configurable: true });
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
    isIncomplete: (v: unknown) => typeof v === 'object' && v !== null && incomplete.has(v),
    locate(p: JsonPath) {
      const offset = positions.get(key(p));
      return offset === undefined ? undefined : toLineCol(offset);
    },
  };
}

function describeChar(text: string, offset: number): string {
  const snippet = text.slice(offset, offset + 12).replace(/\s+/g, ' ');
  return `'${snippet}${text.length > offset + 12 ? '…' : ''}'`;
}
