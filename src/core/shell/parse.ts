/**
 * The one shell lexer and parser: a command line as lexemes that cover every character (for the
 * highlighter) and as simple commands with their words, redirections and here-document bodies (for
 * the importers and the detectors). `commands.ts` says what each command runs; `fileOps.ts` what it
 * does to files.
 *
 * This is a reader of what a command states, not a shell: quotes, escapes, `$'…'`, operators
 * (`|` `||` `&&` `;` `&` `|&` newlines, `(` `)`), redirections (`>` `>>` `<` `2>` `&>` `>|` `<>`,
 * `2>&1`), here-documents and here-strings are understood; variables, `$(…)`, backticks and
 * `<(…)` are kept as written and never expanded (the text inside `$(…)` and backticks is handed
 * back in `substitutions` for callers that read it as commands of its own).
 *
 * Why our own code rather than a library: we need the source span of every word, a reading of
 * broken or truncated input that never throws, and a guarantee of linear time on hostile text, in a
 * module that runs in the webview as well as in Node. `shell-quote` gives no spans and no
 * here-documents, `bash-parser` is unmaintained and throws on incomplete input, and mvdan/sh's
 * JavaScript build is over a megabyte.
 *
 * Every loop advances at least one character per step and nothing is re-scanned, so the time is
 * linear in the input on any input (Unicode spaces, `\v`, unterminated quotes, deep nesting).
 * Blanks are the shell's own (space, tab, newline; a stray `\r` from a Windows log too): like bash,
 * U+00A0, U+2028, U+FEFF or `\v` are part of a word, so `rm\u00A0/x` is not the command `rm`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** One word: its value as the command receives it and where it stands in the text. */
export interface ShellWord {
  /** Quotes and escapes removed; variables and substitutions kept as written. */
  value: string;
  /** `text.slice(start, end)` is the word as written. */
  start: number;
  end: number;
  /** The quote when the whole word is one closed quoted string (`'…'`, `"…"`), else ''. */
  quote: "'" | '"' | '';
  /** The text inside each `$(…)` and backtick substitution of the word, in order. */
  substitutions?: string[];
}

export interface ShellRedirect {
  /** `>`, `>>`, `>|`, `<`, `<>`, `<<`, `<<-`, `<<<`: as written, without the descriptor. */
  op: string;
  /** The descriptor written before the operator (`2>`), or `&` for `&>` and `>&file`. */
  fd?: string;
  /** The file (or here-document delimiter, or here-string), as the command receives it. */
  target: string;
  word: ShellWord;
}

/** One simple command: its words (assignments and wrappers included), redirections and here-document. */
export interface SimpleCommand {
  words: ShellWord[];
  /** The words' values. */
  argv: string[];
  redirects: ShellRedirect[];
  /** The body of the command's (first) here-document, lines ending in `\n`. */
  heredoc?: string;
}

/** What a lexeme is: blanks (and line continuations), a newline, `|`/`&&`/`;`…, a redirection operator, a word, a here-document body with its delimiter line, a comment. */
export type ShellLexemeKind = 'blank' | 'newline' | 'operator' | 'redirect' | 'word' | 'heredoc' | 'comment';

/** A run of the text; the lexemes of a text follow each other and concatenate to it. */
export interface ShellLexeme {
  kind: ShellLexemeKind;
  start: number;
  end: number;
  /** For `word` lexemes. */
  word?: ShellWord;
  /** For `word` lexemes that name a redirection's target. */
  redirectTarget?: boolean;
}

/** A command line read: every character in one lexeme, and the simple commands in order. */
export interface ParsedShell {
  lexemes: ShellLexeme[];
  commands: SimpleCommand[];
}

const OPERATORS = ['&&', '||', ';;', ';&', '|&', ';', '|', '&', '(', ')'];
/** A descriptor (digits or `&`) glued to a redirection operator. */
const REDIRECT = /(\d+|&)?(>>|>\||>&|>|<<<|<<-|<<|<&|<>|<)/y;
/** The descriptor a `>&` / `<&` duplicates or closes (`2>&1`, `>&-`), ending at a blank or operator. */
const DUP_TARGET = /[ \t]*(?:\d+-?|-)(?=$|[ \t\r\n;&|<>()])/y;

function isBreak(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
}

function startsGroup(src: string, j: number): boolean {
  const c = src[j];
  return c === '`' || (c === '$' && (src[j + 1] === '(' || src[j + 1] === '{'));
}

/**
 * The end of a `$(…)`, `${…}`, `<(…)`, `>(…)` or backtick group starting at `i`: an explicit stack
 * of the closers still expected, so nesting costs no recursion and each character is read once.
 */
