/**
 * The review sidecar: a reviewer's judgements on a run's behaviour tags, kept in `<log>.review.json`
 * beside the log (the log itself is never written). docs/review-format.md describes the format; the
 * zod schema below is its normative definition.
 *
 * A review is a state, not a history: at most one verdict per tag id (confirmed or dismissed), the
 * tags a reviewer added by hand, and whether the run as a whole was reviewed. Every judgement says
 * who made it and when. Edits are pure functions returning a new review, so the editor can undo and
 * redo by swapping whole states.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { z } from 'zod';
import { parseJsonTolerant, type JsonPath } from '../json/tolerantJson';
import { describeZodIssue } from '../zodMessages';

export const REVIEW_VERSION = 1;

/** ISO 8601 date and time with a zone (`2026-03-08T14:02:11.123Z`, `…+02:00`). */
const When = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'expected an ISO 8601 date and time such as 2026-03-08T14:02:11Z');
const Who = z.string().min(1).max(200);
const Index = z.number().int().nonnegative();
const TagId = z.string().min(1).max(200);
const BehaviourId = z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'expected a behaviour id (letters, digits, ".", "_", "-")');
const Qualifier = z.enum(['self-preservation', 'peer-preservation', 'unknown']);

/** A verdict on one tag (detected or added by hand). `behaviour` and `events` record what was judged. */
export const VerdictSchema = z.object({
  verdict: z.enum(['confirmed', 'dismissed']),
  behaviour: BehaviourId.optional(),
  events: z.array(Index).max(10_000).optional(),
  note: z.string().max(10_000).optional(),
  by: Who,
  at: When,
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** A tag a reviewer added to events the detectors did not tag (or tagged differently). */
export const ManualTagSchema = z.object({
  id: z.string().regex(/^manual:\d+$/, 'expected an id like "manual:1"'),
  behaviour: BehaviourId,
  qualifier: Qualifier,
  events: z.array(Index).min(1).max(10_000),
  note: z.string().max(10_000).default(''),
  by: Who,
  at: When,
});
export type ManualTag = z.infer<typeof ManualTagSchema>;

export const ReviewedMarkSchema = z.object({ by: Who, at: When, note: z.string().max(10_000).optional() });
export type ReviewedMark = z.infer<typeof ReviewedMarkSchema>;

export const ReviewSchema = z.object({
  version: z.literal(REVIEW_VERSION),
  /** The log's file name (for people who find the sidecar alone); not used to match. */
  log: z.string().optional(),
  verdicts: z.record(TagId, VerdictSchema).default({}),
  added: z.array(ManualTagSchema).default([]),
  reviewed: ReviewedMarkSchema.nullable().default(null),
});
export type Review = z.infer<typeof ReviewSchema>;

export function emptyReview(log?: string): Review {
  return { version: REVIEW_VERSION, ...(log ? { log } : {}), verdicts: {}, added: [], reviewed: null };
}

export function isEmptyReview(r: Review): boolean {
  return Object.keys(r.verdicts).length === 0 && r.added.length === 0 && !r.reviewed;
}

export interface ReviewParseError {
  line?: number;
  column?: number;
  /** `file:line:column: what is wrong`. */
  message: string;
}

/**
 * Reads a sidecar. Any error means the file is not used (a half-read review could silently drop a
 * dismissal), so the result is either a review or the errors, each naming the file, line and column.
 */
export function parseReview(fileName: string, text: string): { review: Review; errors: [] } | { review?: undefined; errors: ReviewParseError[] } {
  const json = parseJsonTolerant(text, { locateDepth: 6 });
  const at = (line?: number, column?: number) => (line ? `${fileName}:${line}:${column ?? 1}` : fileName);
  if (json.error) {
    const e = json.error;
    return { errors: [{ line: e.line, column: e.column, message: `${at(e.line, e.column)}: invalid JSON at ${e.path}: expected ${e.expected}, found ${e.found}` }] };
  }
  const doc = json.value;
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const v = (doc as Record<string, unknown>)['version'];
    if (typeof v === 'number' && Number.isInteger(v) && v > REVIEW_VERSION) {
      const p = json.locate(['version']);
      return { errors: [{ line: p?.line, column: p?.column, message: `${at(p?.line, p?.column)}: this review file uses version ${v}, but this Peerwatch reads version ${REVIEW_VERSION}; update Peerwatch` }] };
    }
  }
  const r = ReviewSchema.safeParse(doc, { reportInput: true });
  if (r.success) {
    const dup = duplicateManualId(r.data);
    if (dup !== undefined) {
      const p = json.locate(['added', dup]);
      return { errors: [{ line: p?.line, column: p?.column, message: `${at(p?.line, p?.column)}: $.added[${dup}].id: "${r.data.added[dup]!.id}" is used twice` }] };
    }
    return { review: r.data, errors: [] };
  }
  const errors = r.error.issues.map((issue): ReviewParseError => {
    const path: JsonPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    let p: { line: number; column: number } | undefined;
    for (let n = path.length; n >= 0 && !p; n--) p = json.locate(path.slice(0, n));
    return { line: p?.line, column: p?.column, message: `${at(p?.line, p?.column)}: ${describeZodIssue(issue)}` };
  });
  return { errors };
}

function duplicateManualId(r: Review): number | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < r.added.length; i++) {
    if (seen.has(r.added[i]!.id)) return i;
    seen.add(r.added[i]!.id);
  }
  return undefined;
}

