/**
 * Reads the file effects out of the shell commands production-harness agents run
 * (`run_shell_command`, `bash`): `scp`/`rsync` transfers, `cp`, `mv`, `rm`, `sed -i`, `touch -d`,
 * `tee` and output redirections, following `ssh [opts] user@host "remote command"` to the host the
 * remote command runs on.
 *
 * This is a small tokenizer, not a shell: it understands quotes, escapes, `;` `&&` `||` `|` `&`,
 * redirections and here-documents; command substitutions (`$(…)`, backticks) and variables are
 * kept as written and never expanded, so `rm $(ls)` is reported with `$(ls)` as its operand.
 * An effect is reported only when the command states it; anything unclear is left out.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

export type ShellFileOpKind = 'create' | 'append' | 'edit' | 'delete' | 'copy' | 'move' | 'rename' | 'transfer';

/** One file effect of a command. Paths on another machine are written `host:path`. */
export interface ShellFileOp {
  op: ShellFileOpKind;
  path: string;
  to?: string;
  host?: string;
  toHost?: string;
  /** New content when the command states it (`cat > f <<EOF`, `echo x > f`). */
  after?: string;
}

export interface Redirect {
  /** `>`, `>>`, `<`, `<<` … as written, without the file descriptor. */
  op: string;
  /** The file descriptor written before the operator (`2>`), or `&` for `&>`. */
  fd?: string;
  target: string;
}

/** One simple command: its words (quotes removed), redirections and here-document body. */
export interface SimpleCommand {
  argv: string[];
  redirects: Redirect[];
  heredoc?: string;
}

const OPERATORS = ['&&', '||', ';;', '|&', ';', '|', '&', '(', ')'];
const REDIRECT = /^(\d*|&)(>>|>\||>&|>|<<<|<<-|<<|<&|<>|<)/;

