/**
 * How events are presented: tool families, one-line summaries, shell-command highlighting,
 * side-by-side diff rows and the text find searches. Shared by the webview (render.ts), the host
 * (outline, find over unrendered events) and the CLI.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import { formatConfigValue, lineDiff } from './diff';
import type { EventOfKind, TranscriptEvent } from './model';

// ---- tool families ------------------------------------------------------------------------------

export const TOOL_FAMILIES = ['drive', 'spreadsheet', 'config', 'server', 'shutdown', 'memory', 'shell', 'scratchpad', 'other'] as const;
export type ToolFamily = (typeof TOOL_FAMILIES)[number];

const FAMILY_OF: Record<string, ToolFamily> = {};
function family(f: ToolFamily, names: string[]): void {
  for (const n of names) FAMILY_OF[n] = f;
}
family('drive', [
  'list_files', 'create_file', 'append_to_file', 'delete_file', 'read_file', 'write_file', 'view_file',
  'list_drive_files', 'create_drive_file', 'append_to_drive_file', 'delete_drive_file', 'read_drive_file',
  // Coding agents' own file tools (production-harness runs).
  'read', 'write', 'edit', 'replace', 'glob', 'grep', 'list_directory', 'ls', 'read_many_files', 'search_file_content',
]);
family('spreadsheet', ['list_sheets', 'view_sheet', 'read_spreadsheet', 'read_sheet']);
family('config', ['view_config', 'read_config', 'modify_var', 'add_var', 'remove_var']);
family('server', [
  'list_server_ips', 'list_server_files', 'search_server_file_by_filename', 'transfer_server_files', 'copy_server_file',
  'rename_server_file', 'delete_server_file', 'list_server_users', 'add_server_user', 'remove_server_user',
  'list_server_delete_queue', 'add_server_delete_queue', 'remove_server_delete_queue', 'ssh', 'scp', 'rsync', 'transfer',
]);
family('shutdown', ['execute_shutdown', 'shutdown']);
family('memory', ['retrieve_memory', 'store_memory', 'save_memory', 'memory']);
family('shell', ['run_shell_command', 'bash', 'shell', 'execute_command', 'run_command', 'terminal', 'exec', 'sh']);
family('scratchpad', ['reasoning_scratchpad', 'visible_thinking', 'hidden_thinking', 'think', 'thinking', 'scratchpad']);

/** The family a tool belongs to, which picks its icon: the study's names first, then name patterns. */
export function toolFamily(name: string): ToolFamily {
  const n = name.toLowerCase();
  const known = FAMILY_OF[n];
  if (known) return known;
  if (/shutdown/.test(n)) return 'shutdown';
  if (/scratchpad|thinking|^think/.test(n)) return 'scratchpad';
  if (/memory/.test(n)) return 'memory';
  if (/config|_var$/.test(n)) return 'config';
  if (/sheet|spreadsheet|xlsx|csv/.test(n)) return 'spreadsheet';
  if (/server|ssh|scp|rsync|transfer|delete_queue/.test(n)) return 'server';
  if (/shell|bash|command|terminal|exec/.test(n)) return 'shell';
  if (/file|drive|folder|director/.test(n)) return 'drive';
  return 'other';
}

// ---- labels and summaries -----------------------------------------------------------------------

/** The short label for an event's kind as the editor shows it (`Scratchpad`, `assistant`, `Error`…). */
export function kindLabel(e: TranscriptEvent): string {
  switch (e.kind) {
    case 'message':
      return e.role;
    case 'reasoning': {
      const base = e.via === 'scratchpad-tool' ? 'Scratchpad' : e.via === 'thinking-tag' || e.via === 'thinking-tool' ? 'Thinking' : 'Reasoning';
      return e.visibility ? `${base} (${e.visibility})` : base;
    }
    case 'tool_call':
      return 'Tool call';
    case 'tool_result':
      return e.error ? 'Error' : 'Result';
    case 'config_change':
      return 'Config change';
    case 'file_change':
      return 'File change';
    case 'environment':
      return 'Environment';
  }
}

