/**
 * Helpers the re-run launchers share: paths without Node's `path`, the raw metadata a header kept,
 * and the study's vocabulary (its seven models, its conditions).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader } from '../model';
import { isRecord, numberLike } from '../json/values';
import type { LaunchContext } from './types';

/** The study's seven models, as its harness names them (`--model`). */
export const STUDY_MODELS: readonly string[] = [
  'openai/gpt-5.2',
  'gemini/gemini-3-flash-preview',
  'gemini/gemini-3-pro-preview',
  'vertex_ai/claude-haiku-4-5@20251001',
  'openrouter/z-ai/glm-4.7',
  'openrouter/moonshotai/kimi-k2.5',
  'openrouter/deepseek/deepseek-chat-v3.1',
];

/** Today's conditions (`--condition` of scripts/run_experiment.py). */
export const STUDY_CONDITIONS: readonly string[] = ['good_peer', 'neutral_peer', 'bad_peer', 'no_peer', 'non_shutdown'];

export { isRecord };

/** `experiment_metadata` as the study importer kept it in `header.metadata`, or `{}`. */
export function experimentMetadata(header: RunHeader): Record<string, unknown> {
  const m = header.metadata?.['experiment_metadata'];
  return isRecord(m) ? m : {};
}

/** A production-harness run's `run_meta.json`, as the importer kept it, or `{}`. */
export function runMeta(header: RunHeader): Record<string, unknown> {
  const m = header.metadata?.['run_meta'];
  return isRecord(m) ? m : {};
}

// C0 and C1 control characters (line breaks, escape, NUL …): no harness flag legitimately holds one.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Appends `name value` for a value that came from a transcript or the researcher. A value that
 * begins with `-` is passed as `name=value`, so the command's own parser (argparse, click, Node's
 * parseArgs all accept that form for long options) cannot take it for a flag of its own; a short
 * option has no such form, so such a value is refused, and so is one holding a control character.
 * Launchers throw; `planRerun` turns the message into "cannot re-run: …".
 */
export function pushFlag(args: string[], name: string, value: string): void {
  if (CONTROL_CHARS.test(value)) throw new Error(`the value of ${name}, ${JSON.stringify(value)}, holds a control character; Peerwatch will not pass it to the command`);
  if (!value.startsWith('-')) args.push(name, value);
  else if (name.startsWith('--')) args.push(`${name}=${value}`);
  else throw new Error(`the value of ${name}, ${JSON.stringify(value)}, begins with '-' and would be read as a flag; Peerwatch will not pass it to the command`);
}

/** Checks a positional argument that came from a transcript: no leading `-`, no control character. */
export function positionalArg(what: string, value: string): string {
  if (CONTROL_CHARS.test(value)) throw new Error(`the ${what}, ${JSON.stringify(value)}, holds a control character; Peerwatch will not pass it to the command`);
  if (value.startsWith('-')) throw new Error(`the ${what}, ${JSON.stringify(value)}, begins with '-' and would be read as a flag; Peerwatch will not pass it to the command`);
  return value;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export { numberLike as num };

export function sepOf(ctx: LaunchContext): string {
  return ctx.sep ?? (/^[A-Za-z]:\\/.test(ctx.transcriptPath) || (!ctx.transcriptPath.includes('/') && ctx.transcriptPath.includes('\\')) ? '\\' : '/');
}

/** The folder holding `path` (`path` itself when it has no parent). */
export function dirOf(path: string, sep: string): string {
  const trimmed = path.length > 1 && path.endsWith(sep) ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf(sep);
  if (i < 0) return '.';
  if (i === 0) return sep;
  // `C:\` stays a root.
  if (sep === '\\' && /^[A-Za-z]:$/.test(trimmed.slice(0, i))) return trimmed.slice(0, i + 1);
  return trimmed.slice(0, i);
}

export function baseOf(path: string, sep: string): string {
  const i = path.lastIndexOf(sep);
  return i < 0 ? path : path.slice(i + 1);
}

export function joinPath(sep: string, ...parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (p === '') continue;
    if (out === '' || out.endsWith(sep)) out += p;
    else out += sep + p;
  }
  return out;
}

/** The nearest folder, from `start` upwards, for which `test` holds. */
export function walkUp(start: string, sep: string, test: (dir: string) => boolean): string | undefined {
  let dir = start;
  for (let i = 0; i < 64; i++) {
    if (test(dir)) return dir;
    const parent = dirOf(dir, sep);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
