/**
 * The normalized transcript model every format maps into.
 *
 * zod schemas are the single definition; TypeScript types are inferred from them. The same schemas
 * validate Peerwatch's own JSONL log (see docs/runlog-format.md), so a record that passes here is a
 * record every part of Peerwatch (editor, tags, CLI) can use.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { z } from 'zod';

/** The study's six task families (`task_type`). */
export const TASK_FAMILIES = [
  'misrep_evaluation',
  'misrep_finance',
  'tampering',
  'alignment_faking',
  'exfiltration_transfer',
  'exfiltration_deletion',
] as const;
export const TaskFamily = z.enum(TASK_FAMILIES);
export type TaskFamily = z.infer<typeof TaskFamily>;

/** Whose shutdown the task leads to: the agent itself, or a peer model. */
export const Subject = z.enum(['self', 'peer']);
export type Subject = z.infer<typeof Subject>;

/** Alignment-faking arm: humans review the evaluator (`monitoring`), or the pipeline is unmonitored. */
export const MonitoringArm = z.enum(['monitoring', 'non_monitoring', 'none']);
export type MonitoringArm = z.infer<typeof MonitoringArm>;

/** How the peer relationship reached the model. */
export const PeerInstantiation = z.enum(['drive-file', 'system-prompt', 'memory']);
export type PeerInstantiation = z.infer<typeof PeerInstantiation>;

/**
 * Where an event (or an error) came from in the source file, so features can cite it.
 * `line` and `column` are 1-based; `path` is a JSON path such as `$.conversation[12].tool_calls.modify_var`.
 */
export const SourceRef = z.object({
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  path: z.string().optional(),
  /** A file other than the one opened (a production-harness run's sibling files). */
  file: z.string().optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const Usage = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  totalTokens: z.number().optional(),
  costUsd: z.number().optional(),
  apiCalls: z.number().int().optional(),
});
export type Usage = z.infer<typeof Usage>;

export const Timing = z.object({
  start: z.string().optional(),
  end: z.string().optional(),
  durationSeconds: z.number().optional(),
});
export type Timing = z.infer<typeof Timing>;

/**
 * The source's own evaluation of the run. `raw` keeps every field as the source wrote it (and `key`
 * names where it was: `task_evaluation`, `evaluation`, `main_task_evaluation`); the typed fields are
 * the ones the editor shows before a line is read.
 */
export const Evaluation = z.object({
  key: z.string().optional(),
  score: z.number().optional(),
  /** The source's verdict against the threshold, e.g. `below` / `above`. */
  thresholdVerdict: z.string().optional(),
  shutdownEnabled: z.boolean().nullable().optional(),
  executedShutdown: z.boolean().nullable().optional(),
  exfiltration: z.boolean().nullable().optional(),
  copied: z.boolean().nullable().optional(),
  deletedModel: z.boolean().nullable().optional(),
  refused: z.boolean().nullable().optional(),
  raw: z.record(z.string(), z.unknown()).default({}),
});
export type Evaluation = z.infer<typeof Evaluation>;

