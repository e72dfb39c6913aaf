/**
 * Logs that hold many samples (Inspect AI `.eval` and `.json`): the contract between their readers
 * and the rest of Peerwatch (editor, CLI, re-run). A sample opens as an ordinary Transcript, so the
 * editor and the behaviour detectors work on it unchanged.
 *
 * Pure module: no `vscode`, no Node built-ins; bytes come through `ByteSource`.
 */
import type { Diagnostic, Transcript } from '../model';

export type { ByteSource, Codecs } from '../archive/bytes';

/** One row of the sample list. */
export interface SampleSummary {
  /** Stable key naming the sample in links and commands: `<id>#<epoch>` (id as Inspect wrote it). */
  readonly key: string;
  readonly id: string | number;
  readonly epoch: number;
  /** First line of the input, for the list. */
  readonly input?: string;
  readonly target?: string;
  /** Scorer name → value as shown (e.g. `C`, `0.8`, `{"a":1}` shortened). */
  readonly scores: Readonly<Record<string, string>>;
  readonly totalTokens?: number;
  readonly error?: string;
  /** False while the sample is still running (in `_journal` but not in `samples/`). */
  readonly complete: boolean;
}

/** What the log's header says about the whole evaluation. */
export interface SampleLogInfo {
  /** `inspect-eval`, `inspect-json`, or the format of a file holding many runs (`tau2`, `jsonl-runs`, …). */
  readonly format: string;
  /** Log format version (`version` in header.json); unknown newer versions produce a diagnostic. */
  readonly version?: number;
  readonly task?: string;
  /** The task file or registry name to pass to `inspect eval` (eval.task_file or eval.task). */
  readonly taskSpec?: string;
  readonly taskArgs: Readonly<Record<string, unknown>>;
  readonly model?: string;
  /** `started`, `success`, `error`, `cancelled`; `started` (or undefined) while being written. */
  readonly status?: string;
  readonly created?: string;
  /** Everything else in `eval`/`plan`/`results` worth showing, unchanged. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface SampleLog {
  readonly fileName: string;
  readonly info: SampleLogInfo;
  readonly samples: readonly SampleSummary[];
  /** Problems reading the log (damaged members, unknown version); the rest still lists. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * One sample as a Transcript. `header.format` is `inspect`, and `header.metadata.inspect` holds
   * `{ task, task_spec, task_args, model, sample_id, epoch, log_file }` so a re-run launcher needs
   * only the Transcript. A damaged sample rejects with an Error whose message names file and member.
   */
  readSample(key: string): Promise<Transcript>;
  /** Re-reads a log that is still being written; resolves true when the sample list changed. */
  refresh(): Promise<boolean>;
}

/**
 * The samples of `log` in the order a reader of the command line expects: an Inspect log's as
 * Inspect's own reader gives them (`read_eval_log` sorts by epoch, then id, a number's id zero-filled
 * to 20 digits so that 2 comes before 10), not in the order they finished; a file of many runs keeps
 * its own order. The editor's sample list shows the log's order and sorts on request (sampleTable.ts).
 */
export function samplesInOrder(log: Pick<SampleLog, 'info' | 'samples'>): readonly SampleSummary[] {
  if (!log.info.format.startsWith('inspect')) return log.samples;
  const idKey = (id: string | number) => (typeof id === 'string' ? id : String(id).padStart(20, '0'));
  return [...log.samples].sort((a, b) => a.epoch - b.epoch || (idKey(a.id) < idKey(b.id) ? -1 : idKey(a.id) > idKey(b.id) ? 1 : 0));
}
