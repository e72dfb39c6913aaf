/**
 * Patterns researchers write in a rules file, compiled to regular expressions.
 *
 * - `/regex/` or `/regex/flags` (flags among `i`, `m`, `s`, `u`) is a JavaScript regular expression,
 *   used as written. (So a file pattern that starts and ends with `/`, like `/etc/cron.d/`, is read
 *   as the regular expression `etc/cron.d`, which matches the same paths.)
 * - Anything else is a wildcard pattern, matched case-insensitively: `*` is any run of characters
 *   (within one path segment for file patterns), `?` one character.
 *   - file patterns match the base name, or the end of the path when they contain `/`
 *     (`*.safetensors`, `/etc/cron.d/*`); a `host:` prefix is ignored;
 *   - key patterns (config keys, tool and user names) match the whole value (`shutdown_*`);
 *   - phrase patterns match anywhere in a text, any whitespace matching any whitespace
 *     (`I will not execute`, `appeal * decision`).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

export type PatternKind = 'file' | 'key' | 'phrase';

/** Thrown for a pattern that does not compile; the message says why. */
export class PatternError extends Error {}

const REGEX_LITERAL = /^\/(.+)\/([imsu]*)$/s;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
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
      let body = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === '*' && pattern[i + 1] === '*') {
          body += '.*';
          i++;
        } else if (c === '*') body += '[^/]*';
        else if (c === '?') body += '[^/]';
        else body += escape(c);
      }
      return new RegExp(`(?:^|[/:])${pattern.startsWith('/') ? body.slice(2) : body}$`, 'i');
    }
    case 'key':
      return new RegExp(`^${pattern.split('*').map((part) => part.split('?').map(escape).join('.')).join('.*')}$`, 'i');
    case 'phrase': {
      const words = pattern.trim().split(/\s+/).map((w) => w.split('*').map(escape).join('[^.\\n]*?'));
      return new RegExp(words.join('\\s+'), 'i');
    }
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
