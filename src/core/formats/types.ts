/**
 * The contract between format importers and the rest of Peerwatch.
 * Pure module: no `vscode`, no Node built-ins (file access goes through `ImportContext`).
 */
import type { Diagnostic, RunHeader, SourceRef, TranscriptEvent } from '../model';
import type { JsonPath } from '../json/tolerantJson';

/** What an importer gets besides the parsed document. */
export interface ImportContext {
  /** The file's name as the user knows it (used in every diagnostic message). */
  readonly file: string;
  /** Where the value at a JSON path starts in the source, as a SourceRef (path always set). */
  locate(path: JsonPath): SourceRef;
  /**
   * Sibling files of a production-harness run (`run_meta.json`, `events.jsonl`), already read, keyed
   * by base name; absent when the caller has no file system (browser) or there are none.
   */
  readonly siblings?: Readonly<Record<string, string>>;
}

/** What an importer returns; the caller re-indexes events and adds parse diagnostics. */
export interface ImportResult {
  header: RunHeader;
  events: TranscriptEvent[];
  diagnostics: Diagnostic[];
}

/** The context for a value found at `prefix` inside the document: its paths are cited from the root. */
export function within(ctx: ImportContext, prefix: JsonPath): ImportContext {
  if (prefix.length === 0) return ctx;
  return { ...ctx, locate: (path) => ctx.locate([...prefix, ...path]) };
}
