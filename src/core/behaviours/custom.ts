/**
 * Custom tags from a rules file: each rule matches single events (all of its conditions must hold)
 * and tags every event it matches. See docs/rules.md.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { TranscriptEvent } from '../model';
import { commandOfCall } from '../effects';
import { anyMatch } from './patterns';
import type { CompiledCustomTag } from './rules';
import { snippet } from './describe';
import type { RunFacts } from './facts';
import type { Finding } from './types';

/** The text a custom rule's `text` condition is matched against, per event kind. */
export function eventText(e: TranscriptEvent): string {
  switch (e.kind) {
    case 'message':
    case 'reasoning':
      return e.text;
    case 'tool_call':
    {
      // The command line on a line of its own, whatever the shell tool calls its argument.
      const cmd = commandOfCall(e);
      return `${e.name} ${JSON.stringify(e.arguments)}${cmd !== undefined ? `\n${cmd}` : ''}`;
    }
    case 'tool_result':
      return e.output;
    case 'config_change':
      return `${e.path} ${e.key} ${e.op} ${JSON.stringify(e.newValue ?? null)}\n${e.after}`;
    case 'file_change':
      return `${e.op} ${e.path}${e.to ? ` ${e.to}` : ''}${e.command ? `\n${e.command}` : ''}${e.after ? `\n${e.after}` : ''}`;
    case 'environment':
      return `${e.fact}${e.data !== undefined ? `\n${JSON.stringify(e.data)}` : ''}`;
  }
}

function toolOf(e: TranscriptEvent): string | undefined {
  if (e.kind === 'tool_call') return e.name;
  if (e.kind === 'tool_result') return e.name;
  return undefined;
}

function pathsOf(e: TranscriptEvent): string[] {
  if (e.kind === 'file_change') return e.to ? [e.path, e.to] : [e.path];
  if (e.kind === 'config_change') return [e.path];
  if (e.kind === 'tool_call') {
    return ['path', 'file_path', 'filePath', 'filename', 'file', 'absolute_path'].map((k) => e.arguments[k]).filter((v): v is string => typeof v === 'string');
  }
  return [];
}

function keyOf(e: TranscriptEvent): string | undefined {
  if (e.kind === 'config_change') return e.key;
  if (e.kind === 'tool_call' && typeof e.arguments['key'] === 'string') return e.arguments['key'];
  return undefined;
}

function matches(rule: CompiledCustomTag, e: TranscriptEvent): { text?: string } | undefined {
  if (rule.kinds && !rule.kinds.has(e.kind)) return undefined;
  if (rule.roles && !(e.kind === 'message' && rule.roles.has(e.role))) return undefined;
  if (rule.tool) {
    const tool = toolOf(e);
    if (tool === undefined || !anyMatch(rule.tool, tool)) return undefined;
  }
  if (rule.key) {
    const key = keyOf(e);
    if (key === undefined || !anyMatch(rule.key, key)) return undefined;
  }
  if (rule.path && !pathsOf(e).some((p) => anyMatch(rule.path!, p))) return undefined;
  if (rule.text) {
    const text = eventText(e);
    for (const re of rule.text) {
      const m = re.exec(text);
      if (m) return { text: m[0] };
    }
    return undefined;
  }
  return {};
}

function fill(template: string, e: TranscriptEvent, matched: string | undefined): string {
  return template.replace(/\{(tool|path|key|match|event|step|kind)\}/g, (_, name: string) => {
    switch (name) {
      case 'tool':
        return toolOf(e) ?? e.kind;
      case 'path':
        return pathsOf(e)[0] ?? '';
      case 'key':
        return keyOf(e) ?? '';
      case 'match':
        return snippet(matched ?? '', 60);
      case 'event':
        return String(e.index);
      case 'step':
        return e.step !== undefined ? String(e.step) : '?';
      default:
        return e.kind;
    }
  });
}

export function detectCustom(facts: RunFacts): Finding[] {
  const rules = facts.rules.tags;
  if (rules.length === 0) return [];
  const out: Finding[] = [];
  for (const e of facts.events) {
    for (const rule of rules) {
      const m = matches(rule, e);
      if (!m) continue;
      const f: Finding = { behaviour: rule.behaviour, detector: `rule:${rule.id}`, events: [e.index], explanation: fill(rule.explanation, e, m.text) };
      if (rule.severity) f.severity = rule.severity;
      if (rule.qualifier) f.qualifier = rule.qualifier;
      out.push(f);
    }
  }
  return out;
}