/** Splits a command line into simple commands (the separators themselves are not kept). */
export function splitShell(src: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let cur: SimpleCommand = { argv: [], redirects: [] };
  let pendingRedirect: { op: string; fd?: string } | undefined;
  const pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean; cmd: SimpleCommand }> = [];
  let i = 0;

  const endCommand = () => {
    if (cur.argv.length > 0 || cur.redirects.length > 0) commands.push(cur);
    cur = { argv: [], redirects: [] };
  };

  const readHeredocBodies = () => {
    // Bodies start on the line after the one holding `<<DELIM`, one after another.
    for (const h of pendingHeredocs.splice(0)) {
      const lines: string[] = [];
      while (i < src.length) {
        let end = src.indexOf('\n', i);
        if (end < 0) end = src.length;
        const line = src.slice(i, end);
        i = end + 1;
        if ((h.stripTabs ? line.replace(/^\t+/, '') : line) === h.delimiter) break;
        lines.push(h.stripTabs ? line.replace(/^\t+/, '') : line);
      }
      h.cmd.heredoc = lines.length ? lines.join('\n') + '\n' : '';
    }
  };

  const addWord = (word: string) => {
    if (pendingRedirect) {
      const r: Redirect = { op: pendingRedirect.op, target: word };
      if (pendingRedirect.fd) r.fd = pendingRedirect.fd;
      cur.redirects.push(r);
      if (r.op === '<<' || r.op === '<<-') pendingHeredocs.push({ delimiter: word, stripTabs: r.op === '<<-', cmd: cur });
      pendingRedirect = undefined;
    } else cur.argv.push(word);
  };

  /** Skips a balanced `$(…)` / `${…}` / backtick group starting at i, returning its raw text. */
  const readGroup = (): string => {
    const start = i;
    if (src[i] === '`') {
      i++;
      while (i < src.length && src[i] !== '`') i += src[i] === '\\' ? 2 : 1;
      i++;
      return src.slice(start, i);
    }
    const open = src[i + 1]!;
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    i++;
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') i += 2;
      else if (c === "'") {
        const end = src.indexOf("'", i + 1);
        i = end < 0 ? src.length : end + 1;
      } else if (c === open) {
        depth++;
        i++;
      } else if (c === close) {
        depth--;
        i++;
        if (depth === 0) break;
      } else i++;
    }
    return src.slice(start, i);
  };

  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      i++;
      endCommand();
      readHeredocBodies();
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const redirect = REDIRECT.exec(src.slice(i, i + 6));
    if (redirect && (redirect[1] === '' || redirect[1] === '&' || /^\d+$/.test(redirect[1]!))) {
      // `&` alone is an operator, `&>` a redirect; digits only count when glued to the operator.
      if (redirect[1] === '&' && !redirect[2]!.startsWith('>')) {
        // not a redirect: fall through to the operator check below
      } else {
        i += redirect[0].length;
        if (redirect[2] === '>&' || redirect[2] === '<&') {
          // `2>&1` duplicates a descriptor; `>&file` (bash) writes a file.
          while (src[i] === ' ') i++;
          const m = /^(\d+|-)(?=$|[\s;&|<>()])/.exec(src.slice(i));
          if (m) {
            i += m[0].length;
            continue;
          }
          pendingRedirect = { op: '>', fd: '&' };
          continue;
        }
        pendingRedirect = { op: redirect[2]!, ...(redirect[1] ? { fd: redirect[1] } : {}) };
        continue;
      }
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      i += op.length;
      endCommand();
      continue;
    }
    // A word: runs of unquoted text, quoted strings and substitutions glued together.
    let word = '';
    while (i < src.length) {
      const ch = src[i]!;
      if (/[\s;&|<>()]/.test(ch)) break;
      if (ch === '\\') {
        if (src[i + 1] === '\n') i += 2;
        else {
          word += src[i + 1] ?? '';
          i += 2;
        }
      } else if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        word += src.slice(i + 1, end < 0 ? src.length : end);
        i = end < 0 ? src.length : end + 1;
      } else if (ch === '"') {
        i++;
        while (i < src.length && src[i] !== '"') {
          if (src[i] === '\\' && /["\\$`\n]/.test(src[i + 1] ?? '')) {
            if (src[i + 1] !== '\n') word += src[i + 1];
            i += 2;
          } else if ((src[i] === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) || src[i] === '`') word += readGroup();
          else word += src[i++];
        }
        i++;
      } else if ((ch === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) || ch === '`') word += readGroup();
      else word += src[i++];
    }
    addWord(word);
  }
  endCommand();
  return commands;
}

// ---------------------------------------------------------------------------------------------
// Paths and hosts

function basename(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function dirname(p: string): string {
  const idx = p.lastIndexOf('/');
  return idx < 0 ? '.' : idx === 0 ? '/' : p.slice(0, idx);
}

function qualify(host: string | undefined, path: string): string {
  return host ? `${host}:${path}` : path;
}

/** `dir/` + the source's name when the destination is clearly a directory. */
function intoDestination(dest: string, source: string, destIsDir: boolean): string {
  if (!destIsDir && !dest.endsWith('/')) return dest;
  const name = basename(source);
  if (name === '' || /[*?[]/.test(name)) return dest;
  return dest.endsWith('/') ? dest + name : `${dest}/${name}`;
}

/** Splits an scp/rsync operand `[user@]host:path` (a colon before any slash means remote). */
function remoteOperand(operand: string): { host?: string; path: string } {
  const colon = operand.indexOf(':');
  const slash = operand.indexOf('/');
  if (colon > 0 && (slash < 0 || colon < slash) && !operand.startsWith('[')) {
    const userHost = operand.slice(0, colon);
    const host = userHost.slice(userHost.lastIndexOf('@') + 1);
    // rsync daemon syntax host::module keeps its module as the path.
    const path = operand.slice(colon + 1).replace(/^:/, '');
    return { host, path: path === '' ? '~' : path };
  }
  return { path: operand };
}

// ---------------------------------------------------------------------------------------------
// Options

/** Splits argv into operands, skipping options; `withArg` lists the short options that take a value. */
function operands(args: string[], withArg: string, longWithArg: string[] = []): { operands: string[]; flags: string[]; values: Map<string, string> } {
  const out: string[] = [];
  const flags: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      flags.push(`--${name}`);
      if (eq >= 0) values.set(`--${name}`, a.slice(eq + 1));
      else if (longWithArg.includes(name)) values.set(`--${name}`, args[++i] ?? '');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        flags.push(`-${letter}`);
        if (withArg.includes(letter)) {
          values.set(`-${letter}`, j + 1 < a.length ? a.slice(j + 1) : args[++i] ?? '');
          break;
        }
      }
      continue;
    }
    out.push(a);
  }
  return { operands: out, flags, values };
}

