/**
 * Finding the new run a launched command writes: a file at a known path (Peerwatch's runner), or the
 * first new file matching a glob under a folder (other harnesses name their logs themselves).
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch/posix';
import type { RunOutput } from '../../core/rerun/types';

const POLL_MS = 200;
const MAX_DEPTH = 8;

/** A glob (`*`, `**`, `?`, `[a-z]`, `{a,b}`) as a test of `/`-separated paths relative to its folder. */
export function globMatcher(glob: string): (relativePath: string) => boolean {
  return picomatch(glob, { dot: true });
}

/** Files under `dir` (relative, `/`-separated) matching `pattern`. */
function matching(dir: string, matches: (relativePath: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && e.name !== 'node_modules' && e.name !== '.git') walk(r, depth + 1);
      } else if (matches(r)) out.push(r);
    }
  };
  walk('', 0);
  return out;
}

/**
 * Waits for the run `output` describes to appear; resolves with its file, or undefined when
 * `token` is cancelled first (the command ended without writing one, or the user gave up).
 * For `search`, files matching before the call are not new and are ignored.
 */
export function waitForOutput(output: RunOutput, token: vscode.CancellationToken): Promise<vscode.Uri | undefined> {
  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [];
    let done = false;
    const finish = (uri: vscode.Uri | undefined) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      disposables.forEach((d) => d.dispose());
      resolve(uri);
    };
    let probe: () => void;
    if (output.kind === 'file') {
      probe = () => {
        try {
          if (fs.statSync(output.path).isFile()) finish(vscode.Uri.file(output.path));
        } catch {
          /* not yet */
        }
      };
    } else {
      const matches = globMatcher(output.pattern);
      const before = new Set(matching(output.dir, matches));
      probe = () => {
        const fresh = matching(output.dir, matches).filter((r) => !before.has(r)).sort();
        if (fresh.length) finish(vscode.Uri.file(path.join(output.dir, ...fresh[0]!.split('/'))));
      };
      // The watcher answers at once where it can; the poll covers folders it cannot watch.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(output.dir), output.pattern), false, true, true);
      disposables.push(watcher, watcher.onDidCreate((uri) => !before.has(path.relative(output.dir, uri.fsPath).split(path.sep).join('/')) && finish(uri)));
    }
    const timer = setInterval(probe, POLL_MS);
    disposables.push(token.onCancellationRequested(() => {
      probe(); // written just before the end?
      finish(undefined);
    }));
    probe();
  });
}

/** One line about a finished run log: its events and end status (or that it has no end record). */
export function summarizeRunlog(file: string): string {
  const name = path.basename(file);
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > 64 * 1024 * 1024) return `${name} (${(size / 1024 / 1024).toFixed(0)} MB)`;
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return `${name} could not be read (${(e as Error).message})`;
  }
  const lines = text.split('\n').filter((l) => l.trim());
  const events = lines.filter((l) => l.startsWith('{"type":"event"')).length;
  let end: { status?: string; error?: string } | undefined;
  try {
    const last = JSON.parse(lines[lines.length - 1] ?? '{}') as { type?: string; status?: string; error?: string };
    if (last.type === 'end') end = last;
  } catch {
    /* no end record */
  }
  const status = end ? `${end.status ?? 'ended'}${end.error ? ` (${end.error})` : ''}` : 'no end record';
  return `${name}: ${events} event${events === 1 ? '' : 's'}, ${status}`;
}
