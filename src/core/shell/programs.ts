/**
 * The one table of the programs the shell reader knows: which of their options take a value (from
 * each program's man page), and how wrappers (`sudo`, `env`, `timeout`, `xargs`…), shells (`bash
 * -c`) and `ssh` hand over to the command they run. Everything that skips options reads this table.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

export interface OptionSpec {
  /** Short options that take a value, as `-u USER` or `-uUSER`. */
  short: string;
  /** Long options that take a value, as `--user USER` or `--user=USER`. */
  long?: readonly string[];
}

export type Program =
  /** Runs the command that follows its options (and `operands` more words). */
  | (OptionSpec & {
      kind: 'wrapper';
      /** Words after the options and before the command (timeout's DURATION). */
      operands?: number;
      /** `NAME=value` words before the command are assignments (env). */
      assignments?: boolean;
      /** Flags after which no command runs, the program itself being the command (`command -v`). */
      noCommand?: string;
      /** The command gets more operands from standard input (xargs). */
      stdin?: boolean;
    })
  /** A shell: `-c SCRIPT` runs the script (`-o`/`-O` take values). */
  | (OptionSpec & { kind: 'shell' })
  /** Runs its operands joined with spaces as a script (eval). */
  | { kind: 'eval' }
  /** ssh: options, the destination, then the remote command (run by the remote shell). */
  | (OptionSpec & { kind: 'ssh' })
  /** A command whose options the file reader skips. */
  | (OptionSpec & { kind: 'command' });

const SHELL: Program = { kind: 'shell', short: 'oO', long: ['rcfile', 'init-file'] };

/** Every program the reader knows, by base name. */
export const PROGRAMS: Readonly<Record<string, Program>> = {
  // Wrappers.
  sudo: { kind: 'wrapper', short: 'aCcDgpRrtTUu', long: ['user', 'group', 'host', 'chdir', 'chroot', 'prompt', 'role', 'type', 'command-timeout', 'other-user', 'close-from'] },
  doas: { kind: 'wrapper', short: 'uC' },
  env: { kind: 'wrapper', short: 'uCSP', long: ['unset', 'chdir', 'split-string'], assignments: true },
  nohup: { kind: 'wrapper', short: '' },
  timeout: { kind: 'wrapper', short: 'ks', long: ['kill-after', 'signal'], operands: 1 },
  nice: { kind: 'wrapper', short: 'n', long: ['adjustment'] },
  ionice: { kind: 'wrapper', short: 'cnpPu', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] },
  stdbuf: { kind: 'wrapper', short: 'ioe', long: ['input', 'output', 'error'] },
  time: { kind: 'wrapper', short: 'fo', long: ['format', 'output'] },
  command: { kind: 'wrapper', short: '', noCommand: 'vV' },
  exec: { kind: 'wrapper', short: 'a' },
  builtin: { kind: 'wrapper', short: '' },
  xargs: { kind: 'wrapper', short: 'adEILnPs', long: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'], stdin: true },
  sshpass: { kind: 'wrapper', short: 'pfdP' },
  // Shells.
  bash: SHELL,
  sh: SHELL,
  zsh: SHELL,
  dash: SHELL,
  ksh: SHELL,
  eval: { kind: 'eval' },
  // man ssh: B b c D E e F I i J L l m O o P p Q R S W w take an argument.
  ssh: { kind: 'ssh', short: 'BbcDEeFIiJLlmOoPpQRSWw' },
  // man scp: c D F i J l o P S X take an argument.
  scp: { kind: 'command', short: 'cDFiJloPSX' },
  rsync: {
    kind: 'command',
    short: 'eBfMT@',
    long: [
      'rsh', 'rsync-path', 'exclude', 'include', 'filter', 'files-from', 'exclude-from', 'include-from', 'port', 'log-file',
      'log-file-format', 'partial-dir', 'temp-dir', 'compare-dest', 'copy-dest', 'link-dest', 'backup-dir', 'suffix', 'chmod',
      'chown', 'timeout', 'contimeout', 'bwlimit', 'password-file', 'block-size', 'max-size', 'min-size', 'max-delete',
      'modify-window', 'checksum-choice', 'compress-choice', 'compress-level', 'skip-compress', 'usermap', 'groupmap',
      'out-format', 'info', 'debug', 'address', 'sockopts', 'outbuf', 'protocol', 'iconv', 'remote-option', 'write-batch',
      'only-write-batch', 'read-batch', 'stop-after', 'stop-at', 'early-input',
    ],
  },
  cp: { kind: 'command', short: 'tS', long: ['target-directory', 'suffix', 'backup', 'preserve', 'no-preserve', 'sparse', 'reflink'] },
  mv: { kind: 'command', short: 'tS', long: ['target-directory', 'suffix', 'backup'] },
  rm: { kind: 'command', short: '' },
  unlink: { kind: 'command', short: '' },
  rmdir: { kind: 'command', short: '' },
  shred: { kind: 'command', short: 'nsz', long: ['iterations', 'size', 'random-source'] },
  truncate: { kind: 'command', short: 'sr', long: ['size', 'reference'] },
  // `-i` may carry a suffix glued to it (`-i.bak`): the sed reader reads that itself.
  sed: { kind: 'command', short: 'efl', long: ['expression', 'file', 'line-length'] },
  tee: { kind: 'command', short: '', long: ['output-error'] },
  touch: { kind: 'command', short: 'dtr', long: ['date', 'reference', 'time'] },
};

/** A command word's base name (`/usr/bin/rm` → `rm`). */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** How many of the words after `args[i]` are its value (0 or 1), per the spec. */
export function optionValueWords(arg: string, spec: OptionSpec): 0 | 1 {
  if (arg.startsWith('--')) {
    if (arg.includes('=')) return 0;
    return spec.long?.includes(arg.slice(2)) ? 1 : 0;
  }
  for (let j = 1; j < arg.length; j++) {
    // The first letter that takes a value takes the rest of the word, or the next word.
    if (spec.short.includes(arg[j]!)) return j + 1 === arg.length ? 1 : 0;
  }
  return 0;
}

export interface ReadOptions {
  /** Indices of the operands in the argument list. */
  operands: number[];
  /** Every option as `-x` or `--name`, clusters split (`-av` → `-a`, `-v`). */
  flags: string[];
  /** The values of options that take one, by `-x` / `--name`. */
  values: Map<string, string>;
}

/**
 * Sorts a program's arguments (after its name) into options and operands, GNU style: options may
 * stand anywhere before `--`.
 */
export function readOptions(args: readonly string[], spec: OptionSpec): ReadOptions {
  const operands: number[] = [];
  const flags: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      for (let k = i + 1; k < args.length; k++) operands.push(k);
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      flags.push(name);
      if (eq >= 0) values.set(name, a.slice(eq + 1));
      else if (optionValueWords(a, spec)) values.set(name, args[++i] ?? '');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        flags.push(`-${letter}`);
        if (spec.short.includes(letter)) {
          values.set(`-${letter}`, j + 1 < a.length ? a.slice(j + 1) : args[++i] ?? '');
          break;
        }
      }
      continue;
    }
    operands.push(i);
  }
  return { operands, flags, values };
}
