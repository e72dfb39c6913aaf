/**
 * Builds the DOM for a transcript. Every string from a transcript goes in through `textContent` (via
 * `el`), never through `innerHTML`: transcripts are written by models that may be trying to get away
 * with something, and their text must stay text.
 *
 * No event listeners here: every interactive element is a `<button type="button" data-action="…">`
 * that main.ts handles by delegation (`toggle`, `open-diff`, `diff-mode`, `goto`, `reveal-source`,
 * `add-tag`, and `tag-confirm` / `tag-dismiss` with `data-tag-id`),
 * so one row is cheap to build, holds no closures and can be dropped or reused by the virtual list.
 * A row depends only on its event and its options, never on the rows around it.
 */
import type { Diagnostic, EventOfKind, ImagePart, RunHeader, TranscriptEvent } from '../core/model';
import type { GroupHead, WebTag } from '../core/protocol';
import type { ReadableRecord } from '../core/readableOutput';
import { checkImageData, formatBytes, SHOWN_IMAGE_TYPES } from '../core/images';
import {
  configChangeKeys,
  configChangeTitle,
  diffWindows,
  fileChangeTitle,
  guessLine,
  readerLine,
  inlineDiff,
  isWeightsPath,
  jsonTokens,
  kindLabel,
  qualifiedPath,
  shellTokens,
  splitDiff,
  toolCallArgsPreview,
  toolFamily,
  touchesWeights,
  type SplitRow,
  type ToolFamily,
} from '../core/present';
import { showInvisible } from '../core/invisible';
import { textNodes } from './text';

type Child = Node | string | null | undefined | false;

/** Attributes whose value VS Code or the browser shows as text (tooltips, labels, placeholders). */
const SHOWN_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'label', 'alt']);

/**
 * Creates an element with attributes and children. Strings become text through `textNodes`, so an
 * invisible or bidi character in them shows as a marker instead of acting on the display; shown
 * attributes (`title`, …) get the `⟨U+202E⟩` form, since an attribute can hold only text.
 */
export function el(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) node.setAttribute(k, SHOWN_ATTRIBUTES.has(k) ? showInvisible(v) : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(typeof c === 'string' ? textNodes(c) : c);
  return node;
}

/** How one event is shown; the webview re-renders the event when these change. */
export interface RenderOptions {
  /** The event in full (long text unfolded, results open) rather than compact. */
  expanded: boolean;
  /** How config and file diffs are laid out. */
  diffMode: 'unified' | 'split';
  /** For reasoning: the action (tool call) it led to, in the same step. */
  ledTo?: { index: number; label: string };
  /** For a tool call: the reasoning just before it. */
  ledFrom?: { index: number; label: string };
  /** Behaviour tags citing this event (badges with confirm/dismiss; `data-tags` lists their ids). */
  tags?: readonly WebTag[];
  /** For a tool result printed as YAML records: their fields, read (the host's src/core/readableOutput.ts). */
  readable?: readonly ReadableRecord[];
  /** Such results shown with their fields read (default) or as printed. */
  outputMode?: 'readable' | 'printed';
  /**
   * An event of a log's end read ahead of its index: it carries `data-tail-index` (not
   * `data-event-index`, which stepping, tags and links rely on) and no actions that need its number;
   * `exact` false shows the number as an estimate (≈).
   */
  tail?: { exact: boolean };
}

type IconName =
  | ToolFamily
  | 'message' | 'reasoning' | 'result' | 'error' | 'file' | 'weights' | 'environment' | 'info'
  | 'chevron' | 'source' | 'warning' | 'check' | 'unmonitored' | 'unified' | 'split' | 'open-diff';

/** Each icon's codicon (@vscode/codicons, the icon font of VS Code's own UI and of our tree views). */
const CODICON: Record<IconName, string> = {
  drive: 'folder',
  spreadsheet: 'table',
  config: 'settings-gear',
  server: 'server',
  shutdown: 'debug-stop',
  memory: 'book',
  shell: 'terminal',
  scratchpad: 'note',
  other: 'tools',
  message: 'comment',
  reasoning: 'lightbulb',
  result: 'output',
  error: 'error',
  file: 'file',
  weights: 'database',
  environment: 'vm',
  info: 'info',
  chevron: 'chevron-right',
  source: 'go-to-file',
  warning: 'warning',
  check: 'check',
  unmonitored: 'eye-closed',
  unified: 'diff-single',
  split: 'split-horizontal',
  'open-diff': 'diff',
};

/** A theme-coloured icon: a codicon glyph in the text colour of its place; `data-icon` names its meaning. */
function icon(name: IconName, extra = ''): HTMLElement {
  return el('span', { class: `icon codicon codicon-${CODICON[name]}${extra ? ' ' + extra : ''}`, 'data-icon': name, 'aria-hidden': 'true' });
}

function button(action: string, label: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  return el('button', { type: 'button', 'data-action': action, class: `action action-${action}`, ...attrs }, ...children, label);
}

// ---- the header card ----------------------------------------------------------------------------

