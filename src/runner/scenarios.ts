/**
 * Where `peerwatch run` gets its scenario, environment and replay client: a scenario file, an earlier
 * run's header, or the built-in scenario for the flags, with the flags given applied on top.
 */
import { canonicalJson } from '../core/json/values';
import type { MonitoringArm, Subject, TaskFamily, Transcript } from '../core/model';
import { createEnvironment } from '../core/runner/openbrain';
import { scenarioFromTranscript as worldFromTranscript } from '../core/runner/fromTranscript';
import { createReplayClient } from '../core/runner/replay';
import { CONDITIONS, DATASETS, HEADER_SCENARIO_KEY, builtinScenario, parseScenario, scenarioFromHeader, type BuiltinParams, type Condition, type Dataset, type Scenario } from '../core/runner/scenario';
import type { Environment, ModelClient } from '../core/runner/types';

/** What the command line can change about a scenario. */
export interface ScenarioOverrides {
  taskFamily?: TaskFamily;
  condition?: string;
  subject?: Subject;
  monitoring?: MonitoringArm;
  dataset?: string;
  threshold?: number;
}

/** A flag value the scenario cannot take (the message says which values it can). */
export class ScenarioFlagError extends Error {}

function checkedParams(o: ScenarioOverrides): Partial<BuiltinParams> {
  if (o.condition !== undefined && !(CONDITIONS as readonly string[]).includes(o.condition)) {
    throw new ScenarioFlagError(`--condition expects one of ${CONDITIONS.join(', ')}, not ${JSON.stringify(o.condition)}`);
  }
  if (o.dataset !== undefined && !(DATASETS as readonly string[]).includes(o.dataset)) {
    throw new ScenarioFlagError(`--dataset expects one of ${DATASETS.join(', ')}, not ${JSON.stringify(o.dataset)}`);
  }
  if (o.threshold !== undefined && (o.threshold < 0 || o.threshold > 100)) throw new ScenarioFlagError(`--threshold expects a number from 0 to 100, not ${o.threshold}`);
  return {
    ...(o.taskFamily ? { taskFamily: o.taskFamily } : {}),
    ...(o.condition !== undefined ? { condition: o.condition as Condition } : {}),
    ...(o.subject ? { subject: o.subject } : {}),
    ...(o.monitoring ? { monitoring: o.monitoring } : {}),
    ...(o.dataset !== undefined ? { dataset: o.dataset as Dataset } : {}),
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
  };
}

/** The built-in scenario's parameters that reproduce `s` (when `s` is a built-in one). */
function paramsOf(s: Scenario): BuiltinParams {
  return {
    taskFamily: s.taskFamily,
    condition: s.condition,
    subject: s.subject,
    monitoring: s.monitoring,
    dataset: s.dataset,
    threshold: s.threshold,
    peerInstantiation: s.peerInstantiation,
    scratchpad: s.scratchpad,
    maxIterations: s.maxIterations,
    agentName: s.agentName,
    ...(s.peerName !== undefined ? { peerName: s.peerName } : {}),
    extraToolGroups: s.extraToolGroups,
  };
}

/** The flags whose value differs from the scenario's. */
function differing(s: Scenario, p: Partial<BuiltinParams>): Array<keyof ScenarioOverrides> {
  return (['taskFamily', 'condition', 'subject', 'monitoring', 'dataset', 'threshold'] as const).filter((k) => p[k] !== undefined && p[k] !== s[k]);
}

const flagName = (k: keyof ScenarioOverrides) => `--${k === 'taskFamily' ? 'task-family' : k}`;

/**
 * `s` with the flags applied. A built-in scenario (its world is what the built-in stages for its
 * parameters) is staged again with the new parameters, so the policy, documents and sheet follow
 * them. A scenario with a world of its own cannot follow a change (its documents state the
 * condition, arm and threshold), so a flag that would change it is refused with a message saying so.
 */
export function applyOverrides(s: Scenario, o: ScenarioOverrides, source: string): Scenario {
  const p = checkedParams(o);
  const changes = differing(s, p);
  if (changes.length === 0) return s;
  let isBuiltin = false;
  try {
    isBuiltin = canonicalJson(builtinScenario(paramsOf(s)).world) === canonicalJson(s.world);
  } catch {
    isBuiltin = false;
  }
  if (!isBuiltin) {
    throw new ScenarioFlagError(
      `${source} has a world of its own (not the built-in one), so ${changes.map(flagName).join(', ')} cannot be applied to it: its documents would still say otherwise; edit the scenario instead`,
    );
  }
  const next: BuiltinParams = { ...paramsOf(s), ...p };
  // The way the peer is introduced follows the condition: none without a peer, the drive file by default.
  if (changes.includes('condition')) delete (next as { peerInstantiation?: unknown }).peerInstantiation;
  if (changes.includes('taskFamily')) {
    // Defaults that depend on the family (the arm, the dataset, its threshold) are the new family's.
    if (!p.monitoring) delete (next as { monitoring?: unknown }).monitoring;
    if (!p.dataset) delete (next as { dataset?: unknown }).dataset;
    if (p.threshold === undefined) delete (next as { threshold?: unknown }).threshold;
  }
  return builtinScenario(next);
}

/** `--scenario FILE`. Throws a ScenarioError naming file:line:col for a bad file. */
export function readScenarioFile(fileName: string, text: string, o: ScenarioOverrides): Scenario {
  return applyOverrides(parseScenario(fileName, text), o, fileName);
}

/**
 * `--from TRANSCRIPT`: the scenario of an earlier run. A Peerwatch run log carries its scenario; a
 * study transcript's world is rebuilt from what its tools showed. With flags that change the scenario,
 * the built-in world is staged for the transcript's parameters with the flags applied (`note` says so).
 */
export function scenarioFromTranscript(t: Transcript, fileName: string, o: ScenarioOverrides, note: (s: string) => void = () => {}): Scenario {
  const p = checkedParams(o);
  try {
    if (t.header.metadata?.[HEADER_SCENARIO_KEY] !== undefined) return applyOverrides(scenarioFromHeader(t.header), o, fileName);
    const s = worldFromTranscript(t);
    const changes = differing(s, p);
    if (changes.length === 0) return s;
    note(`${fileName}: ${changes.map(flagName).join(', ')} change${changes.length === 1 ? 's' : ''} the scenario, so its world is the built-in one for the new parameters, not the one the transcript showed\n`);
    const h = { ...t.header };
    if (p.taskFamily) h.taskFamily = p.taskFamily;
    if (p.condition) h.condition = p.condition;
    if (p.subject) h.subject = p.subject;
    if (p.monitoring) h.monitoring = p.monitoring;
    if (p.dataset) h.dataset = p.dataset;
    if (p.threshold !== undefined) h.threshold = p.threshold;
    return scenarioFromHeader(h);
  } catch (e) {
    if (e instanceof ScenarioFlagError) throw e;
    throw new ScenarioFlagError(`${fileName}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The built-in scenario for the flags (`--task-family` given); agents are named after the model. */
export function scenarioFromFlags(o: ScenarioOverrides, model?: string): Scenario {
  const p = checkedParams(o);
  if (!p.taskFamily) throw new ScenarioFlagError('--task-family is required without --scenario or --from');
  return builtinScenario({ ...p, taskFamily: p.taskFamily, ...(model && !model.startsWith('replay:') ? { model } : {}) });
}

export function scenarioEnvironment(s: Scenario): Environment {
  return createEnvironment(s);
}

/** A client that replays the transcript's own assistant turns (model `replay:<file>`). */
export function replayClient(t: Transcript, file: string): ModelClient {
  return createReplayClient(t, file);
}
