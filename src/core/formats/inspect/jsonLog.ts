/**
 * Inspect `.json` logs: the whole log as one JSON document (`version`, `status`, `eval`, `plan`,
 * `results`, `stats`, `reductions`, `samples`).
 *
 * The file is never parsed whole: its bytes are scanned once, in chunks, tracking strings, escapes and
 * depth, to find the byte range of each top-level value and of each `samples[]` element (and, inside
 * each sample, the small fields the list shows). The header parts are parsed from their ranges; a
 * sample is parsed from its range when it is opened.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, Transcript } from '../../model';
import type { ByteSource, SampleLog, SampleLogInfo, SampleSummary } from '../sampleLog';
import { decodeUtf8, diag, parseJson, infoFromHeader, isObject, summaryRow, versionProblem, type Json, type JsonObject } from './common';
import { resolveSample, sampleToTranscript } from './sample';

const CHUNK = 4 * 1024 * 1024;
/** Sample fields the list needs, read while scanning. */
const SUMMARY_FIELDS = new Set(['id', 'epoch', 'input', 'target', 'scores', 'error', 'model_usage', 'completed']);

/** True when the file's first bytes look like an Inspect `.json` log. */
export function isInspectJson(firstBytes: Uint8Array): boolean {
  const text = decodeUtf8(firstBytes.subarray(0, 8192)).replace(/^\uFEFF/, '');
  if (!/^\s*\{/.test(text)) return false;
  return /^\s*\{\s*"version"\s*:\s*\d+\s*,/.test(text) && /"eval"\s*:\s*\{/.test(text) && /"(run_id|task_id|eval_id)"\s*:/.test(text);
}

interface Range {
  start: number;
  end: number;
}
interface SampleRange extends Range {
  fields: Record<string, unknown>;
}
interface Scan {
  top: Map<string, Range>;
  samples: SampleRange[];
  problem?: string;
}

interface Frame {
  obj: boolean;
  role: 'top' | 'samples' | 'sample' | 'other';
  expectKey: boolean;
  awaiting: boolean;
  key: string;
  valueStart: number;
  fields?: Record<string, unknown>;
  pendingFields?: Array<[string, Range]>;
  childFields?: Record<string, unknown>;
  childPending?: Array<[string, Range]>;
}

/** One pass over the bytes: top-level value ranges and sample element ranges. */
async function scanJson(source: ByteSource, chunkBytes = CHUNK): Promise<Scan> {
  const size = await source.size();
  const top = new Map<string, Range>();
  const samples: SampleRange[] = [];
  const stack: Frame[] = [];
  let inString = false;
  let escape = false;
  let capturing = false;
  let keyBytes: number[] = [];
  let lastSig = -1;
  let started = false;
  let done = false;
  const pending: Array<{ fields: Record<string, unknown>; key: string; range: Range }> = [];
  let buf: Uint8Array = new Uint8Array(0);
  let bufStart = 0;

  const finish = (f: Frame) => {
    if (f.valueStart < 0) return;
    const range = { start: f.valueStart, end: lastSig + 1 };
    f.valueStart = -1;
    if (f.role === 'top') top.set(f.key, range);
    else if (f.role === 'sample') {
      if (SUMMARY_FIELDS.has(f.key)) {
        if (range.start >= bufStart) {
          try {
            f.fields![f.key] = parseJson(decodeUtf8(buf.subarray(range.start - bufStart, range.end - bufStart)));
          } catch {
            /* the sample reports its own damage when opened */
          }
        } else f.pendingFields!.push([f.key, range]);
      }
    } else if (f.role === 'samples') {
      const fields = f.childFields ?? {};
      samples.push({ ...range, fields });
      for (const [key, r] of f.childPending ?? []) pending.push({ fields, key, range: r });
      f.childFields = undefined;
      f.childPending = undefined;
    }
  };
  const tokenStart = (pos: number) => {
    const f = stack[stack.length - 1];
    if (f && f.role !== 'other' && f.awaiting) {
      f.valueStart = pos;
      f.awaiting = false;
    }
  };

  for (let offset = 0; offset < size && !done; offset += buf.length) {
    buf = await source.read(offset, Math.min(chunkBytes, size - offset));
    bufStart = offset;
    if (buf.length === 0) break;
    for (let i = 0; i < buf.length; i++) {
      if (inString && !capturing && !escape) {
        // Inside a value string: jump to the next quote that no backslash escapes.
        let q = buf.indexOf(34, i);
        while (q >= 0) {
          let k = q - 1;
          while (k >= i && buf[k] === 92) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q = buf.indexOf(34, q + 1);
        }
        if (q < 0) {
          // The string goes on into the next chunk; it continues escaped if an odd run of backslashes ends this one.
          let k = buf.length - 1;
          while (k >= i && buf[k] === 92) k--;
          escape = (buf.length - 1 - k) % 2 === 1;
          break;
        }
        i = q;
      }
      const c = buf[i]!;
      if (inString) {
        if (escape) {
          escape = false;
          if (capturing) keyBytes.push(c);
        } else if (c === 92) {
          escape = true;
          if (capturing) keyBytes.push(c);
        } else if (c === 34) {
          inString = false;
          lastSig = offset + i;
          if (capturing) {
            capturing = false;
            const f = stack[stack.length - 1]!;
            try {
              f.key = JSON.parse('"' + decodeUtf8(Uint8Array.from(keyBytes)) + '"') as string;
            } catch {
              f.key = '';
            }
          }
        } else if (capturing) keyBytes.push(c);
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      const pos = offset + i;
      const f = stack[stack.length - 1];
      if (c === 34) {
        if (f && f.obj && f.expectKey) {
          f.expectKey = false;
          if (f.role !== 'other') {
            capturing = true;
            keyBytes = [];
          }
        } else tokenStart(pos);
        inString = true;
      } else if (c === 123 || c === 91) {
        if (!started) {
          if (c !== 123) return { top, samples, problem: 'the document is not an object (expected { at its start)' };
          started = true;
          stack.push({ obj: true, role: 'top', expectKey: true, awaiting: false, key: '', valueStart: -1 });
        } else {
          tokenStart(pos);
          let role: Frame['role'] = 'other';
          if (f && f.role === 'top' && f.key === 'samples' && c === 91) role = 'samples';
          else if (f && f.role === 'samples' && c === 123) role = 'sample';
          const frame: Frame = { obj: c === 123, role, expectKey: c === 123, awaiting: c === 91, key: '', valueStart: -1 };
          if (role === 'sample') {
            frame.fields = {};
            frame.pendingFields = [];
          }
          stack.push(frame);
        }
      } else if (c === 125 || c === 93) {
        if (f) {
          if (f.role !== 'other') finish(f);
          stack.pop();
          if (f.role === 'sample') {
            const parent = stack[stack.length - 1]!;
            parent.childFields = f.fields;
            parent.childPending = f.pendingFields;
          }
          if (stack.length === 0) done = true;
        }
      } else if (c === 58) {
        if (f && f.obj) f.awaiting = true;
      } else if (c === 44) {
        if (f) {
          if (f.role !== 'other') finish(f);
          if (f.obj) {
            f.expectKey = true;
            f.awaiting = false;
          } else f.awaiting = true;
        }
      } else tokenStart(pos);
      lastSig = pos;
      if (done) break;
    }
  }
  for (const p of pending) {
    try {
      p.fields[p.key] = parseJson(decodeUtf8(await source.read(p.range.start, p.range.end - p.range.start)));
    } catch {
      /* reported when the sample is opened */
    }
  }
  if (!started) return { top, samples, problem: 'the file holds no JSON object' };
  if (!done) return { top, samples, problem: `the document ends before it is complete (at byte ${size}; expected the closing } of the log object)` };
  return { top, samples };
}

interface JsonState {
  info: SampleLogInfo;
  samples: SampleSummary[];
  ranges: Map<string, { range: Range; index: number }>;
  diagnostics: Diagnostic[];
}

/** `options.chunkBytes`: how much is scanned at a time (4 MB; tests use tiny chunks to cross every boundary). */
export async function openInspectJsonLog(fileName: string, source: ByteSource, options: { chunkBytes?: number } = {}): Promise<SampleLog> {
  const load = () => loadJson(fileName, source, options.chunkBytes);
  let state = await load();
  return {
    fileName,
    get info() {
      return state.info;
    },
    get samples() {
      return state.samples;
    },
    get diagnostics() {
      return state.diagnostics;
    },
    async readSample(key: string): Promise<Transcript> {
      const at = state.ranges.get(key);
      if (!at) throw new Error(`${fileName}: no sample ${key} in this log (expected a key such as ${state.samples[0]?.key ?? '1#1'}: id#epoch)`);
      const where = `samples[${at.index}] (bytes ${at.range.start}–${at.range.end})`;
      const bytes = await source.read(at.range.start, at.range.end - at.range.start);
      let raw: unknown;
      try {
        raw = parseJson(decodeUtf8(bytes));
      } catch (e) {
        throw new Error(`${fileName}: ${where} is not valid JSON (${e instanceof Error ? e.message : String(e)}; expected a sample object)`);
      }
      if (!isObject(raw)) throw new Error(`${fileName}: ${where} is not a sample (expected an object with "id", "epoch", "events" or "messages")`);
      const ctx = { fileName, where, info: state.info };
      const diagnostics = resolveSample(raw, ctx);
      const vp = versionProblem(fileName, state.info.version);
      if (vp) diagnostics.unshift({ ...vp, severity: 'warning' });
      return sampleToTranscript(raw, ctx, diagnostics);
    },
    async refresh(): Promise<boolean> {
      const next = await load();
      const sig = (s: JsonState) => s.samples.map((x) => `${x.key}:${x.complete}`).join('|');
      const changed = sig(state) !== sig(next);
      state = next;
      return changed;
    },
  };
}

async function loadJson(fileName: string, source: ByteSource, chunkBytes?: number): Promise<JsonState> {
  const scan = await scanJson(source, chunkBytes);
  const diagnostics: Diagnostic[] = [];
  if (scan.problem) diagnostics.push(diag(fileName, `${fileName}: ${scan.problem}; the samples before that point are listed`));
  const header: JsonObject = {};
  for (const [key, range] of scan.top) {
    if (key === 'samples') continue;
    try {
      header[key] = parseJson(decodeUtf8(await source.read(range.start, range.end - range.start))) as Json;
    } catch (e) {
      diagnostics.push(diag(fileName, `${fileName}: the log's "${key}" (bytes ${range.start}–${range.end}) is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { path: `$.${key}` }));
    }
  }
  if (!('eval' in header) && !scan.top.has('samples')) throw new Error(`${fileName} is not an Inspect log: expected a JSON object with "version", "eval" and "samples"`);
  const info = infoFromHeader('inspect-json', header);
  const vp = versionProblem(fileName, header['version']);
  if (vp) diagnostics.push(vp);
  const samples: SampleSummary[] = [];
  const ranges = new Map<string, { range: Range; index: number }>();
  scan.samples.forEach((s, index) => {
    const row = summaryRow(s.fields as JsonObject, true);
    if (!row) {
      diagnostics.push(diag(fileName, `${fileName}: samples[${index}] has no "id" (expected a string or number); it is left out of the list`, { severity: 'warning', path: `$.samples[${index}]` }));
      return;
    }
    if (!ranges.has(row.key)) samples.push(row);
    ranges.set(row.key, { range: { start: s.start, end: s.end }, index });
  });
  return { info, samples, ranges, diagnostics };
}