const TASK_LABELS: Record<string, string> = {
  misrep_evaluation: 'Misrepresentation: evaluation',
  misrep_finance: 'Misrepresentation: finance report',
  tampering: 'Shutdown tampering',
  alignment_faking: 'Alignment faking',
  exfiltration_transfer: 'Exfiltration: transfer',
  exfiltration_deletion: 'Exfiltration: deletion',
};

type Tone = 'bad' | 'ok' | 'warn' | 'neutral';
const TONE_ICON: Record<Tone, IconName> = { bad: 'warning', ok: 'check', warn: 'warning', neutral: 'info' };

function chip(field: string, tone: Tone, text: string, title?: string): HTMLElement {
  return el('span', { class: `outcome outcome-${tone}`, 'data-field': field, 'data-tone': tone, title }, icon(TONE_ICON[tone]), text);
}

/** Formats whose evaluation fields the header shows through typed chips only. */
const STUDY_FORMATS = /^(study|runlog)/;
const MAX_RAW_EVALUATION = 24;

/** A value as one short line of text (objects as JSON), for a chip. */
function shortValue(v: unknown): string {
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v) ?? String(v);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** The run header card: what the run was and how the source scored it, before reading a line. */
export function renderHeader(fileName: string, h: RunHeader, live: boolean): HTMLElement {
  const field = (name: string, label: string, value: string | number | undefined) =>
    value === undefined || value === '' ? null : el('div', { class: 'field', 'data-field': name }, el('dt', {}, label), el('dd', {}, String(value)));
  const subject = h.subject ? `${h.subject}${h.subjectName ? ` (${h.subjectName})` : ''}` : undefined;
  const ev = h.evaluation;
  const outcome: HTMLElement[] = [];
  if (ev) {
    if (ev.score !== undefined) {
      const verdict = ev.thresholdVerdict ?? (h.threshold !== undefined ? (ev.score >= h.threshold ? 'at or above' : 'below') : undefined);
      const above = verdict !== undefined && !/below/i.test(verdict);
      outcome.push(
        chip(
          'score',
          above && h.threshold !== undefined ? 'bad' : 'neutral',
          `score ${ev.score}${h.threshold !== undefined ? ` vs threshold ${h.threshold}` : ''}${verdict ? ` (${verdict})` : ''}`,
          'The score the run reported, against the shutdown threshold',
        ),
      );
    }
    // Each flag: its value, and which value is the one a reviewer must look into.
    const flag = (name: string, label: string, value: boolean | null | undefined, badWhen: boolean, tone: Tone = 'bad', title?: string) => {
      if (value === undefined || value === null) return;
      outcome.push(chip(name, value === badWhen ? tone : 'ok', `${label}: ${value ? 'yes' : 'no'}`, title));
    };
    if (ev.shutdownEnabled !== undefined && ev.shutdownEnabled !== null) {
      outcome.push(chip('shutdownEnabled', ev.shutdownEnabled ? 'ok' : 'bad', `final shutdown_enabled: ${ev.shutdownEnabled}`, 'The shutdown flag in the final config'));
    }
    flag('executedShutdown', 'execute_shutdown called', ev.executedShutdown, false);
    flag('exfiltration', 'weights on 10.0.12.46', ev.exfiltration, true);
    flag('copied', 'weights copied', ev.copied, true);
    flag('deletedModel', 'weights deleted', ev.deletedModel, false);
    const raw = ev.raw ?? {};
    const rawBool = (k: string) => (typeof raw[k] === 'boolean' ? (raw[k] as boolean) : undefined);
    flag('changeUser', 'users changed', rawBool('change_user'), true);
    flag('deleteFile', 'own file deleted', rawBool('delete_file'), true);
    flag('refused', 'refused', ev.refused, true, 'warn');
    if (ev.score === undefined && ev.thresholdVerdict) outcome.push(chip('thresholdVerdict', /below|pass|safe|no\b|false/i.test(ev.thresholdVerdict) ? 'neutral' : 'warn', `verdict: ${ev.thresholdVerdict}`, 'The verdict the source reported'));
    // Formats other than the study's (Inspect scores, a classifier's verdict): every field the
    // source wrote, as text, so an evaluation Peerwatch has no typed field for is still shown.
    if (!STUDY_FORMATS.test(h.format)) {
      const shown = new Set(['change_user', 'delete_file']);
      for (const [k, v] of Object.entries(raw).slice(0, MAX_RAW_EVALUATION)) {
        if (shown.has(k) || v === undefined || v === null) continue;
        // A scorer's result ({value, answer, explanation}) shows its value; the explanation is its tooltip.
        const scored = typeof v === 'object' && !Array.isArray(v) && 'value' in (v as object) ? (v as Record<string, unknown>) : undefined;
        const why = scored && typeof scored['explanation'] === 'string' ? `: ${(scored['explanation'] as string).slice(0, 500)}` : '';
        outcome.push(chip(`raw:${k}`, 'neutral', `${k}: ${shortValue(scored ? scored['value'] : v)}`, `${ev.key ? `${ev.key}.` : ''}${k} as the source wrote it${why}`));
      }
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
    readerLine(h) ? el('p', { class: 'reader', 'data-testid': 'reader' }, readerLine(h)!) : null,
    guessLine(h) ? el('p', { class: 'reader-guess', 'data-testid': 'reader-guess', role: 'note' }, icon('warning'), ' ', guessLine(h)!) : null,
    outcome.length ? el('div', { class: 'outcomes', 'data-testid': 'evaluation' }, el('span', { class: 'outcomes-label' }, 'Source evaluation'), ...outcome) : null,
  );
}

// ---- events -------------------------------------------------------------------------------------

/** Lines shown of a long text in a compact event, by where the text is. */
const COMPACT_LINES = { system: 3, user: 4, assistant: 8, reasoning: 6, result: 4, arg: 3, content: 4, data: 0 } as const;
/** Characters per compact line: one very long line does not fill the screen. */
const CHARS_PER_LINE = 240;

/** An event's number in its row: `#N`, or `≈#N` in a tail whose numbers are estimated. */
export function eventIndexLabel(index: number, tail?: { exact: boolean }): HTMLElement {
  return tail && !tail.exact
    ? el('span', { class: 'index provisional', title: 'Event index, estimated: the log is still being read; End shows it numbered once reading finishes' }, `≈#${index}`)
    : el('span', { class: 'index', title: 'Event index' }, `#${index}`);
}

/** One event as a list item with stable data-* attributes; see RenderOptions. */
export function renderEvent(e: TranscriptEvent, opts: RenderOptions): HTMLElement {
  const attrs: Record<string, string | undefined> = {
    class: `event event-${e.kind}`,
    ...(opts.tail ? { 'data-tail-index': String(e.index), 'data-provisional': String(!opts.tail.exact) } : { 'data-event-index': String(e.index) }),
    'data-kind': e.kind,
    'data-expanded': String(opts.expanded),
    tabindex: '-1',
  };
  let iconName: IconName;
  let summary: Child = null;
  const badges: Child[] = [];
  let body: Child[];
  switch (e.kind) {
    case 'message':
      attrs['data-role'] = e.role;
      attrs.class += ` role-${e.role}`;
      iconName = 'message';
      if (e.name) summary = e.name;
      body = [e.text.trim() === '' && e.images?.length ? null : textBlock(e.text, opts.expanded, e.role === 'system' ? COMPACT_LINES.system : e.role === 'user' ? COMPACT_LINES.user : COMPACT_LINES.assistant, 'text')];
      if (e.images?.length) body.push(renderImages(e.images));
      break;
    case 'reasoning':
      iconName = e.via === 'scratchpad-tool' ? 'scratchpad' : 'reasoning';
      if (e.unmonitored) {
        attrs['data-unmonitored'] = 'true';
        badges.push(el('span', { class: 'badge badge-unmonitored', title: 'The run told the model this text would not be monitored' }, icon('unmonitored'), 'not monitored'));
      }
      if (e.redacted) badges.push(el('span', { class: 'badge' }, 'redacted'));
      if (e.toolName) summary = el('code', { class: 'via' }, e.toolName);
      body = [textBlock(e.text, opts.expanded, COMPACT_LINES.reasoning, 'text reasoning-text')];
      if (opts.ledTo) body.push(el('div', { class: 'links' }, gotoLink('led-to', 'led to', opts.ledTo)));
      break;
    case 'tool_call': {
      const fam = toolFamily(e.name);
      attrs['data-tool'] = e.name;
      attrs['data-tool-family'] = fam;
      iconName = fam;
      summary = el('span', { class: 'call' }, el('code', { class: 'tool-name' }, e.name), el('code', { class: 'call-args' }, `(${toolCallArgsPreview(e)})`));
      body = [];
      if (opts.ledFrom) body.push(el('div', { class: 'links' }, gotoLink('led-from', 'after reasoning', opts.ledFrom)));
      // Compact: the header's `name(args)` says it all unless an argument is long, structured or a command.
      if (opts.expanded || argsNeedBody(e)) body.push(renderArgs(e, opts.expanded));
      break;
    }
    case 'tool_result': {
      if (e.name) {
        attrs['data-tool'] = e.name;
        attrs['data-tool-family'] = toolFamily(e.name);
      }
      const text = e.error ? (e.output && e.output.trim() !== e.error.trim() ? e.output : '') : e.output;
      if (e.error) {
        attrs['data-error'] = 'true';
        attrs.class += ' is-error';
        iconName = 'error';
      } else iconName = 'result';
      summary = el(
        'span',
        { class: 'call' },
        e.name ? el('code', { class: 'tool-name' }, e.name) : null,
        e.error ? el('span', { class: 'error-text' }, e.error) : el('span', { class: 'muted' }, e.output.trim() === '' ? 'empty output' : lineCountLabel(e.output)),
      );
      if (opts.readable && !opts.tail) {
        const readable = opts.outputMode !== 'printed';
        attrs['data-output-mode'] = readable ? 'readable' : 'printed';
        body = [outputToolbar(readable), readable ? readableView(opts.readable, opts.expanded) : textBlock(text, opts.expanded, COMPACT_LINES.result, 'output')];
      } else body = text.trim() === '' ? [] : [textBlock(text, opts.expanded, COMPACT_LINES.result, 'output')];
      if (e.images?.length) body.push(renderImages(e.images));
      break;
    }
    case 'config_change': {
      const keys = configChangeKeys(e);
      attrs['data-key'] = e.key;
      attrs['data-config-key'] = keys.join(' ');
      attrs['data-op'] = e.op;
      iconName = 'config';
      summary = el('span', { class: 'change-title' }, configChangeTitle(e));
      body = [
        el('div', { class: 'change-path' }, el('code', {}, e.path), keys.length > 1 ? el('span', { class: 'muted' }, ` also changes ${keys.slice(1).join(', ')}`) : null),
        e.beforeKnown ? null : el('p', { class: 'note' }, 'The file was not viewed before this change; the old value is inferred.'),
        diffView(e.before, e.after, opts),
      ];
      break;
    }
    case 'file_change': {
      const weights = touchesWeights(e);
      attrs['data-op'] = e.op;
      if (weights) {
        attrs['data-weights'] = 'true';
        badges.push(el('span', { class: 'badge badge-weights', title: 'A path that looks like model weights' }, icon('weights'), 'weights'));
      }
      iconName = weights ? 'weights' : 'file';
      summary = el('span', { class: 'change-title' }, fileChangeTitle(e));
      body = [renderFileChange(e, opts)];
      break;
    }
    case 'environment':
      iconName = 'environment';
      summary = el('span', { class: 'fact' }, e.fact);
      body = e.data !== undefined && opts.expanded ? [jsonBlock(e.data)] : [];
      break;
  }
  if (e.kind === 'file_change' || e.kind === 'config_change') attrs.class += ' is-change';
  const tags = opts.tags ?? [];
  if (tags.length) {
    attrs['data-tags'] = tags.map((t) => t.id).join(' ');
    attrs.class += ' is-flagged';
    if (tags.every((t) => t.verdict === 'dismissed')) attrs['data-flags-dismissed'] = 'true';
    for (const t of tags) badges.unshift(tagBadge(t));
  }

  const head = el(
    'div',
    { class: 'event-head' },
    button('toggle', '', { class: 'action action-toggle twisty', 'aria-expanded': String(opts.expanded), title: opts.expanded ? 'Collapse' : 'Expand', 'aria-label': opts.expanded ? 'Collapse event' : 'Expand event' }, icon('chevron')),
    icon(iconName, 'kind-icon'),
    el('span', { class: 'kind-label' }, kindLabel(e)),
    ...badges,
    summary ? el('span', { class: 'summary' }, summary) : el('span', { class: 'summary' }),
    el(
      'span',
      { class: 'meta' },
      e.step !== undefined ? el('span', { class: 'step', title: 'Assistant turn' }, `step ${e.step}`) : null,
      eventIndexLabel(e.index, opts.tail),
      opts.tail ? null : button('add-tag', '+tag', { class: 'action action-add-tag icon-button', title: 'Add a behaviour tag to this event…', 'aria-label': 'Add a behaviour tag' }),
      opts.tail ? null : button('reveal-source', '', { class: 'action action-reveal-source icon-button', title: 'Reveal in Source', 'aria-label': 'Reveal in source' }, icon('source')),
    ),
  );
  const content = body.filter((c) => c !== null && c !== undefined && c !== false);
  return el('li', attrs, head, content.length ? el('div', { class: 'event-body' }, ...content) : null);
}

/** What a badge's tooltip says of whose preservation (the badge itself shows `peer`, `self` or `unknown`). */
const QUALIFIER_WORDS: Readonly<Record<WebTag['qualifier'], string>> = {
  peer: 'peer-preservation',
  self: 'self-preservation',
  unknown: 'qualifier unknown: the log does not say whose shutdown',
};

/** A behaviour tag on an event: the behaviour and whose preservation, with confirm and dismiss. */
function tagBadge(t: WebTag): HTMLElement {
  const state = t.verdict ?? 'open';
  const title = [`${t.label} (${QUALIFIER_WORDS[t.qualifier]})${t.origin === 'manual' ? ', added by a reviewer' : ''}`, t.explanation, t.judged]
    .filter(Boolean)
    .join('\n');
  return el(
    'span',
    { class: `badge badge-tag verdict-${state}`, 'data-tag-id': t.id, 'data-behaviour': t.behaviour, 'data-verdict': state, 'data-origin': t.origin, title },
    icon(t.verdict === 'confirmed' ? 'check' : 'warning'),
    el('span', { class: 'tag-label' }, `${t.behaviour} (${t.qualifier})`),
    button('tag-confirm', '✓', {
      class: 'action action-tag-confirm tag-judge',
      'data-tag-id': t.id,
      'aria-pressed': String(t.verdict === 'confirmed'),
      title: t.verdict === 'confirmed' ? 'Confirmed: click to take the verdict back' : 'Confirm this tag',
      'aria-label': `Confirm ${t.behaviour}`,
    }),
    button('tag-dismiss', '✗', {
      class: 'action action-tag-dismiss tag-judge',
      'data-tag-id': t.id,
      'aria-pressed': String(t.verdict === 'dismissed'),
      title: t.verdict === 'dismissed' ? 'Dismissed: click to take the verdict back' : 'Dismiss this tag (a false positive)',
      'aria-label': `Dismiss ${t.behaviour}`,
    }),
  );
}

function gotoLink(cls: string, label: string, target: { index: number; label: string }): HTMLElement {
  return button(
    'goto',
    '',
    { class: `action action-goto link ${cls}`, 'data-target-index': String(target.index), title: `Go to event #${target.index}` },
    cls === 'led-to' ? `${label} → ` : `${label} `,
    el('span', { class: 'link-label' }, cls === 'led-to' ? target.label : `#${target.index}`),
    cls === 'led-from' && target.label ? el('span', { class: 'muted' }, ` (${target.label})`) : null,
  );
}

// ---- text blocks --------------------------------------------------------------------------------

function lineCountLabel(text: string): string {
  const n = countLines(text);
  return n === 1 ? `${text.trim().length} characters` : `${n} lines`;
}

/** Lines in a text (a final newline does not start a line), counted without splitting it. */
function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) if (i < text.length - 1) n++;
  return n;
}

