/**
 * What a simple command runs: assignments, wrappers (`sudo -u x`, `env A=b`, `timeout -s KILL 5`,
 * `xargs`…) and their options are stepped over to the real command, and `ssh [opts] host CMD`,
 * `bash -c SCRIPT` and `eval` hand a script to be read in turn (on the remote host for ssh). The
 * option arities come from the one table in `programs.ts`.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { parseShell, type ShellRedirect, type SimpleCommand } from './parse';
import { PROGRAMS, optionValueWords, programName } from './programs';

/** What each word of a simple command is, for the highlighter. */
export type WordRole =
  | 'assign' // `NAME=value` before the command
  | 'keyword' // `if`, `then`, `!`, `{`…
  | 'wrapper' // `sudo`, `env`, `timeout`, `xargs`…
  | 'option' // a wrapper's, shell's or ssh's option
  | 'value' // the value of such an option, or a wrapper's operand (timeout's duration)
  | 'command' // the command that runs
  | 'argument' // the command's arguments
  | 'host' // ssh's destination
  | 'script'; // a script read as commands of its own (`bash -c 'rm f'`, ssh's remote command)

export interface Resolved {
  /** The role of each word, by index. */
  roles: WordRole[];
  /** Index of the word naming the command that runs, or -1 (only assignments or keywords). */
  command: number;
  /** The script this command runs: `sh -c`'s string, eval's words or ssh's remote command. */
  script?: {
    text: string;
    /** Index of the first word of the script. */
    word: number;
    /** The remote host it runs on (ssh). */
    host?: string;
  };
  /** ssh's destination host, remote command or not. */
  host?: string;
  /** The command also gets operands from standard input (`… | xargs rm`). */
  fromStdin?: boolean;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;
const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'esac']);
/** How deep `bash -c`, ssh, eval and `$(…)` are followed: each level re-reads a part of the text, so time stays linear. */
export const MAX_SHELL_DEPTH = 5;

