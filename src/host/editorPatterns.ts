/**
 * The file patterns a custom editor is the default for (package.json's `customEditors[].selector`
 * `filenamePattern`s), as a test of a path. VS Code matches a pattern without `/` against the file's
 * base name and one with `/` against its whole path (`**` crossing any folders, dot folders such as
 * `.codex` included); case is ignored, as on the platforms researchers use most. Globs are read by
 * picomatch (already the rules files' glob reader; `picomatch/posix` imports no built-in, so this
 * runs in the web extension too).
 *
 * No `vscode` import: the extension passes its manifest's patterns, and unit tests can too.
 */
import picomatch from 'picomatch/posix';

export interface CustomEditorContribution {
  viewType?: unknown;
  selector?: unknown;
}

/** The `filenamePattern`s package.json gives the custom editor `viewType`. */
export function editorPatterns(customEditors: unknown, viewType: string): string[] {
  if (!Array.isArray(customEditors)) return [];
  const out: string[] = [];
  for (const e of customEditors as CustomEditorContribution[]) {
    if (e?.viewType !== viewType || !Array.isArray(e.selector)) continue;
    for (const s of e.selector as Array<{ filenamePattern?: unknown }>) if (typeof s?.filenamePattern === 'string') out.push(s.filenamePattern);
  }
  return out;
}

/** A test of a path (a URI's path, `/`-separated) against `patterns`, as VS Code applies them. */
export function matchesEditorPatterns(patterns: readonly string[]): (path: string) => boolean {
  const options = { dot: true, nocase: true } as const;
  const onName = patterns.filter((p) => !p.includes('/')).map((p) => picomatch(p, options));
  const onPath = patterns.filter((p) => p.includes('/')).map((p) => picomatch(p.replace(/^\/+/, ''), options));
  return (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const rel = path.replace(/^\/+/, '');
    return onName.some((m) => m(name)) || onPath.some((m) => m(rel));
  };
}