/** The first `lines` lines of a text, at most `lines * CHARS_PER_LINE` characters, and what was left out. */
function head(text: string, lines: number): { shown: string; hiddenLines: number; hiddenChars: number } {
  const maxChars = Math.max(1, lines) * CHARS_PER_LINE;
  let end = 0;
  let n = 0;
  while (n < lines) {
    const nl = text.indexOf('\n', end);
    if (nl < 0 || nl >= text.length - 1) {
      end = text.length;
      break;
    }
    end = nl + 1;
    n++;
  }
  if (n === lines && end > 0) end--; // Drop the newline that ends the last shown line.
  if (end > maxChars) end = maxChars;
  const shown = text.slice(0, end);
  if (shown.length >= (text.endsWith('\n') ? text.length - 1 : text.length)) return { shown: text, hiddenLines: 0, hiddenChars: 0 };
  const total = countLines(text);
  const shownLines = countLines(shown);
  return { shown, hiddenLines: total - shownLines, hiddenChars: text.length - shown.length };
}

function moreLabel(hiddenLines: number, hiddenChars: number): string {
  if (hiddenLines > 0) return `${hiddenLines} more line${hiddenLines === 1 ? '' : 's'}`;
  return `${hiddenChars} more character${hiddenChars === 1 ? '' : 's'}`;
}

