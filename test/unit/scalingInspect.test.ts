// Inspect logs whose model inputs and provider calls are de-duplicated into pools (`events_data`):
// each model call's input names the messages it holds as ranges of the pool, and in an honest log
// each call's input holds every earlier one. Reading them takes time linear in the log, and reads
// them as the same log written out.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openInspectJsonLog } from '../../src/core/formats/inspect';
import type { Transcript } from '../../src/core/model';
import { bestTimes } from './timing';

const shapes = JSON.parse(readFileSync(join(process.cwd(), 'test', 'unit', 'fixtures', 'inspect', 'agent_shapes.json'), 'utf8'));
const started = '2025-10-01T10:00:00+00:00';

/** An Inspect .json log (agent_shapes.json's header) of one sample holding `fields` (events, pools). */
function inspectLog(fields: Record<string, unknown>): Uint8Array {
  const log = JSON.parse(JSON.stringify(shapes));
  const { id, epoch, input, target, metadata } = log.samples.find((x: { id: string }) => x.id === 'agents');
  log.samples = [{ id, epoch, input, target, metadata, scores: {}, messages: [], ...fields }];
  return Buffer.from(JSON.stringify(log));
}

async function read(bytes: Uint8Array): Promise<Transcript> {
  const log = await openInspectJsonLog('pooled.json', { size: async () => bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) });
  return log.readSample(log.samples[0]!.key);
}

/** Message `i` of a conversation: the task, then assistant turns calling a tool, each answered. */
const message = (i: number) =>
  i === 0
    ? { id: 'u0', role: 'user', content: 'Tidy the repository.' }
    : i % 2
      ? { id: `a${i}`, role: 'assistant', content: `turn ${i}`, tool_calls: [{ id: `c${i}`, function: 'bash', arguments: { cmd: `ls dir${i}` } }] }
      : { id: `t${i}`, role: 'tool', tool_call_id: `c${i - 1}`, function: 'bash', content: `listing ${i}` };

/** A model call whose input is `input` (or, with `input: []`, the pool's ranges `refs`), answering `answer`. */
const modelEvent = (input: unknown[], refs: unknown, answer: unknown) => ({ event: 'model', timestamp: started, model: 'gpt-4.1', input, ...(refs !== undefined ? { input_refs: refs } : {}), output: { choices: [{ message: answer }] } });

/** `n` model calls, call k's input the conversation so far (2k + 1 messages): pooled, or written out. */
function conversation(n: number, pooled: boolean): Record<string, unknown> {
  const messages = Array.from({ length: 2 * n }, (_, i) => message(i));
  const events = Array.from({ length: n }, (_, k) => (pooled ? modelEvent([], [[0, 2 * k + 1]], message(2 * k + 1)) : modelEvent(messages.slice(0, 2 * k + 1), undefined, message(2 * k + 1))));
  return pooled ? { events, events_data: { messages, calls: [] } } : { events };
}

const shown = (t: Transcript) => t.events.map((e) => `${e.kind} ${e.source.path}${e.kind === 'message' ? ` ${e.text}` : e.kind === 'tool_result' ? ` ${e.output}` : ''}`);

