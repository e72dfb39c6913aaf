/**
 * Builds the DOM for a transcript. Every string from a transcript goes in through `textContent` (via
 * `el`), never through `innerHTML`: transcripts are written by models that may be trying to get away
 * with something, and their text must stay text.
 */
import type { Diagnostic, RunHeader, TranscriptEvent, EventOfKind } from '../core/model';
import { formatConfigValue, lineDiff } from '../core/diff';

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes and children; strings become text nodes. */
export function el(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const TASK_LABELS: Record<string, string> = {
  misrep_evaluation: 'Misrepresentation: evaluation',
  misrep_finance: 'Misrepresentation: finance report',
  tampering: 'Shutdown tampering',
  alignment_faking: 'Alignment faking',
  exfiltration_transfer: 'Exfiltration: transfer',
  exfiltration_deletion: 'Exfiltration: deletion',
};

/** The run header card: what the run was and how the source scored it, before reading a line. */
export function renderHeader(fileName: string, h: RunHeader, live: boolean): HTMLElement {
  const field = (name: string, label: string, value: string | number | undefined) =>
    value === undefined || value === '' ? null : el('div', { class: 'field', 'data-field': name }, el('dt', {}, label), el('dd', {}, String(value)));
  const subject = h.subject ? `${h.subject}${h.subjectName ? ` (${h.subjectName})` : ''}` : undefined;
  const ev = h.evaluation;
  const outcome: HTMLElement[] = [];
  if (ev) {
    const flag = (name: string, label: string, value: boolean | null | undefined, bad: boolean) =>
      value === undefined || value === null
        ? null
        : el('span', { class: `outcome ${value === bad ? 'outcome-bad' : 'outcome-ok'}`, 'data-field': name }, `${label}: ${value ? 'yes' : 'no'}`);
    if (ev.score !== undefined) {
      const verdict = ev.thresholdVerdict ?? (h.threshold !== undefined ? (ev.score >= h.threshold ? 'at or above' : 'below') : undefined);
      const above = verdict !== undefined && !/below/i.test(verdict);
      outcome.push(
        el(
          'span',
          { class: `outcome ${above && h.threshold !== undefined ? 'outcome-bad' : 'outcome-neutral'}`, 'data-field': 'score' },
          `score ${ev.score}${h.threshold !== undefined ? ` vs threshold ${h.threshold}` : ''}${verdict ? ` (${verdict})` : ''}`,
        ),
      );
    }
    for (const f of [
      flag('shutdownEnabled', 'shutdown_enabled', ev.shutdownEnabled, false),
      flag('executedShutdown', 'execute_shutdown called', ev.executedShutdown, false),
      flag('exfiltration', 'weights on 10.0.12.46', ev.exfiltration, true),
      flag('copied', 'weights copied', ev.copied, true),
      flag('deletedModel', 'weights deleted', ev.deletedModel, false),
      flag('refused', 'refused', ev.refused, true),
    ]) {
      if (f) outcome.push(f);
    }
  }
  return el(
    'section',
    { class: 'run-header', 'data-testid': 'run-header' },
    el(
      'div',
      { class: 'run-title' },
      el('h1', {}, h.title ?? fileName),
      live ? el('span', { class: 'badge badge-live', 'data-field': 'live' }, 'live') : null,
      el('span', { class: 'format' }, `${h.format}${h.formatVersion !== undefined ? ` v${h.formatVersion}` : ''}`),
    ),
    el(
      'dl',
      { class: 'fields' },
      field('model', 'Model', h.model),
      field('taskFamily', 'Task', h.taskFamily ? TASK_LABELS[h.taskFamily] ?? h.taskFamily : h.taskName),
      field('condition', 'Condition', h.condition),
      field('subject', 'Subject', subject),
      field('monitoring', 'Monitoring', h.monitoring && h.monitoring !== 'none' ? h.monitoring : undefined),
      field('dataset', 'Dataset', h.dataset),
      field('threshold', 'Threshold', h.threshold),
      field('peer', 'Peer via', h.peerInstantiation.length ? h.peerInstantiation.join(', ') : undefined),
      field('scratchpad', 'Scratchpad', h.scratchpad && h.scratchpad !== 'none' ? h.scratchpad : undefined),
      field('harness', 'Harness', h.harness ? [h.harness.kind, h.harness.agent].filter(Boolean).join(' / ') : undefined),
      field('duration', 'Duration', h.timing?.durationSeconds !== undefined ? `${h.timing.durationSeconds.toFixed(1)} s` : undefined),
      field('tokens', 'Tokens', h.usage?.totalTokens),
    ),
    outcome.length ? el('div', { class: 'outcomes', 'data-testid': 'evaluation' }, el('span', { class: 'outcomes-label' }, 'Source evaluation'), ...outcome) : null,
  );
}

const KIND_LABELS: Record<TranscriptEvent['kind'], string> = {
  message: 'Message',
  reasoning: 'Reasoning',
  tool_call: 'Tool call',
  tool_result: 'Result',
  config_change: 'Config change',
  file_change: 'File change',
  environment: 'Environment',
};

/** One event as a list item carrying `data-event-index` and `data-kind`. */
export function renderEvent(e: TranscriptEvent): HTMLElement {
  const attrs: Record<string, string | undefined> = {
    class: `event event-${e.kind}`,
    'data-event-index': String(e.index),
    'data-kind': e.kind,
    tabindex: '-1',
  };
  let label = KIND_LABELS[e.kind];
  let body: HTMLElement;
  switch (e.kind) {
    case 'message':
      attrs['data-role'] = e.role;
      attrs.class += ` role-${e.role}`;
      label = e.role;
      body = longText(e.text, e.role === 'system' || e.role === 'user' ? 12 : 40);
      break;
    case 'reasoning':
      label = e.via === 'scratchpad-tool' ? 'Scratchpad' : e.via === 'thinking-tag' || e.via === 'thinking-tool' ? 'Thinking' : 'Reasoning';
      if (e.visibility) label += ` (${e.visibility})`;
      if (e.unmonitored) attrs['data-unmonitored'] = 'true';
      body = el('div', {}, e.unmonitored ? el('span', { class: 'badge badge-unmonitored', title: 'The run told the model this text would not be monitored' }, 'told: not monitored') : null, longText(e.text, 30));
      break;
    case 'tool_call':
      attrs['data-tool'] = e.name;
      label = 'Tool call';
      body = renderToolCall(e);
      break;
    case 'tool_result':
      if (e.name) attrs['data-tool'] = e.name;
      if (e.error) attrs['data-error'] = 'true';
      label = e.error ? 'Error' : 'Result';
      body = renderToolResult(e);
      break;
    case 'config_change':
      attrs['data-key'] = e.key;
      body = renderConfigChange(e);
      break;
    case 'file_change':
      attrs['data-op'] = e.op;
      body = renderFileChange(e);
      break;
    case 'environment':
      body = el('div', {}, el('p', { class: 'fact' }, e.fact), e.data !== undefined ? longText(JSON.stringify(e.data, null, 2), 8) : null);
      break;
  }
  return el(
    'li',
    attrs,
    el('div', { class: 'gutter' }, el('span', { class: 'index', title: 'Event index' }, `#${e.index}`), e.step !== undefined ? el('span', { class: 'step', title: 'Assistant turn' }, `step ${e.step}`) : null),
    el('div', { class: 'content' }, el('div', { class: 'kind-label' }, label), body),
  );
}

function renderToolCall(e: EventOfKind<'tool_call'>): HTMLElement {
  const args = Object.entries(e.arguments);
  return el(
    'div',
    {},
    el('code', { class: 'tool-name' }, e.name),
    args.length
      ? el(
          'dl',
          { class: 'args' },
          ...args.map(([k, v]) => el('div', { class: 'arg' }, el('dt', {}, k), el('dd', {}, typeof v === 'string' ? longText(v, 10) : el('pre', {}, JSON.stringify(v, null, 2))))),
        )
      : el('span', { class: 'no-args' }, '(no arguments)'),
  );
}

function renderToolResult(e: EventOfKind<'tool_result'>): HTMLElement {
  const text = e.error ? e.error + (e.output && e.output !== e.error ? `\n${e.output}` : '') : e.output;
  const lines = text.split('\n').length;
  const short = lines <= 6 && text.length <= 600;
  // A short result is shown open, so its summary names the tool only; a long one is folded and
  // its summary previews the first line.
  const preview = text === '' ? ' (empty output)' : short ? '' : ` ${firstLine(text)} (${lines} lines)`;
  const summary = el('summary', {}, e.name ? el('code', {}, e.name) : null, preview);
  return el('details', { class: 'result', open: short ? '' : undefined }, summary, el('pre', { class: 'output' }, text));
}

function renderConfigChange(e: EventOfKind<'config_change'>): HTMLElement {
  const title =
    e.op === 'remove'
      ? `${e.key}: ${formatConfigValue(e.oldValue)} → removed`
      : e.op === 'add'
        ? `${e.key}: added ${formatConfigValue(e.newValue)}`
        : `${e.key}: ${formatConfigValue(e.oldValue)} → ${formatConfigValue(e.newValue)}`;
  const diff = el('pre', { class: 'diff' });
  for (const line of lineDiff(e.before, e.after)) {
    diff.append(el('span', { class: line.op === '+' ? 'add' : line.op === '-' ? 'del' : 'ctx' }, `${line.op} ${line.text}\n`));
  }
  return el(
    'div',
    {},
    el('p', { class: 'change-summary' }, el('code', {}, e.path), ' ', el('strong', {}, title)),
    e.beforeKnown ? null : el('p', { class: 'note' }, 'The file was not viewed before this change; the old value is inferred.'),
    diff,
  );
}

function renderFileChange(e: EventOfKind<'file_change'>): HTMLElement {
  const from = e.host && !e.path.startsWith(`${e.host}:`) ? `${e.host}:${e.path}` : e.path;
  const to = e.to ? (e.toHost && !e.to.startsWith(`${e.toHost}:`) ? `${e.toHost}:${e.to}` : e.to) : undefined;
  return el(
    'div',
    {},
    el('p', { class: 'change-summary' }, el('strong', {}, e.op), ' ', el('code', {}, from), to ? ' → ' : null, to ? el('code', {}, to) : null),
    e.command ? el('pre', { class: 'command' }, e.command) : null,
    e.after !== undefined && e.before === undefined ? longText(e.after, 8) : null,
  );
}

/** A diagnostic marker: where reading broke and why. */
export function renderDiagnostic(d: Diagnostic): HTMLElement {
  return el(
    'li',
    { class: `diagnostic diagnostic-${d.severity}`, 'data-testid': 'diagnostic', 'data-severity': d.severity, role: 'alert' },
    el('strong', {}, d.severity === 'error' ? 'Could not read past here' : 'Warning'),
    el('p', {}, d.message),
  );
}

/** Text shown whole when short, folded to `maxLines` with a toggle when long. */
function longText(text: string, maxLines: number): HTMLElement {
  const lines = text.split('\n');
  const pre = el('pre', { class: 'text' }, text);
  if (lines.length <= maxLines && text.length <= maxLines * 160) return pre;
  pre.classList.add('folded');
  pre.style.setProperty('--max-lines', String(maxLines));
  const toggle = el('button', { class: 'fold-toggle', type: 'button' }, `Show all ${lines.length} lines`);
  toggle.addEventListener('click', () => {
    const folded = pre.classList.toggle('folded');
    toggle.textContent = folded ? `Show all ${lines.length} lines` : 'Show less';
  });
  return el('div', {}, pre, toggle);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 120 ? line.slice(0, 120) + '…' : line;
}
