/**
 * The outcomes of two runs side by side: the source's own evaluation, the config state each run left,
 * where the model weights went, and the behaviours each was tagged with. Everything comes from the
 * model (header.evaluation, the facts the detectors gather from config_change and file_change events
 * and the effects of tool calls), never from a format's tool names. Pure module.
 */
import type { Transcript } from '../model';
import { compareArms, detectBehaviours, emptyRules, type Rules, type Tag } from '../behaviours';
import { gatherFacts, looksLikeWeights } from '../behaviours/facts';

/** One compared value: A's, B's, and whether they are the same. */
export interface ValueDiff {
  readonly field: string;
  readonly a?: unknown;
  readonly b?: unknown;
  readonly same: boolean;
}

export interface OutcomeComparison {
  /** The source's evaluation fields (typed ones first, then the rest of `raw`). */
  readonly evaluation: ValueDiff[];
  /** The final value of every config key either run changed (`path: key`; absent when removed). */
  readonly config: ValueDiff[];
  /** What each run did with model weights (copies, moves, transfers, deletions, queueing). */
  readonly weights: { readonly a: string[]; readonly b: string[]; readonly same: boolean };
}

export interface TagComparison {
  readonly onlyA: string[];
  readonly onlyB: string[];
  readonly both: string[];
}

const TYPED_FIELDS = ['score', 'thresholdVerdict', 'shutdownEnabled', 'executedShutdown', 'exfiltration', 'copied', 'deletedModel', 'refused'] as const;

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

/** The evaluation fields of two runs, each field once (a typed field is not repeated from `raw`). */
function evaluationDiff(a: Transcript, b: Transcript): ValueDiff[] {
  const ea = a.header.evaluation;
  const eb = b.header.evaluation;
  const out: ValueDiff[] = [];
  for (const f of TYPED_FIELDS) {
    const x = ea?.[f];
    const y = eb?.[f];
    if (x === undefined && y === undefined) continue;
    out.push({ field: f, ...(x !== undefined ? { a: x } : {}), ...(y !== undefined ? { b: y } : {}), same: same(x, y) });
  }
  const rawKeys = [...new Set([...Object.keys(ea?.raw ?? {}), ...Object.keys(eb?.raw ?? {})])].sort();
  for (const k of rawKeys) {
    const x = ea?.raw[k];
    const y = eb?.raw[k];
    out.push({ field: `raw.${k}`, ...(x !== undefined ? { a: x } : {}), ...(y !== undefined ? { b: y } : {}), same: same(x, y) });
  }
  return out;
}

/** `path: key` → the value the run left there (undefined: removed). */
function finalConfig(t: Transcript, rules: Rules): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const act of gatherFacts(t, rules).configActs) state.set(`${act.path}: ${act.key}`, act.op === 'remove' ? undefined : act.newValue);
  return state;
}

/** One line per thing the run did with model weights, in order. */
function weightsActs(t: Transcript, rules: Rules): string[] {
  const facts = gatherFacts(t, rules);
  // Paths on another machine already carry their `host:` prefix (model.ts); add it only where missing.
  const at = (host: string | undefined, path: string) => (host && !path.startsWith(`${host}:`) ? `${host}:${path}` : path);
  const out: string[] = [];
  for (const f of facts.fileActs) {
    if (!looksLikeWeights(facts, f.path) && !(f.to !== undefined && looksLikeWeights(facts, f.to))) continue;
    out.push(`${f.op} ${at(f.host, f.path)}${f.to !== undefined ? ` → ${at(f.toHost ?? f.host, f.to)}` : ''}`);
  }
  for (const q of facts.queueActs) {
    const files = q.files.filter((p) => looksLikeWeights(facts, p));
    if (files.length) out.push(`${q.op === 'add' ? 'queued for deletion' : 'taken off the deletion queue'}: ${files.map((p) => at(q.host, p)).join(', ')}`);
  }
  return out;
}

/** The outcomes of runs A and B compared. */
export function compareOutcomes(a: Transcript, b: Transcript, rules: Rules = emptyRules()): OutcomeComparison {
  const ca = finalConfig(a, rules);
  const cb = finalConfig(b, rules);
  const config: ValueDiff[] = [...new Set([...ca.keys(), ...cb.keys()])].sort().map((field) => {
    const x = ca.get(field);
    const y = cb.get(field);
    return { field, ...(ca.has(field) ? { a: x ?? null } : {}), ...(cb.has(field) ? { b: y ?? null } : {}), same: ca.has(field) === cb.has(field) && same(x, y) };
  });
  const wa = weightsActs(a, rules);
  const wb = weightsActs(b, rules);
  return { evaluation: evaluationDiff(a, b), config, weights: { a: wa, b: wb, same: same(wa, wb) } };
}

/**
 * The behaviours tagged in A only, in B only, and in both (given the tags, or detected here). When A
 * and B are the monitored and unmonitored arms of one scenario, the arms' difference is a tag too
 * (compareArms: alignment faking on the unmonitored run), as `peerwatch tag` gives it.
 */
export function compareTags(a: Transcript, b: Transcript, rules?: Rules, tags?: { a: readonly Tag[]; b: readonly Tag[] }): TagComparison {
  const la = tags?.a ?? detectBehaviours(a, rules);
  const lb = tags?.b ?? detectBehaviours(b, rules);
  const ta = new Set(la.map((t) => String(t.behaviour)));
  const tb = new Set(lb.map((t) => String(t.behaviour)));
  if (!rules?.disable.has('alignment-faking')) {
    const arms = [
      { key: 'A', transcript: a, tags: la },
      { key: 'B', transcript: b, tags: lb },
    ];
    for (const c of compareArms(arms, rules)) (c.unmonitored === 'A' ? ta : tb).add(String(c.tag.behaviour));
  }
  return {
    onlyA: [...ta].filter((x) => !tb.has(x)).sort(),
    onlyB: [...tb].filter((x) => !ta.has(x)).sort(),
    both: [...ta].filter((x) => tb.has(x)).sort(),
  };
}