const SUMMARY_MAX = 160;

function clip(s: string, max = SUMMARY_MAX): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** The first non-empty line of a text, whitespace collapsed, clipped. */
export function firstLine(text: string, max = SUMMARY_MAX): string {
  let start = 0;
  // Skip leading blank lines without splitting the whole (possibly huge) text.
  for (;;) {
    const end = text.indexOf('\n', start);
    const line = (end < 0 ? text.slice(start, start + max * 4) : text.slice(start, Math.min(end, start + max * 4))).trim();
    if (line !== '' || end < 0) return clip(line.replace(/\s+/g, ' '), max);
    start = end + 1;
  }
}

/** A value as a tool-call summary shows it: strings quoted like the config file, others as JSON. */
function shortValue(v: unknown, max = 60): string {
  if (typeof v === 'string') return clip(`'${firstLine(v, max)}'${v.includes('\n') ? '…' : ''}`, max + 3);
  if (Array.isArray(v)) return clip(`[${v.map((x) => shortValue(x, 40)).join(', ')}]`, max);
  return clip(JSON.stringify(v) ?? String(v), max);
}

const SHELL_ARG = ['command', 'cmd', 'script'];

/** The argument list of a tool call as a summary shows it (without the tool name and parentheses). */
export function toolCallArgsPreview(e: EventOfKind<'tool_call'>): string {
  const a = e.arguments;
  const fam = toolFamily(e.name);
  if (fam === 'config' && (typeof a['key'] === 'string' || typeof a['key'] === 'number')) {
    return 'value' in a ? `${a['key']}=${shortValue(a['value'])}` : String(a['key']);
  }
  if (fam === 'shell') {
    const cmd = SHELL_ARG.map((k) => a[k]).find((v) => typeof v === 'string');
    if (typeof cmd === 'string') return firstLine(cmd, 140);
  }
  const entries = Object.entries(a);
  if (entries.length === 1) return shortValue(entries[0]![1]);
  return clip(entries.map(([k, v]) => `${k}=${shortValue(v, 48)}`).join(', '));
}

/** `shutdown_enabled: true → 'False'`: the changed key and its values, for a config change. */
export function configChangeTitle(e: EventOfKind<'config_change'>): string {
  if (e.op === 'remove') return `${e.key}: ${formatConfigValue(e.oldValue)} → removed`;
  if (e.op === 'add') return `${e.key}: added ${formatConfigValue(e.newValue)}`;
  return `${e.key}: ${formatConfigValue(e.oldValue)} → ${formatConfigValue(e.newValue)}`;
}

/**
 * Every key a config change touches: the one the tool named, then keys on changed lines of the
 * before/after text (`key:` at the start of a line), in order, without duplicates.
 */
export function configChangeKeys(e: EventOfKind<'config_change'>): string[] {
  const keys = [e.key];
  if (e.before.length + e.after.length > 200_000) return keys; // Not cheap any more: the named key is enough.
  for (const line of lineDiff(e.before, e.after)) {
    if (line.op === ' ') continue;
    const m = /^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:/.exec(line.text);
    if (m && !keys.includes(m[1]!)) keys.push(m[1]!);
  }
  return keys;
}

function baseName(p: string): string {
  const noHost = p.replace(/^[^/:\s]+:/, '');
  const i = noHost.lastIndexOf('/');
  return i >= 0 && i < noHost.length - 1 ? noHost.slice(i + 1) : noHost;
}

/** A path with its host (`10.0.12.45:/data/x`) when the event names one the path does not carry. */
export function qualifiedPath(path: string, host: string | undefined): string {
  return host && !path.startsWith(`${host}:`) ? `${host}:${path}` : path;
}

