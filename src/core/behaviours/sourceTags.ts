/**
 * Tags a transcript's source already carries: a Petri judge's highlights, a classifier's verdict.
 * An importer puts them in `header.metadata.sourceTags` (so they survive `peerwatch convert` into a
 * run log); `detectBehaviours` lists them with the detected ones, citing the same events, so the
 * Behaviours view, the editor's badges and `peerwatch tag` show them without knowing the format.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Transcript } from '../model';
import { SOURCE_TAGS_KEY } from '../sourceTags';
import { QUALIFIERS as QUALIFIER_VALUES, type Finding, type Qualifier, type Severity } from './types';

export { SOURCE_TAGS_KEY, type SourceTag } from '../sourceTags';

const SEVERITIES = new Set(['low', 'medium', 'high']);
const QUALIFIERS = new Set<string>(QUALIFIER_VALUES);

/** The source's tags as findings; malformed entries (hand-edited run logs) are skipped. */
export function sourceFindings(t: Transcript): Finding[] {
  const list = t.header.metadata[SOURCE_TAGS_KEY];
  if (!Array.isArray(list)) return [];
  const out: Finding[] = [];
  for (const raw of list) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    if (typeof r['behaviour'] !== 'string' || !r['behaviour'] || !Array.isArray(r['events']) || typeof r['explanation'] !== 'string') continue;
    const events = r['events'].filter((e): e is number => typeof e === 'number');
    const detector = typeof r['detector'] === 'string' && r['detector'].startsWith('source:') ? r['detector'] : `source:${typeof r['detector'] === 'string' ? r['detector'] : 'file'}`;
    const f: Finding = { behaviour: r['behaviour'], events, explanation: r['explanation'], detector };
    if (typeof r['severity'] === 'string' && SEVERITIES.has(r['severity'])) f.severity = r['severity'] as Severity;
    if (typeof r['qualifier'] === 'string' && QUALIFIERS.has(r['qualifier'])) f.qualifier = r['qualifier'] as Qualifier;
    out.push(f);
  }
  return out;
}
