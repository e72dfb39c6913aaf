/**
 * The typed message protocol between the extension host and the Peerwatch editor's webview.
 * Every message is a zod schema; the host validates everything that arrives from the webview
 * (it runs transcript-derived UI, so its messages are treated as untrusted input).
 *
 * The host owns the transcript and its index; the webview holds only what it shows. Positions in
 * messages are *view positions*: places in the list after the current filter (equal to event
 * indices when nothing is filtered). Events always carry their own `index`.
 *
 * Pure module: imported by both the host bundle and the webview bundle.
 */
import { z } from 'zod';
import { Diagnostic, EventGroup, RunHeader, TranscriptEvent } from './model';

const Index = z.number().int().nonnegative();

/** A filter on the event list: kinds and tool names to keep (`null`: no constraint). */
export const ViewFilter = z.object({
  kinds: z.array(z.string().max(64)).max(32).nullable(),
  tools: z.array(z.string().max(256)).max(1000).nullable(),
});
export type ViewFilter = z.infer<typeof ViewFilter>;

/**
 * Which groups (spans, agents run as tools, subagents, scorers) are folded: by default agents and
 * scorers are folded and spans and subagents open; `all` (Expand / Collapse all) overrides the
 * default, and the groups in `toggled` are the other way round from it.
 */
export const GroupFolds = z.object({
  all: z.enum(['open', 'closed']).optional(),
  toggled: z.array(z.string().max(500)).max(5000),
});
export type GroupFolds = z.infer<typeof GroupFolds>;

/** A group that starts at an event: its header row shows before the event (or instead of it, folded). */
export const GroupHead = EventGroup.extend({
  /** Events in the group (this run of it), counted from the index. */
  count: Index,
  folded: z.boolean(),
  /** How many groups it sits in. */
  depth: Index,
});
export type GroupHead = z.infer<typeof GroupHead>;

/** One step of the run for the outline: where it starts and what happened in it. */
export const OutlineEntry = z.object({
  index: Index,
  step: z.number().int().nullable(),
  label: z.string(),
  /** Kinds of notable events in the entry (config_change, file_change, error…), for its marks. */
  marks: z.array(z.string()),
});
export type OutlineEntry = z.infer<typeof OutlineEntry>;

/** What the webview needs to size and label the list; sent on open and whenever it changes. */
export const Summary = z.object({
  fileName: z.string(),
  header: RunHeader,
  live: z.boolean(),
  /** Events in the log (read so far). */
  eventCount: Index,
  /** Events in the current view (after the filter). */
  viewCount: Index,
  /** The host is still reading the file: counts will grow. */
  indexing: z.boolean(),
  /** The first diagnostics (capped) and how many there are in all. */
  diagnostics: z.array(Diagnostic),
  diagnosticCount: Index,
  kindCounts: z.record(z.string(), z.number()),
  tools: z.array(z.string()),
  outline: z.array(OutlineEntry),
  filter: ViewFilter,
  /** Which groups are folded (the host unfolds a group to reveal an event in it). */
  folds: GroupFolds.optional(),
  /** In a log of many samples (Inspect): which sample this transcript is, and where it is in the list. */
  sample: z
    .object({
      key: z.string(),
      id: z.string(),
      epoch: z.number().int(),
      /** 1-based place in the sample list, and the list's length. */
      position: Index,
      total: Index,
    })
    .optional(),
});
export type Summary = z.infer<typeof Summary>;

/** One row of a multi-sample log's sample list (see core/formats/sampleLog.ts SampleSummary). */
export const SampleRow = z.object({
  key: z.string(),
  id: z.string(),
  epoch: z.number().int(),
  input: z.string().optional(),
  target: z.string().optional(),
  scores: z.record(z.string(), z.string()),
  totalTokens: z.number().optional(),
  error: z.string().optional(),
  complete: z.boolean(),
  /** The sample's flags (core/sampleTable.ts SampleFlags); absent until the sample is tagged. */
  flags: z.object({ count: Index, first: Index.optional(), behaviours: z.array(z.string()) }).optional(),
  /** Why the sample could not be tagged. */
  flagsError: z.string().optional(),
});
export type SampleRow = z.infer<typeof SampleRow>;