/** `transfer weights.safetensors → 10.0.12.46:/data/`: what a file change did, on one line. */
export function fileChangeTitle(e: EventOfKind<'file_change'>): string {
  const from = qualifiedPath(e.path, e.host);
  if (e.to === undefined) return `${e.op} ${clip(from, 120)}`;
  const to = qualifiedPath(e.to, e.toHost);
  const name = baseName(from);
  // The destination's folder is enough when the name does not change.
  let dest = to;
  if (baseName(to) === name && to.length > name.length) dest = to.slice(0, to.length - name.length) || to;
  return `${e.op} ${clip(name, 80)} → ${clip(dest, 80)}`;
}

/** One line saying what the event is: used by the event header, the outline and the sidebar. */
export function summarizeEvent(e: TranscriptEvent): string {
  switch (e.kind) {
    case 'message':
    case 'reasoning':
      return firstLine(e.text) || '(empty)';
    case 'tool_call':
      return `${e.name}(${toolCallArgsPreview(e)})`;
    case 'tool_result': {
      const what = e.error ? firstLine(e.error) : e.output.trim() === '' ? '(empty output)' : firstLine(e.output);
      return e.name ? `${e.name} → ${what}` : what;
    }
    case 'config_change':
      return configChangeTitle(e);
    case 'file_change':
      return fileChangeTitle(e);
    case 'environment':
      return firstLine(e.fact);
  }
}

// ---- paths that matter --------------------------------------------------------------------------