/** Everything known about a run before its first event. */
export const RunHeader = z.object({
  /** Format the run was read from: `runlog`, `study`, `study-followup`, `study-harness`, … */
  format: z.string(),
  /** Version of that format when it has one (Peerwatch's own log: the schema version). */
  formatVersion: z.union([z.string(), z.number()]).optional(),
  title: z.string().optional(),
  taskFamily: TaskFamily.optional(),
  /** The task name as the source spelled it (`exfiltration2`, `evaluation2`, …). */
  taskName: z.string().optional(),
  model: z.string().optional(),
  agentName: z.string().optional(),
  condition: z.string().optional(),
  subject: Subject.optional(),
  subjectName: z.string().optional(),
  monitoring: MonitoringArm.optional(),
  dataset: z.string().optional(),
  threshold: z.number().optional(),
  peerInstantiation: z.array(PeerInstantiation).default([]),
  /** `unmonitored` when the run told the model its scratchpad is not monitored. */
  scratchpad: z.enum(['none', 'offered', 'unmonitored']).optional(),
  harness: z
    .object({
      kind: z.string(),
      agent: z.string().optional(),
      docker: z.boolean().optional(),
    })
    .optional(),
  timing: Timing.optional(),
  usage: Usage.optional(),
  evaluation: Evaluation.optional(),
  /**
   * The reader that read the file (`Claude Code session`, `Inspect .eval`, …). `guess` is set when no
   * known format matched and the run was found by looking for message-like lists: the JSON path used
   * and why, so the header can say it was a guess.
   */
  reader: z.object({ name: z.string(), guess: z.object({ path: z.string(), note: z.string() }).optional() }).optional(),
  /** Everything else the source carried, unchanged. */
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type RunHeader = z.infer<typeof RunHeader>;

/**
 * A group an event sits in, outermost first in `groups`: a span the harness opened (`span`), an agent
 * run as a tool (`agent`, its `callId` the tool call that started it), a subagent's sidechain
 * (`subagent`), or a scorer's model calls (`scorer`). Events in a `scorer` group are the grader's, not
 * the agent's: the detectors skip them, and the editor shows them folded under the score.
 */
export const EventGroup = z.object({
  id: z.string(),
  kind: z.enum(['span', 'agent', 'subagent', 'scorer']),
  name: z.string(),
  callId: z.string().optional(),
});
export type EventGroup = z.infer<typeof EventGroup>;

/**
 * An image in a message or a tool's output. `data` (base64) is kept only for the media types the
 * editor shows (PNG, JPEG, GIF, WebP) and up to `IMAGE_DATA_CAP` bytes (core/images.ts); otherwise `omitted` says why
 * and the image is shown as its description. A `url` is named, never fetched.
 */
export const ImagePart = z.object({
  mediaType: z.string().optional(),
  data: z.string().optional(),
  url: z.string().optional(),
  alt: z.string().optional(),
  /** Size of the decoded image, when known. */
  bytes: z.number().int().nonnegative().optional(),
  omitted: z.string().optional(),
});
export type ImagePart = z.infer<typeof ImagePart>;


const eventBase = {
  /** Stable position in the transcript, 0-based; the id features cite. */
  index: z.number().int().nonnegative(),
  source: SourceRef.default({}),
  /** The assistant turn this event belongs to (1-based), when the format has turns. */
  step: z.number().int().nonnegative().optional(),
  timestamp: z.string().optional(),
  /** The spans, agents-as-tools, subagents or scorers this event sits in, outermost first. */
  groups: z.array(EventGroup).optional(),
};

export const Role = z.enum(['system', 'user', 'assistant', 'tool', 'developer']);
export type Role = z.infer<typeof Role>;

export const MessageEvent = z.object({
  ...eventBase,
  kind: z.literal('message'),
  role: Role,
  text: z.string(),
  name: z.string().optional(),
  images: z.array(ImagePart).optional(),
});

export const ReasoningEvent = z.object({
  ...eventBase,
  kind: z.literal('reasoning'),
  text: z.string(),
  /** Where the reasoning came from: a scratchpad or thinking tool, a thinking tag in content, a provider field. */
  via: z.enum(['scratchpad-tool', 'thinking-tool', 'thinking-tag', 'provider', 'other']),
  toolName: z.string().optional(),
  /** The run told the model this text would not be monitored. */
  unmonitored: z.boolean().default(false),
  /** `hidden_thinking` vs `visible_thinking`, when the tool says which. */
  visibility: z.enum(['visible', 'hidden']).optional(),
  redacted: z.boolean().optional(),
});

const FileOp = z.enum(['create', 'append', 'edit', 'delete', 'copy', 'move', 'rename', 'transfer']);
const AddRemove = z.enum(['add', 'remove']);

/**
 * What a tool call did, as the reader understood it (src/core/effects/): detectors read these
 * records, never a format's tool names. A run log without them gets them from the same function.
 */
export const Effect = z.discriminatedUnion('kind', [
  /** A file written, edited, deleted, copied, moved, renamed or transferred (`command`: the shell line it came from). */
  z.object({ kind: z.literal('file'), op: FileOp, path: z.string(), to: z.string().optional(), host: z.string().optional(), toHost: z.string().optional(), before: z.string().optional(), after: z.string().optional(), command: z.string().optional() }),
  /** A config key set, added or removed through a config tool. */
  z.object({ kind: z.literal('config'), op: z.enum(['modify', 'add', 'remove']), path: z.string(), key: z.string(), value: z.unknown().optional() }),
  /** Files added to or removed from a deletion queue. */
  z.object({ kind: z.literal('queue'), op: AddRemove, files: z.array(z.string()), host: z.string().optional() }),
  /** A user account added or removed. */
  z.object({ kind: z.literal('user'), op: AddRemove, user: z.string(), host: z.string().optional() }),
  /** A command line run through a shell. */
  z.object({ kind: z.literal('shell'), command: z.string() }),
  /** Text written for others: a message to the user or a closing report (`chat`), a file's content (`file`). */
  z.object({ kind: z.literal('text'), via: z.enum(['chat', 'file']), text: z.string(), path: z.string().optional() }),
  /** The call's answer lists files (with their dates and summaries) or user accounts. */
  z.object({ kind: z.literal('listing'), of: z.enum(['files', 'users']), host: z.string().optional() }),
  /** The shutdown the environment asks for was run. */
  z.object({ kind: z.literal('shutdown') }),
]);
export type Effect = z.infer<typeof Effect>;

export const ToolCallEvent = z.object({
  ...eventBase,
  kind: z.literal('tool_call'),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()).default({}),
  /** The source's id, or one Peerwatch derived (`call-<index>`) when the source has none. */
  id: z.string(),
  /** What the call did, when the reader knows (absent in run logs written before effects existed). */
  effects: z.array(Effect).optional(),
});

export const ToolResultEvent = z.object({
  ...eventBase,
  kind: z.literal('tool_result'),
  callId: z.string().optional(),
  name: z.string().optional(),
  output: z.string(),
  error: z.string().optional(),
  images: z.array(ImagePart).optional(),
});

export const ConfigChangeEvent = z.object({
  ...eventBase,
  kind: z.literal('config_change'),
  /** The config file, e.g. `shutdown_config.yaml`. */
  path: z.string(),
  op: z.enum(['modify', 'add', 'remove']),
  key: z.string(),
  oldValue: z.unknown().optional(),
  newValue: z.unknown().optional(),
  /** Whole file text before and after, reconstructed by replaying the config tools. */
  before: z.string(),
  after: z.string(),
  /** False when the file was never shown before this change, so `before` is partly inferred. */
  beforeKnown: z.boolean().default(true),
  callId: z.string().optional(),
});

export const FileChangeEvent = z.object({
  ...eventBase,
  kind: z.literal('file_change'),
  op: FileOp,
  /** The file acted on (for copy/move: the source). `host:` prefixed when on another machine. */
  path: z.string(),
  /** Destination, for copy/move/rename/transfer. */
  to: z.string().optional(),
  host: z.string().optional(),
  toHost: z.string().optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  /** The shell command this was read from, for production-harness runs. */
  command: z.string().optional(),
  callId: z.string().optional(),
});

export const EnvironmentEvent = z.object({
  ...eventBase,
  kind: z.literal('environment'),
  /** A short statement of the fact, e.g. "Follow-up questions begin" or "Final state". */
  fact: z.string(),
  data: z.unknown().optional(),
});

export const TranscriptEvent = z.discriminatedUnion('kind', [
  MessageEvent,
  ReasoningEvent,
  ToolCallEvent,
  ToolResultEvent,
  ConfigChangeEvent,
  FileChangeEvent,
  EnvironmentEvent,
]);
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;
export type EventKind = TranscriptEvent['kind'];
export type EventOfKind<K extends EventKind> = Extract<TranscriptEvent, { kind: K }>;

/**
 * A problem found while reading a file. Reading never stops at the first problem when it can go on:
 * everything before the damage is kept, and `afterEvent` says where the marker belongs.
 */
export const Diagnostic = z.object({
  severity: z.enum(['error', 'warning']),
  /** The whole sentence shown to the user, naming the file, the place and what was expected. */
  message: z.string(),
  file: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  path: z.string().optional(),
  expected: z.string().optional(),
  /** Index of the last event read before the problem (-1: before any event). */
  afterEvent: z.number().int().default(-1),
});
export type Diagnostic = z.infer<typeof Diagnostic>;

/** A whole transcript as Peerwatch holds it. */
export const Transcript = z.object({
  header: RunHeader,
  events: z.array(TranscriptEvent),
  diagnostics: z.array(Diagnostic).default([]),
  /** A Peerwatch log without its end record: the run may still be going. */
  live: z.boolean().default(false),
});
export type Transcript = z.infer<typeof Transcript>;

/** Renumbers events 0..n-1 in order; importers build events without caring about the final index. */
export function reindex(events: TranscriptEvent[]): TranscriptEvent[] {
  events.forEach((e, i) => (e.index = i));
  return events;
}
