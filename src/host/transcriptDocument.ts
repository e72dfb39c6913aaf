import * as vscode from 'vscode';
import { harnessRunFiles, parseTranscript, NotATranscriptError } from '../core/formats';
import { Disposable } from './disposable';
import { RunlogFileSource, TranscriptSource, type EventSource } from './sources';
import { DocumentBehaviours } from './review/documentBehaviours';

/** Run logs above this size (MB) ask before opening; other formats are read whole, so a tenth of it. */
export const CONFIRM_SETTING = 'confirmOpenAboveMB';
const DEFAULT_CONFIRM_MB = 1500;

/** What opening produced: a source of events, or why there is none. */
export type Content = { ok: true; source: EventSource } | { ok: false; message: string };

/**
 * A transcript opened in Peerwatch. The log is never written: what a reviewer edits are judgements on
 * its behaviour tags (`behaviours`), saved to the sidecar `<log>.review.json`. Watches its file (and,
 * for a production-harness run, the run's transcript.json); a run log is followed as it grows.
 */
export class TranscriptDocument extends Disposable implements vscode.CustomDocument {
  private readonly replaced = this._register(new vscode.EventEmitter<void>());
  /** Fires when `content` is a new object (the file became readable, or unreadable). */
  readonly onDidReplace = this.replaced.event;
  private current: Content;
  /** Behaviour tags and the review judgements on them; set by `open`. */
  behaviours!: DocumentBehaviours;

  private constructor(
    readonly uri: vscode.Uri,
    /** The file whose text is read: the opened file, or the run's transcript.json for harness files. */
    readonly sourceUri: vscode.Uri,
    initial: Content,
  ) {
    super();
    this.current = initial;
    const watcher = this._register(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(sourceUri, '..'), basename(sourceUri))),
    );
    let pending: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      const source = this.current.ok ? this.current.source : undefined;
      if (source instanceof RunlogFileSource) {
        source.fileChanged(); // reads only the new bytes
        return;
      }
      // Whole-file formats: coalesce bursts of writes, then parse again.
      if (pending) return;
      pending = setTimeout(async () => {
        pending = undefined;
        if (this.isDisposed) return;
        const next = await TranscriptDocument.load(this.uri, this.sourceUri, false);
        if (this.isDisposed) return next.ok && next.source.dispose();
        if (next.ok && this.current.ok && this.current.source instanceof TranscriptSource && next.source instanceof TranscriptSource) {
          this.current.source.replace(next.source.transcript);
          return;
        }
        this.setContent(next);
      }, 100);
    };
    this._register(watcher.onDidChange(changed));
    this._register(watcher.onDidCreate(changed));
    this._register({ dispose: () => pending && clearTimeout(pending) });
    this._register({ dispose: () => this.current.ok && this.current.source.dispose() });
  }

  get content(): Content {
    return this.current;
  }

  get displayName(): string {
    return vscode.workspace.asRelativePath(this.sourceUri, false);
  }

  private setContent(next: Content): void {
    if (this.current.ok) this.current.source.dispose();
    this.current = next;
    this.behaviours.sourceChanged();
    this.replaced.fire();
  }

  /**
   * Opens `uri`; a very large file asks first (declining shows a message instead of the log).
   * `backupId`: VS Code's hot-exit backup of unsaved judgements, restored instead of the sidecar.
   */
  static async open(uri: vscode.Uri, backupId?: string): Promise<TranscriptDocument> {
    const sourceUri = await TranscriptDocument.sourceFor(uri);
    const content = await TranscriptDocument.load(uri, sourceUri, true);
    const doc = new TranscriptDocument(uri, sourceUri, content);
    // The sidecar sits beside the file whose text is read (a harness run's transcript.json), so
    // every file of one run shares one review.
    doc.behaviours = doc._register(await DocumentBehaviours.open(sourceUri, () => (doc.current.ok ? doc.current.source : undefined), backupId));
    return doc;
  }

  private static async sourceFor(uri: vscode.Uri): Promise<vscode.Uri> {
    const harness = harnessRunFiles(uri.path);
    if (harness && harness.transcript !== uri.path) {
      const candidate = uri.with({ path: harness.transcript });
      if (await exists(candidate)) return candidate;
    }
    return uri;
  }

  private static async load(uri: vscode.Uri, sourceUri: vscode.Uri, confirm: boolean): Promise<Content> {
    const display = vscode.workspace.asRelativePath(sourceUri, false);
    try {
      const isRunlog = /\.runlog\.jsonl$/i.test(sourceUri.path);
      if (confirm) {
        const size = (await vscode.workspace.fs.stat(sourceUri)).size;
        const limitMB = vscode.workspace.getConfiguration('peerwatch').get<number>(CONFIRM_SETTING, DEFAULT_CONFIRM_MB);
        const limit = (isRunlog ? limitMB : limitMB / 10) * 1024 * 1024;
        if (size > limit) {
          const mb = (size / 1024 / 1024).toFixed(size < 10 * 1024 * 1024 ? 1 : 0);
          const open = 'Open Anyway';
          const choice = await vscode.window.showWarningMessage(
            `${display} is ${mb} MB. Opening it in Peerwatch may slow the window down.`,
            {
              modal: true,
              detail: isRunlog
                ? 'Peerwatch indexes run logs without loading them whole, but very large ones still take memory and time.'
                : 'This format is read whole into memory; converting it with `peerwatch convert FILE --to runlog` lets Peerwatch index it instead.',
            },
            open,
          );
          if (choice !== open) {
            return { ok: false, message: `${display} (${mb} MB) was not opened: it is larger than the peerwatch.${CONFIRM_SETTING} setting allows without asking.` };
          }
        }
      }
      if (isRunlog && sourceUri.scheme === 'file') {
        return { ok: true, source: await RunlogFileSource.open(sourceUri.fsPath, display) };
      }
      const siblings: Record<string, string> = {};
      const harness = harnessRunFiles(uri.path);
      if (harness) {
        for (const p of harness.siblings) {
          const sib = uri.with({ path: p });
          if (sib.path !== sourceUri.path && (await exists(sib))) siblings[basename(sib)] = await readText(sib);
        }
      }
      const text = await readText(sourceUri);
      return { ok: true, source: new TranscriptSource(parseTranscript({ fileName: display, text, siblings })) };
    } catch (e) {
      if (e instanceof NotATranscriptError) return { ok: false, message: e.message };
      return { ok: false, message: `${display} could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
}