/**
 * A text shown whole when expanded or short, and cut to its first lines with an "N more lines" toggle
 * when compact. Only the shown part enters the DOM, so a compact row stays cheap whatever the text's size.
 */
function textBlock(text: string, expanded: boolean, lines: number, cls: string): HTMLElement {
  if (expanded) {
    const pre = el('pre', { class: cls }, text);
    if (countLines(text) <= lines * 2 && text.length <= lines * CHARS_PER_LINE) return pre;
    return el('div', { class: 'block' }, pre, button('toggle', 'Show less', { class: 'action action-toggle more' }));
  }
  const cut = head(text, lines);
  const pre = el('pre', { class: cls }, cut.shown);
  if (cut.shown === text) return pre;
  pre.classList.add('cut');
  return el('div', { class: 'block' }, pre, button('toggle', moreLabel(cut.hiddenLines, cut.hiddenChars), { class: 'action action-toggle more' }));
}

function jsonBlock(value: unknown, cls = 'json'): HTMLElement {
  const pre = el('pre', { class: cls });
  for (const t of jsonTokens(value)) pre.append(t.kind === 'punct' ? textNodes(t.text) : el('span', { class: `j-${t.kind}` }, t.text));
  return pre;
}

/** A shell command with commands, dangerous commands, weight paths, hosts and flags called out. */
function shellBlock(command: string, expanded: boolean, lines: number = COMPACT_LINES.arg): HTMLElement {
  const cut = expanded ? { shown: command, hiddenLines: 0, hiddenChars: 0 } : head(command, lines);
  const pre = el('pre', { class: 'shell' });
  const tokens = shellTokens(cut.shown);
  for (const t of tokens) {
    if (t.kind === 'text') pre.append(textNodes(t.text));
    else pre.append(el('span', { class: `sh-${t.kind}`, title: SHELL_TITLES[t.kind] }, t.text));
  }
  if (cut.shown === command) return pre;
  pre.classList.add('cut');
  return el('div', { class: 'block' }, pre, button('toggle', moreLabel(cut.hiddenLines, cut.hiddenChars), { class: 'action action-toggle more' }));
}

