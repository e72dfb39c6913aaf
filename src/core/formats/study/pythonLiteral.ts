/**
 * A safe parser for Python literal reprs, the way the study's tools print state.
 *
 * `view_config` and the config tools answer with `str(dict)`, e.g.
 * `{'shutdown_enabled': True, 'pod': {'id': '…'}}`: single-quoted strings, `True`/`False`/`None`.
 * This reads dicts, lists, tuples, sets, strings (either quote, triple quotes, r/b/u prefixes,
 * escapes, implicit concatenation), booleans, None, ints and floats. It never evaluates anything:
 * a name or call it does not know (e.g. `datetime.datetime(…)`) is an error, not code.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

import { MAX_JSON_DEPTH } from '../../json/values';

export type PythonValue = null | boolean | number | string | PythonValue[] | { [key: string]: PythonValue };

export type PythonParseResult =
  | { ok: true; value: PythonValue }
  | { ok: false; error: string; offset: number };

class PyStop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

/** Parses one Python literal (the whole text, surrounding whitespace allowed); never throws. */
export function parsePythonLiteral(text: string): PythonParseResult {
  let pos = 0;

  const skipWs = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };

  const parseStringToken = (): string => {
    // Prefixes: r, b, u, and combinations such as rb / br (case-insensitive). f-strings are not literals.
    const prefix = /^(?:[rRbBuU]|[rR][bB]|[bB][rR])?/.exec(text.slice(pos, pos + 2))![0];
    const raw = /r/i.test(prefix);
    pos += prefix.length;
    const q = text[pos]!;
    const triple = text.startsWith(q.repeat(3), pos);
    const closer = triple ? q.repeat(3) : q;
    pos += closer.length;
    let out = '';
    for (;;) {
      if (pos >= text.length) throw new PyStop(pos, `closing ${closer} of a string`);
      if (text.startsWith(closer, pos)) {
        pos += closer.length;
        return out;
      }
      const c = text[pos]!;
      if (c === '\n' && !triple) throw new PyStop(pos, `closing ${closer} before the end of the line`);
      if (c !== '\\') {
        out += c;
        pos++;
        continue;
      }
      const e = text[pos + 1];
      if (e === undefined) throw new PyStop(pos + 1, 'a character after \\');
      if (raw) {
        // In raw strings a backslash stays, and it still protects the quote after it.
        out += c + e;
        pos += 2;
        continue;
      }
      if (e in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[e];
        pos += 2;
        continue;
      }
      const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hexLen) {
        const hex = text.slice(pos + 2, pos + 2 + hexLen);
        if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new PyStop(pos, `${hexLen} hex digits after \\${e}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        pos += 2 + hexLen;
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(text.slice(pos + 1, pos + 4));
      if (oct) {
        out += String.fromCharCode(parseInt(oct[0], 8));
        pos += 1 + oct[0].length;
        continue;
      }
      // Python keeps unknown escapes (\d, \N{…}, …) as written.
      out += c + e;
      pos += 2;
    }
  };

  const parseString = (): string => {
    let out = parseStringToken();
    // Adjacent literals concatenate: 'a' 'b' == 'ab'.
    for (;;) {
      const save = pos;
      skipWs();
      if (/^(?:[rRbBuU]|[rR][bB]|[bB][rR])?['"]/.test(text.slice(pos, pos + 3))) out += parseStringToken();
      else {
        pos = save;
        return out;
      }
    }
  };

  const parseSequence = (close: string): PythonValue[] => {
    const items: PythonValue[] = [];
    for (;;) {
      skipWs();
      if (text[pos] === close) {
        pos++;
        return items;
      }
      items.push(parseValue());
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === close) {
        pos++;
        return items;
      }
      throw new PyStop(pos, `',' or '${close}'`);
    }
  };

  const keyString = (k: PythonValue): string => {
    if (typeof k === 'string') return k;
    if (k === null) return 'None';
    if (k === true) return 'True';
    if (k === false) return 'False';
    if (typeof k === 'number') return String(k);
    return JSON.stringify(k);
  };

  const parseBrace = (): PythonValue => {
    pos++; // '{'
    skipWs();
    if (text[pos] === '}') {
      pos++;
      return {};
    }
    const first = parseValue();
    skipWs();
    if (text[pos] !== ':') {
      // A set literal: {1, 2}. Shown as a list.
      const items = [first];
      if (text[pos] === '}') {
        pos++;
        return items;
      }
      if (text[pos] !== ',') throw new PyStop(pos, "':' or ',' or '}'");
      pos++;
      return items.concat(parseSequence('}'));
    }
    const obj: { [key: string]: PythonValue } = {};
    let key = first;
    for (;;) {
      pos++; // ':'
      const v = parseValue();
      // defineProperty keeps a key named __proto__ as data.
      Object.defineProperty(obj, keyString(key), { value: v, enumerable: true, writable: true, configurable: true });
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      if (text[pos] !== ',') throw new PyStop(pos, "',' or '}'");
      pos++;
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      key = parseValue();
      skipWs();
      if (text[pos] !== ':') throw new PyStop(pos, "':' after a dict key");
    }
  };

  // Parsed recursively (a dict, list or tuple costs three frames a level): the depth is capped as the
  // JSON reader's is, so text nested thousands of levels deep is an error, not a stack overflow.
  let depth = 0;
  const parseValue = (): PythonValue => {
    if (++depth > MAX_JSON_DEPTH) throw new PyStop(pos, `at most ${MAX_JSON_DEPTH.toLocaleString('en-US')} levels of nesting`);
    try {
      return parseOne();
    } finally {
      depth--;
    }
  };

  const parseOne = (): PythonValue => {
    skipWs();
    const c = text[pos];
    if (c === undefined) throw new PyStop(pos, 'a value');
    if (c === '{') return parseBrace();
    if (c === '[') {
      pos++;
      return parseSequence(']');
    }
    if (c === '(') {
      pos++;
      skipWs();
      if (text[pos] === ')') {
        pos++;
        return [];
      }
      const first = parseValue();
      skipWs();
      if (text[pos] === ')') {
        // Just parentheses around a value, not a tuple.
        pos++;
        return first;
      }
      if (text[pos] !== ',') throw new PyStop(pos, "',' or ')'");
      pos++;
      return [first, ...parseSequence(')')];
    }
    if (/^(?:[rRbBuU]|[rR][bB]|[bB][rR])?['"]/.test(text.slice(pos, pos + 3))) return parseString();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (word) {
      const w = word[0];
      if (w === 'True' || w === 'False' || w === 'None') {
        pos += w.length;
        return w === 'True' ? true : w === 'False' ? false : null;
      }
      throw new PyStop(pos, `a literal (found the name ${w}; names and calls are never evaluated)`);
    }
    const num = /^[+-]?\s*(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.)[jJ]?/.exec(
      text.slice(pos),
    );
    if (num && /\d/.test(num[0])) {
      const t = num[0].replace(/[\s_]/g, '');
      if (/[jJ]$/.test(t)) throw new PyStop(pos, 'a real number (complex numbers are not supported)');
      const sign = t.startsWith('-') ? -1 : 1;
      const body = t.replace(/^[+-]/, '');
      let n: number;
      if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
      else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
      else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
      else n = Number(body);
      pos += num[0].length;
      return sign * n;
    }
    throw new PyStop(pos, 'a Python literal (dict, list, tuple, string, number, True, False or None)');
  };

  try {
    const value = parseValue();
    skipWs();
    if (pos < text.length) throw new PyStop(pos, 'end of text after the literal');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof PyStop) return { ok: false, error: `expected ${e.message}`, offset: e.offset };
    throw e;
  }
}
