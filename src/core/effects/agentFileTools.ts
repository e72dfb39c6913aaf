/**
 * File edits made with coding agents' own file tools, which change files without a shell command:
 * Gemini CLI's `write_file` / `replace`, OpenCode's `write` / `edit`, Claude Code's `Write` / `Edit` /
 * `MultiEdit`, and the editor tools that take a verb (`str_replace_editor` of SWE-agent and OpenHands,
 * Anthropic's `text_editor` / `str_replace_based_edit_tool`: `create`, `str_replace`, `insert`,
 * `undo_edit`; `view` is a read). Tool names are compared without case (`Write` and `write` alike).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { toolError } from './toolOutput';

export interface AgentFileEdit {
  op: 'create' | 'edit';
  path: string;
  before?: string;
  after?: string;
}

function firstString(args: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) if (typeof args[n] === 'string') return args[n] as string;
  return undefined;
}

function fragments(op: AgentFileEdit['op'], path: string, before: string | undefined, after: string | undefined): AgentFileEdit {
  const edit: AgentFileEdit = { op, path };
  if (before !== undefined) edit.before = before;
  if (after !== undefined) edit.after = after;
  return edit;
}

/** The edit a coding agent's file tool made, or undefined for other tools, reads and failed calls. */
export function agentFileEdit(name: string, args: Record<string, unknown>, output: string | undefined): AgentFileEdit | undefined {
  if (output !== undefined && toolError(output) !== undefined) return undefined;
  const path = firstString(args, 'file_path', 'filePath', 'path', 'absolute_path', 'filename', 'notebook_path');
  if (!path) return undefined;
  const tool = name.toLowerCase();
  // Editors whose `command` argument is a verb (text_editor, str_replace_editor, …) are read by textEditor.ts.
  if (tool === 'write_file' || tool === 'write' || tool === 'create') {
    return fragments('create', path, undefined, firstString(args, 'content', 'text', 'file_text'));
  }
  if (tool === 'replace' || tool === 'edit') {
    // These tools send only the replaced fragment, so before/after are the fragments, not the file.
    return fragments('edit', path, firstString(args, 'old_string', 'oldString', 'old_str', 'search'), firstString(args, 'new_string', 'newString', 'new_str', 'replace', 'replacement'));
  }
  if (tool === 'multiedit' || tool === 'multi_edit') {
    // Several replacements in one file: the fragments one after the other, in the order applied.
    const edits = Array.isArray(args['edits']) ? args['edits'].filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];
    const olds = edits.map((e) => firstString(e, 'old_string', 'oldString')).filter((s): s is string => s !== undefined);
    const news = edits.map((e) => firstString(e, 'new_string', 'newString')).filter((s): s is string => s !== undefined);
    return fragments('edit', path, olds.length ? olds.join('\n') : undefined, news.length ? news.join('\n') : undefined);
  }
  return undefined;
}
