/**
 * Turns zod issues into sentences a researcher can act on: where (a JSON path) and what was expected.
 * Pure module.
 */
import type { z } from 'zod';
import { formatJsonPath } from './json/tolerantJson';

/** `$.arguments: expected object, found string "ls"` */
export function describeZodIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? zodPathText(issue.path) : 'the record';
  switch (issue.code) {
    case 'invalid_type':
      return `${where}: expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected}, found ${typeOf((issue as { input?: unknown }).input)}`;
    case 'invalid_value':
      return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        return `${where}: expected one of the known values`;
      }
      return `${where}: ${issue.message}`;
    }
    case 'too_big':
    case 'too_small': {
      const i = issue as { origin?: string; maximum?: number | bigint; minimum?: number | bigint; input?: unknown };
      const what = i.origin === 'int' ? 'an integer' : i.origin === 'number' ? 'a number' : (i.origin ?? 'a value');
      const bound = issue.code === 'too_big' ? `at most ${i.maximum}` : `at least ${i.minimum}`;
      return `${where}: expected ${what} ${bound}, found ${typeof i.input === 'number' ? String(i.input) : typeOf(i.input)}`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

const EXPECTED_NAMES: Record<string, string> = { record: 'an object', object: 'an object', array: 'an array', string: 'a string', number: 'a number', boolean: 'true or false', int: 'an integer' };

/** A zod issue path as a JSON path (`$.events[3].kind`). */
export function zodPathText(path: ReadonlyArray<PropertyKey>): string {
  return formatJsonPath(path.map((p) => (typeof p === 'number' ? p : String(p))));
}

function typeOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  // A number too large for a double (`1e999`) reads as ±Infinity, and JSON has no NaN: say which.
  if (typeof v === 'number' && !Number.isFinite(v)) return `a number too large to hold (it reads as ${v})`;
  return `a ${typeof v}`;
}