/**
 * The sample list's rows packed (core/packedSampleRows.ts): each distinct string (scores and flags as
 * their JSON) once in `strings`, and each row as 11 numbers in `cells` (indices into `strings`, -1
 * for a field the row does not have; epoch, totalTokens and complete as themselves).
 */
export const PackedSampleRows = z.object({ strings: z.array(z.string()), cells: z.array(z.number()) });
export type PackedSampleRows = z.infer<typeof PackedSampleRows>;

/** A multi-sample log's list of samples, with what its header says about the whole evaluation. */
export const SamplesMessage = z.object({
  type: z.literal('samples'),
  fileName: z.string(),
  format: z.string(),
  /** What the file is, as the reader names it (`tau2-bench results`); absent for Inspect logs. */
  reader: z.string().optional(),
  task: z.string().optional(),
  model: z.string().optional(),
  status: z.string().optional(),
  created: z.string().optional(),
  /** The log is still being written (status `started`): more samples may come. */
  live: z.boolean(),
  /** The rows (SampleRow), packed: core/packedSampleRows.ts. */
  samples: PackedSampleRows,
  /**
   * Present when `samples` are only the list's first rows, in the log's order, of `total`: a first
   * showing of a long list, drawn before the whole of it travels. The page asks for the rest
   * (`getSamples`) once it has drawn them.
   */
  total: Index.optional(),
  diagnostics: z.array(Diagnostic),
  diagnosticCount: Index,
  /** A sample that could not be opened just now, and why. */
  error: z.string().optional(),
  /** The sample to select in the list (the one last open). */
  selected: z.string().optional(),
  /** "tagging 40/200" while the samples' flags are being counted. */
  tagging: z.string().optional(),
  /** Why the samples' flags cannot be counted. */
  flagsError: z.string().optional(),
});
export type SamplesMessage = z.infer<typeof SamplesMessage>;

// ---- host → webview -------------------------------------------------------------------------

/** The document (re)opened: the webview drops what it holds and starts from this. */
export const InitMessage = Summary.extend({ type: z.literal('init'), generation: Index });
/** Counts, header or outline changed (the file grew, indexing progressed, the filter changed). */
export const UpdateMessage = Summary.extend({
  type: z.literal('update'),
  generation: Index,
  /** A new generation made to reveal this event (a group unfolded, the filter cleared): show it, not the one focused before. */
  focus: Index.optional(),
});

/** One event slot: the event, or why its record could not be read. */
export const Slot = z.object({
  pos: Index,
  index: Index,
  event: TranscriptEvent.optional(),
  error: z.string().optional(),
  /** For reasoning: the action it led to; for a tool call: the reasoning before it. */
  ledTo: z.object({ index: Index, label: z.string() }).optional(),
  ledFrom: z.object({ index: Index, label: z.string() }).optional(),
  /** Groups that start at this event, outermost first; when the last is folded, the row is its header alone. */
  groups: z.array(GroupHead).optional(),
  /** How many open groups the event sits in (its indent). */
  depth: Index.optional(),
  /** For a tool result printed as YAML records with a value over several lines: its fields, read (src/core/readableOutput.ts). */
  readable: z.array(z.array(z.object({ key: z.string(), value: z.string() }))).optional(),
});
export type Slot = z.infer<typeof Slot>;

/** Answer to `getEvents`. */
export const EventsMessage = z.object({ type: z.literal('events'), generation: Index, slots: z.array(Slot) });

/**
 * Answer to `getTail`: the log's last events, read from the end of the file while the index has not
 * reached them. `index` is the event's number: an estimate (shown as ≈) unless `exact`; the page
 * goes to the numbered last event once indexing finishes.
 */
export const TailMessage = z.object({
  type: z.literal('tail'),
  generation: Index,
  rows: z.array(z.object({ index: Index, event: TranscriptEvent.optional(), error: z.string().optional() })),
  exact: z.boolean(),
  /** Share of the file indexed when the tail was read, 0–1. */
  indexed: z.number().min(0).max(1),
});
export type TailMessage = z.infer<typeof TailMessage>;

/** Answer to `find`: matching view positions (capped) and their total. */
export const FoundMessage = z.object({
  type: z.literal('found'),
  requestId: Index,
  query: z.string(),
  positions: z.array(Index),
  total: Index,
  /** The search covered the whole log (false while it is still running or when stopped early). */
  done: z.boolean(),
});