function groupEnd(src: string, i: number): { end: number; closed: boolean } {
  const stack: string[] = [];
  let j: number;
  if (src[i] === '`') {
    stack.push('`');
    j = i + 1;
  } else {
    stack.push(src[i + 1] === '{' ? '}' : ')');
    j = i + 2;
  }
  while (j < src.length && stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const c = src[j]!;
    if (c === '\\') j += 2;
    else if (top === '`') {
      if (c === '`') stack.pop();
      j++;
    } else if (top === '"') {
      if (c === '"') {
        stack.pop();
        j++;
      } else if (startsGroup(src, j)) {
        stack.push(c === '`' ? '`' : src[j + 1] === '{' ? '}' : ')');
        j += c === '`' ? 1 : 2;
      } else j++;
    } else if (c === "'") {
      const k = src.indexOf("'", j + 1);
      j = k < 0 ? src.length : k + 1;
    } else if (c === '"' || c === '`') {
      stack.push(c);
      j++;
    } else if (c === '$' && (src[j + 1] === '(' || src[j + 1] === '{')) {
      stack.push(src[j + 1] === '{' ? '}' : ')');
      j += 2;
    } else if (c === '(') {
      stack.push(')');
      j++;
    } else {
      if (c === top) stack.pop();
      j++;
    }
  }
  return { end: Math.min(j, src.length), closed: stack.length === 0 };
}

const ANSI_C: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Reads the word starting at `i` (not a blank, operator or redirection). */
function readWord(src: string, i: number): ShellWord {
  const n = src.length;
  let value = '';
  let j = i;
  let quoteClosedAt = -1;
  let substitutions: string[] | undefined;
  const group = (at: number): number => {
    const { end, closed } = groupEnd(src, at);
    value += src.slice(at, end);
    // Only command substitutions hold commands; `${…}` is a parameter.
    if (src[at] === '`' || src[at + 1] === '(') (substitutions ??= []).push(src.slice(at + (src[at] === '`' ? 1 : 2), closed ? end - 1 : end));
    return end;
  };
  // Plain characters are taken as runs (`src.slice`), not one by one.
  let plainFrom = j;
  const flush = () => {
    if (j > plainFrom) value += src.slice(plainFrom, j);
  };
  while (j < n) {
    const c = src[j]!;
    if (isBreak(c)) break;
    if (c !== '\\' && c !== "'" && c !== '"' && c !== '$' && c !== '`') {
      j++;
      continue;
    }
    flush();
    if (c === '\\') {
      if (j + 1 >= n) {
        value += '\\';
        j++;
      } else {
        if (src[j + 1] !== '\n') value += src[j + 1];
        j += 2;
      }
    } else if (c === "'") {
      const k = src.indexOf("'", j + 1);
      value += src.slice(j + 1, k < 0 ? n : k);
      if (k >= 0 && j === i) quoteClosedAt = k + 1;
      j = k < 0 ? n : k + 1;
    } else if (c === '$' && src[j + 1] === "'") {
      // ANSI-C quoting: `$'a\nb'`.
      j += 2;
      while (j < n && src[j] !== "'") {
        if (src[j] === '\\' && j + 1 < n) {
          value += ANSI_C[src[j + 1]!] ?? '\\' + src[j + 1];
          j += 2;
        } else value += src[j++];
      }
      j++;
    } else if (c === '"' || (c === '$' && src[j + 1] === '"')) {
      const opened = j;
      j += c === '$' ? 2 : 1;
      while (j < n && src[j] !== '"') {
        const d = src[j]!;
        if (d === '\\' && j + 1 < n && '"\\$`\n'.includes(src[j + 1]!)) {
          if (src[j + 1] !== '\n') value += src[j + 1];
          j += 2;
        } else if (startsGroup(src, j)) j = group(j);
        else {
          value += d;
          j++;
        }
      }
      if (j < n && opened === i && c === '"') quoteClosedAt = j + 1;
      j++;
    } else if (startsGroup(src, j)) j = group(j);
    else {
      value += c;
      j++;
    }
    plainFrom = j;
  }
  flush();
  const end = Math.min(Math.max(j, i + 1), n);
  const quote = quoteClosedAt === end ? (src[i] as "'" | '"') : '';
  const word: ShellWord = { value, start: i, end, quote };
  if (substitutions) word.substitutions = substitutions;
  return word;
}

