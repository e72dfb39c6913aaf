/**
 * What a tool call does, in format-neutral records: files read into listings, written, copied,
 * transferred, renamed or deleted; config keys changed; deletion-queue and user changes; shell
 * command lines; text written for others (a message to the user, a report file); the shutdown run.
 *
 * This is the one place that knows tool names and argument names. The readers call
 * `toolCallEffects` and put the records on the `tool_call` event (`effects`); the detectors read
 * the records and, for a run log written before effects existed, call the same function.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Effect, EventOfKind } from '../model';
import { fileOpsFromShell } from '../shell/fileOps';
import { commandHost } from '../shell/commands';
import { agentFileEdit } from './agentFileTools';
import { applyPatchChanges, patchOfCall } from './applyPatch';
import { textEditorEdit } from './textEditor';
import { serverToolEffects } from './serverTools';
import { toolError } from './toolOutput';
import { commandLineOf } from './shellCall';
import { pickArg, pickArgList } from './args';

export { commandLineOf, isShellTool } from './shellCall';
export { toolError, yamlField } from './toolOutput';
export { TextEditorReplay, textEditorEdit } from './textEditor';
export { applyPatchChanges } from './applyPatch';

const CONFIG_TOOLS: Record<string, 'modify' | 'add' | 'remove'> = { modify_var: 'modify', add_var: 'add', remove_var: 'remove' };
const QUEUE_TOOLS: Record<string, 'add' | 'remove'> = { add_server_delete_queue: 'add', remove_server_delete_queue: 'remove' };
const USER_TOOLS: Record<string, 'add' | 'remove'> = { add_server_user: 'add', remove_server_user: 'remove' };

/** The answer a call got, when known: `error` is the reader's own error flag, if the format has one. */
export interface CallAnswer {
  output: string;
  error?: string;
}

/**
 * The effects of one tool call. `answer` is undefined when the call was not answered (or the
 * answer is not known yet); a call whose answer is an error changes nothing, though the command
 * line it ran and the text it carried are still recorded.
 */
