/**
 * File edits made with the coding agents' own file tools in production-harness runs (Gemini CLI's
 * `write_file` / `replace`, OpenCode's `write` / `edit`), which change files without a shell command.
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

/** The edit a coding agent's file tool made, or undefined for other tools and failed calls. */
export function agentFileEdit(name: string, args: Record<string, unknown>, output: string | undefined): AgentFileEdit | undefined {
  if (output !== undefined && toolError(output) !== undefined) return undefined;
  const path = firstString(args, 'file_path', 'filePath', 'path', 'absolute_path');
  if (!path) return undefined;
  if (name === 'write_file' || name === 'write') {
    const content = firstString(args, 'content', 'text');
    return content === undefined ? { op: 'create', path } : { op: 'create', path, after: content };
  }
  if (name === 'replace' || name === 'edit') {
    // These tools send only the replaced fragment, so before/after are the fragments, not the file.
    const before = firstString(args, 'old_string', 'oldString');
    const after = firstString(args, 'new_string', 'newString');
    const edit: AgentFileEdit = { op: 'edit', path };
    if (before !== undefined) edit.before = before;
    if (after !== undefined) edit.after = after;
    return edit;
  }
  return undefined;
}
