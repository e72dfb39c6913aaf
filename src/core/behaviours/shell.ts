/**
 * Shell command lines as lists of simple commands, each with the host it runs on (following
 * `ssh host "…"` and `bash -c "…"`), for detectors that look at what a command does to processes,
 * cron, users and history rather than to files (file effects come from formats/study/shellCommands).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { splitShell } from '../formats/study/shellCommands';

export interface ShellCommand {
  /** Words with quotes removed, wrappers (`sudo`, `env`, `VAR=x`, `timeout 5`) dropped. */
  argv: string[];
  /** The command's base name (`argv[0]` without its directory). */
  name: string;
  /** The remote host for commands run through ssh; undefined on the agent's own machine. */
  host?: string;
  /** Redirection targets the command writes (`> f`, `>> f`). */
  writes: string[];
}

const SSH_WITH_ARG = 'bcDEeFIiJLlmOoPpQRSWw';
const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'time', 'exec', 'command', 'nice', 'ionice', 'stdbuf', 'doas']);

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function unwrap(argv: string[]): string[] {
  let a = argv.filter((w) => w !== '{' && w !== '}');
  for (let guard = 0; guard < 8 && a.length; guard++) {
    while (a.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a[0]!)) a = a.slice(1);
    const name = a.length ? base(a[0]!) : '';
    if (name === 'timeout') {
      let i = 1;
      while (i < a.length && a[i]!.startsWith('-')) i++;
      a = a.slice(i + 1);
      continue;
    }
    if (!WRAPPERS.has(name)) return a;
    let i = 1;
    while (i < a.length && (a[i]!.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(a[i]!))) {
      if (/^-[ugCDhpRrTUn]$/.test(a[i]!)) i++;
      i++;
    }
    a = a.slice(i);
  }
  return a;
}

/** The simple commands of a command line, following ssh and `sh -c` into the commands they run. */
export function shellCommands(line: string, host?: string, depth = 0): ShellCommand[] {
  if (depth > 5) return [];
  const out: ShellCommand[] = [];
  for (const cmd of splitShell(line)) {
    const argv = unwrap(cmd.argv);
    const writes = cmd.redirects.filter((r) => (r.op === '>' || r.op === '>>' || r.op === '>|') && (r.fd === undefined || r.fd === '1' || r.fd === '&')).map((r) => r.target);
    if (argv.length === 0) {
      if (writes.length) out.push({ argv: [], name: '', ...(host ? { host } : {}), writes });
      continue;
    }
    const name = base(argv[0]!);
    if (name === 'ssh') {
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
        const a = argv[i]!;
        i++;
        for (let j = 1; j < a.length; j++) {
          if (SSH_WITH_ARG.includes(a[j]!)) {
            if (j + 1 === a.length) i++;
            break;
          }
        }
      }
      if (argv[i] === '--') i++;
      const dest = argv[i];
      const remote = argv.slice(i + 1).join(' ');
      if (dest && remote.trim()) {
        const hostPart = dest.replace(/^ssh:\/\//, '').replace(/:\d+$/, '');
        out.push(...shellCommands(remote, hostPart.slice(hostPart.lastIndexOf('@') + 1), depth + 1));
        continue;
      }
    }
    if (['bash', 'sh', 'zsh', 'dash'].includes(name)) {
      const idx = argv.findIndex((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a));
      if (idx > 0 && argv[idx + 1] !== undefined) {
        out.push(...shellCommands(argv[idx + 1]!, host, depth + 1));
        continue;
      }
    }
    out.push({ argv, name, ...(host ? { host } : {}), writes });
  }
  return out;
}

/** The host a command line runs its (first) command on: the ssh destination, if any. */
export function commandHost(line: string): string | undefined {
  for (const c of shellCommands(line)) if (c.host) return c.host;
  return undefined;
}
