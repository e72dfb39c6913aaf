/**
 * The Peerwatch editor's webview: receives the transcript from the host and renders it.
 * Protocol: src/core/protocol.ts. Handshake: `ready` → `init`.
 */
import type { FromWebview, ToWebview } from '../core/protocol';
import type { Diagnostic, TranscriptEvent } from '../core/model';
import { el, renderDiagnostic, renderEvent, renderHeader } from './render';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  scrollTop?: number;
}

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let list: HTMLOListElement | undefined;
let shownDiagnostics = new Set<string>();

function state(): ViewState {
  return (vscode.getState() as ViewState | undefined) ?? {};
}

function addEvents(events: readonly TranscriptEvent[]): void {
  if (!list) return;
  const frag = document.createDocumentFragment();
  for (const e of events) frag.append(renderEvent(e));
  list.append(frag);
}

/** Places each diagnostic marker right after the last event read before it. */
function addDiagnostics(diagnostics: readonly Diagnostic[]): void {
  if (!list) return;
  for (const d of diagnostics) {
    const key = `${d.line}:${d.column}:${d.message}`;
    if (shownDiagnostics.has(key)) continue;
    shownDiagnostics.add(key);
    const marker = renderDiagnostic(d);
    const after = d.afterEvent >= 0 ? list.querySelector(`[data-event-index="${d.afterEvent}"]`) : null;
    if (after) after.after(marker);
    else if (d.afterEvent < 0) list.prepend(marker);
    else list.append(marker);
  }
}

function render(message: Extract<ToWebview, { type: 'init' }>): void {
  shownDiagnostics = new Set();
  list = el('ol', { class: 'events', 'data-testid': 'event-list', 'aria-label': 'Transcript events' }) as HTMLOListElement;
  const errors = message.diagnostics.filter((d) => d.severity === 'error').length;
  const parts: Array<HTMLElement | null> = [
    renderHeader(message.fileName, message.header, message.live),
    errors ? el('p', { class: 'banner banner-error', 'data-testid': 'diagnostic-summary' }, `${errors} problem${errors > 1 ? 's' : ''} reading ${message.fileName}; everything readable is shown, with a marker where reading broke.`) : null,
    message.events.length === 0 && !errors ? el('p', { class: 'empty' }, message.live ? 'Waiting for the first event…' : 'This transcript has no events.') : null,
    list,
  ];
  app.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  addEvents(message.events);
  addDiagnostics(message.diagnostics);
  const top = state().scrollTop;
  if (top) document.scrollingElement!.scrollTop = top;
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const message = ev.data;
  switch (message.type) {
    case 'init':
      render(message);
      break;
    case 'append': {
      addEvents(message.events);
      addDiagnostics(message.diagnostics);
      const live = app.querySelector('[data-field="live"]');
      if (!message.live) live?.remove();
      break;
    }
    case 'fatal':
      list = undefined;
      app.replaceChildren(
        el('section', { class: 'fatal', 'data-testid': 'fatal', role: 'alert' }, el('h1', {}, 'Peerwatch cannot show this file'), el('p', {}, message.message)),
      );
      break;
    case 'reveal': {
      const target = app.querySelector<HTMLElement>(`[data-event-index="${message.index}"]`);
      target?.scrollIntoView({ block: 'center' });
      target?.focus();
      break;
    }
  }
});

// Focus follows clicks so host commands (Show Log Source) act on the event the user picked;
// double-click opens the event's source line.
app.addEventListener('click', (ev) => {
  const item = (ev.target as HTMLElement).closest<HTMLElement>('[data-event-index]');
  if (item) vscode.postMessage({ type: 'focus', index: Number(item.dataset.eventIndex) });
});
app.addEventListener('dblclick', (ev) => {
  const item = (ev.target as HTMLElement).closest<HTMLElement>('[data-event-index]');
  if (item && !window.getSelection()?.toString()) vscode.postMessage({ type: 'openSource', index: Number(item.dataset.eventIndex) });
});

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => vscode.setState({ ...state(), scrollTop: document.scrollingElement!.scrollTop }), 150);
});

vscode.postMessage({ type: 'ready' });
