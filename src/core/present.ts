/**
 * How events are presented: tool families, one-line summaries, shell-command highlighting,
 * side-by-side diff rows and the text find searches. Shared by the webview (render.ts), the host
 * (outline, find over unrendered events) and the CLI.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import { formatConfigValue, lineDiff } from './diff';
import type { EventOfKind, RunHeader, TranscriptEvent } from './model';
import { MAX_SHELL_DEPTH, resolveCommand, type WordRole } from './shell/commands';
import { parseShell, type ShellWord } from './shell/parse';
import { programName } from './shell/programs';
import { imageLabel } from './images';
import { pushAll } from './arrays';

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
      return firstLine(e.text) || (e.images?.length ? imageLabel(e.images[0]!) : '(empty)');
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
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** `user@host:path`, `host:path` (host with a dot or an IP), `user@host`. */
const HOST_PREFIX = /^((?:[\w.-]+@)?(?:\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?=:\/))):/;

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
 * hosts, flags and strings. The command is read by the core's one shell reader (core/shell), so
 * what is marked as a command is what the importers and detectors read as one; the remote command
 * of `ssh host "…"` and the script of `sh -c "…"` are highlighted inside their quotes.
 */
export function shellTokens(command: string): ShellToken[] {
  const out: ShellToken[] = [];
  tokensOf(command, 0, out);
  // Adjacent plain text is merged so the DOM gets fewer nodes.
  const merged: ShellToken[] = [];
  for (const t of out) {
    const last = merged[merged.length - 1];
    if (last && last.kind === t.kind && t.kind === 'text') last.text += t.text;
    else merged.push(t);
  }
  return merged;
}

interface WordLook {
  role: WordRole;
  danger?: boolean;
}

/** The role of each word of a simple command, following an unquoted ssh remote command. */
function lookOfWords(words: readonly ShellWord[], looks: Map<ShellWord, WordLook>, depth: number): void {
  const argv = words.map((w) => w.value);
  const r = resolveCommand(argv);
  words.forEach((w, k) => looks.set(w, { role: r.roles[k]! }));
  if (r.command >= 0) {
    const name = programName(argv[r.command]!);
    // `sed … -i` is an in-place edit; plain sed only prints.
    const danger = DANGER.has(name) || (name === 'sed' && argv.slice(r.command + 1).some((a) => /^-[a-zA-Z]*i|^--in-place/.test(a)));
    looks.set(words[r.command]!, { role: 'command', danger });
  }
  const script = r.script;
  // `ssh host rm -rf /x`: the remote command's words follow unquoted; a quoted script is read inside its quotes.
  if (script && r.host !== undefined && depth < MAX_SHELL_DEPTH && !(words.length - script.word === 1 && isWholeQuote(words[script.word]!))) {
    lookOfWords(words.slice(script.word), looks, depth + 1);
  }
}

function isWholeQuote(w: ShellWord): boolean {
  return w.quote !== '' && w.end - w.start >= 2;
}

function tokensOf(src: string, depth: number, out: ShellToken[]): void {
  const { lexemes, commands } = parseShell(src);
  const looks = new Map<ShellWord, WordLook>();
  for (const cmd of commands) lookOfWords(cmd.words, looks, depth);
  for (const lx of lexemes) {
    const text = src.slice(lx.start, lx.end);
    const w = lx.word;
    if (lx.kind === 'heredoc') {
      out.push({ text, kind: 'string' });
      continue;
    }
    if (!w) {
      out.push({ text, kind: 'text' });
      continue;
    }
    const look = lx.redirectTarget ? undefined : looks.get(w);
    // A script is highlighted inside its quotes; unquoted, its words read as arguments.
    const role = look?.role === 'script' && !(isWholeQuote(w) && depth < MAX_SHELL_DEPTH) ? 'argument' : look?.role;
    switch (role) {
      case 'assign':
        out.push({ text, kind: 'text' });
        break;
      case 'keyword':
      case 'wrapper':
        out.push({ text, kind: 'cmd' });
        break;
      case 'command':
        out.push({ text, kind: look?.danger ? 'danger' : 'cmd' });
        break;
      case 'option':
        out.push({ text, kind: 'flag' });
        break;
      case 'host':
        out.push({ text, kind: 'host' });
        break;
      case 'script':
        // The quoted script: what is inside the quotes is highlighted as a command line of its own.
        out.push({ text: w.quote, kind: 'string' });
        tokensOf(text.slice(1, -1), depth + 1, out);
        out.push({ text: w.quote, kind: 'string' });
        break;
      case 'argument':
        if (w.value.startsWith('-') && !w.quote) out.push({ text, kind: 'flag' });
        else if (w.quote) out.push({ text, kind: isWeightsPath(w.value) ? 'weights' : 'string' });
        else pushAll(out, wordTokens(text, w.value, 'text'));
        break;
      default:
        // Redirection targets and option values.
        pushAll(out, wordTokens(text, w.value, 'text'));
    }
  }
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
      pushAll(removed, lines);
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

// ---- the reader that read a run -----------------------------------------------------------------

/** "Read as <reader> (<format>)", when the header names its reader. */
export function readerLine(h: Pick<RunHeader, 'format' | 'reader'>): string | undefined {
  return h.reader ? `Read as ${h.reader.name} (${h.format})` : undefined;
}

/** "Guessed: no known format matched; read <path> — <note>", when the run was found by a guess. */
export function guessLine(h: Pick<RunHeader, 'reader'>): string | undefined {
  const g = h.reader?.guess;
  return g ? `Guessed: no known format matched; read ${g.path} — ${g.note}` : undefined;
}
