/**
 * Find's text for an event: all the text a user sees of it, for the editor's Ctrl+F and the corpus
 * view's search across runs. Apart from present.ts so that the webview's bundle, which renders with
 * present.ts, does not take the YAML reader that a YAML answer's readable fields need.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { imageLabel } from './images';
import type { TranscriptEvent } from './model';
import { configChangeKeys, kindLabel, qualifiedPath, summarizeEvent } from './present';
import { readableOutput } from './readableOutput';

/** Commands longer than this are searched at their tool call only (see `file_change` below). */
export const MAX_CHANGE_COMMAND = 2000;

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
      for (const img of e.images ?? []) parts.push(imageLabel(img));
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
      // A YAML answer shows its fields read (a document's lines, not its escapes): find those too.
      if (!e.error) for (const record of readableOutput(e.output) ?? []) for (const f of record) parts.push(f.value);
      for (const img of e.images ?? []) parts.push(imageLabel(img));
      break;
    case 'config_change':
      parts.push(e.path, e.op, ...configChangeKeys(e), e.before, e.after);
      break;
    case 'file_change':
      parts.push(e.op, qualifiedPath(e.path, e.host));
      if (e.to !== undefined) parts.push(qualifiedPath(e.to, e.toHost));
      // The command that made the change is found at its tool call; here only when short. One
      // command may write thousands of files, and each change's text would repeat all of it.
      if (e.command !== undefined && e.command.length <= MAX_CHANGE_COMMAND) parts.push(e.command);
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
