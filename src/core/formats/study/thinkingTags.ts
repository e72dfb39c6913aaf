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

/**
 * An opening tag's name: `<thinking` before `>` or whitespace. The tag ends at the first `>` after
 * it (`<thinking>`, `<think budget="2">`, as /<(thinking|…)(?:\s[^>]*)?>/ read it). That regex ran
 * `[^>]*` to the end of the text from every tag without a `>`: 70,000 `<thinking x` (0.35 MB) took
 * 23 s. Here the first tag's `>` is found with one indexOf: when there is none, no later tag has one
 * either.
 */
const OPEN_NAME = new RegExp(`<(${TAG_NAMES.join('|')})(?=[\\s>])`, 'gi');
const CLOSE_ANY = new RegExp(`</(${TAG_NAMES.join('|')})>`, 'i');
const CLOSE = new Map(TAG_NAMES.map((n) => [n, new RegExp(`</${n}>`, 'gi')]));

interface OpenTag {
  index: number;
  /** Just after the tag's `>`. */
  end: number;
  name: string;
}

/** The first opening tag at or after `from`. */
function openTag(s: string, from: number): OpenTag | undefined {
  OPEN_NAME.lastIndex = from;
  const m = OPEN_NAME.exec(s);
  if (!m) return undefined;
  const after = m.index + m[0].length;
  const gt = s.indexOf('>', after);
  return gt < 0 ? undefined : { index: m.index, end: gt + 1, name: m[1]! };
}

/** Separates thinking-tag blocks from the rest of an assistant message. */
export function splitThinkingTags(content: string): ThinkingSplit {
  const reasoning: string[] = [];
  let at = 0;

  // DeepSeek-style output can start with the reasoning and only the closing tag.
  const firstOpen = openTag(content, 0);
  const loneClose = CLOSE_ANY.exec(content);
  if (loneClose && (!firstOpen || loneClose.index < firstOpen.index)) {
    const before = content.slice(0, loneClose.index).trim();
    if (before) reasoning.push(before);
    at = loneClose.index + loneClose[0].length;
  }

  let out = '';
  for (;;) {
    const open = openTag(content, at);
    if (!open) {
      out += content.slice(at);
      break;
    }
    out += content.slice(at, open.index);
    const closeRe = CLOSE.get(open.name.toLowerCase())!;
    closeRe.lastIndex = open.end;
    const close = closeRe.exec(content);
    // An unclosed tag (a cut-off answer) holds reasoning to the end.
    const body = content.slice(open.end, close ? close.index : content.length);
    if (body.trim()) reasoning.push(body.trim());
    if (!close) break;
    at = close.index + close[0].length;
  }
  return { reasoning, text: out.replace(/\n{3,}/g, '\n\n').trim() };
}
