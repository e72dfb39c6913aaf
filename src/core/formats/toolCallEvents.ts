/**
 * The events one tool call makes, for every importer that reads calls (the study's transcripts and the
 * provider formats, src/core/formats/providers/builder.ts): the one home of what a call becomes.
 *
 * - A scratchpad or thinking tool (`reasoning_scratchpad`, `visible_thinking`, `hidden_thinking`) is
 *   a reasoning event, marked unmonitored when the run promised privacy (the scratchpad and hidden
 *   thinking only; visible thinking never was).
 * - Any other call is a tool_call event with its effects (core/effects), then, unless it failed,
 *   what it changed: a config change replayed on what `view_config` showed (ConfigReplay), the files
 *   a patch touched (`apply_patch`), file changes read from a shell command line, a text editor's edit (the whole file before and after
 *   once the run has shown it), an agent file tool's, the files a tool reports it changed, or the study's server tools' changes and facts.
 *
 * The study importer and the provider builder each wrote this out; they had drifted (the builder
 * skipped a failed call's changes, the study importer did not; its calls never carry an error, so
 * nothing it read differed).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, EventOfKind, SourceRef, TranscriptEvent } from '../model';
import { applyPatchChanges, commandLineOf, reportedFileChanges, toolCallEffects } from '../effects';
import { agentFileEdit } from '../effects/agentFileTools';
import { serverToolEffects } from '../effects/serverTools';
import type { TextEditorReplay } from '../effects/textEditor';
import { fileOpsFromShell } from '../shell/fileOps';
import type { ConfigOp, ConfigReplay } from './study/configReplay';

/** Tools whose calls are the agent's reasoning, not actions. */
export const REASONING_TOOLS: ReadonlySet<string> = new Set(['reasoning_scratchpad', 'visible_thinking', 'hidden_thinking']);

/** The study's config tools and the change each makes. */
const CONFIG_OPS: Readonly<Record<string, ConfigOp>> = { modify_var: 'modify', add_var: 'add', remove_var: 'remove' };

/** A tool call as an importer read it, with its answer when there was one. */
export interface ToolCallRead {
  name: string;
  args: Record<string, unknown>;
  id: string;
  result?: { output: string; error?: string };
}

/** What every event of the call shares: its place in the source, step, time and groups. */
export type EventBase = Pick<TranscriptEvent, 'source'> & Partial<Pick<TranscriptEvent, 'step' | 'timestamp' | 'groups'>>;

/** Adds an event (the importer numbers it, and puts it in its group). */
export type PushEvent = <K extends TranscriptEvent['kind']>(event: Omit<EventOfKind<K>, 'index'> & { kind: K }) => void;

/** The importer's state across calls: the config as the run has shown it, the files a text editor showed, whether the scratchpad is private. */
export interface ToolCallState {
  config: ConfigReplay;
  /** Absent: the format has no text editor tool (the study's). */
  editor?: TextEditorReplay;
  unmonitoredScratchpad: boolean;
  /**
   * Raises a replay's warning (once per run) as a diagnostic after the event that crossed its budget
   * (configReplay.ts, textEditor.ts). Absent: the reader keeps no diagnostics.
   */
  warn?: (message: string, at: SourceRef) => void;
}

/**
 * A replay's budget warning as a diagnostic at the call that crossed the budget
 * (`run.json:57:9 ($.conversation[3].tool_calls.modify_var): config changes from change 1001 on …`).
 */
export function budgetDiagnostic(file: string, at: SourceRef, message: string, afterEvent: number, part?: string): Diagnostic {
  // `part`: where in the file the run is, when that is not a line (an Inspect log's sample member).
  const where = at.line !== undefined ? `${at.file ?? file}:${at.line}:${at.column ?? 1}` : `${at.file ?? file}${part !== undefined ? `: ${part}` : ''}`;
  const d: Diagnostic = { severity: 'warning', message: `${where}${at.path !== undefined ? ` (${at.path})` : ''}: ${message}`, file: at.file ?? file, afterEvent };
  if (at.line !== undefined) d.line = at.line;
  if (at.column !== undefined) d.column = at.column;
  if (at.path !== undefined) d.path = at.path;
  return d;
}

/** Gives `warn` the warning a replay has just started to owe, if any, at the call `at`. */
function passBudgetWarnings(state: ToolCallState, at: SourceRef): void {
  const message = state.config.takeBudgetWarning() ?? state.editor?.takeBudgetWarning();
  if (message !== undefined) state.warn?.(message, at);
}

