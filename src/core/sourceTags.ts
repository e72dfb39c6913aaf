/**
 * Tags a transcript's source already carries (a Petri judge's highlights, a classifier's verdict), as
 * an importer stores them in `header.metadata.sourceTags`. The shape belongs with the model: the
 * readers (formats/) write it and the detectors (behaviours/sourceTags.ts) read it, neither
 * importing the other.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Qualifier, Severity } from './behaviours/types';

/** The `header.metadata` key holding the source's tags. */
export const SOURCE_TAGS_KEY = 'sourceTags';

/** One tag as an importer stores it: events are indices into `Transcript.events`. */
export interface SourceTag {
  behaviour: string;
  events: number[];
  explanation: string;
  /** Who tagged it, e.g. `source:petri-judge` (always starts with `source:`). */
  detector: string;
  severity?: Severity;
  qualifier?: Qualifier;
}
