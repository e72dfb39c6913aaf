/**
 * The files an `apply_patch` call changes: Codex's (and the OpenAI Agents SDK's) patch tool, which
 * edits files with a patch of its own format rather than a shell command or a write tool:
 *
 *     *** Begin Patch
 *     *** Add File: path        then the file's lines, each prefixed with `+`
 *     *** Delete File: path
 *     *** Update File: path     then `*** Move to: other` (optional) and hunks: `@@ …`, ` kept`, `-old`, `+new`
 *     *** End Patch
 *
 * Each file section is one change: a created file with its text, a deletion, a move, or an edit whose
 * before and after are the hunks' old and new lines (fragments, not the whole file, as for other
 * agents' edit tools). Written here: the format is Codex's own (codex-rs/apply-patch), small, and no
 * package reads it; nothing is applied, only read.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { toolError } from './toolOutput';

export interface PatchChange {
  op: 'create' | 'delete' | 'edit' | 'move';
  path: string;
  /** For a move: where the file went. */
  to?: string;
  before?: string;
  after?: string;
}

/**
 * The patch text an `apply_patch` call carries, if it is one: the tool's `input` (or `patch`), an argv
 * `["apply_patch", patch]`, or a shell line that runs it with the patch in a here-document
 * (`apply_patch <<'EOF'` … `EOF`, as Codex's shell tools do).
 */
export function patchOfCall(name: string, args: Record<string, unknown>): string | undefined {
  const tool = name.toLowerCase();
  const fromArgv = (v: unknown) => (Array.isArray(v) && v[0] === 'apply_patch' && typeof v[1] === 'string' ? v[1] : undefined);
  const fromLine = (v: unknown) => {
    if (typeof v !== 'string' || !/^\s*apply_patch\b/.test(v)) return undefined;
    const m = /\*\*\* Begin Patch\b[\s\S]*?(?:\*\*\* End Patch\b|$)/.exec(v);
    return m ? m[0] : undefined;
  };
  const text =
    tool === 'apply_patch' || tool === 'applypatch'
      ? [args['input'], args['patch'], args['content']].find((v): v is string => typeof v === 'string')
      : fromArgv(args['command']) ?? fromArgv(args['cmd']) ?? fromLine(args['cmd']) ?? fromLine(args['command']);
  return text !== undefined && /^\s*\*\*\* Begin Patch\b/.test(text) ? text : undefined;
}

/** The changes of a patch (module comment); empty when the text holds none. */
export function patchChanges(patch: string): PatchChange[] {
  const out: PatchChange[] = [];
  let current: (PatchChange & { olds: string[]; news: string[] }) | undefined;
  const finish = () => {
    if (!current) return;
    const { olds, news, ...change } = current;
    if (change.op === 'create') change.after = news.join('\n');
    else if (change.op === 'edit' || change.op === 'move') {
      if (olds.length) change.before = olds.join('\n');
      if (news.length) change.after = news.join('\n');
      // A move with hunks is an edit too, shown as the move it is.
    }
    out.push(change);
    current = undefined;
  };
  for (const line of patch.split(/\r?\n/)) {
    const header = /^\*\*\* (Add|Delete|Update) File: (.+)$/.exec(line);
    if (header) {
      finish();
      const op = header[1] === 'Add' ? 'create' : header[1] === 'Delete' ? 'delete' : 'edit';
      current = { op, path: header[2]!.trim(), olds: [], news: [] };
      continue;
    }
    if (/^\*\*\* (?:Begin|End) Patch\b/.test(line)) {
      finish();
      continue;
    }
    if (!current) continue;
    const move = /^\*\*\* Move to: (.+)$/.exec(line);
    if (move && current.op === 'edit') {
      current.op = 'move';
      current.to = move[1]!.trim();
      continue;
    }
    if (line.startsWith('+')) current.news.push(line.slice(1));
    else if (line.startsWith('-') && current.op !== 'create') current.olds.push(line.slice(1));
  }
  finish();
  return out;
}

/** The changes an `apply_patch` call made: none for other tools, and none when its answer says it failed. */
export function applyPatchChanges(name: string, args: Record<string, unknown>, output: string | undefined): PatchChange[] {
  const patch = patchOfCall(name, args);
  if (patch === undefined) return [];
  if (output !== undefined && (toolError(output) !== undefined || /"exit_code"\s*:\s*[1-9]/.test(output))) return [];
  return patchChanges(patch);
}