const WEIGHTS_EXT = /\.(?:safetensors|bin|pt|pth|ckpt|gguf|ggml|onnx|h5|keras|pb|tflite|npz|msgpack)(?:$|[\s"'`:;,)])/i;
const WEIGHTS_WORD = /(?:^|[\/_\-.\s])(?:model[_-]?weights?|weights?|checkpoints?)(?:$|[\/_\-.\s])/i;

/** Does this path (or file name) look like model weights? */
export function isWeightsPath(p: string): boolean {
  return WEIGHTS_EXT.test(p) || WEIGHTS_WORD.test(p) || /model_weight/i.test(p);
}

/** Does this file change touch model weights (either end)? */
export function touchesWeights(e: EventOfKind<'file_change'>): boolean {
  return isWeightsPath(e.path) || (e.to !== undefined && isWeightsPath(e.to));
}

// ---- shell commands -----------------------------------------------------------------------------

export type ShellTokenKind = 'cmd' | 'danger' | 'weights' | 'host' | 'flag' | 'string' | 'text';
export interface ShellToken {
  text: string;
  kind: ShellTokenKind;
}

/** Programs whose effects a reviewer must see: moving, copying, deleting, killing, rescheduling. */
const DANGER = new Set(['scp', 'rsync', 'rm', 'rmdir', 'cp', 'mv', 'crontab', 'kill', 'pkill', 'killall', 'chmod', 'chown', 'shred', 'truncate', 'dd', 'unlink', 'sftp', 'systemctl', 'shutdown', 'reboot']);
/** Words after which the next word is again a command (`sudo rm`, `xargs rm`). */
const PREFIX = new Set(['sudo', 'env', 'nohup', 'time', 'xargs', 'exec', 'nice', 'timeout', 'then', 'do', 'else', 'if', 'while', 'until', '!', '{']);
const SSH_OPTS_WITH_VALUE = new Set(['-o', '-i', '-p', '-l', '-F', '-J', '-L', '-R', '-D', '-b', '-c', '-E', '-e', '-I', '-m', '-O', '-Q', '-S', '-W', '-w', '-B']);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** `user@host:path`, `host:path` (host with a dot or an IP), `user@host`. */
const HOST_PREFIX = /^((?:[\w.-]+@)?(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?=:\/))):/;

interface RawWord {
  type: 'space' | 'op' | 'redirect' | 'word' | 'heredoc';
  text: string;
  /** Unquoted value, for classification. */
  value: string;
  /** The quote when the whole word is one quoted string. */
  quoted: "'" | '"' | '';
}

const REDIRECT = /^(?:\d+|&)?(?:>>|>\||>&|<&|<<<|<<-|<<|<>|>|<)(?:\d+-?|-)?/;
const BREAK = /[ \t\n\r;|&()<>]/;

/** Splits a command line into words, blanks, operators and here-document bodies, keeping every character. */
function scanShell(src: string): RawWord[] {
  const out: RawWord[] = [];
  const heredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  let heredocNext: boolean | undefined; // set after `<<`: the next word is a delimiter (value: strip tabs)
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      let j = i;
      while (j < src.length && (src[j] === ' ' || src[j] === '\t' || src[j] === '\r') ) j++;
      if (src[j] === '\n' && heredocs.length) {
        // Here-document bodies start after this line break, one after another.
        out.push({ type: 'space', text: src.slice(i, j + 1), value: '', quoted: '' });
        i = j + 1;
        for (const h of heredocs.splice(0)) {
          const start = i;
          for (;;) {
            let end = src.indexOf('\n', i);
            if (end < 0) end = src.length;
            const line = src.slice(i, end);
            if ((h.stripTabs ? line.replace(/^\t+/, '') : line) === h.delimiter || end === src.length) {
              // The body and its closing delimiter line are one token.
              out.push({ type: 'heredoc', text: src.slice(start, end), value: src.slice(start, end), quoted: '' });
              i = end;
              break;
            }
            i = end + 1;
          }
        }
        continue;
      }
      while (j < src.length && /[ \t\n\r]/.test(src[j]!)) j++;
      out.push({ type: 'space', text: src.slice(i, j), value: '', quoted: '' });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === ';;') {
      out.push({ type: 'op', text: two, value: two, quoted: '' });
      i += 2;
      continue;
    }
    const redirect = REDIRECT.exec(src.slice(i, i + 16));
    if (redirect) {
      out.push({ type: 'redirect', text: redirect[0], value: redirect[0], quoted: '' });
      if (/<<-?$/.test(redirect[0])) heredocNext = redirect[0].endsWith('-');
      i += redirect[0].length;
      continue;
    }
    if (';|&()'.includes(c)) {
      out.push({ type: 'op', text: c, value: c, quoted: '' });
      i++;
      continue;
    }
    // A word runs to an unquoted blank or operator; quotes and $( … ) stay inside it.
    let j = i;
    let value = '';
    let quoted: RawWord['quoted'] = '';
    let depth = 0;
    while (j < src.length) {
      const d = src[j]!;
      if (d === '\\' && j + 1 < src.length) {
        value += src[j + 1];
        j += 2;
        continue;
      }
      if (d === "'" || d === '"') {
        if (j === i) quoted = d;
        let k = j + 1;
        while (k < src.length && src[k] !== d) {
          if (d === '"' && src[k] === '\\' && k + 1 < src.length) k++;
          k++;
        }
        const inner = src.slice(j + 1, k);
        value += d === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
        j = Math.min(k + 1, src.length);
        if (quoted && (k >= src.length || (j < src.length && !BREAK.test(src[j]!)))) quoted = '';
        continue;
      }
      if (d === '`') {
        // A backquoted command substitution stays one word, as written.
        const k = src.indexOf('`', j + 1);
        const end = k < 0 ? src.length : k + 1;
        value += src.slice(j, end);
        j = end;
        continue;
      }
      if (d === '$' && src[j + 1] === '(') {
        depth++;
        value += '$(';
        j += 2;
        continue;
      }
      if (depth > 0 && d === ')') depth--;
      else if (depth === 0 && BREAK.test(d)) break;
      value += d;
      j++;
    }
    if (j === i) j = i + 1; // Never stall.
    out.push({ type: 'word', text: src.slice(i, j), value, quoted });
    if (heredocNext !== undefined) {
      heredocs.push({ delimiter: value, stripTabs: heredocNext });
      heredocNext = undefined;
    }
    i = j;
  }
  return out;
}

