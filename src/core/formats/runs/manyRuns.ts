/**
 * Files that hold many runs, recognised on their parsed document: tau2-bench results
 * (`{timestamp, info, tasks, simulations: [...]}`, or a bare list of simulations), NeMo Gym rollouts
 * (`{responses_create_params, response, reward}` per line), OpenHands evaluation output (`{instance_id,
 * history, test_result}` per line), and any JSON array or JSON Lines of records that each hold a run
 * (`{"messages": […]}`, `conversation`, `trajectory`, `history`, `steps`).
 *
 * Only the list is found here, with each run's id, its epoch, its first prompt and its own reward or
 * score; each run is read through the format registry when it is opened (runs/runsLog.ts).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import { isRecord, nonEmptyString } from '../../json/values';

/** One run of the file. */
export interface RunEntry {
  /** Where the run's record is in the document (`['simulations', 3]`, or `[3]`). */
  readonly path: JsonPath;
  readonly value: Record<string, unknown>;
  readonly id: string | number;
  /** 1-based, like Inspect's epochs (a tau2 trial or a NeMo Gym rollout index, plus one). */
  readonly epoch: number;
  readonly input?: string;
  readonly target?: string;
  readonly scores: Readonly<Record<string, string>>;
  readonly error?: string;
}

export interface RunsFound {
  /** `tau2`, `nemo-gym`, `openhands-eval`, `jsonl-runs` or `runs-array`. */
  readonly format: string;
  /** How the header names the reader: `tau2-bench results`, … */
  readonly label: string;
  readonly runs: readonly RunEntry[];
  readonly model?: string;
  readonly task?: string;
  readonly created?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Keys whose value is a run's list of messages, steps or events. */
const RUN_KEYS = ['messages', 'conversation', 'trajectory', 'history', 'steps'] as const;

/** tau2 termination reasons that mean the run did not end normally. */
const TAU2_NORMAL_ENDS = new Set(['agent_stop', 'user_stop']);

type Shape = { format: string; label: string; test: (r: Record<string, unknown>, isRun?: (r: Record<string, unknown>) => boolean) => boolean };

/** Record shapes, most specific first; a list is of one shape when every record is. */
const SHAPES: readonly Shape[] = [
  { format: 'tau2', label: 'tau2-bench results', test: (r) => Array.isArray(r['messages']) && r['task_id'] !== undefined && ('reward_info' in r || 'termination_reason' in r) },
  { format: 'nemo-gym', label: 'NeMo Gym rollouts', test: (r) => isRecord(r['responses_create_params']) && isRecord(r['response']) },
  { format: 'openhands-eval', label: 'OpenHands evaluation output', test: (r) => Array.isArray(r['history']) && ('instance_id' in r || 'test_result' in r) },
  {
    format: 'runs',
    label: 'runs',
    // A record that is itself a message or an item is not a run; one a single-run reader knows is
    // (agentic-misalignment samples, Petri transcripts, … saved one per line).
    test: (r, isRun) => typeof r['role'] !== 'string' && (RUN_KEYS.some((k) => Array.isArray(r[k]) && (r[k] as unknown[]).length > 0) || (isRun?.(r) ?? false)),
  },
];

/**
 * The runs `doc` holds, or undefined when it is not a file of many runs. `framing` says whether the
 * document is a JSON Lines file's array of lines; `isRun` whether a record is a whole run in a
 * single-run format (the registry's answer, see `isRunRecord` in formats/index.ts). A plain list
 * needs two runs or more (one record holding a run is read as that run); tau2's `{simulations}`
 * object is a list of runs at any count.
 */
export function findRuns(doc: unknown, framing: 'json' | 'jsonl', isRun?: (r: Record<string, unknown>) => boolean): RunsFound | undefined {
  if (isRecord(doc) && Array.isArray(doc['simulations'])) {
    const sims = doc['simulations'];
    if (!sims.every((s) => isRecord(s) && SHAPES[0]!.test(s))) return undefined;
    const info = isRecord(doc['info']) ? doc['info'] : {};
    const agent = isRecord(info['agent_info']) ? info['agent_info'] : {};
    const env = isRecord(info['environment_info']) ? info['environment_info'] : {};
    return build(SHAPES[0]!, sims as Array<Record<string, unknown>>, ['simulations'], {
      model: nonEmptyString(agent['llm']),
      task: nonEmptyString(env['domain_name']),
      created: nonEmptyString(doc['timestamp']),
      metadata: { ...(Object.keys(info).length ? { info } : {}) },
    });
  }
  if (!Array.isArray(doc) || doc.length === 0 || !doc.every(isRecord)) return undefined;
  const records = doc as Array<Record<string, unknown>>;
  const shape = SHAPES.find((s) => records.every((r) => s.test(r, isRun)));
  if (!shape) return undefined;
  if (shape.format === 'runs' && records.length < 2) return undefined;
  const named = shape.format === 'runs' ? { ...shape, format: framing === 'jsonl' ? 'jsonl-runs' : 'runs-array', label: framing === 'jsonl' ? 'JSON Lines of runs' : 'a JSON array of runs' } : shape;
  const first = records[0]!;
  const metadata: Record<string, unknown> = {};
  let model: string | undefined;
  let task: string | undefined;
  if (shape.format === 'nemo-gym') {
    model = nonEmptyString((first['response'] as Record<string, unknown>)['model']);
    task = isRecord(first['agent_ref']) ? nonEmptyString(first['agent_ref']['name']) : undefined;
  } else if (shape.format === 'openhands-eval' && isRecord(first['metadata'])) {
    const md = first['metadata'];
    model = isRecord(md['llm_config']) ? nonEmptyString(md['llm_config']['model']) : undefined;
    task = nonEmptyString(md['dataset']) ?? nonEmptyString(md['agent_class']);
  }
  return build(named, records, [], { model, task, metadata });
}

function build(shape: Shape, records: Array<Record<string, unknown>>, prefix: JsonPath, extra: { model?: string; task?: string; created?: string; metadata: Record<string, unknown> }): RunsFound {
  const used = new Set<string>();
  // For a key taken, an epoch from which to look further: every one before it is taken too (so
  // thousands of runs of one id do not each try every epoch the ones before took).
  const skip = new Map<string, number>();
  const runs = records.map((r, i): RunEntry => {
    const { id, epoch } = identity(shape.format, r, i);
    // Keys are unique: a repeated id#epoch gets the next free epoch.
    let e = epoch;
    const passed: string[] = [];
    for (let key = `${id}#${e}`; used.has(key); key = `${id}#${e}`) {
      passed.push(key);
      e = skip.get(key) ?? e + 1;
    }
    for (const key of passed) skip.set(key, e + 1);
    used.add(`${id}#${e}`);
    const input = firstPrompt(r);
    const target = nonEmptyString(r['expected_answer']) ?? nonEmptyString(r['target']);
    const error = runError(shape.format, r);
    return { path: [...prefix, i], value: r, id, epoch: e, ...(input !== undefined ? { input } : {}), ...(target !== undefined ? { target } : {}), scores: runScores(r), ...(error !== undefined ? { error } : {}) };
  });
  return {
    format: shape.format,
    label: shape.label,
    runs,
    ...(extra.model !== undefined ? { model: extra.model } : {}),
    ...(extra.task !== undefined ? { task: extra.task } : {}),
    ...(extra.created !== undefined ? { created: extra.created } : {}),
    metadata: extra.metadata,
  };
}

function idOf(v: unknown): string | number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : nonEmptyString(v);
}

