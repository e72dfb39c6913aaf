/**
 * Inspect `.eval` logs: a zip of
 *   header.json                      eval spec, plan, results, stats, status, version (written at the end)
 *   _journal/start.json              eval spec and plan, written first (the header of a log still running)
 *   summaries.json                   one summary per finished sample (written at the end)
 *   _journal/summaries/<n>.json      the same summaries, in batches, while the log is written
 *   samples/<id>_epoch_<n>.json      one whole sample
 *   samples/<id>_epoch_<n>/…         a large sample chunked: sample.json (the shell, with
 *                                    `message_refs`), metadata.json, messages/<start>.json,
 *                                    events/<start>.json, calls/<start>.json, attachments/<start>.json
 *                                    (chunks named by the index of their first item; attachments
 *                                    referenced as `attachment://<index>`)
 * Only the central directory, the header, the summaries and the samples asked for are read.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Diagnostic, Transcript } from '../../model';
import { readZipDirectory, readZipMember, ZipMemberError, type ZipDirectory } from '../../archive/zip';
import type { ByteSource, Codecs, SampleLog, SampleLogInfo, SampleSummary } from '../sampleLog';
import { decodeUtf8, diag, parseJson, infoFromHeader, isObject, sampleKey, summaryRow, versionProblem, type Json, type JsonObject } from './common';
import { resolveSample, sampleToTranscript } from './sample';
import { pushAll } from '../../arrays';

type SampleShape = { kind: 'monolith'; member: string } | { kind: 'chunked'; prefix: string };

interface EvalState {
  dir: ZipDirectory;
  info: SampleLogInfo;
  samples: SampleSummary[];
  shapes: Map<string, SampleShape>;
  diagnostics: Diagnostic[];
}

const MONOLITH = /^samples\/(.+)_epoch_(\d+)\.json$/;
const CHUNKED = /^samples\/(.+)_epoch_(\d+)\/sample\.json$/;

export async function openEvalLog(fileName: string, source: ByteSource, codecs: Codecs): Promise<SampleLog> {
  let state = await loadEval(fileName, source, codecs);
  const log: SampleLog = {
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
      const shape = state.shapes.get(key);
      if (!shape) {
        const known = state.samples.find((s) => s.key === key);
        if (known) throw new Error(`${fileName}: sample ${key} is listed but not yet in the log (it is still running, or the log was written without samples)`);
        throw new Error(`${fileName}: no sample ${key} in this log (expected a key such as ${state.samples[0]?.key ?? '1#1'}: id#epoch)`);
      }
      const raw = shape.kind === 'monolith' ? await readJsonMember(state.dir, shape.member, codecs, source, 'a sample object') : await readChunkedSample(state.dir, shape.prefix, codecs, source);
      if (!isObject(raw)) throw new Error(`${fileName}: member ${shape.kind === 'monolith' ? shape.member : shape.prefix + '/sample.json'} is not a sample (expected a JSON object with "id", "epoch", "events" or "messages")`);
      const ctx = { fileName, where: shape.kind === 'monolith' ? shape.member : `${shape.prefix}/`, info: state.info };
      const diagnostics = resolveSample(raw, ctx);
      const vp = versionProblem(fileName, state.info.version);
      if (vp) diagnostics.unshift({ ...vp, severity: 'warning' });
      return sampleToTranscript(raw, ctx, diagnostics);
    },
    async refresh(): Promise<boolean> {
      const next = await loadEval(fileName, source, codecs);
      const before = state.samples.map((s) => `${s.key}:${s.complete}`).join('|');
      const after = next.samples.map((s) => `${s.key}:${s.complete}`).join('|');
      state = next;
      return before !== after;
    },
  };
  return log;
}

async function readJsonMember(dir: ZipDirectory, member: string, codecs: Codecs, source: ByteSource, expected: string): Promise<unknown> {
  const bytes = await readZipMember(dir, member, codecs, source);
  try {
    return parseJson(decodeUtf8(bytes));
  } catch (e) {
    throw new ZipMemberError(dir.fileName, member, expected, `it is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

async function loadEval(fileName: string, source: ByteSource, codecs: Codecs): Promise<EvalState> {
  const dir = await readZipDirectory(fileName, source);
  const diagnostics: Diagnostic[] = dir.problems.map((p) => diag(fileName, p, { severity: 'warning' }));
  const has = (n: string) => dir.entries.has(n);

  // Header: header.json when the log is finished, else the journal's start record.
  let header: JsonObject | undefined;
  /** Why each header member there is could not be read (it names the file and member). */
  const headerProblems: string[] = [];
  for (const member of ['header.json', '_journal/start.json']) {
    if (!has(member)) continue;
    try {
      const h = await readJsonMember(dir, member, codecs, source, 'the log header (a JSON object with "version" and "eval")');
      if (isObject(h)) {
        header = h;
        if (member !== 'header.json' && !('status' in h)) header = { ...h, status: 'started' };
        break;
      }
      headerProblems.push(`${fileName}: member ${member} is not an object (expected the log header with "version" and "eval")`);
    } catch (e) {
      headerProblems.push(e instanceof Error ? e.message : String(e));
    }
    diagnostics.push(diag(fileName, headerProblems[headerProblems.length - 1]!, { path: member }));
  }
  if (!header) {
    const sampleMembers = [...dir.entries.keys()].some((n) => n.startsWith('samples/'));
    // A header that is there but damaged is named as such: "holds no header.json" would send the reader looking for the wrong fault.
    if (!sampleMembers && !has('summaries.json') && headerProblems.length) throw new Error(`${headerProblems.join('; ')}; and the zip holds no samples/ or summaries.json to list instead`);
    if (!sampleMembers && !has('summaries.json')) throw new Error(`${fileName} is not an Inspect log: the zip holds no header.json, _journal/start.json or samples/ (members: ${[...dir.entries.keys()].slice(0, 5).join(', ') || 'none'})`);
    diagnostics.push(diag(fileName, `${fileName}: no readable header (expected header.json or _journal/start.json); samples are listed without the task and model`, { severity: 'warning' }));
  }
  const info = infoFromHeader('inspect-eval', header);
  const vp = versionProblem(fileName, header?.['version']);
  if (vp) diagnostics.push(vp);

  // Where each sample is stored.
  const shapes = new Map<string, SampleShape>();
  const byStem = new Map<string, string>();
  for (const name of dir.entries.keys()) {
    let m = MONOLITH.exec(name);
    if (m) {
      byStem.set(`${m[1]}_epoch_${m[2]}`, name);
      continue;
    }
    m = CHUNKED.exec(name);
    if (m) byStem.set(`${m[1]}_epoch_${m[2]}`, name);
  }
  const shapeOf = (stem: string): SampleShape | undefined => {
    const name = byStem.get(stem);
    if (!name) return undefined;
    return name.endsWith('/sample.json') ? { kind: 'chunked', prefix: name.slice(0, -'/sample.json'.length) } : { kind: 'monolith', member: name };
  };

  // Summaries: summaries.json, else the journal's batches.
  let summaries: Json[] | undefined;
  if (has('summaries.json')) {
    try {
      const s = await readJsonMember(dir, 'summaries.json', codecs, source, 'a list of sample summaries');
      if (Array.isArray(s)) summaries = s;
      else diagnostics.push(diag(fileName, `${fileName}: member summaries.json is not a list (expected a list of sample summaries); listing from the journal`, { severity: 'warning', path: 'summaries.json' }));
    } catch (e) {
      diagnostics.push(diag(fileName, `${e instanceof Error ? e.message : String(e)}; listing samples from the journal instead`, { severity: 'warning', path: 'summaries.json' }));
    }
  }
  if (!summaries) {
    const journal = [...dir.entries.keys()]
      .map((n) => /^_journal\/summaries\/(\d+)\.json$/.exec(n))
      .filter((m): m is RegExpExecArray => !!m)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    summaries = [];
    for (const m of journal) {
      try {
        const s = await readJsonMember(dir, m[0], codecs, source, 'a list of sample summaries');
        if (Array.isArray(s)) pushAll(summaries, s);
        else diagnostics.push(diag(fileName, `${fileName}: member ${m[0]} is not a list (expected a list of sample summaries)`, { severity: 'warning', path: m[0] }));
      } catch (e) {
        diagnostics.push(diag(fileName, e instanceof Error ? e.message : String(e), { severity: 'warning', path: m[0] }));
      }
    }
  }

  const rows = new Map<string, SampleSummary>();
  const listedStems = new Set<string>();
  for (const s of summaries) {
    if (!isObject(s)) continue;
    const id = s['id'];
    const epoch = typeof s['epoch'] === 'number' ? s['epoch'] : 1;
    if (typeof id !== 'string' && typeof id !== 'number') continue;
    const stem = `${id}_epoch_${epoch}`;
    const shape = shapeOf(stem);
    const row = summaryRow(s, !!shape);
    if (!row) continue;
    listedStems.add(stem);
    rows.set(row.key, row);
    if (shape) shapes.set(row.key, shape);
  }
  // Samples stored but not summarized (summaries missing or damaged): listed from their names.
  const extra: SampleSummary[] = [];
  for (const [stem] of byStem) {
    if (listedStems.has(stem)) continue;
    const m = /^(.+)_epoch_(\d+)$/.exec(stem)!;
    const id: string | number = m[1]!;
    const epoch = Number(m[2]);
    const key = sampleKey(id, epoch);
    if (rows.has(key)) continue;
    extra.push({ key, id, epoch, scores: {}, complete: true });
    shapes.set(key, shapeOf(stem)!);
  }
  extra.sort((a, b) => String(a.id).localeCompare(String(b.id), undefined, { numeric: true }) || a.epoch - b.epoch);
  const samples = [...rows.values(), ...extra];
  return { dir, info, samples, shapes, diagnostics };
}