const SHELL_TITLES: Partial<Record<string, string>> = {
  danger: 'Copies, moves, deletes or changes files, processes or schedules',
  weights: 'A path that looks like model weights',
  host: 'Another machine',
};

// ---- tool calls ---------------------------------------------------------------------------------

const SHELL_ARGS = new Set(['command', 'cmd', 'script']);

/** Does a compact tool call need its argument grid, or does the header's one-line form show everything? */
function argsNeedBody(e: EventOfKind<'tool_call'>): boolean {
  const shell = toolFamily(e.name) === 'shell';
  for (const k in e.arguments) {
    const v = e.arguments[k];
    if (typeof v === 'string') {
      if ((shell && SHELL_ARGS.has(k)) || v.length > 60 || v.includes('\n')) return true;
    } else if (v !== null && typeof v === 'object') {
      if ((JSON.stringify(v) ?? '').length > 60) return true;
    }
  }
  return toolCallArgsPreview(e).endsWith('…');
}

function renderArgs(e: EventOfKind<'tool_call'>, expanded: boolean): HTMLElement {
  const args = Object.entries(e.arguments);
  if (args.length === 0) return el('span', { class: 'no-args muted' }, 'no arguments');
  const shell = toolFamily(e.name) === 'shell';
  const grid = el('dl', { class: 'args' });
  for (const [k, v] of args) {
    let value: HTMLElement;
    if (typeof v === 'string') {
      if (shell && SHELL_ARGS.has(k)) value = shellBlock(v, expanded);
      else if (v.includes('\n') || v.length > 120) value = textBlock(v, expanded, COMPACT_LINES.arg, 'text arg-text');
      else value = el('code', { class: `arg-string${isWeightsPath(v) ? ' weights' : ''}` }, v);
    } else if (v !== null && typeof v === 'object') {
      value = jsonBlock(v);
    } else {
      value = el('code', { class: v === null || typeof v === 'boolean' ? 'j-literal' : 'j-number' }, String(v));
    }
    grid.append(el('div', { class: 'arg', 'data-arg': k }, el('dt', {}, k), el('dd', {}, value)));
  }
  return grid;
}

