/**
 * Type problems in a study transcript, reported as diagnostics that name the file, the place and
 * what was expected, so a researcher can open the JSON at that line.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, SourceRef } from '../../model';
import { formatJsonPath, type JsonPath } from '../../json/tolerantJson';
import type { ImportContext } from '../types';

export { isRecord } from '../../json/values';

/** How a found value is named in a message: `42`, `"abc"`, `an array`, `an object`. */
export function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/**
 * Where a value starts, with `path` always set (as the file's root names it: a run inside a file of
 * many runs is cited from the root). The context's `locate` already gives a value deeper than the
 * recorded positions the line and column of its nearest located ancestor.
 */
export function sourceAt(ctx: ImportContext, path: JsonPath): SourceRef {
  const ref = ctx.locate(path);
  return ref.path !== undefined ? ref : { ...ref, path: formatJsonPath(path) };
}

/** A type problem at `path`: `run.json:57:9 ($.conversation[3].role): expected …, found 42`. */
export function typeDiagnostic(ctx: ImportContext, path: JsonPath, expected: string, found: unknown, afterEvent: number): Diagnostic {
  const src = sourceAt(ctx, path);
  const where = src.line !== undefined ? `${ctx.file}:${src.line}:${src.column ?? 1}` : ctx.file;
  const d: Diagnostic = {
    severity: 'error',
    message: `${where} (${src.path}): expected ${expected}, found ${describeFound(found)}`,
    file: ctx.file,
    path: src.path!,
    expected,
    afterEvent,
  };
  if (src.line !== undefined) d.line = src.line;
  if (src.column !== undefined) d.column = src.column;
  return d;
}