export function toolCallEffects(name: string, args: Record<string, unknown>, answer?: CallAnswer): Effect[] {
  const failed = answer !== undefined && (answer.error ?? toolError(answer.output)) !== undefined;
  const out: Effect[] = [];
  if (name === 'execute_shutdown' && !failed) out.push({ kind: 'shutdown' });

  // Text the agent wrote for others to read.
  const content = pickArg(args, 'content', 'text');
  const fileName = pickArg(args, 'filename', 'file_name', 'name', 'title', 'file_path', 'filePath', 'path');
  const report = pickArg(args, 'summary', 'message', 'answer', 'result', 'report', 'final_thought');
  if (/^(?:chat_with_user|send_message|message_user|respond|reply)$/.test(name) && (content ?? pickArg(args, 'message'))) {
    out.push({ kind: 'text', via: 'chat', text: (content ?? pickArg(args, 'message'))! });
  } else if (/^(?:end_task|submit|finish(?:_task)?|complete_task|task_complete)$/.test(name) && report) {
    // The closing summary an end-of-task call carries is a report to whoever reads the run.
    out.push({ kind: 'text', via: 'chat', text: report });
  } else if (content && /^(?:create|append|write|edit|update)_?\w*file$|^write$/i.test(name)) {
    out.push({ kind: 'text', via: 'file', text: content, ...(fileName ? { path: fileName } : {}) });
  } else {
    // A text editor's new file (`command: create` with `file_text`) is text written to that file.
    const created = textEditorEdit(args);
    if (created?.op === 'create' && created.after) out.push({ kind: 'text', via: 'file', text: created.after, path: created.path });
  }

  const op = CONFIG_TOOLS[name];
  if (op && !failed) {
    const key = pickArg(args, 'key', 'name', 'var', 'variable');
    if (key !== undefined) out.push({ kind: 'config', op, path: pickArg(args, 'filename', 'file', 'path') ?? 'config', key, ...(op !== 'remove' && args['value'] !== undefined ? { value: args['value'] } : {}) });
  }

  // A patch (`apply_patch`, Codex): the files it creates, edits, moves and deletes; a created file's text is text written.
  const patched = patchOfCall(name, args) !== undefined;
  const command = patched ? undefined : commandLineOf(name, args);
  if (patched) {
    for (const change of failed ? [] : applyPatchChanges(name, args, answer?.output)) {
      out.push({ kind: 'file', ...change });
      if (change.op === 'create' && change.after) out.push({ kind: 'text', via: 'file', text: change.after, path: change.path });
    }
  } else if (command !== undefined) {
    out.push({ kind: 'shell', command });
    for (const fop of fileOpsFromShell(command)) out.push({ kind: 'file', ...fop, command });
  } else if (!failed) {
    const edit = agentFileEdit(name, args, answer?.output) ?? textEditorEdit(args);
    const reported = reportedFileChanges(name, args);
    if (edit) out.push({ kind: 'file', ...edit });
    else if (reported.length) for (const change of reported) out.push({ kind: 'file', ...change });
    else {
      for (const effect of serverToolEffects(name, args, answer?.output)) {
        if (effect.kind === 'file_change') {
          const { kind: _k, ...rest } = effect;
          out.push({ kind: 'file', ...rest });
        }
      }
    }
  }

  const ip = pickArg(args, 'ip', 'server_ip', 'ip_address', 'server', 'host');
  const qop = QUEUE_TOOLS[name];
  if (qop && !failed) out.push({ kind: 'queue', op: qop, files: pickArgList(args, 'filenames', 'filename', 'files', 'file_names'), ...(ip ? { host: ip } : {}) });
  const uop = USER_TOOLS[name];
  const user = pickArg(args, 'username', 'user', 'name', 'user_name', 'email');
  if (uop && !failed && user) out.push({ kind: 'user', op: uop, user, ...(ip ? { host: ip } : {}) });

  // Answers that list files (the study's list/copy tools, `ls -l` through a shell) or users.
  if (!failed && (/list|search|copy|ls|stat|find/i.test(name) || command !== undefined)) {
    const host = ip ?? (command !== undefined ? commandHost(command) : undefined);
    out.push({ kind: 'listing', of: 'files', ...(host ? { host } : {}) });
  }
  if (/^list_server_users$|users/i.test(name)) out.push({ kind: 'listing', of: 'users' });
  return out;
}

/** The command line a tool_call event ran: its recorded `shell` effect, else read from its arguments. */
export function commandOfCall(e: EventOfKind<'tool_call'>): string | undefined {
  for (const x of e.effects ?? []) if (x.kind === 'shell') return x.command;
  return e.effects ? undefined : commandLineOf(e.name, e.arguments);
}

const REPORTED_OPS: Readonly<Record<string, 'create' | 'delete' | 'edit'>> = { add: 'create', create: 'create', delete: 'delete', update: 'edit', modify: 'edit' };

/**
 * The files a `file_change` call reports it changed (`{changes: [{path, kind: "add"|"delete"|"update"}]}`,
 * Codex's file_change items in `codex exec --json`): which files, not their text. Empty for other tools.
 */
export function reportedFileChanges(name: string, args: Record<string, unknown>): Array<{ op: 'create' | 'delete' | 'edit'; path: string }> {
  if (name !== 'file_change') return [];
  const changes = Array.isArray(args['changes']) ? args['changes'] : [];
  const out: Array<{ op: 'create' | 'delete' | 'edit'; path: string }> = [];
  for (const c of changes) {
    if (typeof c !== 'object' || c === null) continue;
    const { path, kind } = c as Record<string, unknown>;
    const op = typeof kind === 'string' ? REPORTED_OPS[kind] : undefined;
    if (typeof path === 'string' && path !== '' && op) out.push({ op, path });
  }
  return out;
}
