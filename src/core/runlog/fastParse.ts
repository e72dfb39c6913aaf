/**
 * A fast path for validating run-log records against the model's zod schemas, compiled from the
 * schemas themselves (so the model stays their one definition): plain closures over the schema's
 * shape, no per-value payloads or issue lists. A compiled parser either returns exactly what the
 * schema's `parse` would (same fields, same order, defaults filled in, unknown keys dropped) or
 * `UNSURE` when it does not vouch for the value (anything invalid, or unusual); the caller then asks
 * zod, so a damaged record gets zod's own issue, worded as before.
 *
 * Only what the run-log's records, the run header and the corpus index's lines use is compiled:
 * objects (stripping), discriminated unions, unions of scalars, arrays, records of strings to
 * anything, strings (with a minimum length or a pattern), numbers
 * (integer and bound checks), booleans, literals, enums, optional, nullable, default and unknown. A schema with anything else (a refinement,
 * a transform, a check this does not know) does not compile, and `compileFastParse` gives undefined.
 *
 * Why not zod alone, or another library: profiling `peerwatch parse` showed zod's per-event parse
 * (zod 4, its own JIT on) as the main cost, about as long again as reading the log; a second
 * schema library would mean a second definition of the model, and zod's JIT needs eval, which the
 * webview's CSP forbids. Reading zod's own schema objects keeps one definition; the differential test
 * (test/unit/runlogFastParse.test.ts) holds this to zod's output on every event in the repository
 * and on damaged copies, so a zod upgrade that changes its internals fails there, not in use.
 *
 * Pure module: no `vscode`, no Node built-ins, no eval (the webview's CSP forbids it).
 */
import { z } from 'zod';

/** Returned by a compiled parser for a value it does not vouch for: ask the schema itself. */
export const UNSURE: unique symbol = Symbol('unsure');
export type Unsure = typeof UNSURE;

type Fast = (value: unknown) => unknown;

/** The internals of a zod 4 schema this reads (`schema._zod`). */
interface Internals {
  def: {
    type: string;
    checks?: Array<{ _zod: { def: CheckDef } }>;
    coerce?: boolean;
    shape?: Record<string, ZodLike>;
    catchall?: unknown;
    innerType?: ZodLike;
    element?: ZodLike;
    keyType?: ZodLike;
    valueType?: ZodLike;
    options?: ZodLike[];
    discriminator?: string;
    unionFallback?: boolean;
    mode?: string;
    readonly defaultValue?: unknown;
  };
  values?: Set<unknown>;
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
}
interface CheckDef {
  check: string;
  format?: string;
  value?: unknown;
  minimum?: number;
  pattern?: unknown;
  inclusive?: boolean;
  when?: unknown;
}
interface ZodLike {
  _zod: Internals;
}

/** The condition zod gives a length check by default (run it on anything with a length): the only one compiled. */
const LENGTH_WHEN = ((z.string().min(1) as unknown as ZodLike)._zod.def.checks![0]!._zod.def as CheckDef).when;

/**
 * The fast parser of `schema`, or undefined when the schema uses something it does not compile.
 * `fast(value)` is `schema.parse(value)` when it returns anything but UNSURE.
 */
export function compileFastParse<T>(schema: z.ZodType<T>): ((value: unknown) => T | Unsure) | undefined {
  return compile(schema as unknown as ZodLike) as ((value: unknown) => T | Unsure) | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function compile(schema: ZodLike): Fast | undefined {
  const zod = schema._zod;
  const def = zod.def;
  const checks = def.checks ?? [];
  if (def.coerce) return undefined;
  if (def.type !== 'number' && def.type !== 'string' && checks.length) return undefined;
  switch (def.type) {
    case 'string':
      return compileString(checks.map((c) => c._zod.def));
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : UNSURE);
    case 'number':
      return compileNumber(checks.map((c) => c._zod.def));
    case 'unknown':
    case 'any':
      return (v) => v;
    case 'literal':
    case 'enum': {
      const values = zod.values;
      if (!values) return undefined;
      return (v) => (values.has(v) ? v : UNSURE);
    }
    case 'optional': {
      const innerType = def.innerType!;
      // An optional default substitutes for absence in its own way: not compiled.
      if (innerType._zod.optin === 'defaulted') return undefined;
      const inner = compile(innerType);
      return inner && ((v) => (v === undefined ? undefined : inner(v)));
    }
    case 'nullable': {
      const inner = compile(def.innerType!);
      return inner && ((v) => (v === null ? null : inner(v)));
    }
    case 'default': {
      const inner = compile(def.innerType!);
      // `defaultValue` is a getter giving a fresh copy each time, as zod gives it.
      return inner && ((v) => (v === undefined ? def.defaultValue : inner(v)));
    }
    case 'array': {
      const element = compile(def.element!);
      if (!element) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return UNSURE;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const r = element(v[i]);
          if (r === UNSURE) return UNSURE;
          out[i] = r;
        }
        return out;
      };
    }
    case 'record':
      return compileRecord(def.keyType!, def.valueType!, def.mode);
    case 'object':
      return compileObject(def.shape!, def.catchall);
    case 'union':
      return def.discriminator === undefined ? compileScalarUnion(def.options!) : compileDiscriminated(def.options!, def.discriminator, def.unionFallback);
    default:
      return undefined;
  }
}