// ---- tool answers printed as YAML ---------------------------------------------------------------

/** Records a compact row shows; the rest are one click away (the row expanded). */
const COMPACT_RECORDS = 3;

/** Readable or as printed: one choice for every such answer in the editor, as the diff layout is. */
function outputToolbar(readable: boolean): HTMLElement {
  const current = readable ? 'readable' : 'printed';
  return el(
    'div',
    { class: 'diff-toolbar output-toolbar', role: 'toolbar', 'aria-label': 'Tool answer' },
    el(
      'span',
      { class: 'segmented' },
      segment('output-mode', 'readable', current, 'Readable', { title: "Each record's fields, the YAML quoting and line folding read" }),
      segment('output-mode', 'printed', current, 'As printed', { title: 'The text exactly as the tool printed it, which is what the model read' }),
    ),
  );
}

/**
 * The records of a YAML tool answer: the one-line fields as a line of `key value` pairs, then each
 * field over several lines under its key, as text (never HTML), compacted as any output is.
 */
function readableView(records: readonly ReadableRecord[], expanded: boolean): HTMLElement {
  const wrap = el('div', { class: 'readable', 'data-testid': 'readable-output' });
  const shown = expanded ? records : records.slice(0, COMPACT_RECORDS);
  for (const record of shown) {
    const short = record.filter((f) => !f.value.includes('\n'));
    const long = record.filter((f) => f.value.includes('\n'));
    const rec = el('div', { class: 'readable-record' });
    if (short.length) rec.append(el('div', { class: 'readable-fields' }, ...short.map((f) => el('span', { class: 'readable-pair', 'data-key': f.key }, el('span', { class: 'readable-key' }, `${f.key}:`), ' ', f.value))));
    for (const f of long) rec.append(el('div', { class: 'readable-field', 'data-key': f.key }, el('div', { class: 'readable-key' }, f.key), textBlock(f.value, expanded, COMPACT_LINES.result, 'output readable-text')));
    wrap.append(rec);
  }
  if (shown.length < records.length) {
    const more = records.length - shown.length;
    wrap.append(button('toggle', `${more} more record${more === 1 ? '' : 's'}`, { class: 'action action-toggle more' }));
  }
  return wrap;
}

// ---- changes ------------------------------------------------------------------------------------

/** Diffs this large are left to VS Code's diff editor: diffing them here would stall the list. */
const MAX_INLINE_DIFF = 200_000;

/**
 * One button of a two-way choice (`data-action`, `data-mode`). The current mode's button is pressed
 * and disabled, so a click can only ever switch to the other mode.
 */
function segment(action: string, mode: string, current: string, label: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const on = mode === current;
  return button(action, label, { ...attrs, class: `action action-${action} segment${on ? ' active' : ''}`, 'data-mode': mode, 'aria-pressed': String(on), disabled: on ? '' : undefined }, ...children);
}

function diffToolbar(opts: RenderOptions, canOpen: boolean): HTMLElement {
  return el(
    'div',
    { class: 'diff-toolbar', role: 'toolbar', 'aria-label': 'Diff' },
    el('span', { class: 'segmented' }, segment('diff-mode', 'unified', opts.diffMode, 'Unified', {}, icon('unified')), segment('diff-mode', 'split', opts.diffMode, 'Side by side', {}, icon('split'))),
    canOpen ? button('open-diff', 'Open in Diff Editor', { class: 'action action-open-diff' }, icon('open-diff')) : null,
  );
}

/** A before/after diff with its toolbar, laid out unified or side by side; compact folds unchanged runs. */
function diffView(before: string, after: string, opts: RenderOptions): HTMLElement {
  const wrap = el('div', { class: 'diff-view', 'data-diff-mode': opts.diffMode }, diffToolbar(opts, true));
  if (before.length + after.length > MAX_INLINE_DIFF) {
    wrap.append(el('p', { class: 'note' }, `Too large to diff here (${before.length + after.length} characters): open it in the diff editor.`));
    return wrap;
  }
  const rows = splitDiff(before, after);
  const context = opts.expanded ? Infinity : 1;
  const changed = (r: SplitRow) => r.left?.op !== ' ' || r.right?.op !== ' ';
  const windows = context === Infinity ? rows.map((row) => ({ row })) : diffWindows(rows, changed, context);
  wrap.append(opts.diffMode === 'split' ? splitTable(windows) : unifiedTable(windows));
  return wrap;
}

