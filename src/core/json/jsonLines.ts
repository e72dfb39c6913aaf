/**
 * JSON Lines framing: a text holding one JSON value per line, read as one JSON array of the line
 * values, so every importer sees the same document whatever the framing (`doc[i]` is the i-th value,
 * and `locate([i, …])` cites its own line and the column within it).
 *
 * Lines are read one by one with the tolerant parser: a damaged line is left out of the array with an
 * error naming its line, column and what was expected, and the other lines are read. Blank lines are
 * skipped, so `doc[i]` is on line i+1 only when the file has neither blank nor damaged lines; `locate`
 * always gives the true line.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { parseJsonTolerant, type JsonErrorInfo, type JsonParseResult, type JsonPath, type JsonWarning } from './tolerantJson';

export interface JsonLinesResult extends JsonParseResult {
  /** The array of the values of the lines that were read. */
  readonly value: unknown[];
  /** The lines that are not a JSON value (left out of `value`), each with its place and what was expected. */
  readonly lineErrors: readonly JsonErrorInfo[];
  /** The 1-based line number of `value[i]`. */
  readonly lines: readonly number[];
}

/** Names that say a file is JSON Lines whatever its content. */
export const JSON_LINES_NAME = /\.(jsonl|ndjson|jsonlines)$/i;

/**
 * True when `text` is JSON Lines: a file named so, or a text that is not one JSON document but whose
 * lines (two or more) are, most of them, JSON objects or arrays on their own.
 *
 * `whole` is the result of parsing the text as one document, when the caller already has it.
 */
export function isJsonLines(fileName: string, text: string, whole?: JsonParseResult): boolean {
  if (JSON_LINES_NAME.test(fileName)) return true;
  const doc = whole ?? parseJsonTolerant(text);
  if (!doc.error) return false;
  // The first twenty lines that are not blank are enough to judge; a pretty-printed document has few
  // lines that are whole values. Lines are found one by one: the text may be large.
  let read = 0;
  let values = 0;
  for (let at = 0; at <= text.length; ) {
    const end = text.indexOf('\n', at);
    const t = text.slice(at, end < 0 ? undefined : end).trim();
    at = end < 0 ? text.length + 1 : end + 1;
    if (t === '') continue;
    read++;
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      const r = parseJsonTolerant(t, { locateDepth: 0 });
      if (!r.error && typeof r.value === 'object' && r.value !== null) values++;
    }
    if (read >= 20) break;
  }
  return values >= 2 && values * 2 >= read;
}

/** Parses `text` line by line (see the module comment). `locateDepth` counts from the line's value. */
export function parseJsonLines(text: string, options: { locateDepth?: number; maxDepth?: number } = {}): JsonLinesResult {
  const value: unknown[] = [];
  const lines: number[] = [];
  const perLine: JsonParseResult[] = [];
  const warnings: JsonWarning[] = [];
  const lineErrors: JsonErrorInfo[] = [];
  let offset = 0;
  let lineNo = 0;
  while (offset <= text.length) {
    const end = text.indexOf('\n', offset);
    const lineEnd = end < 0 ? text.length : end;
    const line = text.slice(offset, lineEnd);
    lineNo++;
    const lineStart = offset;
    offset = lineEnd + 1;
    if (line.trim() === '') {
      if (end < 0) break;
      continue;
    }
    const r = parseJsonTolerant(line, options);
    const shift = <T extends JsonErrorInfo>(e: T, index: number | undefined): T => ({
      ...e,
      offset: lineStart + e.offset,
      line: lineNo,
      // The line's own path, `$[i]…`, for a value that is in the array.
      path: index === undefined ? `line ${lineNo}` : `$[${index}]${e.path.slice(1)}`,
    });
    if (r.error || r.value === undefined) {
      lineErrors.push(shift(r.error ?? { offset: 0, line: 1, column: 1, path: '$', expected: 'a JSON value', found: 'nothing' }, undefined));
    } else {
      for (const w of r.warnings) warnings.push(shift(w, value.length));
      value.push(r.value);
      lines.push(lineNo);
      perLine.push(r);
    }
    if (end < 0) break;
  }
  return {
    value,
    lines,
    lineErrors,
    warnings,
    isIncomplete: () => false,
    locate(path: JsonPath) {
      if (path.length === 0) return value.length ? { line: lines[0]!, column: 1 } : undefined;
      const i = path[0];
      if (typeof i !== 'number' || !perLine[i]) return undefined;
      const at = perLine[i]!.locate(path.slice(1));
      return at && { line: lines[i]!, column: at.column };
    },
  };
}

/** The message for a line that is not JSON: `file:line:col: line N is not a JSON value: expected …`. */
export function lineErrorMessage(fileName: string, e: JsonErrorInfo): string {
  const what = e.found === 'end of file' ? `the line ends in the middle of a value; expected ${e.expected}` : `expected ${e.expected}, found ${e.found}`;
  return `${fileName}:${e.line}:${e.column}: line ${e.line} is not valid JSON (${what}); the line is not read, the other lines are shown.`;
}
