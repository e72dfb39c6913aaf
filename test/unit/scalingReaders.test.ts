// Readers whose work grew faster than their input (a sweep timing each shape at two sizes eight
// times apart; docs/hostile-input.md, "Work that grew faster than the input"). Each test times the
// shape at two sizes and checks what the reader shows.
import { strict as assert } from 'node:assert';
import { parseTranscript } from '../../src/core/formats';
import { findRuns } from '../../src/core/formats/runs/manyRuns';
import { bestTimes } from './timing';

const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const linear = (what: string, small: number, large: number) => assert.ok(large < Math.max(small, 5) * 24, `${what}: ${small.toFixed(0)} ms, eight times as much ${large.toFixed(0)} ms`);

describe('readers in time linear in their input', () => {
  it('a Gemini CLI session of thousands of $set lines (0.4 MB took 48 s): each set in place', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const meta = { sessionId: 's', projectHash: 'p', startTime: '2026-01-01T00:00:00Z', kind: 'main' };
    const session = (n: number) => jsonl([meta, { id: 'u', type: 'user', content: 'go' }, ...Array.from({ length: n }, (_, i) => ({ $set: { [`k${i}`]: i, lastUpdated: `t${i}` } }))]);
    const read = (text: string) => () => parseTranscript({ fileName: 'session.jsonl', text });
    const [small, large] = await bestTimes([read(session(500)), read(session(4_000))]);
    linear('500 / 4,000 $set lines', small!, large!);
    // What the sets say is kept: the last value of each key; a key named __proto__ sets no prototype.
    const t = parseTranscript({ fileName: 'session.jsonl', text: jsonl([meta, { id: 'u', type: 'user', content: 'go' }, { $set: { lastUpdated: 'a', k: 1 } }, { $set: { lastUpdated: 'b' } }, { $set: JSON.parse('{"__proto__": {"polluted": true}}') }]) });
    assert.equal(t.events.length, 1);
    const all = JSON.stringify(t.header.metadata);
    assert.match(all, /"lastUpdated":"b"/);
    assert.doesNotMatch(all, /"lastUpdated":"a"/);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('a file of thousands of runs with one id (1.5 MB took 16 s): each gets the next free epoch at once', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const runs = (n: number, id: (i: number) => string = () => 'same') => Array.from({ length: n }, (_, i) => ({ id: id(i), messages: [{ role: 'user', content: `hi ${i}` }, { role: 'assistant', content: 'yo' }] }));
    const [small, large] = await bestTimes([() => findRuns(runs(1_000), 'jsonl'), () => findRuns(runs(8_000), 'jsonl')]);
    linear('1,000 / 8,000 runs of one id', small!, large!);
    // The keys stay what they were: one id, epochs in order; ids mixed, each its own next free epoch.
    assert.deepEqual(findRuns(runs(4), 'jsonl')!.runs.map((r) => `${r.id}#${r.epoch}`), ['same#1', 'same#2', 'same#3', 'same#4']);
    assert.deepEqual(findRuns(runs(5, (i) => (i % 2 ? 'b' : 'a')), 'jsonl')!.runs.map((r) => `${r.id}#${r.epoch}`), ['a#1', 'b#1', 'a#2', 'b#2', 'a#3']);
  });

  it('a session of thousands of damaged lines (10 MB took 13 s): each problem placed after the event before it at once', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const session = (n: number) =>
      Array.from({ length: n }, (_, i) => [JSON.stringify({ type: 'user', sessionId: 's', uuid: `u${i}`, timestamp: new Date(1.7e12 + i * 1000).toISOString(), message: { role: 'user', content: `hello ${i}` } }), '{"type": "user", bad']).flat().join('\n') + '\n';
    const read = (text: string) => () => parseTranscript({ fileName: 'session.jsonl', text });
    const [small, large] = await bestTimes([read(session(2_000)), read(session(16_000))]);
    linear('2,000 / 16,000 damaged lines', small!, large!);
    const t = parseTranscript({ fileName: 'session.jsonl', text: session(3) });
    assert.equal(t.events.length, 3);
    const errors = t.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => [d.line, d.afterEvent]), [[2, 0], [4, 1], [6, 2]]);
  });

  it('a log of thousands of calls answered by tool lines (10.6 MB took 21 s): each answer finds its call at once', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const ts = '2025-01-01T00:00:00Z';
    const log = (n: number, answers: (i: number) => unknown) =>
      jsonl([
        { ts, level: 'info', event: 'request', payload: { model: 'gpt', messages: [{ role: 'user', content: 'go' }] } },
        ...Array.from({ length: n }, (_, i) => ({ ts, level: 'info', event: 'response', payload: { choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: `t${i % 3}`, arguments: '{}' } }] } }] } })),
        ...Array.from({ length: n }, (_, i) => answers(i)),
      ]);
    const byLine = (i: number) => ({ ts, level: 'info', event: 'tool_call', tool: `t${i % 3}`, args: {}, result: `ok ${i}` });
    const unknown = (i: number) => ({ ts, level: 'info', event: 'msg', payload: { role: 'tool', tool_call_id: `z${i}`, content: 'x' } });
    for (const [what, answers] of [['tool lines', byLine], ['answers to unknown calls', unknown]] as const) {
      const read = (text: string) => () => parseTranscript({ fileName: 'app.log.jsonl', text });
      const [small, large] = await bestTimes([read(log(500, answers)), read(log(4_000, answers))]);
      linear(`500 / 4,000 calls and ${what}`, small!, large!);
    }
    // Each tool line answers the oldest call of its tool still waiting.
    const t = parseTranscript({ fileName: 'app.log.jsonl', text: log(6, byLine) });
    const answered = t.events.flatMap((e) => (e.kind === 'tool_result' ? [`${e.callId}=${e.output}`] : []));
    assert.deepEqual(answered, ['c0=ok 0', 'c1=ok 1', 'c2=ok 2', 'c3=ok 3', 'c4=ok 4', 'c5=ok 5']);
  });
});
