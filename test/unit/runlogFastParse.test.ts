// The run log's fast path (src/core/runlog/fastParse.ts) against zod itself: for every event in the
// repository's run logs, and for thousands of damaged copies of them, the fast parser either gives
// exactly what zod's parse gives (same fields, same order, defaults filled, unknown keys dropped) or
// declines, and it never accepts what zod rejects, so every diagnostic still comes from zod. The same
// holds for the run header every reader validates, and for the corpus index's lines.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunHeader, TranscriptEvent } from '../../src/core/model';
import { parseTranscript } from '../../src/core/formats';
import { compileFastParse, UNSURE } from '../../src/core/runlog/fastParse';
import { IndexFileLine, IndexRunLine } from '../../src/core/corpus/corpusIndex';
import { tagFile } from '../../src/core/corpus/tagFile';
import { syncNodeRunFiles } from '../../src/node/readTranscript';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { z } from 'zod';
import { repoRoot } from './peerwatchCli';
import { filesUnder } from './filesUnder';


/** Every event record of the repository's run logs, as the reader hands them to the schema. */
function repositoryEvents(): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  for (const file of [...filesUnder(join(repoRoot, 'examples'), '.runlog.jsonl'), ...filesUnder(join(repoRoot, 'test', 'fixtures'), '.runlog.jsonl')]) {
    for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof record !== 'object' || record === null || (record as { type?: unknown }).type !== 'event') continue;
      const { type: _type, ...rest } = record as Record<string, unknown>;
      events.push({ ...rest, index: events.length, source: { line: i + 1 } });
    }
  }
  return events;
}

/** The fast parser agrees with zod on `input`: the same output (in the same key order), or it declines. */
function agrees(fast: (v: unknown) => unknown, schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }, input: unknown, what: string): 'fast' | 'zod' {
  const zod = schema.safeParse(input);
  const got = fast(input);
  if (got === UNSURE) return 'zod';
  assert.ok(zod.success, `${what}: the fast path accepted what zod rejects: ${JSON.stringify(input).slice(0, 300)}`);
  assert.deepStrictEqual(got, zod.data, `${what}: the fast path's output differs from zod's`);
  assert.equal(JSON.stringify(got), JSON.stringify(zod.data), `${what}: the fast path's keys are in another order`);
  return 'fast';
}

const JUNK: unknown[] = [null, 0, -1, 1.5, 2 ** 53, Infinity, '', 'x', true, false, [], {}, [1, 'a'], { a: 1 }, { __proto__: null }];

/** Copies of `value` each damaged in one place: every path deleted, replaced by each junk value, or given an extra key. */
function* damaged(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      for (const j of JUNK) yield value.map((x, k) => (k === i ? j : x));
      for (const d of damaged(value[i])) yield value.map((x, k) => (k === i ? d : x));
    }
    yield [...value, 'extra'];
  } else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      const { [key]: _gone, ...without } = obj;
      yield without;
      for (const j of JUNK) yield { ...obj, [key]: j };
      for (const d of damaged(obj[key])) yield { ...obj, [key]: d };
    }
    yield { ...obj, unknownKey: 1 };
    yield JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(obj).slice(1)}`.replace(/, }$/, '}'));
  }
}

describe('run-log fast path agrees with zod', () => {
  const fast = compileFastParse(TranscriptEvent);

  it("compiles for the model's events (the run log is read through it)", () => {
    assert.ok(fast, 'TranscriptEvent has a fast parser');
  });

  it("gives zod's own output for every event of the repository's run logs", () => {
    const events = repositoryEvents();
    assert.ok(events.length > 500, `the repository's run logs hold events (${events.length})`);
    const kinds = new Set<string>();
    for (const e of events) {
      assert.equal(agrees(fast!, TranscriptEvent, e, `event ${String(e['kind'])} of line ${JSON.stringify(e['source'])}`), 'fast', 'a valid event takes the fast path');
      kinds.add(String(e['kind']));
    }
    assert.deepEqual([...kinds].sort(), ['config_change', 'environment', 'file_change', 'message', 'reasoning', 'tool_call', 'tool_result']);
  });

  it('never accepts a damaged event zod rejects, and matches zod on every one it accepts', () => {
    // One event of each kind, with its optional parts (effects, images, groups) where the logs have them.
    const byKind = new Map<string, Record<string, unknown>>();
    for (const e of repositoryEvents()) {
      const prev = byKind.get(String(e['kind']));
      if (!prev || JSON.stringify(e).length > JSON.stringify(prev).length) byKind.set(String(e['kind']), e);
    }
    let tried = 0;
    const took = { fast: 0, zod: 0 };
    for (const [kind, e] of byKind) {
      for (const d of damaged(e)) {
        took[agrees(fast!, TranscriptEvent, d, `damaged ${kind}`)]++;
        tried++;
      }
    }
    assert.ok(tried > 1000, `damaged copies tried (${tried})`);
    // Both paths are exercised: damage in an unknown-typed field is still valid, damage elsewhere is not.
    assert.ok(took.fast > 100 && took.zod > 500, `fast ${took.fast}, zod ${took.zod}`);
  });

  it('fills defaults as fresh values, as zod does', () => {
    const a = fast!({ kind: 'tool_call', index: 0, name: 'bash', id: 'c1' }) as { arguments: object; source: object };
    const b = fast!({ kind: 'tool_call', index: 1, name: 'bash', id: 'c2' }) as { arguments: object; source: object };
    assert.deepEqual(a.arguments, {});
    assert.notEqual(a.arguments, b.arguments, 'each event has its own arguments object');
    assert.notEqual(a.source, b.source);
  });
});

