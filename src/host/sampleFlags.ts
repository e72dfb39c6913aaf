/**
 * The flags of every sample of a log of many samples, for the sample list's flag columns and Next
 * Flagged Sample: the built-in detectors (and the workspace's rules file, as the editor uses) run on
 * each sample in the detection worker (src/node/detectWorker.ts), so the host never stalls; the list
 * fills in as samples are tagged. One per document (TranscriptDocument.sampleFlags), kept while the
 * document is open, stopped when it closes.
 *
 * Detectors only: a reviewer's judgements in a sample's review file do not change the counts here
 * (the open sample's own "N flags" does count them).
 */
import * as vscode from 'vscode';
import type { SampleFlags } from '../core/sampleTable';
import { detectSamplesInWorker, type DetectJob } from '../node/detectInWorker';
import { Disposable } from './disposable';
import { detectWorkerFile, loadRules } from './review/documentBehaviours';

export class SampleFlagsTracker extends Disposable {
  /** Sample key → its flags, for the samples tagged so far. */
  readonly flags = new Map<string, SampleFlags>();
  /** Sample key → why it could not be tagged. */
  readonly errors = new Map<string, string>();
  /** Samples to tag (known once the worker has opened the log). */
  total: number | undefined;
  /** Every sample is tagged (or failed). */
  done = false;
  /** Why the samples cannot be tagged at all (no worker, not a local file, the log could not be opened). */
  error: string | undefined;
  private job: DetectJob<true> | undefined;
  private started: Promise<void> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** A sample was tagged, or tagging ended. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly logUri: vscode.Uri,
    private readonly workerFile: string | undefined = detectWorkerFile(),
  ) {
    super();
    this._register({ dispose: () => this.job?.cancel() });
  }

  /** "tagging 40/200", while samples are being tagged. */
  get progress(): string | undefined {
    if (this.done || this.error) return undefined;
    return this.total === undefined ? 'tagging samples…' : `tagging ${this.flags.size + this.errors.size}/${this.total}`;
  }

  /** Starts tagging (once); resolves when every sample is tagged, tagging failed, or it was stopped. */
  start(): Promise<void> {
    return (this.started ??= this.run());
  }

  private async run(): Promise<void> {
    try {
      if (this.logUri.scheme !== 'file') throw new Error('flags are counted for logs on this machine’s disk only');
      if (!this.workerFile) throw new Error('the detection worker (dist/detectWorker.js) is missing from the extension');
      const { text: rules } = await loadRules(this.logUri);
      if (this.isDisposed) return;
      this.job = detectSamplesInWorker(this.workerFile, { path: this.logUri.fsPath, ...(rules ? { rules } : {}) }, (reply) => {
        if ('total' in reply) this.total = reply.total;
        else if ('flags' in reply) this.flags.set(reply.sample, reply.flags);
        else this.errors.set(reply.sample, reply.error);
        this.changed.fire();
      });
      const finished = await this.job.result;
      if (!finished || this.isDisposed) return;
      this.done = true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    if (!this.isDisposed) this.changed.fire();
  }
}