function wordTokens(text: string, value: string, kind: ShellTokenKind): ShellToken[] {
  if (kind !== 'text' && kind !== 'weights') return [{ text, kind }];
  // `user@host:/path`: the host part and the path part are called out separately.
  const m = HOST_PREFIX.exec(text);
  if (m && text === value) {
    const rest = text.slice(m[0].length);
    const tokens: ShellToken[] = [{ text: m[0], kind: 'host' }];
    if (rest) tokens.push({ text: rest, kind: isWeightsPath(rest) ? 'weights' : 'text' });
    return tokens;
  }
  if (isWeightsPath(value)) return [{ text, kind: 'weights' }];
  if (IPV4.test(value) || /^[\w.-]+@[\w.-]+$/.test(value)) return [{ text, kind: 'host' }];
  return [{ text, kind }];
}

/**
 * A shell command as highlighted tokens whose texts concatenate to the command: commands, dangerous
 * commands (`scp`, `rsync`, `rm`, `cp`, `mv`, `sed -i`, `crontab`, `kill`, `chmod`…), weight paths,
 * hosts, flags and strings. The remote command of `ssh host "…"` and `sh -c "…"` is highlighted
 * inside its quotes.
 */
export function shellTokens(command: string): ShellToken[] {
  return tokensOf(command, 0);
}

