/**
 * Which tool calls run a command line, and where in their arguments it is. Agents get shells under
 * many names (`bash`, `bash_tool`, `run_shell_command`, `execute_command`, `terminal`, `container.exec`)
 * and with many argument names (`command`, `cmd`, `script`, a terminal's `input`), so a call is read
 * as a shell command by its name's words and its argument names, not from a fixed list alone.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { memoByText } from '../textMemo';

/** Whole tool names that run a command line. */
const SHELL_NAMES = new Set(['run_shell_command', 'bash', 'shell', 'execute_command', 'run_command', 'terminal', 'exec', 'execute_bash', 'run_terminal_cmd']);
/** Words of a tool name that say it runs a command line (`bash_tool`, `localShell`, `container.exec`). */
const SHELL_WORDS = new Set(['bash', 'sh', 'zsh', 'shell', 'terminal', 'exec', 'console', 'cmd', 'command', 'powershell', 'pwsh']);
/** Argument names that carry the command line of a shell-like tool, in order of preference (`keystrokes`: a terminal's typed input, Terminus). */
const LINE_ARGS = ['command', 'cmd', 'script', 'input', 'keystrokes'];

/** The words of a tool name: `run_terminal_cmd`, `runTerminalCmd` and `run-terminal.cmd` all give run, terminal, cmd. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** True when a tool's name says it runs command lines (`execute_shutdown` does not: `execute` is no shell word). */
export function isShellTool(name: string): boolean {
  return SHELL_NAMES.has(name) || shellWordIn(name);
}

/** Whether a name has a shell word, by name: a run calls a handful of tools, each many times. */
const shellWordIn = memoByText((name) => nameWords(name).some((w) => SHELL_WORDS.has(w)), 64);

/**
 * The command line a call runs, or undefined: the `command`, `cmd`, `script` or `input`
 * (or `keystrokes`) argument of a shell-like tool, or a `cmd` argument of any tool (a text editor's `command` is a
 * verb such as `view`, so other tools' `command` is not read).
 */
export function commandLineOf(name: string, args: Record<string, unknown>): string | undefined {
  const names = isShellTool(name) ? LINE_ARGS : ['cmd'];
  for (const n of names) {
    const v = args[n];
    if (typeof v === 'string' && v.trim() !== '') return v;
    // A command given as argv (`["bash", "-lc", "rm x"]`, Codex's shell tool).
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return (v as string[]).map(quoteWord).join(' ');
  }
  return undefined;
}

function quoteWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
