/**
 * A small YAML reader for rules files: the subset people write by hand for configuration, with the
 * line and column of every value so validation errors can point at them.
 *
 * Supported: block mappings and sequences (nested by indentation, `- key: value` items), plain,
 * 'single' and "double" quoted scalars, `true`/`false`/`null`/`~`, numbers, flow sequences of
 * scalars (`[a, 'b c']`), empty `{}`, block scalars (`|` and `>`, with `-`/`+`), comments and one
 * leading `---`. Not supported (reported as errors, never misread): anchors and aliases, tags,
 * flow mappings with content, several documents, tabs in indentation.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

export interface YamlError {
  line: number;
  column: number;
  message: string;
}

export interface YamlParseResult {
  /** The document (undefined when the first error came before any value). */
  value: YamlValue | undefined;
  error?: YamlError;
  /** Where the value at `path` starts (1-based), or its nearest located ancestor. */
  locate(path: ReadonlyArray<string | number>): { line: number; column: number } | undefined;
  /** Where the mapping key that holds the value at `path` is written (for "unknown field" messages). */
  locateKey(path: ReadonlyArray<string | number>): { line: number; column: number } | undefined;
}

class YamlStop extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

interface Line {
  /** 1-based line number. */
  no: number;
  indent: number;
  /** Text after the indentation, comment removed, right-trimmed. */
  text: string;
  /** The full raw line (for block scalars). */
  raw: string;
}

const pathKey = (path: ReadonlyArray<string | number>) => JSON.stringify(path);

