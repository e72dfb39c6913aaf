/**
 * Reads the file effects out of the shell commands production-harness agents run
 * (`run_shell_command`, `bash`): `scp`/`rsync` transfers, `cp`, `mv`, `rm`, `sed -i`, `touch -d`,
 * `tee` and output redirections, following `ssh [opts] user@host "remote command"` to the host the
 * remote command runs on.
 *
 * The commands come from the one shell reader (`parse.ts`, `commands.ts`): wrappers, `bash -c`,
 * eval and `$(…)` are followed there. Variables and substitutions are never expanded, so
 * `rm $(ls)` is reported with `$(ls)` as its operand. An effect is reported only when the command
 * states it; anything unclear is left out (`… | xargs rm` names no file).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { runCommands, writesFile, type RunCommand } from './commands';
import { PROGRAMS, readOptions, type OptionSpec } from './programs';
import { trimEndOf } from '../trimEnd';

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
  /**
   * When the new content is not stated (`sed -i 's/a: true/a: false/' f`, `python gen.py > f`): the
   * words of the one command that made the change, which say what it wrote, where the line may run
   * other commands on other files.
   */
  says?: string;
}

// ---------------------------------------------------------------------------------------------
// Paths and hosts

/** The last segment of a path, trailing slashes left out (`/srv/models/` → `models`). */
export function basename(p: string): string {
  const trimmed = trimEndOf(p, '/');
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
// Commands

type Analyzer = (args: string[], host: string | undefined) => ShellFileOp[];

/** The option spec of a program in the one table. */
function spec(name: string): OptionSpec {
  const p = PROGRAMS[name];
  return p && p.kind !== 'eval' ? p : { short: '' };
}

/** The operands of a program's arguments, with its flags and option values. */
function operands(name: string, args: string[]): { operands: string[]; flags: string[]; values: Map<string, string> } {
  const r = readOptions(args, spec(name));
  return { operands: r.operands.map((k) => args[k]!), flags: r.flags, values: r.values };
}

function transferCommand(kind: 'scp' | 'rsync'): Analyzer {
  return (args, host) => {
    const { operands: ops, flags } = operands(kind, args);
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
    const { operands: ops, values } = operands(kind, args);
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

function perOperand(name: string, op: ShellFileOpKind, when?: (flags: string[]) => boolean): Analyzer {
  return (args, host) => {
    const { operands: ops, flags } = operands(name, args);
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
  // `-i` may carry a suffix glued to it (`-i.bak`), which is no option of its own.
  const { operands: ops, values } = operands(
    'sed',
    args.map((a) => (/^-i./.test(a) ? '-i' : a)),
  );
  const hasScriptOption = values.has('-e') || values.has('-f') || values.has('--expression') || values.has('--file');
  const files = hasScriptOption ? ops : ops.slice(1);
  return files.map((f) => hostOp('edit', f, host));
}

function teeCommand(args: string[], host: string | undefined): ShellFileOp[] {
  const { operands: ops, flags } = operands('tee', args);
  const append = flags.includes('-a') || flags.includes('--append');
  return ops.filter((p) => !p.startsWith('/dev/')).map((p) => hostOp(append ? 'append' : 'create', p, host));
}

function touchCommand(args: string[], host: string | undefined): ShellFileOp[] {
  const { operands: ops, values } = operands('touch', args);
  // Only a touch that sets a time is clear about its purpose: re-dating a file.
  if (!['-d', '-t', '-r', '--date', '--reference'].some((k) => values.has(k))) return [];
  return ops.map((p) => hostOp('edit', p, host));
}

const ANALYZERS: Record<string, Analyzer> = {
  scp: transferCommand('scp'),
  rsync: transferCommand('rsync'),
  cp: copyMove('cp'),
  mv: copyMove('mv'),
  rm: perOperand('rm', 'delete'),
  unlink: perOperand('unlink', 'delete'),
  rmdir: perOperand('rmdir', 'delete'),
  shred: perOperand('shred', 'delete', (f) => f.includes('-u') || f.includes('--remove')),
  truncate: perOperand('truncate', 'edit'),
  sed: sedCommand,
  tee: teeCommand,
  touch: touchCommand,
};

/** The text a command writes to a redirection, when the command states it (`echo x`, `cat <<EOF`). */
function contentFor(cmd: RunCommand): string | undefined {
  if (cmd.heredoc !== undefined && (cmd.name === 'cat' || cmd.name === '')) return cmd.heredoc;
  if (cmd.name === 'echo') {
    const args = cmd.argv.slice(1);
    if (args[0] === '-e' || args[0] === '-E') return undefined;
    if (args[0] === '-n') return args.slice(1).join(' ');
    return args.join(' ') + '\n';
  }
  return undefined;
}

/**
 * The file effects a shell command line states, in order. `host` is the machine it runs on
 * (undefined: the agent's own machine, whose paths are written without a prefix). `says`: give each
 * change whose text is not stated the words of its command (ShellFileOp.says).
 */
export function fileOpsFromShell(command: string, host?: string, options: { says?: boolean } = {}): ShellFileOp[] {
  const ops: ShellFileOp[] = [];
  for (const cmd of runCommands(command, host)) {
    // Operands from standard input (`… | xargs rm`) are not known; only the stated ones are read.
    // The redirections of a script run elsewhere (`ssh h 'cmd' > f`) have no words of their own.
    const says = cmd.ofScript || !options.says ? undefined : cmd.argv.join(' ');
    const analyzer = ANALYZERS[cmd.name];
    if (analyzer) for (const op of analyzer(cmd.argv.slice(1), cmd.host)) ops.push(op.after === undefined && says !== undefined ? { ...op, says } : op);
    for (const r of cmd.redirects) {
      if (!writesFile(r) || r.target.startsWith('/dev/')) continue;
      const op = hostOp(r.op === '>>' ? 'append' : 'create', r.target, cmd.host);
      const after = cmd.ofScript ? undefined : contentFor(cmd);
      if (after !== undefined) op.after = after;
      else if (says !== undefined) op.says = says;
      ops.push(op);
    }
  }
  return ops;
}