/** A chunked sample put back together as the single sample object it stands for. */
async function readChunkedSample(dir: ZipDirectory, prefix: string, codecs: Codecs, source: ByteSource): Promise<unknown> {
  const sequence = async (name: string): Promise<Json[]> => {
    const starts = [...dir.entries.keys()]
      .filter((n) => n.startsWith(`${prefix}/${name}/`))
      .map((n) => /^(\d+)\.json$/.exec(n.slice(prefix.length + name.length + 2)))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const items: Json[] = [];
    for (const start of starts) {
      const member = `${prefix}/${name}/${start}.json`;
      if (start !== items.length) throw new ZipMemberError(dir.fileName, member, `a chunk starting at item ${items.length}`, `the chunks before it hold ${items.length} items, so one is missing or damaged`);
      const chunk = await readJsonMember(dir, member, codecs, source, 'a list (one chunk of the sample)');
      if (!Array.isArray(chunk)) throw new ZipMemberError(dir.fileName, member, 'a list (one chunk of the sample)', 'it is not a list');
      for (const item of chunk) items.push(item as Json);
    }
    return items;
  };
  const shell = await readJsonMember(dir, `${prefix}/sample.json`, codecs, source, 'a sample shell object');
  if (!isObject(shell)) throw new ZipMemberError(dir.fileName, `${prefix}/sample.json`, 'a sample shell object', 'it is not an object');
  const attachments = (await sequence('attachments')).map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  const rekey = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^attachment:\/\/(\d+)$/.exec(v);
      return m && Number(m[1]) < attachments.length ? attachments[Number(m[1])] : v;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = rekey(v[i]);
      return v;
    }
    if (isObject(v)) {
      for (const k of Object.keys(v)) v[k] = rekey(v[k]) as Json;
      return v;
    }
    return v;
  };
  const pool = rekey(await sequence('messages')) as Json[];
  const events = rekey(await sequence('events')) as Json[];
  const calls = rekey(await sequence('calls')) as Json[];
  const sample = rekey(shell) as JsonObject;
  const refs = sample['message_refs'];
  delete sample['message_refs'];
  const messages: Json[] = [];
  if (Array.isArray(refs)) for (const r of refs) if (Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number') for (let i = r[0]; i < Math.min(r[1], pool.length); i++) messages.push(pool[i]!);
  sample['messages'] = messages;
  sample['events'] = events;
  sample['events_data'] = { messages: pool, calls };
  const metaMember = `${prefix}/metadata.json`;
  if (dir.entries.has(metaMember)) sample['metadata'] = rekey(await readJsonMember(dir, metaMember, codecs, source, 'the sample metadata object')) as Json;
  return sample;
}

