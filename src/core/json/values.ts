/**
 * Reading values of unknown JSON: the small checks every importer and launcher makes.
 * Pure module: no `vscode`, no Node built-ins.
 */

/** True for a plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, else undefined. */
export function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A finite number, else undefined. */
export function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A finite number, or a string holding one (`"80"`), else undefined. */
export function numberLike(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Puts a member on an object as data: a member named `__proto__` too (a plain `obj[k] = v` would set its prototype). */
export function setMember(obj: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else (obj as Record<string, unknown>)[key] = value;
}

/**
 * The deepest nesting any reader accepts. Deeper values are not read: recursive code downstream
 * (JSON.stringify, renderers, detectors) would overflow the stack at a few thousand levels, and no
 * real transcript nests anywhere near this.
 */
export const MAX_JSON_DEPTH = 1000;

/** Thrown by parseJsonInText for a value nested deeper than MAX_JSON_DEPTH; the message says so. */
export class JsonTooDeepError extends Error {
  constructor() {
    super(`JSON nested deeper than ${MAX_JSON_DEPTH.toLocaleString('en-US')} levels, which Peerwatch does not read`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * `JSON.parse` of JSON held in a transcript's strings (tool-call arguments sent as text, a saved run
 * state), with the readers' nesting limit: `JSON.parse` reads any depth, and a value thousands of
 * levels deep overflowed the stack of what shows and tags it. Throws SyntaxError as `JSON.parse`
 * does, and JsonTooDeepError.
 */
export function parseJsonInText(text: string): unknown {
  const value: unknown = JSON.parse(text);
  // Nesting past the limit takes at least two characters a level.
  if (text.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(value)) throw new JsonTooDeepError();
  return value;
}

/** True when `value` nests objects or arrays more than `limit` levels deep (checked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A short description of a value for a message, safe for any value (no recursion into it). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/** JSON with every object's keys sorted, so two values that differ only in key order give one text. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value,
  );
}