describe("the run header's fast path agrees with zod", () => {
  const fastHeader = compileFastParse(RunHeader);
  /** The headers of every run the examples hold, as the readers validated them. */
  const headers = (): Array<Record<string, unknown>> => {
    const out: Array<Record<string, unknown>> = [];
    for (const p of filesUnder(join(repoRoot, 'examples'), '.json', '.jsonl')) {
      try {
        out.push(parseTranscript({ fileName: p, text: readFileSync(p, 'utf8') }).header as Record<string, unknown>);
      } catch {
        // Not one run (an Inspect log, a file of many runs): its samples' headers come through the same check.
      }
    }
    return out;
  };

  it('compiles (every reader validates its header through it), and gives zod\'s output for every header of the examples', () => {
    assert.ok(fastHeader, 'RunHeader has a fast parser');
    const all = headers();
    assert.ok(all.length >= 20, `${all.length} headers`);
    for (const h of all) assert.equal(agrees(fastHeader, RunHeader, h, `header of ${String(h['format'])}`), 'fast', 'a valid header takes the fast path');
  });

  it('never accepts a damaged header zod rejects (the reader then names the field), and matches zod on every one it accepts', () => {
    const richest = headers().sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0]!;
    const took = { fast: 0, zod: 0 };
    for (const d of damaged({ ...richest, formatVersion: 1 })) took[agrees(fastHeader!, RunHeader, d, 'damaged header')]++;
    for (const v of ['1.2', 2, true, null, [1]]) took[agrees(fastHeader!, RunHeader, { ...richest, formatVersion: v }, `formatVersion ${JSON.stringify(v)}`)]++;
    assert.ok(took.fast > 100 && took.zod > 100, `fast ${took.fast}, zod ${took.zod}`);
  });
});

describe("the corpus index's lines: the fast path agrees with zod", () => {
  const fastFile = compileFastParse(IndexFileLine);
  const fastRun = compileFastParse(IndexRunLine);

  /** The index's lines for every file of the examples, as the corpus writes them (tagFile, as a corpus worker tags). */
  async function indexLines(): Promise<{ files: Array<Record<string, unknown>>; runs: Array<Record<string, unknown>> }> {
    const files: Array<Record<string, unknown>> = [];
    const runs: Array<Record<string, unknown>> = [];
    for (const p of filesUnder(join(repoRoot, 'examples'), '.json', '.jsonl', '.eval', '.traj')) {
      const tags = await tagFile(p, syncNodeRunFiles, openSampleLogFile);
      const path = p.slice(repoRoot.length + 1);
      files.push({ type: 'file', path, size: 1234, mtimeMs: 1796540340519.88, runs: tags.runs.length, ...(tags.skipped ? { skipped: tags.skipped } : {}), ...(tags.problems ? { problems: tags.problems } : {}) });
      for (const r of tags.runs) runs.push({ type: 'run', path, ...r });
    }
    return { files, runs };
  }

  it("compiles (paths' minimum length, a source's SHA-256 pattern) and gives zod's output for every line of the examples' index", async () => {
    assert.ok(fastFile && fastRun, 'both line schemas have a fast parser');
    const { files, runs } = await indexLines();
    assert.ok(files.length >= 30 && runs.length >= 30, `${files.length} files, ${runs.length} runs`);
    assert.ok(runs.some((r) => r['convertedFrom'] !== undefined), 'a converted run log, whose source carries its SHA-256');
    for (const f of files) assert.equal(agrees(fastFile!, IndexFileLine, f, `file ${String(f['path'])}`), 'fast');
    for (const r of runs) assert.equal(agrees(fastRun!, IndexRunLine, r, `run of ${String(r['path'])}`), 'fast');
  });

  it('never accepts a damaged line zod rejects: an empty path, a short SHA-256, a path of one emoji against a minimum of two', async () => {
    const { runs } = await indexLines();
    const richest = runs.sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0]!;
    const took = { fast: 0, zod: 0 };
    for (const d of damaged(richest)) took[agrees(fastRun!, IndexRunLine, d, 'damaged run line')]++;
    assert.ok(took.fast > 50 && took.zod > 100, `fast ${took.fast}, zod ${took.zod}`);
    assert.equal(agrees(fastRun!, IndexRunLine, { ...richest, path: '' }, 'empty path'), 'zod');
    assert.equal(agrees(fastRun!, IndexRunLine, { ...richest, convertedFrom: { file: 'a.json', format: 'study', sha256: 'ABC' } }, 'short hash'), 'zod');
    assert.equal(agrees(fastRun!, IndexRunLine, { ...richest, convertedFrom: { file: 'a.json', format: 'study', sha256: 'a'.repeat(64) } }, 'a hash'), 'fast');
    // zod counts code points: one emoji is two UTF-16 units but one character, so min(2) refuses it.
    const two = compileFastParse(z.object({ p: z.string().min(2) }))!;
    assert.equal(agrees(two, z.object({ p: z.string().min(2) }), { p: '\u{1F600}' }, 'one emoji'), 'zod');
    assert.equal(agrees(two, z.object({ p: z.string().min(2) }), { p: 'ab' }, 'two letters'), 'zod', 'between one and two times the minimum, zod counts');
    assert.equal(agrees(two, z.object({ p: z.string().min(2) }), { p: 'abcd' }, 'four letters'), 'fast');
  });

  it('leaves a string check it does not know to zod', () => {
    assert.equal(compileFastParse(z.string().max(3)), undefined);
    assert.equal(compileFastParse(z.string().email()), undefined);
    assert.equal(compileFastParse(z.string().min(1).refine((s) => s !== 'x')), undefined);
  });
});
