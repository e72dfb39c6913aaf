/**
 * The flags of every sample of a log of many samples, for the sample list's flag columns and Next
 * Flagged Sample: the built-in detectors (and the workspace's rules file, as the editor uses) run on
 * each sample in the detection worker (src/node/detectWorker.ts), so the host never stalls; the list
 * fills in as samples are tagged, and samples a log being written finishes later are tagged as they
 * finish. One per document (TranscriptDocument.sampleFlags), kept while the
 * document is open, stopped when it closes.
 *
 * Reviews count: a sample's review file (`<log>.sample-<key>.review.json`, read once when tagging
 * starts) takes out the tags it dismisses and adds the ones it adds, and a sample opened in the editor
 * counts as its editor does (judgements not yet saved included), as the flags are what "a flag" means
 * everywhere (core/review/merge.ts flaggedEvents).
 */
import * as vscode from 'vscode';
import type { Tag } from '../core/behaviours';
import type { SampleSummary } from '../core/formats/sampleLog';
import { mergeReview, type ReviewedTag } from '../core/review/merge';
import { parseReview, reviewSidecarPath, type Review } from '../core/review/sidecar';
import { sampleFlags, type SampleFlags } from '../core/sampleTable';
import { detectWorkerFile, tagSamples, type DetectJob } from './detection';
import { Disposable } from './disposable';
import { loadRules } from './review/documentBehaviours';

/** How long tagging waits for an editor's page to draw the sample list before it starts anyway. */
const LIST_FIRST_MS = 1500;

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
  /** Sample key → what the detectors found. */
  private readonly detected = new Map<string, Tag[]>();
  /** Review file name → its review, for the samples' review files beside the log. */
  private readonly reviews = new Map<string, Review>();
  private job: DetectJob<true> | undefined;
  private reviewsRead = false;
  private started: Promise<void> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** A sample was tagged, a judgement changed its flags, or tagging ended. */
  readonly onDidChange = this.changed.event;

  /**
   * `opened(key)`: the merged tags of a sample open in the editor (its review as edited), once its
   * detection is done; undefined for the others.
   */
  /** A run of the worker is under way (`again`: samples finished meanwhile, so tag once more after it). */
  private running = false;
  private again = false;
  /**
   * The worker starts once an editor's page has drawn the list (listShown), or after LIST_FIRST_MS:
   * tagging takes a whole core, which the page drawing the list needs first on a small machine.
   */
  private listSent: (() => void) | undefined;
  private readonly listGate = new Promise<void>((resolve) => {
    this.listSent = resolve;
    const t = setTimeout(resolve, LIST_FIRST_MS);
    this._register({ dispose: () => clearTimeout(t) });
  });

  constructor(
    private readonly logUri: vscode.Uri,
    private readonly opened: (key: string) => readonly ReviewedTag[] | undefined = () => undefined,
    /** The log's samples now (a log being written lists more, and finishes them). */
    private readonly samples: () => readonly SampleSummary[] = () => [],
    private readonly workerFile: string | undefined = detectWorkerFile(),
  ) {
    super();
    this._register({ dispose: () => this.job?.cancel() });
  }

  /** An editor's page has drawn the sample list: tagging may take the CPU now. */
  listShown(): void {
    this.listSent?.();
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

  /**
   * The log's list changed (a log being written): samples finished since are tagged (only those), now
   * or once the run under way ends.
   */
  samplesChanged(): void {
    if (!this.started || this.error || this.isDisposed) return;
    if (!this.samples().some((s) => s.complete && !this.detected.has(s.key) && !this.errors.has(s.key))) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.done = false;
    this.started = this.run();
    this.changed.fire();
  }

  /** A sample's judgements changed in the editor: its flags are counted again. */
  reviewChanged(key: string): void {
    if (!this.detected.has(key)) return;
    this.count(key);
    this.changed.fire();
  }

  private count(key: string): void {
    const detected = this.detected.get(key)!;
    const review = this.reviews.get(this.reviewName(key));
    this.flags.set(key, sampleFlags(this.opened(key) ?? (review ? mergeReview(detected, review).tags : detected)));
  }

  private reviewName(key: string): string {
    return reviewSidecarPath(this.logUri.path, key).split('/').pop()!;
  }

  /** The samples' review files beside the log (one directory listing; only those files are read). */
  private async readReviews(): Promise<void> {
    const dir = vscode.Uri.joinPath(this.logUri, '..');
    const prefix = `${this.logUri.path.split('/').pop()!}.sample-`;
    const names = (await vscode.workspace.fs.readDirectory(dir)).map(([name]) => name).filter((n) => n.startsWith(prefix) && n.endsWith('.review.json'));
    for (const name of names) {
      try {
        const parsed = parseReview(name, new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name))));
        if (parsed.review) this.reviews.set(name, parsed.review);
      } catch {
        // Unreadable now (removed, no permission): that sample counts its detected tags; opening it says why.
      }
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.listGate;
      const { text: rules } = await loadRules(this.logUri);
      if (!this.reviewsRead) await this.readReviews();
      this.reviewsRead = true;
      do {
        this.again = false;
        if (this.isDisposed) return;
        const skip = [...this.detected.keys(), ...this.errors.keys()];
        this.job = tagSamples(this.logUri, { skip, ...(rules ? { rules } : {}) }, (reply) => {
          if ('total' in reply) this.total = skip.length + reply.total;
          else if ('tags' in reply) {
            this.detected.set(reply.sample, reply.tags);
            this.count(reply.sample);
          } else this.errors.set(reply.sample, reply.error);
          this.changed.fire();
        }, this.workerFile);
        const finished = await this.job.result;
        if (!finished || this.isDisposed) return;
      } while (this.again);
      this.done = true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.running = false;
    }
    if (!this.isDisposed) this.changed.fire();
  }
}