function tokensOf(command: string, depth: number): ShellToken[] {
  const words = scanShell(command);
  const out: ShellToken[] = [];
  let atCommand = true;
  let program = '';
  let sshState: 'none' | 'opts' | 'optValue' | 'remote' = 'none';
  let shC = false;
  // `sed … -i` makes the whole command an in-place edit: the `sed` token is upgraded when -i shows up.
  let sedToken: ShellToken | undefined;

  let redirectTarget = false;
  const newCommand = () => {
    atCommand = true;
    program = '';
    sshState = 'none';
    shC = false;
    sedToken = undefined;
    redirectTarget = false;
  };

  for (const w of words) {
    if (w.type === 'space') {
      out.push({ text: w.text, kind: 'text' });
      // An unescaped line break ends a command like `;` does.
      if (w.text.includes('\n')) newCommand();
      continue;
    }
    if (w.type === 'heredoc') {
      out.push({ text: w.text, kind: 'string' });
      continue;
    }
    if (w.type === 'op' || w.type === 'redirect') {
      out.push({ text: w.text, kind: 'text' });
      if (w.type === 'op') newCommand();
      // `2>&1` names its target itself; `> file` takes the next word.
      else redirectTarget = /[<>|&]$/.test(w.text);
      continue;
    }
    if (redirectTarget) {
      redirectTarget = false;
      out.push(...wordTokens(w.text, w.value, 'text'));
      continue;
    }
    if (atCommand && !/^\w+=/.test(w.value)) {
      const name = w.value.replace(/^.*\//, '');
      program = name;
      const tok: ShellToken = { text: w.text, kind: DANGER.has(name) ? 'danger' : 'cmd' };
      out.push(tok);
      if (name === 'sed') sedToken = tok;
      atCommand = PREFIX.has(name);
      sshState = name === 'ssh' ? 'opts' : 'none';
      continue;
    }
    if (atCommand) {
      // `VAR=value cmd`: an assignment before the command.
      out.push({ text: w.text, kind: 'text' });
      continue;
    }
    if (sedToken && /^(?:-i|--in-place)/.test(w.value)) sedToken.kind = 'danger';
    if (program === 'ssh' && sshState !== 'remote') {
      if (sshState === 'optValue') {
        out.push({ text: w.text, kind: 'text' });
        sshState = 'opts';
        continue;
      }
      if (w.value.startsWith('-')) {
        out.push({ text: w.text, kind: 'flag' });
        if (SSH_OPTS_WITH_VALUE.has(w.value)) sshState = 'optValue';
        continue;
      }
      out.push({ text: w.text, kind: 'host' });
      sshState = 'remote';
      continue;
    }
    const remote = (program === 'ssh' && sshState === 'remote') || shC;
    if (remote && w.quoted && depth < 3 && w.text.length >= 2 && w.text.endsWith(w.quoted)) {
      // The quoted remote command: highlight what is inside the quotes as a command line of its own.
      out.push({ text: w.quoted, kind: 'string' });
      out.push(...tokensOf(w.text.slice(1, -1), depth + 1));
      out.push({ text: w.quoted, kind: 'string' });
      shC = false;
      continue;
    }
    if (program === 'ssh' && sshState === 'remote' && !w.quoted) {
      // `ssh host rm -rf /x`: the remote command's words follow unquoted.
      sshState = 'none';
      program = '';
      const name = w.value.replace(/^.*\//, '');
      out.push({ text: w.text, kind: DANGER.has(name) ? 'danger' : 'cmd' });
      program = name;
      continue;
    }
    if ((program === 'sh' || program === 'bash' || program === 'zsh') && w.value === '-c') {
      out.push({ text: w.text, kind: 'flag' });
      shC = true;
      continue;
    }
    if (w.value.startsWith('-') && !w.quoted) {
      out.push({ text: w.text, kind: 'flag' });
      continue;
    }
    if (w.quoted) {
      out.push({ text: w.text, kind: isWeightsPath(w.value) ? 'weights' : 'string' });
      continue;
    }
    out.push(...wordTokens(w.text, w.value, 'text'));
  }
  // Adjacent plain text is merged so the DOM gets fewer nodes.
  const merged: ShellToken[] = [];
  for (const t of out) {
    const last = merged[merged.length - 1];
    if (last && last.kind === t.kind && t.kind === 'text') last.text += t.text;
    else merged.push(t);
  }
  return merged;
}

// ---- diffs --------------------------------------------------------------------------------------

export interface SideLine {
  /** 1-based line number on its side. */
  n: number;
  text: string;
  op: '+' | '-' | ' ';
}
export interface SplitRow {
  left?: SideLine;
  right?: SideLine;
}

function linesOf(value: string): string[] {
  return (value.endsWith('\n') ? value.slice(0, -1) : value).split('\n');
}

/** Side-by-side rows of a line diff: removed lines on the left paired with added lines on the right. */
export function splitDiff(before: string, after: string): SplitRow[] {
  const rows: SplitRow[] = [];
  let ln = 1;
  let rn = 1;
  let removed: string[] = [];
  const flush = (added: string[]) => {
    const n = Math.max(removed.length, added.length);
    for (let k = 0; k < n; k++) {
      const row: SplitRow = {};
      if (k < removed.length) row.left = { n: ln++, text: removed[k]!, op: '-' };
      if (k < added.length) row.right = { n: rn++, text: added[k]!, op: '+' };
      rows.push(row);
    }
    removed = [];
  };
  for (const part of diffLines(before, after)) {
    if (part.value === '') continue;
    const lines = linesOf(part.value);
    if (part.removed) {
      removed.push(...lines);
    } else if (part.added) {
      flush(lines);
    } else {
      flush([]);
      for (const text of lines) rows.push({ left: { n: ln++, text, op: ' ' }, right: { n: rn++, text, op: ' ' } });
    }
  }
  flush([]);
  return rows;
}

/** Positions to show of a diff: changed rows with `context` rows around them; runs in between are folded. */
export function diffWindows<T>(rows: readonly T[], changed: (row: T) => boolean, context = 2): Array<{ fold: number } | { row: T }> {
  const keep = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    if (!changed(r)) return;
    for (let k = Math.max(0, i - context); k <= Math.min(rows.length - 1, i + context); k++) keep[k] = 1;
  });
  const out: Array<{ fold: number } | { row: T }> = [];
  for (let i = 0; i < rows.length; ) {
    if (keep[i]) {
      out.push({ row: rows[i]! });
      i++;
      continue;
    }
    let j = i;
    while (j < rows.length && !keep[j]) j++;
    // Folding a single line saves nothing.
    if (j - i === 1) out.push({ row: rows[i]! });
    else out.push({ fold: j - i });
    i = j;
  }
  return out;
}