/** Scroll to an event and focus it (pos: its view position; -1 when the filter hides it). */
export const RevealMessage = z.object({ type: z.literal('reveal'), index: Index, pos: z.number().int(), highlight: z.boolean().optional() });

/** A command run in VS Code (palette, keybinding) that the webview carries out. */
export const WebviewCommand = z.enum([
  'nextEvent',
  'previousEvent',
  'nextToolCall',
  'previousToolCall',
  'firstEvent',
  'lastEvent',
  'toggleEvent',
  'expandAll',
  'collapseAll',
  'find',
  'findNext',
  'findPrevious',
  'clearFilter',
]);
export type WebviewCommand = z.infer<typeof WebviewCommand>;
export const CommandMessage = z.object({ type: z.literal('command'), command: WebviewCommand });

/** The file could not be read as a transcript at all (not a transcript, unreadable, declined). */
export const FatalMessage = z.object({ type: z.literal('fatal'), fileName: z.string(), message: z.string() });

/** A behaviour tag as the editor shows it: a badge on each cited event, with the review verdict. */
export const WebTag = z.object({
  id: z.string(),
  behaviour: z.string(),
  /** The behaviour's display name. */
  label: z.string(),
  /** Whose preservation: `unknown` when the log does not say. */
  qualifier: z.enum(['peer', 'self', 'unknown']),
  events: z.array(Index),
  origin: z.enum(['detected', 'manual']),
  verdict: z.enum(['confirmed', 'dismissed']).nullable(),
  explanation: z.string(),
  /** Who judged (or added) it and when, for the badge's tooltip. */
  judged: z.string().optional(),
});
export type WebTag = z.infer<typeof WebTag>;

/** The run's tags (detected and manual, with verdicts); sent whenever they or the judgements change. */
export const TagsMessage = z.object({
  type: z.literal('tags'),
  tags: z.array(WebTag),
  /**
   * The run's flags: events cited by a tag that is not dismissed (core/review/merge `flaggedEvents`),
   * counted over every tag, also those past the ones sent. The same number F8 steps through.
   */
  flagged: z.number().int().nonnegative(),
  /** Tags not dismissed (several may cite one event). */
  openTags: z.number().int().nonnegative(),
  /** Still detecting: more tags may come. */
  analysing: z.boolean(),
  /** Why behaviours were not detected in this run (too large for the editor, unreadable), if they were not. */
  notDetected: z.string().nullable(),
  /** "Reviewed by Ada on 8 Mar 2026", when the run is marked reviewed. */
  reviewed: z.string().nullable(),
});

/** Marks these events as the ones a selected tag cites (cleared by an empty list). */
export const HighlightMessage = z.object({ type: z.literal('highlight'), indices: z.array(Index) });

export const ToWebview = z.discriminatedUnion('type', [
  InitMessage,
  UpdateMessage,
  EventsMessage,
  TailMessage,
  FoundMessage,
  RevealMessage,
  CommandMessage,
  FatalMessage,
  TagsMessage,
  HighlightMessage,
  SamplesMessage,
]);
export type ToWebview = z.infer<typeof ToWebview>;

// ---- webview → host -------------------------------------------------------------------------

/** The webview has loaded its script; it may ask to restore a filter it saved. */
export const ReadyMessage = z.object({
  type: z.literal('ready'),
  filter: ViewFilter.optional(),
  /** The view positions it will show first: the host sends them right after `init`, unasked. */
  around: z.object({ start: Index, end: Index }).optional(),
  /** In a multi-sample log: the sample the webview showed before (its saved state); absent: the list. */
  sample: z.string().max(2000).optional(),
  /** The folded groups it saved. */
  folds: GroupFolds.optional(),
});
/** Send the events at view positions [start, end). */
export const GetEventsMessage = z.object({ type: z.literal('getEvents'), generation: Index, start: Index, end: Index });
/**
 * End pressed while the log is still indexed: send its last events, read from the end of the file
 * (`tail`); once it is indexed, the answer is a `reveal` of the last event. `ahead`: asked for before
 * End is pressed, so that End shows them at once (no answer once indexed).
 */
