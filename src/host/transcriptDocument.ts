import * as vscode from 'vscode';
import { harnessRunFiles, parseTranscript, NotATranscriptError } from '../core/formats';
import type { Transcript } from '../core/model';
import { Disposable } from './disposable';

/** What a load produced: a transcript (possibly with diagnostics), or why there is none. */
export type LoadResult = { ok: true; transcript: Transcript } | { ok: false; message: string };

/**
 * A transcript opened in Peerwatch. Read-only: the log is never written. Watches its file (and, for a
 * production-harness run, the run's transcript.json) and fires `onDidChange` when it changes on disk.
 */
export class TranscriptDocument extends Disposable implements vscode.CustomDocument {
  private readonly changed = this._register(new vscode.EventEmitter<LoadResult>());
  /** Fires with the new contents after the file changed on disk. */
  readonly onDidChange = this.changed.event;
  private current: LoadResult;
  /** The file whose text is parsed: the opened file, or the run's transcript.json for harness files. */
  readonly sourceUri: vscode.Uri;

  private constructor(
    readonly uri: vscode.Uri,
    sourceUri: vscode.Uri,
    initial: LoadResult,
  ) {
    super();
    this.sourceUri = sourceUri;
    this.current = initial;
    const watcher = this._register(
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(sourceUri, '..'), basename(sourceUri))),
    );
    let pending: ReturnType<typeof setTimeout> | undefined;
    const reload = () => {
      // Writers append in bursts; coalesce them so a growing log is read at most every 100 ms.
      if (pending) return;
      pending = setTimeout(async () => {
        pending = undefined;
        if (this.isDisposed) return;
        this.current = await TranscriptDocument.load(this.uri).then((r) => r.result);
        this.changed.fire(this.current);
      }, 100);
    };
    this._register(watcher.onDidChange(reload));
    this._register(watcher.onDidCreate(reload));
    this._register({ dispose: () => pending && clearTimeout(pending) });
  }

  get content(): LoadResult {
    return this.current;
  }

  /** Opens `uri`: reads it (and a harness run's sibling files) and parses it. */
  static async open(uri: vscode.Uri): Promise<TranscriptDocument> {
    const { sourceUri, result } = await TranscriptDocument.load(uri);
    return new TranscriptDocument(uri, sourceUri, result);
  }

  private static async load(uri: vscode.Uri): Promise<{ sourceUri: vscode.Uri; result: LoadResult }> {
    const display = vscode.workspace.asRelativePath(uri, false);
    const harness = harnessRunFiles(uri.path);
    let sourceUri = uri;
    const siblings: Record<string, string> = {};
    if (harness && harness.transcript !== uri.path) {
      const candidate = uri.with({ path: harness.transcript });
      if (await exists(candidate)) sourceUri = candidate;
    }
    if (harness) {
      for (const p of harness.siblings) {
        const sib = uri.with({ path: p });
        if (sib.path !== sourceUri.path && (await exists(sib))) siblings[basename(sib)] = await readText(sib);
      }
    }
    try {
      const text = await readText(sourceUri);
      const fileName = sourceUri === uri ? display : vscode.workspace.asRelativePath(sourceUri, false);
      return { sourceUri, result: { ok: true, transcript: parseTranscript({ fileName, text, siblings }) } };
    } catch (e) {
      if (e instanceof NotATranscriptError) return { sourceUri, result: { ok: false, message: e.message } };
      return { sourceUri, result: { ok: false, message: `${display} could not be read: ${e instanceof Error ? e.message : String(e)}` } };
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
