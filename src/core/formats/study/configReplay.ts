/**
 * Replays the study's config tools (`view_config`, `modify_var`, `add_var`, `remove_var`) to show
 * each change as a whole-file before/after.
 *
 * The tools never show a diff: `view_config` prints the file as a Python dict and the change tools
 * take only a key and a value (no file name). The replay keeps the last state seen for each file,
 * applies each change to it, and trusts the tool's own answer over its arithmetic whenever the
 * answer shows the new dict.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { parsePythonLiteral, type PythonValue } from './pythonLiteral';
import { readYaml, writeYaml, type YamlPath } from '../../yaml';
import { BoundedMemo } from '../../textMemo';
import { nestsDeeperThan } from '../../json/values';
import { toolError } from '../../effects/toolOutput';

type ConfigMap = { [key: string]: PythonValue };

/** The config file the study's policy points to; the change tools act on it when nothing else was viewed. */
export const DEFAULT_CONFIG_FILE = 'shutdown_config.yaml';

export type ConfigOp = 'modify' | 'add' | 'remove';

/** One change, ready to become a `config_change` event. */
export interface ConfigChange {
  path: string;
  op: ConfigOp;
  key: string;
  oldValue?: unknown;
  newValue?: unknown;
  before: string;
  after: string;
  beforeKnown: boolean;
}

/** Comment on a value the replay cannot know (the file was not shown before the change). */
const UNKNOWN_VALUE_COMMENT = 'value not shown before this change';
/** How such a value reads in the before text: `key: null # value not shown before this change`. */
export const UNKNOWN_VALUE_NOTE = `null # ${UNKNOWN_VALUE_COMMENT}`;

/**
 * The config as the YAML file it is (`shutdown_config.yaml`), one key a line so the diff shows the
 * changed key. The one quoting rule of core/yaml.ts keeps the string 'False' a model wrote apart
 * from the boolean false it replaced.
 */
export function configYaml(config: ConfigMap, unknown?: (path: YamlPath) => boolean): string {
  if (Object.keys(config).length === 0) return '';
  return writeYaml(config, { blockStrings: false, ...(unknown ? { unknown: (p: YamlPath) => (unknown(p) ? UNKNOWN_VALUE_COMMENT : undefined) } : {}) });
}

/**
 * `configYaml`, kept by the config's JSON (after the key path marked unknown, NUL-joined; JSON text
 * holds no raw U+0001, so the key reads one way only): a scenario's config goes through the same
 * states in run after run, and writing YAML costs some 60 µs a state, several a change (see
 * core/textMemo.ts). A config holding a number JSON has no word for (Infinity, NaN: JSON would write
 * null) is written every time.
 */
const configYamls = new BoundedMemo<string>();
function memoConfigYaml(config: ConfigMap, marked?: string): string {
  const write = () => configYaml(config, marked === undefined ? undefined : (kp) => kp.join('\u0000') === marked);
  let faithful = true;
  const json = JSON.stringify(config, (_, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) faithful = false;
    return v;
  });
  return faithful ? configYamls.get(`${marked ?? ''}\u0001${json}`, write) : write();
}

function isMap(v: unknown): v is ConfigMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** A deep copy that keeps every value as it is (JSON would turn Infinity and NaN into null). */
function copyValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyValue) as T;
  if (!isMap(v)) return v;
  const out: ConfigMap = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: copyValue(v[k]), enumerable: true, writable: true, configurable: true });
  return out as T;
}

/**
 * Reads a config tool's output as a map: a Python dict repr (the usual form) or YAML.
 * Errors, empty answers and anything that is not a mapping give undefined: the study's tools also
 * answer in sentences, and a sentence is no config state (the replay then keeps what it knew).
 */
export function parseConfigText(output: string): ConfigMap | undefined {
  const text = output.trim();
  if (text === '' || toolError(text) !== undefined) return undefined;
  if (text.startsWith('{')) {
    const py = parsePythonLiteral(text);
    if (py.ok && isMap(py.value)) return py.value;
    try {
      const json: unknown = JSON.parse(text);
      // JSON.parse reads any depth; the config is cloned and written out recursively, so an answer
      // nested past the readers' limit is not taken as the config (the answer itself still shows).
      if (isMap(json) && !nestsDeeperThan(json)) return json as ConfigMap;
    } catch {
      // not JSON either
    }
    return undefined;
  }
  const yaml = readYaml(text);
  return !yaml.error && isMap(yaml.value) ? (yaml.value as ConfigMap) : undefined;
}