describe('Inspect: pooled model inputs and provider calls', () => {
  it('a de-duplicated log, each model call holding every earlier message, reads in time linear in it (8,000 calls took 2.6 s, 16,000 14 s)', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const small = inspectLog(conversation(1_000, true));
    const large = inspectLog(conversation(8_000, true));
    const [a, b] = await bestTimes([() => read(small), () => read(large)]);
    assert.ok(b! < Math.max(a!, 5) * 24, `1,000 calls in ${a!.toFixed(0)} ms, 8,000 in ${b!.toFixed(0)} ms`);
  });

  it('model calls whose inputs all name the whole pool read in linear time (8,000 calls took 7.2 s)', async function () {
    this.timeout(60_000);
    const log = (n: number) => inspectLog({ events_data: { messages: Array.from({ length: 2 * n }, (_, i) => message(i)), calls: [] }, events: Array.from({ length: n }, (_, k) => modelEvent([], [[0, 2 * n]], { role: 'assistant', content: `answer ${k}` })) });
    const small = log(1_000);
    const large = log(8_000);
    const [a, b] = await bestTimes([() => read(small), () => read(large)]);
    assert.ok(b! < Math.max(a!, 5) * 24, `1,000 calls in ${a!.toFixed(0)} ms, 8,000 in ${b!.toFixed(0)} ms`);
    const t = await read(log(50));
    assert.equal(t.events.filter((e) => e.kind === 'tool_call').length, 50, 'each tool call of the pool once');
    assert.equal(t.events.filter((e) => e.kind === 'message' && e.text.startsWith('answer ')).length, 50, 'each answer');
  });

  it('provider calls pooled by call_refs are not expanded (16,000 calls took 9 s and 5.5 GB), and read as without them', async function () {
    this.timeout(60_000);
    const log = (n: number, refs = true) =>
      inspectLog({
        events_data: { messages: [], calls: Array.from({ length: 2 * n }, (_, i) => ({ role: 'user', content: `call ${i}` })) },
        events: Array.from({ length: n }, (_, k) => ({ ...modelEvent([{ role: 'user', content: 'go' }], undefined, { role: 'assistant', content: `answer ${k}` }), ...(refs ? { call: { call_refs: [[0, 2 * k + 1]], call_key: 'messages' } } : {}) })),
      });
    const small = log(1_000);
    const large = log(8_000);
    const [a, b] = await bestTimes([() => read(small), () => read(large)]);
    assert.ok(b! < Math.max(a!, 5) * 24, `1,000 calls in ${a!.toFixed(0)} ms, 8,000 in ${b!.toFixed(0)} ms`);
    assert.deepEqual((await read(log(20))).events, (await read(log(20, false))).events);
  });

  it('a de-duplicated log reads as the same log written out: each message once, at its call, with its place in that input', async () => {
    const pooled = await read(inspectLog(conversation(40, true)));
    const written = await read(inspectLog(conversation(40, false)));
    assert.deepEqual(pooled.events, written.events);
    assert.deepEqual(pooled.diagnostics, written.diagnostics);
    const lines = shown(pooled);
    assert.equal(lines[0], 'message $.events[0].input[0] Tidy the repository.');
    assert.ok(lines.includes('tool_result $.events[5].input[10] listing 10'), lines.slice(0, 30).join('\n'));
    assert.equal(pooled.events.filter((e) => e.kind === 'tool_call').length, 40);
    assert.equal(pooled.events.filter((e) => e.kind === 'tool_result').length, 39, 'the last call is not answered');
  });

  it('ranges that overlap, repeat, start between indices or fall outside the pool: places and warnings as before', async () => {
    /** Messages without ids: seen by their place in the input, so each range's place counts. */
    const plain = (i: number) => (i % 3 === 0 ? { role: 'user', content: `q${i % 4}` } : i % 3 === 1 ? { role: 'assistant', content: `r${i % 5}` } : { role: 'tool', content: `t${i}` });
    const refs = [[[2, 5]], [[0, 6]], [[1, 3], [0, 2], [5, 7]], [[5, 100]], [[0, 3], [0, 3]], [[0.5, 3], [4, 6]], [[6, 8.5], [9, 12]], [[3, 1]], 'x', [[12, 20], [0, 20]]];
    const events = refs.map((r, k) => ({ ...modelEvent([], r, { role: 'assistant', content: `out ${k}` }), ...(k === 4 ? { call: { call_refs: [[0, 1], [0, 9]], call_key: 'messages' } } : {}) }));
    const t = await read(inspectLog({ events_data: { messages: Array.from({ length: 20 }, (_, i) => plain(i)), calls: [{ role: 'user', content: 'c' }] }, events }));
    // As read when each input was expanded in full (the places of the second and later ranges count).
    assert.deepEqual(shown(t), [
      'tool_result $.events[0].input[0] t2',
      'message $.events[0].input[1] q3',
      'message $.events[0].input[2] r4',
      'message $.events[0].output.choices[0].message out 0',
      'message $.events[1].input[0] q0',
      'message $.events[1].input[1] r1',
      'tool_result $.events[1].input[5] t5',
      'message $.events[1].output.choices[0].message out 1',
      'message $.events[2].input[5] q2',
      'message $.events[2].output.choices[0].message out 2',
      'message $.events[3].output.choices[0].message out 3',
      'message $.events[4].output.choices[0].message out 4',
      'message $.events[5].output.choices[0].message out 5',
      'message $.events[6].input[1] r2',
      'tool_result $.events[6].input[2] t8',
      'message $.events[6].input[3] q1',
      'message $.events[6].input[4] r0',
      'tool_result $.events[6].input[5] t11',
      'message $.events[6].output.choices[0].message out 6',
      'message $.events[7].output.choices[0].message out 7',
      'message $.events[8].output.choices[0].message out 8',
      'message $.events[9].input[1] r3',
      'tool_result $.events[9].input[2] t14',
      'message $.events[9].input[3] q3',
      'message $.events[9].input[4] r1',
      'tool_result $.events[9].input[5] t17',
      'message $.events[9].input[6] q2',
      'message $.events[9].input[7] r4',
      'message $.events[9].output.choices[0].message out 9',
    ]);
    const warning = t.diagnostics.filter((d) => /de-duplicated input range/.test(d.message));
    assert.equal(warning.length, 1);
    assert.match(warning[0]!.message, /: 3 de-duplicated input ranges point outside the message pool \(20 messages/, 'a range past the pool, a reversed one, and a call range past the calls');
  });
});