/** Reads a command line: lexemes covering every character, and the simple commands they make. */
export function parseShell(src: string): ParsedShell {
  const lexemes: ShellLexeme[] = [];
  const commands: SimpleCommand[] = [];
  const n = src.length;
  let cur: SimpleCommand = { words: [], argv: [], redirects: [] };
  let pending: { op: string; fd?: string } | undefined;
  const heredocs: Array<{ delimiter: string; stripTabs: boolean; cmd: SimpleCommand }> = [];
  let i = 0;

  const endCommand = () => {
    if (cur.words.length > 0 || cur.redirects.length > 0) commands.push(cur);
    cur = { words: [], argv: [], redirects: [] };
    pending = undefined;
  };

  const readHeredocBodies = () => {
    // Bodies start on the line after the one holding `<<DELIM`, one after another; each body and
    // its closing delimiter line is one lexeme.
    heredocs.splice(0).forEach((h, k) => {
      if (k > 0 && src[i] === '\n') {
        lexemes.push({ kind: 'blank', start: i, end: i + 1 });
        i++;
      }
      const start = i;
      const lines: string[] = [];
      while (i < n) {
        let end = src.indexOf('\n', i);
        if (end < 0) end = n;
        const raw = src.slice(i, end);
        const line = h.stripTabs ? raw.replace(/^\t+/, '') : raw;
        i = end;
        if (line === h.delimiter) break;
        lines.push(line);
        if (i < n) i++;
      }
      if (i > start) lexemes.push({ kind: 'heredoc', start, end: i });
      if (h.cmd.heredoc === undefined) h.cmd.heredoc = lines.length ? lines.join('\n') + '\n' : '';
    });
  };

  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || (c === '\\' && src[i + 1] === '\n')) {
      const start = i;
      while (i < n && (src[i] === ' ' || src[i] === '\t' || src[i] === '\r' || (src[i] === '\\' && src[i + 1] === '\n'))) i += src[i] === '\\' ? 2 : 1;
      lexemes.push({ kind: 'blank', start, end: i });
      continue;
    }
    if (c === '\n') {
      lexemes.push({ kind: 'newline', start: i, end: i + 1 });
      i++;
      endCommand();
      if (heredocs.length) readHeredocBodies();
      continue;
    }
    if (c === '#') {
      const start = i;
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      lexemes.push({ kind: 'comment', start, end: i });
      continue;
    }
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      // Process substitution `<(…)`: a word, kept as written.
      const { end } = groupEnd(src, i);
      const word: ShellWord = { value: src.slice(i, end), start: i, end, quote: '' };
      lexemes.push({ kind: 'word', start: i, end, word });
      cur.words.push(word);
      cur.argv.push(word.value);
      i = end;
      continue;
    }
    REDIRECT.lastIndex = i;
    const r = REDIRECT.exec(src);
    // Digits count only when glued to the operator; `&` only before `>` (`&>`, `&>>`).
    if (r && !(r[1] === '&' && !r[2]!.startsWith('>'))) {
      const start = i;
      i += r[0].length;
      let op = r[2]!;
      let fd = r[1];
      if (op === '>&' || op === '<&') {
        DUP_TARGET.lastIndex = i;
        const dup = DUP_TARGET.exec(src);
        if (dup) {
          // `2>&1`, `>&-`: a descriptor is duplicated or closed; no file is named.
          i += dup[0].length;
          lexemes.push({ kind: 'redirect', start, end: i });
          continue;
        }
        // `>&file` (bash) writes stdout and stderr to the file.
        if (op === '>&') fd = '&';
        op = op[0]!;
      }
      lexemes.push({ kind: 'redirect', start, end: i });
      pending = { op, ...(fd !== undefined ? { fd } : {}) };
      continue;
    }
    const operator = ';&|()'.includes(c) ? OPERATORS.find((o) => src.startsWith(o, i)) : undefined;
    if (operator) {
      lexemes.push({ kind: 'operator', start: i, end: i + operator.length });
      i += operator.length;
      endCommand();
      continue;
    }
    const word = readWord(src, i);
    const lexeme: ShellLexeme = { kind: 'word', start: word.start, end: word.end, word };
    lexemes.push(lexeme);
    i = word.end;
    if (pending) {
      lexeme.redirectTarget = true;
      const redirect: ShellRedirect = { op: pending.op, ...(pending.fd !== undefined ? { fd: pending.fd } : {}), target: word.value, word };
      cur.redirects.push(redirect);
      if (pending.op === '<<' || pending.op === '<<-') heredocs.push({ delimiter: word.value, stripTabs: pending.op === '<<-', cmd: cur });
      pending = undefined;
    } else {
      cur.words.push(word);
      cur.argv.push(word.value);
    }
  }
  endCommand();
  return { lexemes, commands };
}