/** Removes a trailing `# comment` that is outside quotes. */
function stripComment(s: string): string {
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = undefined;
    } else if ((c === "'" || c === '"') && (i === 0 || /[\s:[,\-]/.test(s[i - 1]!))) q = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

/** Reads a YAML document of the supported subset. Never throws. */
export function parseRulesYaml(text: string): YamlParseResult {
  const positions = new Map<string, { line: number; column: number }>();
  const keyPositions = new Map<string, { line: number; column: number }>();
  const rawLines = text.split(/\r?\n/);
  const lines: Line[] = [];
  let stop: YamlStop | undefined;
  let value: YamlValue | undefined;

  try {
    let seenDoc = false;
    rawLines.forEach((raw, i) => {
      const no = i + 1;
      const tabIndent = /^( *)\t/.exec(raw);
      const body = stripComment(raw).replace(/\s+$/, '');
      if (body.trim() === '') {
        lines.push({ no, indent: -1, text: '', raw });
        return;
      }
      if (tabIndent) throw new YamlStop(no, tabIndent[1]!.length + 1, 'tabs are not allowed in indentation; indent with spaces');
      if (body === '---') {
        if (seenDoc || lines.some((l) => l.indent >= 0)) throw new YamlStop(no, 1, 'only one YAML document is allowed in a rules file');
        seenDoc = true;
        lines.push({ no, indent: -1, text: '', raw });
        return;
      }
      if (body === '...') {
        lines.push({ no, indent: -1, text: '', raw });
        return;
      }
      const indent = /^ */.exec(body)![0].length;
      lines.push({ no, indent, text: body.slice(indent), raw });
    });

    let pos = 0;
    const skipBlank = () => {
      while (pos < lines.length && lines[pos]!.indent < 0) pos++;
    };
    // The first position recorded for a path wins: a key's own line rather than its block's first line.
    const at = (path: ReadonlyArray<string | number>, line: number, column: number) => {
      const k = pathKey(path);
      if (!positions.has(k)) positions.set(k, { line, column });
    };

    const parseScalar = (s: string, line: number, column: number): YamlValue => {
      const t = s.trim();
      if (t === '') return null;
      if (/^[&*!]/.test(t)) throw new YamlStop(line, column, `anchors, aliases and tags (${t[0]}) are not supported in rules files`);
      if (t.startsWith("'")) {
        if (!/^'(?:[^']|'')*'$/.test(t)) throw new YamlStop(line, column, 'unterminated or malformed single-quoted string');
        return t.slice(1, -1).replace(/''/g, "'");
      }
      if (t.startsWith('"')) {
        try {
          const v: unknown = JSON.parse(t);
          if (typeof v === 'string') return v;
        } catch {
          // fall through
        }
        throw new YamlStop(line, column, 'unterminated or malformed double-quoted string');
      }
      if (t.startsWith('[')) return parseFlowSeq(t, line, column);
      if (t.startsWith('{')) {
        if (/^\{\s*\}$/.test(t)) return {};
        throw new YamlStop(line, column, 'flow mappings ({a: b}) are not supported; write the mapping in block style, one key per line');
      }
      if (t === '~' || /^null$/i.test(t)) return null;
      if (/^(?:true|True|TRUE)$/.test(t)) return true;
      if (/^(?:false|False|FALSE)$/.test(t)) return false;
      if (/^[-+]?\d+$/.test(t)) return Number(t);
      if (/^[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(t)) return Number(t);
      if (t.startsWith('`') || t.startsWith('%') || t.startsWith('@')) throw new YamlStop(line, column, `a plain value cannot start with "${t[0]}"; quote it`);
      return t;
    };

    const parseFlowSeq = (t: string, line: number, column: number): YamlValue[] => {
      const out: YamlValue[] = [];
      let i = 1;
      const skipWs = () => {
        while (i < t.length && /\s/.test(t[i]!)) i++;
      };
      skipWs();
      if (t[i] === ']') {
        if (t.slice(i + 1).trim() !== '') throw new YamlStop(line, column + i + 1, 'unexpected text after "]"');
        return out;
      }
      for (;;) {
        skipWs();
        const start = i;
        if (t[i] === "'" || t[i] === '"') {
          const q = t[i]!;
          i++;
          while (i < t.length) {
            if (q === '"' && t[i] === '\\') i += 2;
            else if (t[i] === q && q === "'" && t[i + 1] === "'") i += 2;
            else if (t[i] === q) break;
            else i++;
          }
          if (i >= t.length) throw new YamlStop(line, column + start, 'unterminated quoted string in a flow sequence');
          i++;
        } else if (t[i] === '[' || t[i] === '{') {
          throw new YamlStop(line, column + i, 'nested flow collections are not supported; use block style');
        } else {
          while (i < t.length && t[i] !== ',' && t[i] !== ']') i++;
        }
        out.push(parseScalar(t.slice(start, i), line, column + start));
        skipWs();
        if (t[i] === ',') {
          i++;
          continue;
        }
        if (t[i] === ']') {
          if (t.slice(i + 1).trim() !== '') throw new YamlStop(line, column + i + 1, 'unexpected text after "]"');
          return out;
        }
        throw new YamlStop(line, column + i, 'expected "," or "]" in a flow sequence');
      }
    };

    /** A block scalar (`|` or `>`) whose header is on `headerLine`; reads the indented lines after it. */
    const parseBlockScalar = (header: string, parentIndent: number, headerLine: number, column: number): string => {
      const m = /^([|>])([-+]?)(\d?)$/.exec(header.trim());
      if (!m) throw new YamlStop(headerLine, column, `malformed block scalar header "${header.trim()}"`);
      const folded = m[1] === '>';
      const chomp = m[2];
      const body: string[] = [];
      let blockIndent = -1;
      // Block scalar lines are read raw: comments inside them are content.
      while (pos < lines.length) {
        const l = lines[pos]!;
        const rawIndent = /^ */.exec(l.raw)![0].length;
        if (l.raw.trim() === '') {
          body.push('');
          pos++;
          continue;
        }
        if (rawIndent <= parentIndent) break;
        if (blockIndent < 0) blockIndent = rawIndent;
        if (rawIndent < blockIndent) break;
        body.push(l.raw.slice(blockIndent).replace(/\s+$/, ''));
        pos++;
      }
      let trailing = 0;
      while (body.length && body[body.length - 1] === '') {
        body.pop();
        trailing++;
      }
      let textOut: string;
      if (folded) {
        // Lines join with a space; an empty line is a line break.
        textOut = '';
        for (let i = 0; i < body.length; i++) {
          const cur = body[i]!;
          if (cur === '') textOut += '\n';
          else if (i === 0 || body[i - 1] === '') textOut += cur;
          else textOut += ' ' + cur;
        }
      } else textOut = body.join('\n');
      if (chomp === '-') return textOut;
      if (chomp === '+') return textOut + '\n' + '\n'.repeat(trailing);
      return body.length ? textOut + '\n' : '';
    };

    const parseNode = (indent: number, path: Array<string | number>): YamlValue => {
      skipBlank();
      if (pos >= lines.length) return null;
      const l = lines[pos]!;
      if (l.indent < indent) return null;
      at(path, l.no, l.indent + 1);
      if (/^-(\s|$)/.test(l.text)) return parseSeq(l.indent, path);
      if (findMapColon(l.text) >= 0) return parseMap(l.indent, path);
      pos++;
      const v = parseScalar(l.text, l.no, l.indent + 1);
      skipBlank();
      if (pos < lines.length && lines[pos]!.indent > l.indent) {
        throw new YamlStop(lines[pos]!.no, lines[pos]!.indent + 1, 'unexpected indentation: a plain value continues on the next line; quote it or use a block scalar (|)');
      }
      return v;
    };

    const parseSeq = (indent: number, path: Array<string | number>): YamlValue[] => {
      const out: YamlValue[] = [];
      for (;;) {
        skipBlank();
        if (pos >= lines.length) break;
        const l = lines[pos]!;
        if (l.indent < indent) break;
        if (l.indent > indent) throw new YamlStop(l.no, l.indent + 1, `bad indentation: expected this line at column ${indent + 1}, in line with the "-" above`);
        // A key at the sequence's own indentation ends it (YAML lets a key's list start at the key's column).
        if (!/^-(\s|$)/.test(l.text)) break;
        const itemPath = [...path, out.length];
        const rest = l.text.slice(1).replace(/^\s+/, '');
        const restCol = l.indent + 1 + (l.text.length - rest.length);
        if (rest === '') {
          pos++;
          skipBlank();
          at(itemPath, l.no, l.indent + 1);
          out.push(pos < lines.length && lines[pos]!.indent > indent ? parseNode(lines[pos]!.indent, itemPath) : null);
          continue;
        }
        if (findMapColon(rest) >= 0 || /^-(\s|$)/.test(rest)) {
          // `- key: value` starts a mapping (or `- - x` a sequence) indented to where `key` starts.
          const itemIndent = restCol - 1;
          lines[pos] = { ...l, indent: itemIndent, text: rest };
          out.push(parseNode(itemIndent, itemPath));
          continue;
        }
        pos++;
        at(itemPath, l.no, restCol);
        if (/^[|>]/.test(rest)) out.push(parseBlockScalar(rest, indent, l.no, restCol));
        else out.push(parseScalar(rest, l.no, restCol));
        skipBlank();
        if (pos < lines.length && lines[pos]!.indent > indent && !/^-(\s|$)/.test(lines[pos]!.text)) {
          throw new YamlStop(lines[pos]!.no, lines[pos]!.indent + 1, 'unexpected indentation after a sequence item');
        }
      }
      return out;
    };

    const parseMap = (indent: number, path: Array<string | number>): { [key: string]: YamlValue } => {
      const out: { [key: string]: YamlValue } = {};
      for (;;) {
        skipBlank();
        if (pos >= lines.length) break;
        const l = lines[pos]!;
        if (l.indent < indent) break;
        if (l.indent > indent) throw new YamlStop(l.no, l.indent + 1, `bad indentation: expected this key at column ${indent + 1}, in line with the keys above`);
        if (/^-(\s|$)/.test(l.text)) throw new YamlStop(l.no, l.indent + 1, 'a "- item" cannot appear among the keys of a mapping; indent it under a key');
        const colon = findMapColon(l.text);
        if (colon < 0) throw new YamlStop(l.no, l.indent + 1, `expected "key: value", found "${l.text.length > 40 ? l.text.slice(0, 40) + '…' : l.text}"`);
        const rawKey = l.text.slice(0, colon).trim();
        const key = String(parseScalar(rawKey, l.no, l.indent + 1) ?? '');
        if (Object.prototype.hasOwnProperty.call(out, key)) throw new YamlStop(l.no, l.indent + 1, `duplicate key "${key}"`);
        const keyPath = [...path, key];
        keyPositions.set(pathKey(keyPath), { line: l.no, column: l.indent + 1 });
        const rest = l.text.slice(colon + 1).trim();
        const restCol = l.indent + 1 + l.text.indexOf(rest, colon + 1);
        pos++;
        let v: YamlValue;
        if (rest === '') {
          skipBlank();
          const next = lines[pos];
          at(keyPath, l.no, l.indent + 1);
          if (next && next.indent > indent) v = parseNode(next.indent, keyPath);
          else if (next && next.indent === indent && /^-(\s|$)/.test(next.text)) v = parseSeq(indent, keyPath);
          else v = null;
        } else if (/^[|>]/.test(rest)) {
          at(keyPath, l.no, restCol);
          v = parseBlockScalar(rest, indent, l.no, restCol);
        } else {
          at(keyPath, l.no, restCol);
          v = parseScalar(rest, l.no, restCol);
          skipBlank();
          if (pos < lines.length && lines[pos]!.indent > indent) {
            throw new YamlStop(lines[pos]!.no, lines[pos]!.indent + 1, `unexpected indentation: "${key}" already has a value on line ${l.no}`);
          }
        }
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    };

    skipBlank();
    if (pos < lines.length) {
      const first = lines[pos]!;
      value = parseNode(first.indent, []);
      skipBlank();
      if (pos < lines.length) {
        const l = lines[pos]!;
        throw new YamlStop(l.no, l.indent + 1, 'unexpected text after the end of the document (check the indentation)');
      }
    } else value = null;
  } catch (e) {
    if (e instanceof YamlStop) stop = e;
    else throw e;
  }

  return {
    value,
    ...(stop ? { error: { line: stop.line, column: stop.column, message: stop.message } } : {}),
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const p = positions.get(pathKey(path.slice(0, n)));
        if (p) return p;
      }
      return undefined;
    },
    locateKey(path) {
      return keyPositions.get(pathKey(path)) ?? this.locate(path);
    },
  };
}

/** Index of the `:` that ends a mapping key on this line (outside quotes, followed by space or end), or -1. */
function findMapColon(s: string): number {
  if (s.startsWith('[') || s.startsWith('{')) return -1;
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = undefined;
      continue;
    }
    if ((c === "'" || c === '"') && i === 0) q = c;
    else if (c === ':' && (i + 1 === s.length || s[i + 1] === ' ')) return i;
  }
  return -1;
}
