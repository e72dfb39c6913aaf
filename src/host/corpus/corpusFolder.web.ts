/**
 * corpusFolder.ts in the web extension: a folder's runs read through `vscode.workspace.fs` (any file
 * system VS Code for the Web can open), with the same index as in Node (FOLDER/.peerwatch/index.jsonl,
 * core/corpus/updateIndex.ts) and the same tagging (core/corpus/tagFile.ts). The browser's extension
 * host cannot start worker threads from a file, so changed files are read and tagged in the host itself,
 * one at a time, pausing after each (yieldToHost) so the host keeps answering; an unchanged folder
 * comes from the index alone. Files are read whole (the browser has no byte-range reads), so a file
 * over the web's size at which opening asks (DEFAULT_CONFIRM_MB) is not read here: a problem says so.
 *
 * The index's detector version is the web bundle's own hash (dist/web/extension.js, which holds its
 * readers and detectors) with the rules text's, so a new build or an edited rules file re-tags.
 */
import * as vscode from 'vscode';
import type { RulesText } from '../../core/behaviours';
import { rulesFromText } from '../../core/behaviours';
import { StringPool, collectEntry, loadJudgeTags, loadReviews } from '../../core/corpus/folderRuns';
import { tagFile } from '../../core/corpus/tagFile';
import type { CorpusRun } from '../../core/corpus/summarize';
import { updateIndex, type CorpusFileSystem, type IndexStore } from '../../core/corpus/updateIndex';
import { runFilesIn, type FolderEntry } from '../../core/corpus/walk';
import { sha256Hex } from '../../core/formats/readRun';
import { DEFAULT_CONFIRM_MB, openSampleLogAt, writeTextAtomically, yieldToHost } from '../files';
import { vscodeRunFiles } from '../runFiles';
import type { FolderRead, ReadFolderOptions } from './corpusFolder';
import type * as NodeFolder from './corpusFolder';

export type { FolderRead, ReadFolderOptions } from './corpusFolder';

/** The web bundle's hash, read once (it does not change while the extension runs). */
let bundleHash: Promise<string> | undefined;

/** The readers' and detectors' version on the web: the web bundle's hash, and the rules text's. */
async function webDetectorVersion(extensionUri: vscode.Uri, rules?: RulesText): Promise<string> {
  bundleHash ??= Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'extension.js'))).then((b) => sha256Hex(b));
  const hash = async (s: string) => (await sha256Hex(new TextEncoder().encode(s))).slice(0, 16);
  return `web-sha256:${(await bundleHash).slice(0, 16)}${rules ? `+rules-sha256:${await hash(rules.text)}` : ''}`;
}

/** Reads `folder`'s runs (any folder VS Code can read); `CorpusRun.file` is a URI's path in `folder`'s file system. */
export async function readCorpusFolder(extensionUri: vscode.Uri, folder: vscode.Uri, o: ReadFolderOptions): Promise<FolderRead> {
  const at = (path: string) => folder.with({ path });
  const display = (path: string) => vscode.workspace.asRelativePath(at(path), false);
  const root = folder.path.replace(/\/+$/, '');
  const files: CorpusFileSystem<string> = {
    stat: async (path) => {
      try {
        const st = await vscode.workspace.fs.stat(at(path));
        return { size: st.size, mtimeMs: st.mtime, dir: (st.type & vscode.FileType.Directory) !== 0 };
      } catch {
        return undefined;
      }
    },
    walk: (dir) =>
      runFilesIn(dir, {
        list: async (d): Promise<FolderEntry[]> => (await vscode.workspace.fs.readDirectory(at(d))).map(([name, type]) => ({ name, dir: (type & vscode.FileType.Directory) !== 0 })),
        join: (d, name) => `${d.replace(/\/+$/, '')}/${name}`,
      }),
    relative: (path) => (path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path),
    sibling: (path, name) => `${path.slice(0, path.lastIndexOf('/'))}/${name}`,
  };
  const indexUri = vscode.Uri.joinPath(folder, '.peerwatch', 'index.jsonl');
  const index: IndexStore = {
    name: vscode.workspace.asRelativePath(indexUri, false),
    read: async (line) => {
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(indexUri);
      } catch (e) {
        if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return false;
        throw e;
      }
      const lines = new TextDecoder('utf-8').decode(bytes).split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const l of lines) line(l.endsWith('\r') ? l.slice(0, -1) : l);
      return true;
    },
    // vscode.workspace.fs writes whole files: the new index is gathered, then written beside the old and renamed over it.
    create: async () => {
      let parts: string[] = [];
      return {
        write: async (text) => void parts.push(text),
        commit: async () => {
          await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, '.peerwatch'));
          await writeTextAtomically(indexUri, parts.join(''));
          parts = [];
        },
        abort: async () => void (parts = []),
      };
    },
  };
  const rules = rulesFromText(o.rules);
  const runFiles = vscodeRunFiles(folder);
  const openLog = (path: string, shown: string) => openSampleLogAt(at(path), shown);
  const maxBytes = DEFAULT_CONFIRM_MB * 1024 * 1024;
  const runs: CorpusRun[] = [];
  const strings = new StringPool();
  const result = await updateIndex<string>({
    paths: [folder.path],
    files,
    index,
    detector: await webDetectorVersion(extensionUri, o.rules),
    tag: async (path, shown) => {
      const st = await files.stat(path);
      if (st && st.size > maxBytes) return { runs: [], problems: [`${shown}: over ${DEFAULT_CONFIRM_MB} MB, not read in VS Code for the Web (the browser reads a file whole); open the folder in desktop VS Code or run \`peerwatch summarize\``] };
      return tagFile(path, runFiles, openLog, shown, rules);
    },
    // One file at a time, in the host's own thread, with a pause after each.
    concurrency: 1,
    pause: yieldToHost,
    onEntry: (entry, path) => collectEntry(entry, path, false, runs, display, o.problem, strings),
    onProgress: o.onProgress,
    warn: o.warn,
    signal: o.signal,
    display,
  });
  const readText = async (path: string) => {
    try {
      return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(at(path)));
    } catch {
      return undefined;
    }
  };
  const listDir = async (dir: string): Promise<ReadonlySet<string> | undefined> => {
    try {
      return new Set((await vscode.workspace.fs.readDirectory(at(dir))).map(([name]) => name));
    } catch (e) {
      return e instanceof vscode.FileSystemError && e.code === 'FileNotFound' ? new Set() : undefined;
    }
  };
  await loadReviews(runs, readText, display, o.problem, listDir);
  await loadJudgeTags(runs, readText, display, o.problem, listDir);
  const { written: _written, ...counts } = result;
  return { runs, result: counts, uriOf: at };
}

export const nodeShapeCheck: typeof NodeFolder = { readCorpusFolder };
