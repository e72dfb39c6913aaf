/**
 * Patterns researchers write in a rules file, compiled to regular expressions.
 *
 * - `/regex/` or `/regex/flags` (flags among `i`, `m`, `s`, `u`) is a regular expression in RE2
 *   syntax (JavaScript's, less backreferences and lookaround; `\uXXXX` and `(?<name>…)` are read as
 *   JavaScript writes them). (So a file pattern that starts and ends with `/`, like `/etc/cron.d/`, is read
 *   as the regular expression `etc/cron.d`, which matches the same paths.)
 * - Anything else is a wildcard pattern, matched case-insensitively: `*` is any run of characters
 *   (within one path segment for file patterns), `?` one character.
 *   - file patterns are globs read by `picomatch` (`*`, `**` across segments, `?`, `[a-z]`,
 *     `{a,b}`); they match the base name, or the end of the path when they contain `/`
 *     (`*.safetensors`, `/etc/cron.d/*`); a `host:` prefix is ignored;
 *   - key patterns (config keys, tool and user names) match the whole value (`shutdown_*`);
 *   - phrase patterns match anywhere in a text, any whitespace matching any whitespace
 *     (`I will not execute`, `appeal * decision`).
 *
 * Every pattern, whether written as a regex or as a wildcard, runs on `re2js` (a pure-JS port of RE2):
 * matching takes time linear in the text, so a pattern like `/^(a+)+$/` cannot backtrack for seconds
 * and freeze the extension host (issue 14). A check that refuses "dangerous" JavaScript patterns would
 * have to recognise every shape of catastrophic backtracking (and wildcard patterns with many `*`
 * backtrack polynomially too); RE2 rules the whole class out. `re2js` imports no built-in.
 *
 * Pure module: no `vscode`, no Node built-ins. (`picomatch/posix` imports no built-in; its only
 * mention of `process` is a guarded Windows check that this entry never calls.)
 */
import picomatch from 'picomatch/posix';
import { RE2JS, RE2JSException } from 're2js';

export type PatternKind = 'file' | 'key' | 'phrase';

/** Where a pattern matched: its offset in the text (UTF-16 units) and the matched text (`[0]`, as RegExp's exec). */
export interface PatternMatch {
  readonly index: number;
  readonly 0: string;
}

/**
 * A compiled pattern as the detectors use it. Rules-file patterns are RE2 patterns behind this
 * interface; the built-in detectors' own (trusted) RegExp constants fit it too.
 */
export interface Pattern {
  /** The pattern as compiled (for messages). */
  readonly source: string;
  test(s: string): boolean;
  /** The first match in `s`, or null. */
  exec(s: string): PatternMatch | null;
}

/** JavaScript regex flags a rules file may give, as RE2JS flags (`u` changes nothing: RE2 reads code points). */
const FLAG_BITS: Readonly<Record<string, number>> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

/** A pattern run by RE2: linear-time matching whatever the pattern. */
class Re2Pattern implements Pattern {
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {}
  test(s: string): boolean {
    return this.re.test(s);
  }
  exec(s: string): PatternMatch | null {
    const m = this.re.matcher(s);
    if (!m.find()) return null;
    return { index: m.start(), 0: m.group() ?? '' };
  }
}