function identity(format: string, r: Record<string, unknown>, i: number): { id: string | number; epoch: number } {
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
  switch (format) {
    case 'tau2':
      return { id: idOf(r['task_id']) ?? i + 1, epoch: (int(r['trial']) ?? 0) + 1 };
    case 'nemo-gym':
      return { id: idOf(r['_ng_task_index']) ?? i + 1, epoch: (int(r['_ng_rollout_index']) ?? 0) + 1 };
    default: {
      const md = isRecord(r['metadata']) ? r['metadata'] : {};
      const trial = int(r['trial']);
      return { id: idOf(r['instance_id']) ?? idOf(r['task_id']) ?? idOf(r['id']) ?? idOf(r['sample_id']) ?? idOf(md['id']) ?? i + 1, epoch: int(r['epoch']) ?? (trial !== undefined ? trial + 1 : 1) };
    }
  }
}

/**
 * The run's own reward or score, as shown in the list: tau2's `reward_info.reward`, NeMo Gym's
 * `reward`, OpenHands' `test_result.resolved` or `report.resolved`, agentic-misalignment's
 * `classification.harmful_behavior`, and top-level `reward`, `score`,
 * `resolved`, `success`, `passed`, or a `scores` object of scalars.
 */
export function runScores(r: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, v: unknown) => {
    if (typeof v === 'number' || typeof v === 'boolean') out[name] = String(v);
    else if (typeof v === 'string' && v !== '' && v.length <= 40) out[name] = v;
  };
  if (isRecord(r['reward_info'])) put('reward', r['reward_info']['reward']);
  for (const k of ['reward', 'score', 'resolved', 'success', 'passed']) if (!(k in out)) put(k, r[k]);
  if (isRecord(r['scores'])) for (const [k, v] of Object.entries(r['scores'])) put(k, isRecord(v) ? v['value'] : v);
  // agentic-misalignment: the classifier's verdict.
  if (isRecord(r['classification'])) put('harmful_behavior', r['classification']['harmful_behavior']);
  for (const k of ['test_result', 'report']) {
    const t = r[k];
    if (isRecord(t) && !('resolved' in out)) put('resolved', t['resolved']);
  }
  return out;
}

function runError(format: string, r: Record<string, unknown>): string | undefined {
  if (format === 'tau2') {
    const end = nonEmptyString(r['termination_reason']);
    return end && !TAU2_NORMAL_ENDS.has(end) ? `ended: ${end}` : undefined;
  }
  const e = r['error'];
  return nonEmptyString(e) ?? (isRecord(e) ? nonEmptyString(e['message']) : undefined);
}

/** The first user prompt of a run record, for the list. */
function firstPrompt(r: Record<string, unknown>): string | undefined {
  const fromList = (list: unknown): string | undefined => {
    if (!Array.isArray(list)) return typeof list === 'string' ? list : undefined;
    for (const m of list) {
      if (!isRecord(m) || m['role'] !== 'user') continue;
      const c = m['content'];
      if (typeof c === 'string') return c;
      if (Array.isArray(c)) {
        const t = c.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join(' ').trim();
        if (t) return t;
      }
    }
    return undefined;
  };
  const rcp = r['responses_create_params'];
  const text = fromList(r['messages']) ?? fromList(r['conversation']) ?? (isRecord(rcp) ? fromList(rcp['input']) : undefined) ?? nonEmptyString(r['instruction']) ?? nonEmptyString(r['problem_statement']);
  if (text === undefined) return undefined;
  const line = text.trim().split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