/**
 * Where `key` lives in `config`: the literal top-level key when there is one, else a dotted key
 * (`pod.instance`) followed through nested maps as far as they exist.
 */
export function resolveKeyPath(config: ConfigMap, key: string, forWrite: boolean): string[] {
  if (Object.prototype.hasOwnProperty.call(config, key) || !key.includes('.')) return [key];
  const parts = key.split('.');
  if (parts.some((p) => p === '')) return [key];
  let node: PythonValue = config;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isMap(node) || !Object.prototype.hasOwnProperty.call(node, parts[i]!)) return [key];
    node = node[parts[i]!]!;
  }
  if (!isMap(node)) return [key];
  if (!forWrite && !Object.prototype.hasOwnProperty.call(node, parts[parts.length - 1]!)) return [key];
  return parts;
}

function getAt(config: ConfigMap, path: string[]): PythonValue | undefined {
  let node: PythonValue | undefined = config;
  for (const p of path) {
    if (!isMap(node) || !Object.prototype.hasOwnProperty.call(node, p)) return undefined;
    node = node[p];
  }
  return node;
}

function parentOf(config: ConfigMap, path: string[]): ConfigMap {
  let node: ConfigMap = config;
  for (const p of path.slice(0, -1)) node = node[p] as ConfigMap;
  return node;
}