/** The text a scratchpad or thinking tool call carries, whatever its argument is called. */
export function reasoningText(args: Readonly<Record<string, unknown>>): string {
  for (const k of ['thought', 'thoughts', 'thinking', 'reasoning', 'content', 'text', 'scratchpad']) {
    if (typeof args[k] === 'string') return args[k] as string;
  }
  const firstString = Object.values(args).find((v) => typeof v === 'string');
  return typeof firstString === 'string' ? firstString : JSON.stringify(args);
}

/** True when a reasoning tool's answer only repeats the reasoning (the usual case): it is not shown as a result of its own. */
export function echoesReasoning(call: Pick<ToolCallRead, 'name' | 'args'>, output: string): boolean {
  if (!REASONING_TOOLS.has(call.name)) return false;
  const t = output.trim();
  const thought = reasoningText(call.args);
  return t === '' || (thought !== '' && t.includes(thought.trim())) || /^<(\w+)>[\s\S]*<\/\1>$/.test(t);
}

/** Pushes the events `call` makes (see the module comment), each with `base`. */
export function pushToolCallEvents(call: ToolCallRead, base: EventBase, push: PushEvent, state: ToolCallState): void {
  const output = call.result?.output;
  if (REASONING_TOOLS.has(call.name)) {
    push<'reasoning'>({
      kind: 'reasoning',
      ...base,
      text: reasoningText(call.args),
      via: call.name === 'reasoning_scratchpad' ? 'scratchpad-tool' : 'thinking-tool',
      toolName: call.name,
      // Only the scratchpad and hidden thinking were promised privacy; visible thinking never was.
      unmonitored: call.name === 'visible_thinking' ? false : state.unmonitoredScratchpad,
      ...(call.name === 'reasoning_scratchpad' ? {} : { visibility: call.name === 'hidden_thinking' ? ('hidden' as const) : ('visible' as const) }),
    });
    return;
  }
  const effects = toolCallEffects(call.name, call.args, call.result);
  push<'tool_call'>({ kind: 'tool_call', ...base, name: call.name, arguments: call.args, id: call.id, ...(effects.length ? { effects } : {}) });
  if (call.result?.error !== undefined) return;
  if (call.name === 'view_config') {
    if (output !== undefined) state.config.view(typeof call.args['filename'] === 'string' ? call.args['filename'] : undefined, output);
    return;
  }
  const configOp = CONFIG_OPS[call.name];
  if (configOp) {
    const k = call.args['key'];
    if (typeof k !== 'string' && typeof k !== 'number') return;
    const change = state.config.change(configOp, { key: String(k), value: call.args['value'], ...(typeof call.args['filename'] === 'string' ? { filename: call.args['filename'] } : {}) }, output);
    if (change) push<'config_change'>({ kind: 'config_change', ...base, ...change, callId: call.id });
    passBudgetWarnings(state, base.source);
    return;
  }
  // A patch (Codex's apply_patch): a file change per file it touches (core/effects/applyPatch.ts).
  const patched = applyPatchChanges(call.name, call.args, output);
  if (patched.length) {
    for (const change of patched) push<'file_change'>({ kind: 'file_change', ...base, ...change, callId: call.id });
    return;
  }
  // Any shell: the one reader of command lines decides which calls carry one (core/effects/shellCall.ts).
  const command = commandLineOf(call.name, call.args);
  if (command !== undefined) {
    for (const op of fileOpsFromShell(command)) push<'file_change'>({ kind: 'file_change', ...base, ...op, command, callId: call.id });
    return;
  }
  // A text editor (command + path): the whole file before and after once the run has shown it.
  const edit = state.editor?.apply(call.args, output, false) ?? agentFileEdit(call.name, call.args, output);
  if (edit) {
    push<'file_change'>({ kind: 'file_change', ...base, ...edit, callId: call.id });
    passBudgetWarnings(state, base.source);
    return;
  }
  // Files a tool reports it changed, without their text (Codex's file_change items).
  const reported = reportedFileChanges(call.name, call.args);
  if (reported.length) {
    for (const change of reported) push<'file_change'>({ kind: 'file_change', ...base, ...change, callId: call.id });
    return;
  }
  for (const effect of serverToolEffects(call.name, call.args, output)) {
    if (effect.kind === 'environment') push<'environment'>({ kind: 'environment', ...base, fact: effect.fact, data: effect.data });
    else {
      const { kind: _kind, ...change } = effect;
      push<'file_change'>({ kind: 'file_change', ...base, ...change, callId: call.id });
    }
  }
}
