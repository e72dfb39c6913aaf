/**
 * The one way transcript text enters the webview's DOM: `textNodes` turns a string into text nodes
 * and, for each invisible or bidi character (see core/invisible.ts), a marker span reading `U+202E`
 * with its name as the tooltip. The character itself is never put in the page, so a stored
 * `safe\u202Egnp.exe` reads `safe` `U+202E` `gnp.exe`, in stored order, instead of `safeexe.png`.
 * Text only (`createTextNode`, `textContent`): never HTML.
 *
 * Find (findBar.ts) skips the markers' text, so searching for "U+202E" does not mark them, and the
 * copy handler in main.ts puts the characters back when a selection is copied.
 */
import { splitInvisible } from '../core/invisible';

/** Class of a marker span; `data-code-point` holds the character's code point in hex. */
export const INVISIBLE_CLASS = 'invisible-char';

/** The string as a text node, or as text nodes and marker spans when it holds invisible characters. */
export function textNodes(text: string): Node {
  const runs = splitInvisible(text);
  if (runs.length === 1 && runs[0]!.kind === 'text') return document.createTextNode(text);
  const frag = document.createDocumentFragment();
  for (const r of runs) {
    if (r.kind === 'text') {
      frag.append(document.createTextNode(r.text));
      continue;
    }
    const marker = document.createElement('span');
    marker.className = r.bidi ? `${INVISIBLE_CLASS} invisible-bidi` : INVISIBLE_CLASS;
    marker.title = `${r.code} ${r.name}`;
    marker.dataset.codePoint = r.code.slice(2);
    marker.textContent = r.code;
    frag.append(marker);
  }
  return frag;
}

/**
 * The text a selection stands for: markers become their characters again, so copying a path from the
 * transcript gives the path as stored (a reviewer pasting it into a terminal gets the real bytes).
 */
export function storedText(fragment: DocumentFragment): string {
  for (const m of Array.from(fragment.querySelectorAll<HTMLElement>(`.${INVISIBLE_CLASS}[data-code-point]`))) {
    m.replaceWith(String.fromCodePoint(parseInt(m.dataset.codePoint!, 16)));
  }
  return fragment.textContent ?? '';
}