/** The host of an ssh destination: `user@host`, `ssh://user@host:port`, `host`. */
function sshHost(dest: string): string {
  const hostPart = dest.replace(/^ssh:\/\//, '').replace(/:\d+$/, '');
  return hostPart.slice(hostPart.lastIndexOf('@') + 1);
}

/** Reads the words of one simple command (values, quotes removed) to the command they run. */
export function resolveCommand(argv: readonly string[]): Resolved {
  const n = argv.length;
  const roles: WordRole[] = new Array<WordRole>(n).fill('argument');
  let fromStdin = false;
  const done = (r: Omit<Resolved, 'roles'>): Resolved => ({ roles, ...r, ...(fromStdin ? { fromStdin } : {}) });
  let i = 0;
  while (i < n) {
    if (ASSIGNMENT.test(argv[i]!)) {
      roles[i++] = 'assign';
      continue;
    }
    const name = programName(argv[i]!);
    if (KEYWORDS.has(argv[i]!)) {
      roles[i++] = 'keyword';
      continue;
    }
    const program = PROGRAMS[name];
    if (!program || program.kind === 'command') {
      roles[i] = 'command';
      return done({ command: i });
    }
    if (program.kind === 'wrapper') {
      const at = i;
      roles[i++] = 'wrapper';
      let runsNothing = false;
      while (i < n) {
        const a = argv[i]!;
        if (a === '--') {
          roles[i++] = 'option';
          break;
        }
        if (program.assignments && ASSIGNMENT.test(a)) roles[i++] = 'assign';
        else if (program.assignments && a === '-') roles[i++] = 'option'; // `env -`: -i
        else if (a.startsWith('-') && a.length > 1) {
          roles[i] = 'option';
          if (program.noCommand && !a.startsWith('--') && [...a.slice(1)].some((l) => program.noCommand!.includes(l))) runsNothing = true;
          const take = optionValueWords(a, program);
          if (take && i + 1 < n) roles[i + 1] = 'value';
          i += 1 + take;
        } else break;
      }
      for (let k = 0; k < (program.operands ?? 0) && i < n; k++) roles[i++] = 'value';
      if (runsNothing) {
        roles[at] = 'command';
        for (let k = at + 1; k < n; k++) roles[k] = 'argument';
        return done({ command: at });
      }
      if (program.stdin) fromStdin = true;
      continue;
    }
    roles[i] = 'command';
    const at = i++;
    if (program.kind === 'eval') {
      if (i < n) {
        for (let k = i; k < n; k++) roles[k] = 'script';
        return done({ command: at, script: { text: argv.slice(i).join(' '), word: i } });
      }
      return done({ command: at });
    }
    if (program.kind === 'shell') {
      let dashC = false;
      while (i < n && /^[-+]./.test(argv[i]!) && argv[i] !== '--') {
        const a = argv[i]!;
        roles[i] = 'option';
        if (a.startsWith('--')) {
          if (program.long?.includes(a.slice(2)) && i + 1 < n) roles[++i] = 'value';
        } else {
          if (a.includes('c')) dashC = true;
          if (/[oO]/.test(a) && i + 1 < n) roles[++i] = 'value';
        }
        i++;
      }
      if (argv[i] === '--') roles[i++] = 'option';
      if (dashC && i < n) {
        roles[i] = 'script';
        return done({ command: at, script: { text: argv[i]!, word: i } });
      }
      return done({ command: at });
    }
    // ssh: options, the destination, more options (ssh reads on after the destination), the command.
    let host: string | undefined;
    while (i < n) {
      const a = argv[i]!;
      if (a === '--') {
        roles[i++] = 'option';
        if (host === undefined && i < n) {
          roles[i] = 'host';
          host = sshHost(argv[i++]!);
        }
        break;
      }
      if (a.startsWith('-') && a.length > 1) {
        roles[i] = 'option';
        const take = optionValueWords(a, program);
        if (take && i + 1 < n) roles[i + 1] = 'value';
        i += 1 + take;
        continue;
      }
      if (host !== undefined) break;
      roles[i] = 'host';
      host = sshHost(argv[i++]!);
    }
    if (host !== undefined && i < n) {
      for (let k = i; k < n; k++) roles[k] = 'script';
      // ssh joins its remaining words with spaces and hands them to the remote shell.
      return done({ command: at, host, script: { text: argv.slice(i).join(' '), word: i, host } });
    }
    return done({ command: at, ...(host !== undefined ? { host } : {}) });
  }
  return done({ command: -1 });
}

/** A command that runs, wrappers stepped over, with the host it runs on. */
export interface RunCommand {
  /** The command and its arguments (empty for a bare redirection or the redirections of ssh/`sh -c`). */
  argv: string[];
  /** `argv[0]`'s base name, or '' when nothing runs. */
  name: string;
  /** The remote host for commands run through ssh; undefined on the machine the line runs on. */
  host?: string;
  redirects: ShellRedirect[];
  heredoc?: string;
  /** The command also gets operands from standard input (`… | xargs rm`). */
  fromStdin?: boolean;
  /** Assignments only (`HISTFILE=/dev/null`): argv holds them, name is ''. */
  assignments?: boolean;
  /** The redirections of a command that ran a script (ssh, `sh -c`): they act where the line runs. */
  ofScript?: boolean;
}

function visitCommand(cmd: SimpleCommand, host: string | undefined, depth: number, visit: (c: RunCommand) => void): void {
  const at = host !== undefined ? { host } : {};
  const heredoc = cmd.heredoc !== undefined ? { heredoc: cmd.heredoc } : {};
  const r = resolveCommand(cmd.argv);
  // `$(…)` and backticks run before the command that holds them; those in a script's words are
  // read with the script (once, not twice).
  const words = [...cmd.words.filter((_, k) => r.roles[k] !== 'script'), ...cmd.redirects.map((x) => x.word)];
  for (const w of words) for (const s of w.substitutions ?? []) walk(s, host, depth + 1, visit);
  if (r.script) {
    walk(r.script.text, r.script.host ?? host, depth + 1, visit);
    if (cmd.redirects.length) visit({ argv: [], name: '', ...at, redirects: cmd.redirects, ...heredoc, ofScript: true });
    return;
  }
  // A command named by an expansion (`$(ssh-agent -s)`, `$CMD`) is not known.
  if (r.command < 0 || /^[$`]/.test(cmd.argv[r.command]!)) {
    const assigned = cmd.argv.filter((_, k) => r.roles[k] === 'assign');
    if (assigned.length || cmd.redirects.length) visit({ argv: assigned, name: '', ...at, redirects: cmd.redirects, ...heredoc, ...(assigned.length ? { assignments: true } : {}) });
    return;
  }
  const argv = cmd.argv.slice(r.command).filter((w) => w !== '}');
  visit({ argv, name: programName(argv[0]!), ...at, redirects: cmd.redirects, ...heredoc, ...(r.fromStdin ? { fromStdin: true } : {}) });
}

function walk(line: string, host: string | undefined, depth: number, visit: (c: RunCommand) => void): void {
  if (depth > MAX_SHELL_DEPTH) return;
  for (const cmd of parseShell(line).commands) visitCommand(cmd, host, depth, visit);
}

/**
 * Every command a line runs, in order, following `$(…)`, `ssh host CMD`, `bash -c` and eval into
 * the commands they run. `host` is the machine the line runs on (undefined: the agent's own).
 */
export function runCommands(line: string, host?: string): RunCommand[] {
  const out: RunCommand[] = [];
  walk(line, host, 0, (c) => out.push(c));
  return out;
}

/** A command as the detectors read it. */
export interface ShellCommand {
  /** Words with quotes removed, wrappers (`sudo`, `env`, `VAR=x`, `timeout 5`) dropped. */
  argv: string[];
  /** The command's base name (`argv[0]` without its directory); '' for assignments or a bare redirection. */
  name: string;
  /** The remote host for commands run through ssh; undefined on the agent's own machine. */
  host?: string;
  /** Redirection targets the command writes (`> f`, `>> f`). */
  writes: string[];
  /** The command also gets operands from standard input (`… | xargs rm`). */
  fromStdin?: boolean;
}

/** Does this redirection write a file with the command's standard output? */
export function writesFile(r: ShellRedirect): boolean {
  return (r.op === '>' || r.op === '>>' || r.op === '>|') && (r.fd === undefined || r.fd === '1' || r.fd === '&');
}

/** The simple commands of a command line, following ssh, `sh -c`, eval and `$(…)` into the commands they run. */
export function shellCommands(line: string, host?: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  for (const c of runCommands(line, host)) {
    if (c.ofScript) continue;
    const writes = c.redirects.filter(writesFile).map((r) => r.target);
    if (c.argv.length === 0 && writes.length === 0) continue;
    out.push({ argv: c.argv, name: c.name, ...(c.host !== undefined ? { host: c.host } : {}), writes, ...(c.fromStdin ? { fromStdin: true } : {}) });
  }
  return out;
}

/** The host a command line runs its (first remote) command on: the ssh destination, if any. */
export function commandHost(line: string): string | undefined {
  for (const c of runCommands(line)) if (c.host) return c.host;
  return undefined;
}