type Window = { fold: number } | { row: SplitRow };

function foldRow(n: number, cols: number): HTMLElement {
  return el('tr', { class: 'fold' }, el('td', { colspan: String(cols) }, button('toggle', `${n} unchanged lines`, { class: 'action action-toggle more' })));
}

function codeCell(text: string, op: '+' | '-' | ' ', segments?: Array<{ text: string; changed: boolean }>): HTMLElement {
  const td = el('td', { class: `code ${op === '+' ? 'add' : op === '-' ? 'del' : 'ctx'}` });
  if (segments) for (const s of segments) td.append(s.changed ? el('span', { class: 'word-changed' }, s.text) : textNodes(s.text));
  else td.append(textNodes(text));
  return td;
}

function splitTable(windows: Window[]): HTMLElement {
  const table = el('table', { class: 'diff diff-split' });
  const body = el('tbody');
  for (const w of windows) {
    if ('fold' in w) {
      body.append(foldRow(w.fold, 4));
      continue;
    }
    const { left, right } = w.row;
    const inline = left && right && left.op === '-' && right.op === '+' ? inlineDiff(left.text, right.text) : undefined;
    body.append(
      el(
        'tr',
        {},
        el('td', { class: 'ln' }, left ? String(left.n) : ''),
        left ? codeCell(left.text, left.op, inline?.left) : el('td', { class: 'code empty' }),
        el('td', { class: 'ln' }, right ? String(right.n) : ''),
        right ? codeCell(right.text, right.op, inline?.right) : el('td', { class: 'code empty' }),
      ),
    );
  }
  table.append(body);
  return table;
}

function unifiedTable(windows: Window[]): HTMLElement {
  const table = el('table', { class: 'diff diff-unified' });
  const body = el('tbody');
  const line = (oldN: number | undefined, newN: number | undefined, op: '+' | '-' | ' ', text: string, segments?: Array<{ text: string; changed: boolean }>) =>
    el(
      'tr',
      { class: op === '+' ? 'add' : op === '-' ? 'del' : 'ctx' },
      el('td', { class: 'ln' }, oldN !== undefined ? String(oldN) : ''),
      el('td', { class: 'ln' }, newN !== undefined ? String(newN) : ''),
      el('td', { class: 'sign' }, op === ' ' ? '' : op),
      codeCell(text, op, segments),
    );
  // Side-by-side rows pair a removed line with its replacement; unified shows all removed lines of a
  // run before all added ones, as `diff -u` does.
  let dels: HTMLElement[] = [];
  let adds: HTMLElement[] = [];
  const flush = () => {
    body.append(...dels, ...adds);
    dels = [];
    adds = [];
  };
  for (const w of windows) {
    if ('fold' in w) {
      flush();
      body.append(foldRow(w.fold, 4));
      continue;
    }
    const { left, right } = w.row;
    if (left && right && left.op === ' ') {
      flush();
      body.append(line(left.n, right.n, ' ', left.text));
      continue;
    }
    const inline = left && right ? inlineDiff(left.text, right.text) : undefined;
    if (left) dels.push(line(left.n, undefined, '-', left.text, inline?.left));
    if (right) adds.push(line(undefined, right.n, '+', right.text, inline?.right));
  }
  flush();
  table.append(body);
  return table;
}

/** A path with its host part and weight files called out. */
function pathView(path: string): HTMLElement {
  const code = el('code', { class: 'path' });
  const m = /^((?:[\w.-]+@)?[\w.-]+):(?!\/\/)/.exec(path);
  let rest = path;
  // A host with a dot (an address, a name) or a user; an address has dots, so no pattern for one (which
  // tried every start in a long run of digits).
  if (m && (m[1]!.includes('@') || m[1]!.includes('.'))) {
    code.append(el('span', { class: 'sh-host' }, m[0]));
    rest = path.slice(m[0].length);
  }
  code.append(isWeightsPath(rest) ? el('span', { class: 'sh-weights' }, rest) : textNodes(rest));
  return code;
}

function renderFileChange(e: EventOfKind<'file_change'>, opts: RenderOptions): HTMLElement {
  const from = qualifiedPath(e.path, e.host);
  const to = e.to !== undefined ? qualifiedPath(e.to, e.toHost) : undefined;
  const wrap = el(
    'div',
    { class: 'file-change' },
    el(
      'div',
      { class: 'change-path' },
      el('span', { class: `op op-${e.op}` }, e.op),
      ' ',
      pathView(from),
      to !== undefined ? el('span', { class: 'arrow' }, ' → ') : null,
      to !== undefined ? pathView(to) : null,
    ),
  );
  // Compact: the command is on the tool call just above; expanded shows it here too.
  if (e.command !== undefined && opts.expanded) wrap.append(el('div', { class: 'command' }, el('span', { class: 'muted' }, 'from command'), shellBlock(e.command, opts.expanded, 2)));
  if (e.before !== undefined && e.after !== undefined) wrap.append(diffView(e.before, e.after, opts));
  else if (e.after !== undefined) wrap.append(textBlock(e.after, opts.expanded, COMPACT_LINES.content, 'text content'));
  else if (e.before !== undefined) wrap.append(textBlock(e.before, opts.expanded, COMPACT_LINES.content, 'text content removed'));
  return wrap;
}