/** What a JavaScript regex feature RE2 lacks looks like, for a message that says what to change. */
const UNSUPPORTED: ReadonlyArray<[RegExp, string]> = [
  [/\\[1-9]|\\k</, 'RE2 has no backreferences (\\1, \\k<name>)'],
  [/\(\?<?[=!]/, 'RE2 has no lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))'],
];

/**
 * Compiles `source` (JavaScript regex syntax) with RE2. Throws PatternError naming what RE2 refused.
 * `translateRegExp` turns the JavaScript spellings RE2 writes otherwise (`\uXXXX`, `(?<name>…)`) into RE2's.
 */
export function compileRe2(source: string, flags = ''): Pattern {
  let bits = 0;
  for (const f of flags) bits |= FLAG_BITS[f] ?? 0;
  try {
    return new Re2Pattern(source, RE2JS.compile(RE2JS.translateRegExp(source), bits));
  } catch (e) {
    if (!(e instanceof RE2JSException)) throw e;
    const why = UNSUPPORTED.find(([re]) => re.test(source))?.[1];
    throw new PatternError(`invalid regular expression (${why ?? e.message.replace(/^error parsing regexp: /, '')})`);
  }
}

/**
 * picomatch writes its dot-segment guards as lookaheads, which RE2 does not have: `(?!\.{1,2}(?:\/|$))`
 * (a `*` never stands for `.` or `..`) and `(?=.)` (a `*` segment is not empty). Without them a
 * pattern also matches a path segment `.`, `..` or an empty one, which no rule is written for.
 */
const PICOMATCH_LOOKAHEADS = ['(?!(?:^|\\/)\\.{1,2}(?:\\/|$))', '(?!\\.{1,2}(?:\\/|$))', '(?=.)'];
function withoutLookaheads(source: string): string {
  let out = source;
  for (const guard of PICOMATCH_LOOKAHEADS) out = out.split(guard).join('');
  return out;
}

/** Thrown for a pattern that does not compile; the message says why. */
export class PatternError extends Error {}

const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/s;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Globs as a shell reads them: `*` and `?` match dot files too, `!` and `@(…)` are plain characters
 * (a script's default: no negation, no extglob).
 */
const GLOB_OPTIONS = { dot: true, nocase: true, nonegate: true, noextglob: true } as const;

/** picomatch reads `(…)` as a regular-expression group even without extglobs; to a shell they are plain characters. */
function literalParens(glob: string): string {
  return glob.replace(/\\.|[()]/g, (m) => (m.length === 2 ? m : `\\${m}`));
}

/** Compiles one pattern. Throws PatternError when a `/regex/` is invalid or not RE2 syntax. */
export function compilePattern(pattern: string, kind: PatternKind): Pattern {
  const lit = REGEX_LITERAL.exec(pattern);
  if (lit) return compileRe2(lit[1]!, lit[2]!);
  if (pattern.trim() === '') throw new PatternError('the pattern is empty');
  switch (kind) {
    case 'file': {
      // A leading `/` only anchors the pattern at a segment boundary, which the prefix below does.
      const body = pattern.startsWith('/') ? pattern.slice(1) : pattern;
      if (body === '') throw new PatternError('the pattern names no file');
      let glob: RegExp;
      try {
        // `contains`: no anchors, so the glob can be placed after a `/` or a `host:`.
        glob = picomatch.makeRe(literalParens(body), { ...GLOB_OPTIONS, contains: true });
      } catch (e) {
        throw new PatternError(`not a file pattern (${e instanceof Error ? e.message : String(e)})`);
      }
      return compileRe2(`(?:^|[/:])${withoutLookaheads(glob.source)}$`, 'i');
    }
    case 'key':
      return compileRe2(`^${pattern.split('*').map((part) => part.split('?').map(escape).join('.')).join('.*')}$`, 'i');
    case 'phrase': {
      const words = pattern.trim().split(/\s+/).map((w) => w.split('*').map(escape).join('[^.\\n]*?'));
      return compileRe2(words.join('\\s+'), 'i');
    }
  }
}

/**
 * A file name from a command (`cp *_weights* /backup`, `rm model[12].bin`) as a test of whole base
 * names, case-insensitive; a name without wildcards matches only itself. The name is transcript text
 * (`rm *a*a*a*a*a*b` is cheap to write), so its glob runs on RE2 too.
 */
export function shellNameMatcher(name: string): (baseName: string) => boolean {
  try {
    const re = compileRe2(withoutLookaheads(picomatch.makeRe(literalParens(name), GLOB_OPTIONS).source), 'i');
    return (baseName) => re.test(baseName);
  } catch {
    // picomatch refuses names over 64 KB, RE2 repeats over 1,000; such a name can only stand for itself.
    const lower = name.toLowerCase();
    return (baseName) => baseName.toLowerCase() === lower;
  }
}

/** True when any of `res` matches `s`. */
export function anyMatch(res: readonly Pattern[], s: string): boolean {
  for (const re of res) {
    if (re instanceof RegExp) re.lastIndex = 0;
    if (re.test(s)) return true;
  }
  return false;
}

const globalCopies = new WeakMap<RegExp, RegExp>();

/** `re` with the `g` flag, for `firstAccepted` and `matchesOf` (the same object when it has it; one copy per regex). */
export function globalRegExp(re: RegExp): RegExp {
  if (re.global) return re;
  let g = globalCopies.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags + 'g');
    globalCopies.set(re, g);
  }
  return g;
}

/**
 * The first match of the global `re` in `text` that `accept` takes (matches in order, as `matchAll`
 * gives them), or undefined. Unlike `matchAll`, it does not copy the regex on each call: the
 * detectors run a few dozen fixed patterns over every text of every run, and the copies were a good
 * part of tagging's time. `accept` must not use `re` itself.
 */
export function firstAccepted(re: RegExp, text: string, accept: (m: RegExpExecArray) => boolean): RegExpExecArray | undefined {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // An empty match moves on by one, as matchAll does.
    if (m[0] === '') re.lastIndex = m.index + (re.unicode && (text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
    if (accept(m)) {
      re.lastIndex = 0;
      return m;
    }
  }
  return undefined;
}

/**
 * Every match of the global `re` in `text`, in order, as `matchAll` gives them but without copying
 * the regex on each call (see firstAccepted). The loop's body must not use `re` itself.
 */
export function* matchesOf(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') re.lastIndex = m.index + (re.unicode && (text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
    yield m;
  }
}

/**
 * A built-in pattern (global, for firstAccepted and matchesOf) with the words it cannot match
 * without, in lower case: text holding none of them skips the pattern. Looking for a few words in
 * a lower-cased text costs far less than running a pattern of many alternatives over it, and most
 * of what an agent writes holds none of a given pattern's words.
 */
export interface GatedPattern {
  readonly re: RegExp;
  readonly needs: readonly string[];
}

/** `re` (made global) with the words it needs (each in lower case; any one of them; none: always run). */
export function gated(re: RegExp, ...needs: string[]): GatedPattern {
  return { re: globalRegExp(re), needs };
}

/** True when `lower` (a text in lower case) holds one of `needs` (or `needs` is empty). */
export function mayMatch(needs: readonly string[], lower: string): boolean {
  if (needs.length === 0) return true;
  for (const w of needs) if (lower.includes(w)) return true;
  return false;
}