const WRAPPERS: Record<string, { withArg: string; longWithArg?: string[] }> = {
  sudo: { withArg: 'ugChDpRrTU', longWithArg: ['user', 'group', 'host', 'chdir', 'prompt'] },
  env: { withArg: 'uSC', longWithArg: ['unset', 'chdir', 'split-string'] },
  nohup: { withArg: '' },
  time: { withArg: 'fo' },
  exec: { withArg: 'a' },
  command: { withArg: '' },
  nice: { withArg: 'n', longWithArg: ['adjustment'] },
  ionice: { withArg: 'cnpP' },
  stdbuf: { withArg: 'ioe' },
  sshpass: { withArg: 'pfde' },
};

/** Drops `VAR=value` prefixes and wrappers (`sudo`, `env`, `timeout 5`, …) to reach the real command. */
function unwrap(argv: string[]): string[] {
  let a = argv;
  for (let guard = 0; guard < 8; guard++) {
    while (a.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a[0]!)) a = a.slice(1);
    const name = a.length ? basename(a[0]!) : '';
    if (name === 'timeout') {
      const { operands: ops } = operands(a.slice(1), 'sk', ['signal', 'kill-after']);
      // operands: DURATION COMMAND ARGS…; keep everything after the duration as written.
      const idx = a.indexOf(ops[1] ?? '', 1);
      a = ops.length > 1 && idx > 0 ? a.slice(idx) : [];
      continue;
    }
    const w = WRAPPERS[name];
    if (!w) return a;
    // The wrapped command starts at the first operand; its own options follow it.
    let i = 1;
    while (i < a.length && a[i]!.startsWith('-')) {
      const opt = a[i]!;
      i++;
      if (opt.length === 2 && w.withArg.includes(opt[1]!)) i++;
      else if (opt.startsWith('--') && !opt.includes('=') && w.longWithArg?.includes(opt.slice(2))) i++;
    }
    a = a.slice(i);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Commands

type Analyzer = (args: string[], host: string | undefined, cmd: SimpleCommand, depth: number) => ShellFileOp[];

const SSH_WITH_ARG = 'bcDEeFIiJLlmOoPpQRSWw';

function sshCommand(args: string[], _host: string | undefined, _cmd: SimpleCommand, depth: number): ShellFileOp[] {
  // Options stop at the destination; everything after it is the remote command, which ssh
  // joins with spaces and hands to the remote shell.
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-') && args[i] !== '--') {
    const a = args[i]!;
    i++;
    for (let j = 1; j < a.length; j++) {
      if (SSH_WITH_ARG.includes(a[j]!)) {
        if (j + 1 === a.length) i++;
        break;
      }
    }
  }
  if (args[i] === '--') i++;
  const dest = args[i];
  if (!dest) return [];
  const remote = args.slice(i + 1).join(' ');
  if (remote.trim() === '') return [];
  const hostPart = dest.replace(/^ssh:\/\//, '').replace(/:\d+$/, '');
  const host = hostPart.slice(hostPart.lastIndexOf('@') + 1);
  return analyze(remote, host, depth + 1);
}

function shellDashC(args: string[], host: string | undefined, _cmd: SimpleCommand, depth: number): ShellFileOp[] {
  const idx = args.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
  if (idx < 0 || args[idx + 1] === undefined) return [];
  return analyze(args[idx + 1]!, host, depth + 1);
}

function transferCommand(kind: 'scp' | 'rsync'): Analyzer {
  return (args, host) => {
    const { operands: ops, flags } =
      kind === 'scp'
        ? operands(args, 'cDFiJlloPS')
        : operands(args, 'eBfMT', ['rsh', 'exclude', 'include', 'filter', 'files-from', 'exclude-from', 'include-from', 'port', 'rsync-path', 'log-file', 'partial-dir', 'temp-dir', 'compare-dest', 'copy-dest', 'link-dest', 'backup-dir', 'suffix', 'chmod', 'chown', 'timeout', 'bwlimit', 'password-file']);
    if (ops.length < 2) return [];
    const dest = remoteOperand(ops[ops.length - 1]!);
    const destHost = dest.host ?? host;
    const sources = ops.slice(0, -1);
    const removeSource = flags.includes('--remove-source-files');
    return sources.map((s) => {
      const src = remoteOperand(s);
      const srcHost = src.host ?? host;
      // rsync `dir/` copies the contents, so only a source without a trailing slash keeps its name.
      const to = qualify(destHost, kind === 'rsync' && src.path.endsWith('/') ? dest.path : intoDestination(dest.path, src.path, sources.length > 1));
      const op: ShellFileOp = {
        op: srcHost !== destHost ? 'transfer' : removeSource ? 'move' : 'copy',
        path: qualify(srcHost, src.path),
        to,
      };
      if (srcHost) op.host = srcHost;
      if (destHost) op.toHost = destHost;
      return op;
    });
  };
}

function copyMove(kind: 'cp' | 'mv'): Analyzer {
  return (args, host) => {
    const { operands: ops, values } = operands(args, kind === 'cp' ? 'tS' : 'tS', ['target-directory', 'suffix', 'backup', 'preserve', 'no-preserve', 'sparse', 'reflink']);
    const targetDir = values.get('-t') ?? values.get('--target-directory');
    const sources = targetDir !== undefined ? ops : ops.slice(0, -1);
    const dest = targetDir ?? ops[ops.length - 1];
    if (dest === undefined || sources.length === 0) return [];
    const destIsDir = targetDir !== undefined || sources.length > 1;
    return sources.map((s) => {
      const to = intoDestination(dest, s, destIsDir);
      let op: ShellFileOpKind = kind === 'cp' ? 'copy' : 'move';
      // `mv a b` in the same directory renames; moving elsewhere is a move.
      if (kind === 'mv' && !destIsDir && !dest.endsWith('/') && dirname(s) === dirname(dest)) op = 'rename';
      const out: ShellFileOp = { op, path: qualify(host, s), to: qualify(host, to) };
      if (host) {
        out.host = host;
        out.toHost = host;
      }
      return out;
    });
  };
}

function perOperand(op: ShellFileOpKind, withArg = '', longWithArg: string[] = [], when?: (flags: string[]) => boolean): Analyzer {
  return (args, host) => {
    const { operands: ops, flags } = operands(args, withArg, longWithArg);
    if (when && !when(flags)) return [];
    return ops.map((p) => hostOp(op, p, host));
  };
}

function hostOp(op: ShellFileOpKind, path: string, host: string | undefined): ShellFileOp {
  const out: ShellFileOp = { op, path: qualify(host, path) };
  if (host) out.host = host;
  return out;
}

function sedCommand(args: string[], host: string | undefined): ShellFileOp[] {
  const inPlace = args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'));
  if (!inPlace) return [];
  // `-i` may carry a suffix glued to it (`-i.bak`), so only -e/-f/-l take separate values.
  const { operands: ops, values } = operands(
    args.map((a) => (/^-i./.test(a) ? '-i' : a)),
    'efl',
    ['expression', 'file', 'line-length'],
  );
  const hasScriptOption = values.has('-e') || values.has('-f') || values.has('--expression') || values.has('--file');
  const files = hasScriptOption ? ops : ops.slice(1);
  return files.map((f) => hostOp('edit', f, host));
}

function teeCommand(args: string[], host: string | undefined): ShellFileOp[] {
  const { operands: ops, flags } = operands(args, '', ['output-error']);
  const append = flags.includes('-a') || flags.includes('--append');
  return ops.filter((p) => !p.startsWith('/dev/')).map((p) => hostOp(append ? 'append' : 'create', p, host));
}

function touchCommand(args: string[], host: string | undefined): ShellFileOp[] {
  const { operands: ops, values } = operands(args, 'dtr', ['date', 'reference', 'time']);
  // Only a touch that sets a time is clear about its purpose: re-dating a file.
  if (!['-d', '-t', '-r', '--date', '--reference'].some((k) => values.has(k))) return [];
  return ops.map((p) => hostOp('edit', p, host));
}

const ANALYZERS: Record<string, Analyzer> = {
  ssh: sshCommand,
  bash: shellDashC,
  sh: shellDashC,
  zsh: shellDashC,
  dash: shellDashC,
  scp: transferCommand('scp'),
  rsync: transferCommand('rsync'),
  cp: copyMove('cp'),
  mv: copyMove('mv'),
  rm: perOperand('delete'),
  unlink: perOperand('delete'),
  rmdir: perOperand('delete'),
  shred: perOperand('delete', 'nsz', ['iterations', 'size', 'random-source'], (f) => f.includes('-u') || f.includes('--remove')),
  truncate: perOperand('edit', 'sr', ['size', 'reference']),
  sed: sedCommand,
  tee: teeCommand,
  touch: touchCommand,
};

function contentFor(cmd: SimpleCommand, argv: string[]): string | undefined {
  const name = argv.length ? basename(argv[0]!) : '';
  if (cmd.heredoc !== undefined && (name === 'cat' || argv.length === 0)) return cmd.heredoc;
  if (name === 'echo') {
    const args = argv.slice(1);
    if (args[0] === '-e' || args[0] === '-E') return undefined;
    if (args[0] === '-n') return args.slice(1).join(' ');
    return args.join(' ') + '\n';
  }
  return undefined;
}

function analyze(command: string, host: string | undefined, depth: number): ShellFileOp[] {
  if (depth > 6) return [];
  const ops: ShellFileOp[] = [];
  for (const cmd of splitShell(command)) {
    const argv = unwrap(cmd.argv.filter((w) => w !== '{' && w !== '}'));
    const name = argv.length ? basename(argv[0]!) : '';
    const analyzer = ANALYZERS[name];
    if (analyzer) ops.push(...analyzer(argv.slice(1), host, cmd, depth));
    for (const r of cmd.redirects) {
      const writesStdout = r.op === '>' || r.op === '>|' || r.op === '>>';
      if (!writesStdout || (r.fd !== undefined && r.fd !== '1' && r.fd !== '&')) continue;
      if (r.target.startsWith('/dev/')) continue;
      const op = hostOp(r.op === '>>' ? 'append' : 'create', r.target, host);
      const after = contentFor(cmd, argv);
      if (after !== undefined) op.after = after;
      ops.push(op);
    }
  }
  return ops;
}

/**
 * The file effects a shell command line states, in order. `host` is the machine it runs on
 * (undefined: the agent's own machine, whose paths are written without a prefix).
 */
export function fileOpsFromShell(command: string, host?: string): ShellFileOp[] {
  return analyze(command, host, 0);
}
