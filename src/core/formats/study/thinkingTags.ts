/**
 * Splits reasoning written inside assistant content (`<thinking>…</thinking>`, `<think>…</think>`,
 * `<reasoning>…</reasoning>`, `<scratchpad>…</scratchpad>`) from the visible text.
 *
 * Some of the study's models write their reasoning inline instead of using a scratchpad tool, and the
 * harness's `remove_thinking_tags` option does not always apply, so the tags reach the transcript.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

export interface ThinkingSplit {
  /** Each tagged block's text, in order, trimmed. */
  reasoning: string[];
  /** The content with the blocks removed, trimmed ('' when nothing is left). */
  text: string;
}

const TAG_NAMES = ['thinking', 'think', 'reasoning', 'scratchpad'];
const OPEN = new RegExp(`<(${TAG_NAMES.join('|')})(?:\\s[^>]*)?>`, 'i');

/** Separates thinking-tag blocks from the rest of an assistant message. */
export function splitThinkingTags(content: string): ThinkingSplit {
  const reasoning: string[] = [];
  let rest = content;

  // DeepSeek-style output can start with the reasoning and only the closing tag.
  const firstOpen = OPEN.exec(rest);
  const loneClose = new RegExp(`</(${TAG_NAMES.join('|')})>`, 'i').exec(rest);
  if (loneClose && (!firstOpen || loneClose.index < firstOpen.index)) {
    const before = rest.slice(0, loneClose.index).trim();
    if (before) reasoning.push(before);
    rest = rest.slice(loneClose.index + loneClose[0].length);
  }

  let out = '';
  for (;;) {
    const open = OPEN.exec(rest);
    if (!open) {
      out += rest;
      break;
    }
    out += rest.slice(0, open.index);
    const name = open[1]!;
    const afterOpen = rest.slice(open.index + open[0].length);
    const close = new RegExp(`</${name}>`, 'i').exec(afterOpen);
    // An unclosed tag (a cut-off answer) holds reasoning to the end.
    const body = close ? afterOpen.slice(0, close.index) : afterOpen;
    if (body.trim()) reasoning.push(body.trim());
    rest = close ? afterOpen.slice(close.index + close[0].length) : '';
  }
  return { reasoning, text: out.replace(/\n{3,}/g, '\n\n').trim() };
}
