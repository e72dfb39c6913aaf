/**
 * `node:assert`'s strict API as far as the extension-host tests use it, for the suite bundled for
 * the browser (test/web/): the web worker extension host has no Node modules, and the npm `assert`
 * package is not a dependency. scripts/build.mjs points `node:assert` here in the web test bundle, so
 * test/host files that use only `assert` and `vscode` run unchanged in both hosts.
 */

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

const show = (v: unknown): string => {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : v instanceof RegExp ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
};

function fail(message: string | Error | undefined, fallback: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ? `${message}\n${fallback}` : fallback);
}

/** Structural equality as `assert.deepStrictEqual` judges plain data: same types, keys and values. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && deepEqual(v, b.get(k)));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) return deepEqual([...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)], [...new Uint8Array(b.buffer, b.byteOffset, b.byteLength)]);
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function matches(err: unknown, expected: RegExp | ((e: unknown) => boolean) | (new (...a: never[]) => unknown) | undefined): boolean {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(err instanceof Error ? err.message : String(err));
  if (expected.prototype !== undefined && err instanceof (expected as new (...a: never[]) => unknown)) return true;
  return (expected as (e: unknown) => boolean)(err) === true;
}

type Expected = RegExp | ((e: unknown) => boolean) | (new (...a: never[]) => unknown);

export const strict = {
  ok(value: unknown, message?: string | Error): asserts value {
    if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
  },
  equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
    if (!Object.is(actual, expected)) fail(message, `expected ${show(actual)} to equal ${show(expected)}`);
  },
  notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
    if (Object.is(actual, expected)) fail(message, `expected ${show(actual)} not to equal ${show(expected)}`);
  },
  deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
    if (!deepEqual(actual, expected)) fail(message, `expected ${show(actual)} to deep-equal ${show(expected)}`);
  },
  notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
    if (deepEqual(actual, expected)) fail(message, `expected ${show(actual)} not to deep-equal ${show(expected)}`);
  },
  match(actual: string, re: RegExp, message?: string | Error): void {
    if (!re.test(actual)) fail(message, `expected ${show(actual)} to match ${re}`);
  },
  doesNotMatch(actual: string, re: RegExp, message?: string | Error): void {
    if (re.test(actual)) fail(message, `expected ${show(actual)} not to match ${re}`);
  },
  fail(message?: string | Error): never {
    return fail(message, 'failed');
  },
  throws(fn: () => unknown, expected?: Expected, message?: string | Error): void {
    try {
      fn();
    } catch (e) {
      if (!matches(e, expected)) fail(message, `the error ${show(e instanceof Error ? e.message : e)} is not the one expected (${String(expected)})`);
      return;
    }
    fail(message, 'expected the function to throw');
  },
  async rejects(p: Promise<unknown> | (() => Promise<unknown>), expected?: Expected, message?: string | Error): Promise<void> {
    try {
      await (typeof p === 'function' ? p() : p);
    } catch (e) {
      if (!matches(e, expected)) fail(message, `the rejection ${show(e instanceof Error ? e.message : e)} is not the one expected (${String(expected)})`);
      return;
    }
    fail(message, 'expected the promise to reject');
  },
};

export default strict;
