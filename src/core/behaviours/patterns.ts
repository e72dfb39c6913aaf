/**
 * Patterns researchers write in a rules file, compiled to regular expressions.
 *
 * - `/regex/` or `/regex/flags` (flags among `i`, `m`, `s`, `u`) is a JavaScript regular expression,
 *   used as written. (So a file pattern that starts and ends with `/`, like `/etc/cron.d/`, is read
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
 * Pure module: no `vscode`, no Node built-ins. (`picomatch/posix` imports no built-in; its only
 * mention of `process` is a guarded Windows check that this entry never calls.)
 */
import picomatch from 'picomatch/posix';

export type PatternKind = 'file' | 'key' | 'phrase';

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

/** Compiles one pattern. Throws PatternError when a `/regex/` is invalid. */
export function compilePattern(pattern: string, kind: PatternKind): RegExp {
  const lit = REGEX_LITERAL.exec(pattern);
  if (lit) {
    const flags = lit[2]!;
    try {
      return new RegExp(lit[1]!, flags);
    } catch (e) {
      throw new PatternError(`invalid regular expression (${(e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')})`);
    }
  }
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
      return new RegExp(`(?:^|[/:])${glob.source}$`, 'i');
    }
    case 'key':
      return new RegExp(`^${pattern.split('*').map((part) => part.split('?').map(escape).join('.')).join('.*')}$`, 'i');
    case 'phrase': {
      const words = pattern.trim().split(/\s+/).map((w) => w.split('*').map(escape).join('[^.\\n]*?'));
      return new RegExp(words.join('\\s+'), 'i');
    }
  }
}

/**
 * A file name from a command (`cp *_weights* /backup`, `rm model[12].bin`) as a test of whole base
 * names, case-insensitive; a name without wildcards matches only itself.
 */
export function shellNameMatcher(name: string): (baseName: string) => boolean {
  try {
    return picomatch(literalParens(name), GLOB_OPTIONS);
  } catch {
    // picomatch refuses names over 64 KB; such a name can only stand for itself.
    const lower = name.toLowerCase();
    return (baseName) => baseName.toLowerCase() === lower;
  }
}

/** True when any of `res` matches `s`. */
export function anyMatch(res: readonly RegExp[], s: string): boolean {
  for (const re of res) {
    re.lastIndex = 0;
    if (re.test(s)) return true;
  }
  return false;
}