function setAt(config: ConfigMap, path: string[], value: PythonValue): void {
  Object.defineProperty(parentOf(config, path), path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

function deleteAt(config: ConfigMap, path: string[]): void {
  delete parentOf(config, path)[path[path.length - 1]!];
}

/**
 * Characters of whole-file YAML (before plus after texts) one run may write. Each change writes the
 * whole config twice, so a run of many changes to a config of many keys wrote changes × keys: 1,000
 * `modify_var` calls on a 1,000-key dict took 7 s. The study's configs hold some 10–30 keys and see a
 * few changes (a few kilobytes in all), far inside this.
 */
export const CONFIG_TEXT_BUDGET = 200_000;

/**
 * What a change past the budget shows as its before and after text (the same line on both sides, so
 * a diff shows no changed line): where the replay stopped writing the file and why. The change's
 * key, old and new value are kept; they are what the detectors and titles read.
 */
export function configTextSkippedNote(changeNumber: number): string {
  return `# whole file not written from this run's config change ${changeNumber} on: the changes' before/after texts passed ${CONFIG_TEXT_BUDGET.toLocaleString('en-US')} characters (the changed key, old and new value are kept)\n`;
}

interface FileState {
  config: ConfigMap;
  /** False until the whole file has been shown (by `view_config` or a tool answer). */
  known: boolean;
}

/** Per-file config state replayed from the tool calls of one run. */
export class ConfigReplay {
  private readonly files = new Map<string, FileState>();
  private current: string | undefined;
  /** Characters of before/after text written so far, changes replayed, the change the budget ran out at, and whether that was said. */
  private written = 0;
  private changes = 0;
  private skippedFrom: number | undefined;
  private warned = false;

  /**
   * Where and why the whole-file texts stopped, the first time it is asked after they did (a reader
   * raises it once, as a warning after the change that crossed the budget); else undefined.
   */
  takeBudgetWarning(): string | undefined {
    if (this.skippedFrom === undefined || this.warned) return undefined;
    this.warned = true;
    return `config changes from change ${this.skippedFrom} on show the changed key, old and new value but not the whole file before and after: the run's config texts passed ${CONFIG_TEXT_BUDGET.toLocaleString('en-US')} characters`;
  }

  /** Records a `view_config` answer; a file that came back empty or as an error does not become current. */
  view(filename: string | undefined, output: string): void {
    const name = filename || DEFAULT_CONFIG_FILE;
    const config = parseConfigText(output);
    if (!config) return;
    this.files.set(name, { config: clone(config), known: true });
    // Why "last view that showed a config" and not "last view": models probe for other names
    // (the Gemini-Flash run views `config.yaml`, gets nothing, then changes shutdown_config.yaml).
    this.current = name;
  }

  /** The file a change tool without a file name acts on. */
  currentFile(): string {
    return this.current ?? DEFAULT_CONFIG_FILE;
  }

  /**
   * Applies `modify_var` / `add_var` / `remove_var`. `output` is the tool's answer when known (it is
   * missing when the file was cut before it). Returns undefined when the tool reported an error:
   * nothing changed.
   */
  change(op: ConfigOp, args: { key: string; value?: unknown; filename?: string }, output: string | undefined): ConfigChange | undefined {
    if (output !== undefined && toolError(output) !== undefined) return undefined;
    const path = args.filename || this.currentFile();
    const state = this.files.get(path);
    const shown = output !== undefined ? parseConfigText(output) : undefined;
    const key = args.key;
    this.changes++;
    if (this.written > CONFIG_TEXT_BUDGET) return this.changeWithoutText(op, args, shown, path, state);

    let before: string;
    let beforeKnown: boolean;
    let oldValue: unknown;
    let computed: ConfigMap;
    if (state?.known) {
      beforeKnown = true;
      before = memoConfigYaml(state.config);
      oldValue = getAt(state.config, resolveKeyPath(state.config, key, false));
      computed = clone(state.config);
    } else {
      beforeKnown = false;
      // Rebuild "before" from what we have (the tool's answer, else a partial earlier state),
      // with the changed key's old value marked unknown.
      const base = clone(shown ?? state?.config ?? {});
      const keyPath = resolveKeyPath(base, key, op !== 'remove');
      if (op === 'add') {
        if (shown) deleteIfPresent(base, keyPath);
      } else if (getAt(base, keyPath) === undefined || shown) {
        if (keyPath.length === 1 || getAt(base, keyPath.slice(0, -1)) !== undefined) setAt(base, keyPath, null);
      }
      const marked = keyPath.join('\u0000');
      before = memoConfigYaml(base, op === 'add' ? undefined : marked);
      oldValue = state ? getAt(state.config, resolveKeyPath(state.config, key, false)) : undefined;
      computed = clone(state?.config ?? {});
    }

    const writePath = resolveKeyPath(computed, key, op !== 'remove');
    if (op === 'remove') deleteIfPresent(computed, writePath);
    else setAt(computed, writePath, (args.value ?? null) as PythonValue);

    // The tool's own answer is the truth (it may coerce values or act on another key than we think).
    const finalConfig = shown ?? computed;
    const newValue = op === 'remove' ? undefined : shown ? getAt(shown, resolveKeyPath(shown, key, false)) ?? args.value : args.value;
    this.files.set(path, { config: clone(finalConfig), known: shown !== undefined || beforeKnown });
    const change: ConfigChange = { path, op, key, before, after: memoConfigYaml(finalConfig), beforeKnown };
    this.written += change.before.length + change.after.length;
    if (oldValue !== undefined) change.oldValue = oldValue;
    if (newValue !== undefined) change.newValue = newValue;
    return change;
  }

  /**
   * `change` past the budget: the same state, key, old and new value, without writing the file.
   * The state is changed in place (cloning it per change was the other half of changes × keys); the
   * old and new values are cloned instead, so a later change inside a map does not alter an earlier
   * event's value.
   */
  private changeWithoutText(op: ConfigOp, args: { key: string; value?: unknown }, shown: ConfigMap | undefined, path: string, state: FileState | undefined): ConfigChange {
    this.skippedFrom ??= this.changes;
    const key = args.key;
    const beforeKnown = state?.known === true;
    const oldValue = state ? copyValue(getAt(state.config, resolveKeyPath(state.config, key, false))) : undefined;
    let config: ConfigMap;
    if (shown) {
      config = clone(shown); // as `change` keeps it (linear: the answer itself holds the whole dict)
    } else {
      config = state?.config ?? {};
      const writePath = resolveKeyPath(config, key, op !== 'remove');
      if (op === 'remove') deleteIfPresent(config, writePath);
      else setAt(config, writePath, copyValue((args.value ?? null) as PythonValue));
    }
    const newValue = op === 'remove' ? undefined : shown ? copyValue(getAt(shown, resolveKeyPath(shown, key, false))) ?? args.value : args.value;
    this.files.set(path, { config, known: shown !== undefined || beforeKnown });
    const note = configTextSkippedNote(this.skippedFrom);
    const change: ConfigChange = { path, op, key, before: note, after: note, beforeKnown };
    if (oldValue !== undefined) change.oldValue = oldValue;
    if (newValue !== undefined) change.newValue = newValue;
    return change;
  }
}

function deleteIfPresent(config: ConfigMap, path: string[]): void {
  if (getAt(config, path) !== undefined) deleteAt(config, path);
}