/** The sidecar's text: stable key order (verdicts sorted by tag id), 2-space indent, final newline. */
export function serializeReview(r: Review): string {
  const verdicts: Record<string, Verdict> = {};
  for (const id of Object.keys(r.verdicts).sort()) {
    const v = r.verdicts[id]!;
    verdicts[id] = {
      verdict: v.verdict,
      ...(v.behaviour !== undefined ? { behaviour: v.behaviour } : {}),
      ...(v.events !== undefined ? { events: v.events } : {}),
      ...(v.note !== undefined ? { note: v.note } : {}),
      by: v.by,
      at: v.at,
    };
  }
  const out = {
    version: REVIEW_VERSION,
    ...(r.log !== undefined ? { log: r.log } : {}),
    verdicts,
    added: r.added.map((m) => ({ id: m.id, behaviour: m.behaviour, qualifier: m.qualifier, events: m.events, note: m.note, by: m.by, at: m.at })),
    reviewed: r.reviewed,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

// ---- edits (pure: each returns a new review) ---------------------------------------------------

export interface Judge {
  by: string;
  at: string;
}

/** Sets (or, with `verdict` undefined, clears) the verdict on tag `id`. */
export function setVerdict(
  r: Review,
  id: string,
  verdict: 'confirmed' | 'dismissed' | undefined,
  judge: Judge,
  tag?: { behaviour: string; events: readonly number[] },
  note?: string,
): Review {
  const verdicts = { ...r.verdicts };
  if (verdict === undefined) delete verdicts[id];
  else {
    verdicts[id] = {
      verdict,
      ...(tag ? { behaviour: String(tag.behaviour), events: [...tag.events] } : {}),
      ...(note ? { note } : {}),
      by: judge.by,
      at: judge.at,
    };
  }
  return { ...r, verdicts };
}

/** Adds a manual tag; returns the new review and the tag's id (`manual:<n>`, never reused). */
export function addManualTag(
  r: Review,
  tag: { behaviour: string; qualifier: 'self-preservation' | 'peer-preservation' | 'unknown'; events: readonly number[]; note: string },
  judge: Judge,
): { review: Review; id: string } {
  const used = r.added.map((m) => Number(m.id.slice('manual:'.length)));
  const n = Math.max(0, ...used, ...Object.keys(r.verdicts).filter((k) => k.startsWith('manual:')).map((k) => Number(k.slice(7)) || 0)) + 1;
  const id = `manual:${n}`;
  const events = [...new Set(tag.events)].sort((a, b) => a - b);
  return { review: { ...r, added: [...r.added, { id, behaviour: tag.behaviour, qualifier: tag.qualifier, events, note: tag.note, by: judge.by, at: judge.at }] }, id };
}

/** Removes a manual tag (and any verdict on it). */
export function removeManualTag(r: Review, id: string): Review {
  const verdicts = { ...r.verdicts };
  delete verdicts[id];
  return { ...r, verdicts, added: r.added.filter((m) => m.id !== id) };
}

/** Marks the run reviewed (or, with `judge` undefined, not reviewed). */
export function setReviewed(r: Review, judge: Judge | undefined, note?: string): Review {
  return { ...r, reviewed: judge ? { by: judge.by, at: judge.at, ...(note ? { note } : {}) } : null };
}

/**
 * The review sidecar's path for the run at `logPath`: `<log>.review.json`, or for one sample of a log
 * of many, `<log>.sample-<key>.review.json` with characters other than letters, digits, `.`, `_` and
 * `-` in the key written `~<hex>~`, so every key has its own file.
 */
export function reviewSidecarPath(logPath: string, sampleKey?: string): string {
  if (sampleKey === undefined) return `${logPath}.review.json`;
  const safe = sampleKey.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.codePointAt(0)!.toString(16)}~`);
  return `${logPath}.sample-${safe}.review.json`;
}