function compileNumber(checks: CheckDef[]): Fast | undefined {
  let integer = false;
  let min = -Infinity;
  let minInclusive = true;
  let max = Infinity;
  let maxInclusive = true;
  for (const c of checks) {
    if (c.when !== undefined) return undefined;
    if (c.check === 'number_format' && c.format === 'safeint') integer = true;
    else if (c.check === 'greater_than' && typeof c.value === 'number' && c.value >= min) {
      min = c.value;
      minInclusive = c.inclusive === true;
    } else if (c.check === 'less_than' && typeof c.value === 'number' && c.value <= max) {
      max = c.value;
      maxInclusive = c.inclusive === true;
    } else return undefined;
  }
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return UNSURE;
    if (integer && !Number.isSafeInteger(v)) return UNSURE;
    if (minInclusive ? v < min : v <= min) return UNSURE;
    if (maxInclusive ? v > max : v >= max) return UNSURE;
    return v;
  };
}

/**
 * A string, with zod's minimum length (`z.string().min(n)`, the corpus index's paths) and patterns
 * (`z.string().regex(re)`, a source's SHA-256). zod counts code points, so a string of at least 2n
 * UTF-16 units always has n and one of fewer than n never does; only a string between is left to
 * zod, which counts them. A pattern is tested as zod tests it (from its start, `lastIndex` 0).
 */
function compileString(checks: CheckDef[]): Fast | undefined {
  let min = 0;
  const patterns: RegExp[] = [];
  for (const c of checks) {
    if (c.check === 'min_length' && typeof c.minimum === 'number' && c.when === LENGTH_WHEN) min = Math.max(min, c.minimum);
    else if (c.check === 'string_format' && c.format === 'regex' && c.pattern instanceof RegExp && c.when === undefined) patterns.push(c.pattern);
    else return undefined;
  }
  // Units enough to vouch for the minimum: one unit is one code point at least, so min(1) needs one.
  const sure = min <= 1 ? min : 2 * min;
  return (v) => {
    if (typeof v !== 'string' || v.length < sure) return UNSURE;
    for (const re of patterns) {
      re.lastIndex = 0;
      if (!re.test(v)) return UNSURE;
    }
    return v;
  };
}

function compileRecord(keyType: ZodLike, valueType: ZodLike, mode: string | undefined): Fast | undefined {
  const k = keyType._zod.def;
  if (k.type !== 'string' || k.coerce || k.checks?.length || mode !== undefined) return undefined;
  const value = compile(valueType);
  if (!value) return undefined;
  return (v) => {
    // A JSON object always has the plain prototype; anything else is left to zod.
    if (!isObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return UNSURE;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      // zod skips a `__proto__` key: rare enough to leave to it.
      if (key === '__proto__') return UNSURE;
      const r = value(v[key]);
      if (r === UNSURE) return UNSURE;
      out[key] = r;
    }
    return out;
  };
}

/** How an object field is filled: required, optional (left out when absent) or defaulted. */
const REQUIRED = 0;
const OPTIONAL = 1;
const DEFAULTED = 2;

function compileObject(shape: Record<string, ZodLike>, catchall: unknown): Fast | undefined {
  if (catchall !== undefined) return undefined;
  const keys = Object.keys(shape);
  const fields: Fast[] = [];
  const modes: number[] = [];
  for (const key of keys) {
    if (key === '__proto__') return undefined;
    const field = shape[key]!;
    const f = compile(field);
    if (!f) return undefined;
    const { optin, optout } = field._zod;
    // The cases zod's object parser tells apart (core/schemas.js, $ZodObjectJIT).
    if (optin === undefined) modes.push(REQUIRED);
    else if (optin === 'optional' && optout === 'optional') modes.push(OPTIONAL);
    else if (optin === 'defaulted' && optout === undefined) modes.push(DEFAULTED);
    else return undefined;
    fields.push(f);
  }
  const n = keys.length;
  return (v) => {
    if (!isObject(v)) return UNSURE;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const mode = modes[i]!;
      if (mode !== DEFAULTED && !(key in v)) {
        if (mode === REQUIRED) return UNSURE;
        continue;
      }
      const r = fields[i]!(v[key]);
      if (r === UNSURE) return UNSURE;
      out[key] = r;
    }
    return out;
  };
}

function compileDiscriminated(options: ZodLike[], discriminator: string | undefined, unionFallback: boolean | undefined): Fast | undefined {
  if (discriminator === undefined || unionFallback) return undefined;
  const byValue = new Map<unknown, Fast>();
  for (const option of options) {
    const shape = option._zod.def.shape;
    const tag = shape?.[discriminator];
    if (!tag || tag._zod.optin !== undefined) return undefined;
    const values = tag._zod.values;
    const f = compile(option);
    if (!values || !f) return undefined;
    for (const value of values) {
      if (byValue.has(value)) return undefined;
      byValue.set(value, f);
    }
  }
  return (v) => {
    if (!isObject(v)) return UNSURE;
    const f = byValue.get(v[discriminator]);
    return f ? f(v) : UNSURE;
  };
}

/** Kinds of schema whose parse gives back the value itself, never a changed copy. */
const SCALAR_KINDS = new Set(['string', 'number', 'boolean', 'literal', 'enum']);

/**
 * A union of scalars (`z.union([z.string(), z.number()])`): zod gives the value itself when any
 * option takes it, so whichever compiled option vouches for it gives the same answer. Unions of
 * anything that parses to a copy (objects, arrays) are left to zod, which picks the first option.
 */
function compileScalarUnion(options: ZodLike[]): Fast | undefined {
  const fs: Fast[] = [];
  for (const option of options) {
    const d = option._zod.def;
    if (!SCALAR_KINDS.has(d.type) || d.coerce) return undefined;
    const f = compile(option);
    if (!f) return undefined;
    fs.push(f);
  }
  return (v) => {
    for (const f of fs) if (f(v) !== UNSURE) return v;
    return UNSURE;
  };
}