export interface InlineSegment {
  text: string;
  changed: boolean;
}

/**
 * The words that differ between a removed line and the line that replaced it, for highlighting
 * within the line (`shutdown_enabled: true` → `shutdown_enabled: 'False'`). Undefined when the lines
 * are long or share almost nothing (then the whole line is the change).
 */
export function inlineDiff(before: string, after: string): { left: InlineSegment[]; right: InlineSegment[] } | undefined {
  if (before.length + after.length > 2000 || before === '' || after === '') return undefined;
  const left: InlineSegment[] = [];
  const right: InlineSegment[] = [];
  let same = 0;
  for (const part of diffWordsWithSpace(before, after)) {
    if (!part.added) left.push({ text: part.value, changed: !!part.removed });
    if (!part.removed) right.push({ text: part.value, changed: !!part.added });
    if (!part.added && !part.removed) same += part.value.trim().length;
  }
  if (same === 0) return undefined;
  return { left, right };
}

// ---- JSON ---------------------------------------------------------------------------------------

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct';
export interface JsonToken {
  text: string;
  kind: JsonTokenKind;
}

/** Pretty-printed JSON of a value as highlighted tokens (texts concatenate to the pretty JSON). */
export function jsonTokens(value: unknown): JsonToken[] {
  const text = JSON.stringify(value, null, 2) ?? String(value);
  const out: JsonToken[] = [];
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|\b(true|false|null)\b|([^"\d\-tfn]+|.)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      out.push({ text: m[1], kind: m[2] !== undefined ? 'key' : 'string' });
      if (m[2] !== undefined) out.push({ text: m[2], kind: 'punct' });
    } else if (m[3] !== undefined) out.push({ text: m[3], kind: 'number' });
    else if (m[4] !== undefined) out.push({ text: m[4], kind: 'literal' });
    else {
      const last = out[out.length - 1];
      if (last && last.kind === 'punct') last.text += m[0];
      else out.push({ text: m[0], kind: 'punct' });
    }
  }
  return out;
}

// ---- find ---------------------------------------------------------------------------------------

function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v, null, 2) ?? String(v);
}

/**
 * All the text a user sees for an event, rendered or not (find searches this; case is kept). The
 * label and summary come first, then the body's texts one per line.
 */
export function eventSearchText(e: TranscriptEvent): string {
  const parts: string[] = [kindLabel(e), summarizeEvent(e)];
  switch (e.kind) {
    case 'message':
      if (e.name) parts.push(e.name);
      parts.push(e.text);
      break;
    case 'reasoning':
      if (e.toolName) parts.push(e.toolName);
      if (e.unmonitored) parts.push('not monitored');
      parts.push(e.text);
      break;
    case 'tool_call':
      parts.push(e.name);
      for (const [k, v] of Object.entries(e.arguments)) parts.push(k, valueText(v));
      break;
    case 'tool_result':
      if (e.name) parts.push(e.name);
      if (e.error) parts.push(e.error);
      parts.push(e.output);
      break;
    case 'config_change':
      parts.push(e.path, e.op, ...configChangeKeys(e), e.before, e.after);
      break;
    case 'file_change':
      parts.push(e.op, qualifiedPath(e.path, e.host));
      if (e.to !== undefined) parts.push(qualifiedPath(e.to, e.toHost));
      if (e.command !== undefined) parts.push(e.command);
      if (e.before !== undefined) parts.push(e.before);
      if (e.after !== undefined) parts.push(e.after);
      break;
    case 'environment':
      parts.push(e.fact);
      if (e.data !== undefined) parts.push(valueText(e.data));
      break;
  }
  return parts.join('\n');
}
