/**
 * The one reader of a run with its sibling files, used by the CLI, the editor and the folder scan.
 * A production-harness run (`e2e_runs/<agent>/<task>/<time>/`) is three files: `transcript.json`,
 * `run_meta.json` and `events.jsonl`; whichever of them is opened, the run is read from
 * `transcript.json` with the other two passed as siblings, so every caller sees the same header and
 * the same tags.
 *
 * Pure module: no `vscode`, no Node built-ins. File access comes through `RunFiles`, whose paths are
 * '/'-separated (a `vscode.Uri` path, or a POSIX path; a Windows path's '\' is read as a separator too).
 */
import type { Transcript } from '../model';
import { readRunlogSource, type RunlogSource } from '../runlog/runlog';
import { harnessRunFiles, parseTranscript } from './index';

/** What reading a run needs from a file system. */
export interface RunFiles {
  /** The file's bytes; rejects when it cannot be read. */
  read(path: string): Promise<Uint8Array>;
  /** Whether a file is there (false for a folder or anything that cannot be looked at). */
  exists(path: string): Promise<boolean>;
  /** How a path is named in messages (e.g. relative to the workspace or the current folder). */
  display?(path: string): string;
  /**
   * SHA-256 of the bytes as lowercase hex, when the platform has a faster one than Web Crypto's
   * (Node's is synchronous and about ten times quicker on a transcript: it matters over a corpus).
   */
  sha256?(bytes: Uint8Array): string;
  /**
   * The run log at `path` read as a stream, when the platform can (Node: node/runlogFile.ts), with
   * the same run-log reader: no string of the whole file is made, and a log of 1 GB is longer than
   * any string V8 makes. Undefined when `path` is not a run log. readRun asks it for `.jsonl` files.
   */
  readRunlog?(path: string, opts: { hash?: boolean }): Promise<RunRead | undefined>;
}

/** A run as read. */
export interface RunRead {
  /** The file whose text was parsed: the path asked for, or its harness run's `transcript.json`. */
  readonly source: string;
  readonly transcript: Transcript;
  /** The source file's SHA-256 (lowercase hex), when asked for with `{ hash: true }`. */
  readonly sha256?: string;
  /** For a run log written by `peerwatch convert`: the file it was converted from. */
  readonly convertedFrom?: RunlogSource;
}

/** The last part of a '/'- (or '\'-) separated path. */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The file a path's run is read from: a harness run's `transcript.json` when it is there, else the path. */
export async function runSourcePath(files: RunFiles, path: string): Promise<string> {
  const harness = harnessRunFiles(path);
  if (harness && harness.transcript !== path && (await files.exists(harness.transcript))) return harness.transcript;
  return path;
}

/**
 * Reads the run `path` belongs to (`positions: false`: its events need not cite lines, see
 * ParseInput.positions). Throws NotATranscriptError for a file in no known format, and the
 * file system's error when the source cannot be read; a damaged file gives a transcript with
 * diagnostics (naming file, line:column and what was expected) instead.
 */
export async function readRun(files: RunFiles, path: string, opts: { hash?: boolean; positions?: boolean } = {}): Promise<RunRead> {
  const source = await runSourcePath(files, path);
  const siblings: Record<string, string> = {};
  const harness = harnessRunFiles(source);
  if (harness) {
    for (const s of harness.siblings) if (s !== source && (await files.exists(s))) siblings[baseName(s)] = decode(await files.read(s));
  }
  if (files.readRunlog && !harness && /\.jsonl$/i.test(source)) {
    const streamed = await files.readRunlog(source, { ...(opts.hash ? { hash: true } : {}) });
    if (streamed) return streamed;
  }
  const bytes = await files.read(source);
  const text = decode(bytes);
  const transcript = parseTranscript({ fileName: files.display?.(source) ?? source, text, siblings, ...(opts.positions === false ? { positions: false } : {}) });
  const convertedFrom = transcript.header.format === 'runlog' ? readRunlogSource(text) : undefined;
  return {
    source,
    transcript,
    ...(opts.hash ? { sha256: files.sha256 ? files.sha256(bytes) : await sha256Hex(bytes) } : {}),
    ...(convertedFrom ? { convertedFrom } : {}),
  };
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * SHA-256 of the bytes, as lowercase hex. Web Crypto is there in every place the core runs (Node 20's
 * `globalThis.crypto`, the extension host, the webview), so no hash is written by hand.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The source record a run log converted from this run carries in its header. */
export function runSourceRecord(run: RunRead): RunlogSource {
  return { file: baseName(run.source), format: run.transcript.header.format, ...(run.sha256 ? { sha256: run.sha256 } : {}) };
}

/** A run found in a folder, for counting: what identifies its content. */
export interface FoundRun {
  /** SHA-256 of the file's own bytes. */
  readonly sha256?: string;
  /** For a converted run log: the recorded source. */
  readonly convertedFrom?: RunlogSource;
}

/**
 * Groups runs that are one run in two formats: a run log whose recorded source hash is the hash of
 * another file found (the study `.json` and its `.runlog.jsonl` conversion). Each group lists the
 * original first, then its conversions; a run log whose source is not among the files stays alone.
 */
export function sameRuns<T extends FoundRun>(runs: readonly T[]): T[][] {
  // Most folders hold no conversion: every run is a group of its own, and no map of 223,000 hashes
  // is built for each count of the corpus view (it was most of a filter change's 1.2 s there).
  if (!runs.some((r) => r.convertedFrom?.sha256)) return runs.map((r) => [r]);
  const byHash = new Map<string, T>();
  for (const r of runs) if (r.sha256 && !byHash.has(r.sha256)) byHash.set(r.sha256, r);
  const groups = new Map<T, T[]>();
  const order: T[] = [];
  // Each run's first file, once known: a folder of conversions of conversions walked each chain
  // whole from every link (16,000 links: 15 s).
  const rootOf = new Map<T, T>();
  for (const r of runs) {
    // Follow the chain of conversions back to the first file found (a conversion of a conversion too).
    let root = r;
    if (r.convertedFrom?.sha256) {
      const seen = new Set<T>([r]);
      const path: T[] = [r];
      let closed = false;
      for (;;) {
        const known = rootOf.get(root);
        if (known) {
          root = known;
          break;
        }
        const from = root.convertedFrom?.sha256 ? byHash.get(root.convertedFrom.sha256) : undefined;
        if (!from || seen.has(from)) {
          closed = from !== undefined;
          break;
        }
        seen.add(from);
        path.push(from);
        root = from;
      }
      // A chain that loops (two files each recording the other's hash) has no first file: where the
      // walk stops depends on where it starts, so it is not remembered.
      if (!closed) for (const p of path) rootOf.set(p, root);
    }
    let g = groups.get(root);
    if (!g) {
      g = [];
      groups.set(root, g);
      order.push(root);
    }
    if (root === r) g.unshift(r);
    else g.push(r);
  }
  return order.map((root) => groups.get(root)!);
}
