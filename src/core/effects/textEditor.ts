/**
 * The text-editor tool shape agents get from Inspect (`text_editor`) and Anthropic
 * (`str_replace_based_edit_tool`, `str_replace_editor`): one tool, a `command` verb and a `path`,
 * with `file_text` (create), `old_str`/`new_str` (str_replace), `insert_line`/`new_str` (insert);
 * `view` reads, `undo_edit` reverts the last edit. The shape is read from the arguments, not the
 * tool's name, so any tool with this shape counts.
 *
 * `textEditorEdit` reads one call alone (before/after are the fragments the call sends);
 * `TextEditorReplay` follows a run's calls in order and gives whole files before and after when
 * the file's text is known (created, or shown whole by `view`, earlier in the run).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

const EDIT_COMMANDS = new Set(['create', 'str_replace', 'insert', 'undo_edit']);

export interface TextEditorEdit {
  op: 'create' | 'edit';
  path: string;
  before?: string;
  after?: string;
}

/** The verb and path of a text-editor call, or undefined when the arguments do not have that shape. */
function editorCall(args: Record<string, unknown>): { command: string; path: string } | undefined {
  const command = args['command'];
  const path = args['path'];
  if (typeof command !== 'string' || typeof path !== 'string' || path === '') return undefined;
  if (command !== 'view' && !EDIT_COMMANDS.has(command)) return undefined;
  return { command, path };
}

/**
 * The file change one text-editor call makes, from its arguments alone: `create` gives the new
 * file's text, `str_replace` the replaced fragment and its replacement, `insert` the inserted text
 * (before it: nothing), `undo_edit` the path only. Undefined for `view` and for other shapes.
 */
export function textEditorEdit(args: Record<string, unknown>): TextEditorEdit | undefined {
  const call = editorCall(args);
  if (!call || call.command === 'view') return undefined;
  const path = call.path;
  const s = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  switch (call.command) {
    case 'create': {
      const text = s('file_text');
      return text === undefined ? { op: 'create', path } : { op: 'create', path, after: text };
    }
    case 'str_replace': {
      const edit: TextEditorEdit = { op: 'edit', path };
      if (s('old_str') !== undefined) edit.before = s('old_str');
      edit.after = s('new_str') ?? '';
      return edit;
    }
    case 'insert':
      return { op: 'edit', path, before: '', after: s('new_str') ?? '' };
    default:
      return { op: 'edit', path };
  }
}

/** `cat -n` output as the editor's `view` prints it (`     1\tline`), back to the file's text. */
function unnumbered(output: string): string | undefined {
  if (/<response clipped>/.test(output)) return undefined;
  const lines = output.split('\n');
  // A header line ("Here's the result of running `cat -n` on /x:") comes first.
  if (lines.length && !/^\s*\d+\t/.test(lines[0]!)) lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^\s*(\d+)\t(.*)$/.exec(line);
    if (!m || Number(m[1]) !== i + 1) return undefined;
    out.push(m[2]!);
  }
  return out.length ? out.join('\n') + '\n' : undefined;
}

/**
 * Characters of whole-file text (each edit's file before plus after) one run's edits may copy. Each
 * edit of a known file copies it whole, and its before and after are kept with the event, so a run
 * of many edits to a long file cost edits × file size: 8,000 `str_replace` calls on an 8,000-line
 * file (a log of 3.7 MB) took 4.3 s and 2.9 GB. A coding run of a few hundred edits to files of
 * some tens of kilobytes stays inside this.
 */
export const EDITOR_TEXT_BUDGET = 32_000_000;

/**
 * Follows a run's text-editor calls in order, so each edit can be shown as the whole file before and
 * after. A file's text is known once the run created it or viewed it whole; until then an edit is
 * shown as its fragments (`textEditorEdit`). Past `EDITOR_TEXT_BUDGET` no file is known any more:
 * every later edit shows its fragments, and `takeBudgetWarning` says from which edit on.
 */
export class TextEditorReplay {
  private readonly files = new Map<string, string>();
  private readonly history = new Map<string, string[]>();
  /** Characters of whole-file text copied so far, edits replayed, and the edit the budget ran out at. */
  private copied = 0;
  private edits = 0;
  private stoppedAt: number | undefined;
  private warned = false;

  /**
   * Where and why whole files stopped being shown, the first time it is asked after they did (a
   * reader raises it once, as a warning after the edit that crossed the budget); else undefined.
   */
  takeBudgetWarning(): string | undefined {
    if (this.stoppedAt === undefined || this.warned) return undefined;
    this.warned = true;
    return `text editor edits from edit ${this.stoppedAt} on show the fragments the calls sent, not the whole file before and after: the run's whole-file texts passed ${EDITOR_TEXT_BUDGET.toLocaleString('en-US')} characters`;
  }

  /**
   * Records one answered call (`failed`: its answer was an error, so nothing changed) and returns
   * its edit, with whole-file before/after when known; undefined for a view or another shape.
   */
  apply(args: Record<string, unknown>, output: string | undefined, failed: boolean): TextEditorEdit | undefined {
    const call = editorCall(args);
    if (!call) return undefined;
    const { command, path } = call;
    if (command === 'view') {
      if (this.stoppedAt === undefined && !failed && output !== undefined && args['view_range'] === undefined) {
        const text = unnumbered(output);
        if (text !== undefined) this.files.set(path, text);
      }
      return undefined;
    }
    const edit = textEditorEdit(args);
    if (!edit || failed) return edit;
    this.edits++;
    if (this.stoppedAt !== undefined) return edit;
    const known = this.files.get(path);
    let next: string | undefined;
    if (command === 'create') next = typeof args['file_text'] === 'string' ? args['file_text'] : undefined;
    else if (command === 'str_replace' && known !== undefined && typeof args['old_str'] === 'string') {
      const old = args['old_str'];
      const at = known.indexOf(old);
      // The tool refuses a fragment that is missing or found twice: then the file is no longer known.
      if (at >= 0 && known.indexOf(old, at + 1) < 0) next = known.slice(0, at) + (typeof args['new_str'] === 'string' ? args['new_str'] : '') + known.slice(at + old.length);
    } else if (command === 'insert' && known !== undefined && typeof args['insert_line'] === 'number' && typeof args['new_str'] === 'string') {
      const lines = known.endsWith('\n') ? known.slice(0, -1).split('\n') : known.split('\n');
      const n = args['insert_line'];
      if (Number.isInteger(n) && n >= 0 && n <= lines.length) {
        const added = args['new_str'].endsWith('\n') ? args['new_str'].slice(0, -1) : args['new_str'];
        lines.splice(n, 0, ...added.split('\n'));
        next = lines.join('\n') + '\n';
      }
    } else if (command === 'undo_edit') next = this.history.get(path)?.pop();
    if (next === undefined) {
      this.files.delete(path);
      return edit;
    }
    this.copied += (known?.length ?? 0) + next.length;
    if (this.copied > EDITOR_TEXT_BUDGET) {
      // Past the budget: this edit and every later one show their fragments; the files and their
      // undo history are let go.
      this.stoppedAt = this.edits;
      this.files.clear();
      this.history.clear();
      return edit;
    }
    if (command !== 'undo_edit' && known !== undefined) {
      const h = this.history.get(path) ?? [];
      h.push(known);
      this.history.set(path, h);
    }
    this.files.set(path, next);
    return command === 'create' ? { op: 'create', path, after: next } : { op: 'edit', path, ...(known !== undefined ? { before: known } : {}), after: next };
  }
}