export const GetTailMessage = z.object({ type: z.literal('getTail'), generation: Index, ahead: z.boolean().optional() });
export const SetFilterMessage = z.object({ type: z.literal('setFilter'), filter: ViewFilter });
/** Fold or unfold groups (answered with an `update` of a new generation). */
export const SetFoldsMessage = z.object({ type: z.literal('setFolds'), folds: GroupFolds });
/** Search the whole log (not only what is rendered) for `query`. */
export const FindMessage = z.object({ type: z.literal('find'), requestId: Index, query: z.string().max(1000), caseSensitive: z.boolean() });
/** Find the next/previous event of a kind from a view position; answered with `reveal`. */
export const NavigateMessage = z.object({
  type: z.literal('navigate'),
  from: z.number().int(),
  direction: z.union([z.literal(1), z.literal(-1)]),
  kind: z.string().max(64),
});
/** Reveal the event with this index (the webview knows its index, not its view position). */
export const LocateMessage = z.object({
  type: z.literal('locate'),
  index: Index,
  /** Show all events if the filter hides this one (a link followed); otherwise do nothing then. */
  clearFilter: z.boolean().optional(),
});
export const OpenSourceMessage = z.object({ type: z.literal('openSource'), index: Index });
export const OpenDiffMessage = z.object({ type: z.literal('openDiff'), index: Index });
export const CopyLinkMessage = z.object({ type: z.literal('copyLink'), index: Index });
/** The event the user focused (keeps commands such as Show Log Source in step). */
export const FocusMessage = z.object({ type: z.literal('focus'), index: Index });

/** Open a sample of a multi-sample log by its key. */
export const OpenSampleMessage = z.object({ type: z.literal('openSample'), key: z.string().min(1).max(2000) });
/** Go back to the sample list. */
export const ShowSamplesMessage = z.object({ type: z.literal('showSamples') });
/** Open the next or previous sample in the list. */
export const StepSampleMessage = z.object({ type: z.literal('stepSample'), direction: z.union([z.literal(1), z.literal(-1)]) });

/**
 * The sample list's rows as shown (sorted and filtered), by key: Next Flagged Sample steps in this
 * order and Export CSV writes these rows.
 */
export const SamplesShownMessage = z.object({ type: z.literal('samplesShown'), keys: z.array(z.string().max(2000)).max(1_000_000) });
/** Send the whole sample list (the page has drawn the first rows, `SamplesMessage.total`). */
export const GetSamplesMessage = z.object({ type: z.literal('getSamples') });
/** Save the sample list as CSV (the rows as shown). */
export const ExportSamplesMessage = z.object({ type: z.literal('exportSamples') });
/** Open the next or previous sample with a flag, at its first flag. */
export const StepFlaggedSampleMessage = z.object({ type: z.literal('stepFlaggedSample'), direction: z.union([z.literal(1), z.literal(-1)]) });

/** Confirm or dismiss a tag (`clear`: take the verdict back). */
export const JudgeMessage = z.object({ type: z.literal('judge'), tagId: z.string().min(1).max(200), verdict: z.enum(['confirmed', 'dismissed', 'clear']) });
/** Add a tag to this event (the host asks which behaviour and for a note). */
export const AddTagMessage = z.object({ type: z.literal('addTag'), index: Index });

export const FromWebview = z.discriminatedUnion('type', [
  JudgeMessage,
  AddTagMessage,
  ReadyMessage,
  GetEventsMessage,
  GetTailMessage,
  SetFilterMessage,
  SetFoldsMessage,
  FindMessage,
  NavigateMessage,
  LocateMessage,
  OpenSourceMessage,
  OpenDiffMessage,
  CopyLinkMessage,
  FocusMessage,
  OpenSampleMessage,
  ShowSamplesMessage,
  StepSampleMessage,
  SamplesShownMessage,
  GetSamplesMessage,
  ExportSamplesMessage,
  StepFlaggedSampleMessage,
]);
export type FromWebview = z.infer<typeof FromWebview>;

/** Validates a message from the webview; `undefined` when it is not one the protocol knows. */
export function parseFromWebview(data: unknown): FromWebview | undefined {
  const r = FromWebview.safeParse(data);
  return r.success ? r.data : undefined;
}

/** The most events one `getEvents` returns (the webview asks again for more). */
export const MAX_EVENTS_PER_REQUEST = 200;
/** The most find positions sent; the total is still counted. */
export const MAX_FIND_POSITIONS = 100_000;