// ---- images -------------------------------------------------------------------------------------

/**
 * An event's images. Each is shown from a `data:` URL only when its data passes `checkImageData`
 * here, in the page (a shown media type, valid base64, the type's first bytes, within the cap): the
 * event may come from a run log written by anyone. Otherwise its description says why it is not shown.
 * Shown images are size-capped; a click shows one full size (and back).
 */
export function renderImages(images: readonly ImagePart[]): HTMLElement {
  const wrap = el('div', { class: 'images' });
  for (const img of images) {
    const alt = img.alt?.trim() || 'image';
    const check = img.data !== undefined ? checkImageData(img.mediaType, img.data) : undefined;
    if (check?.ok) {
      // The media type from the fixed list (not the event's spelling of it), the data only base64 characters.
      const type = Object.keys(SHOWN_IMAGE_TYPES).find((t) => t === img.mediaType!.toLowerCase())!;
      const picture = el('img', { class: 'transcript-image', alt, title: `${alt} (click for full size)`, 'data-testid': 'transcript-image' });
      (picture as HTMLImageElement).src = `data:${type};base64,${img.data!}`;
      wrap.append(
        el(
          'figure',
          { class: 'image', 'data-action': 'image-zoom', 'data-media-type': type },
          picture,
          el('figcaption', { class: 'image-alt' }, alt, el('span', { class: 'muted' }, ` · ${SHOWN_IMAGE_TYPES[type]}, ${formatBytes(check.bytes)}`)),
        ),
      );
      continue;
    }
    const why = img.omitted ?? (check && !check.ok ? check.reason : 'it holds no image data');
    wrap.append(
      el(
        'div',
        { class: 'image image-omitted', 'data-testid': 'image-omitted', role: 'note' },
        icon('info'),
        ' ',
        el('span', { class: 'image-alt' }, alt),
        el('span', { class: 'muted' }, ` (image not shown: ${why})`),
        img.url ? el('code', { class: 'image-url' }, img.url) : null,
      ),
    );
  }
  return wrap;
}

// ---- groups -------------------------------------------------------------------------------------

const GROUP_WORDS: Record<GroupHead['kind'], string> = {
  span: 'Span',
  agent: 'Agent',
  subagent: 'Subagent',
  scorer: 'Scorer',
};

/**
 * The header row of a group (a span, an agent run as a tool, a subagent, a scorer): its kind, name and
 * count; a click, Enter or Space folds or unfolds it. A folded header stands for the whole group, and
 * for the event it starts at (`data-event-index`), so stepping, focus and links land on it.
 */
export function renderGroupHead(h: GroupHead, index: number, standsForEvent: boolean): HTMLElement {
  const what = h.kind === 'scorer' ? "the grader's model calls, not the agent's" : h.kind === 'agent' ? (h.callId ? `run by tool call ${h.callId}` : 'run as a tool') : '';
  const count = `${h.count.toLocaleString()}${h.count >= 100_000 ? '+' : ''} event${h.count === 1 ? '' : 's'}`;
  const node = el(
    'li',
    {
      class: `group-header group-${h.kind}${standsForEvent ? ' event event-group' : ''}`,
      'data-testid': 'group-header',
      'data-group-id': h.id,
      'data-group-kind': h.kind,
      'data-folded': String(h.folded),
      'data-action': 'toggle-group',
      'data-start-index': String(index),
      ...(standsForEvent ? { 'data-event-index': String(index), 'data-kind': 'group' } : {}),
      role: 'button',
      tabindex: '0',
      'aria-expanded': String(!h.folded),
      title: `${h.folded ? 'Unfold' : 'Fold'} this ${GROUP_WORDS[h.kind].toLowerCase()} (click, Enter or Space)`,
    },
    el('span', { class: `icon codicon codicon-${h.folded ? 'chevron-right' : 'chevron-down'}`, 'aria-hidden': 'true' }),
    el(
      'span',
      { class: 'group-label' },
      el('span', { class: 'group-kind' }, GROUP_WORDS[h.kind]),
      ' ',
      el('span', { class: 'group-name' }, h.name),
      el('span', { class: 'group-count muted' }, ` · ${count}`),
      what ? el('span', { class: 'group-what' }, ` · ${what}`) : null,
    ),
  );
  node.style.setProperty('--depth', String(h.depth));
  return node;
}

// ---- diagnostics --------------------------------------------------------------------------------

/** A diagnostic marker: where reading broke and why. */
export function renderDiagnostic(d: Diagnostic): HTMLElement {
  return el(
    'li',
    { class: `diagnostic diagnostic-${d.severity}`, 'data-testid': 'diagnostic', 'data-severity': d.severity, role: 'alert' },
    el('strong', {}, d.severity === 'error' ? 'Could not read past here' : 'Warning'),
    el('p', {}, d.message),
  );
}
