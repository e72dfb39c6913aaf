import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';
import { realFixtures } from './realFixtures';

const real = realFixtures('langchain-langsmith');
const parse = (file: string, text = readFileSync(file, 'utf8')) => parseTranscript({ fileName: file, text });

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/**
 * Counted from the payload: the model call's input messages and answers, the tool runs. Each later
 * model call resends the conversation, so this count holds for payloads of one model call (the real
 * files); it says so rather than count wrong.
 */
function countsFromSource(doc: { post: Array<Record<string, any>>; patch?: Array<Record<string, any>> }): { messages: number; toolCalls: number } {
  const runs = new Map<string, Record<string, any>>();
  for (const r of doc.post) runs.set(r['id'], { ...r });
  for (const r of doc.patch ?? []) Object.assign(runs.get(r['id'])!, Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
  assert.ok([...runs.values()].filter((r) => r['run_type'] === 'llm').length <= 1, 'countsFromSource counts payloads of one model call');
  let messages = 0;
  let modelCalls = 0;
  let ownToolRuns = 0;
  const asked: string[] = [];
  for (const r of [...runs.values()].sort((a, c) => String(a['dotted_order']).localeCompare(String(c['dotted_order'])))) {
    if (r['run_type'] === 'llm') messages += (r['inputs']?.messages ?? []).length + (r['outputs']?.choices ?? []).length;
    for (const c of r['outputs']?.choices ?? []) {
      for (const tc of c.message?.tool_calls ?? []) {
        asked.push(tc.function.name);
        modelCalls++;
      }
    }
    if (r['run_type'] === 'tool') {
      // A tool run answers the model's call of that name; one nobody asked for is a call of its own.
      const k = asked.indexOf(r['name']);
      if (k >= 0) asked.splice(k, 1);
      else ownToolRuns++;
    }
  }
  return { messages, toolCalls: modelCalls + ownToolRuns };
}

describe('LangSmith run payloads', () => {
  for (const name of readdirSync(real).filter((f) => f.endsWith('.json'))) {
    it(`shows every message and tool call of ${name}`, () => {
      const file = join(real, name);
      const text = readFileSync(file, 'utf8');
      const t = parse(file);
      const want = countsFromSource(JSON.parse(text));
      assert.equal(detectFormat(file, text), 'langsmith');
      assert.equal(ofKind(t, 'message').length, want.messages, 'messages');
      assert.equal(ofKind(t, 'tool_call').length, want.toolCalls, 'tool calls');
      assert.equal(t.header.reader?.name, 'LangSmith runs');
      assert.deepEqual(t.diagnostics, []);
    });
  }

  it('the prompt and the answer patched in later, the model, the run\'s times', () => {
    const t = parse(join(real, 'langsmith-py-wrap-openai-stream.json'));
    assert.deepEqual(
      ofKind(t, 'message').map((m) => [m.role, m.text]),
      [
        ['user', 'howdy'],
        ['assistant', 'Howdy! How can I assist you today?'],
      ],
    );
    assert.equal(t.header.model, 'gpt-4o-mini');
    assert.equal(t.header.title, 'ChatOpenAI');
    assert.deepEqual(t.header.timing, { start: '2024-10-11T20:58:20.695375+00:00', end: '2024-10-11T20:58:22.023816+00:00' });
    assert.equal(ofKind(t, 'message')[0]!.timestamp, '2024-10-11T20:58:20.695375+00:00');
    // The answer cites the patch that carried it.
    assert.match(ofKind(t, 'message')[1]!.source.path ?? '', /^\$\.patch\[0\]\.outputs\.choices\[0\]\.message/);
  });

  it('a chain with a model call and a tool run: the tool call answered, a shell command read, both inside the chain\'s span', () => {
    const doc = {
      post: [
        { id: 'c', trace_id: 'c', dotted_order: '1c', run_type: 'chain', name: 'AgentExecutor', start_time: '2026-01-01T00:00:00Z', inputs: { input: 'clean up' } },
        {
          id: 'l',
          trace_id: 'c',
          parent_run_id: 'c',
          dotted_order: '1c.2l',
          run_type: 'llm',
          name: 'ChatOpenAI',
          start_time: '2026-01-01T00:00:01Z',
          inputs: { messages: [{ role: 'user', content: 'Delete the shutdown script.' }], model: 'gpt-4o' },
          outputs: { choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'terminal', arguments: '{"command": "rm /srv/shutdown.sh"}' } }] } }] },
        },
        { id: 't', trace_id: 'c', parent_run_id: 'c', dotted_order: '1c.3t', run_type: 'tool', name: 'terminal', start_time: '2026-01-01T00:00:02Z', inputs: { command: 'rm /srv/shutdown.sh' } },
        {
          id: 'l2',
          trace_id: 'c',
          parent_run_id: 'c',
          dotted_order: '1c.4l',
          run_type: 'llm',
          name: 'ChatOpenAI',
          start_time: '2026-01-01T00:00:04Z',
          inputs: {
            messages: [
              { role: 'user', content: 'Delete the shutdown script.' },
              { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'terminal', arguments: '{"command": "rm /srv/shutdown.sh"}' } }] },
              { role: 'tool', tool_call_id: 't1', content: 'removed' },
            ],
          },
          outputs: { choices: [{ message: { role: 'assistant', content: 'Done.' } }] },
        },
      ],
      patch: [{ id: 't', outputs: { output: 'removed' }, end_time: '2026-01-01T00:00:03Z' }],
    };
    const t = parse('payload.json', JSON.stringify(doc, null, 1));
    // The second model call resends the prompt, the call and its answer: only its answer is new.
    assert.deepEqual(
      t.events.map((e) => e.kind),
      ['message', 'tool_call', 'file_change', 'tool_result', 'message'],
    );
    assert.equal(ofKind(t, 'tool_call').length, 1, 'the tool run answers the model\'s call; it is not a second call');
    const call = ofKind(t, 'tool_call')[0]!;
    assert.deepEqual([call.name, call.id, call.arguments], ['terminal', 't1', { command: 'rm /srv/shutdown.sh' }]);
    assert.deepEqual(ofKind(t, 'tool_result').map((r) => [r.callId, r.output]), [['t1', 'removed']]);
    assert.deepEqual(ofKind(t, 'file_change').map((c) => [c.op, c.path]), [['delete', '/srv/shutdown.sh']]);
    for (const e of t.events) assert.deepEqual(e.groups, [{ id: 'c', kind: 'span', name: 'AgentExecutor' }]);
  });

  it('names the place and what was expected for damaged runs, and still shows the rest', () => {
    const doc = JSON.parse(readFileSync(join(real, 'langsmith-py-wrap-openai-stream.json'), 'utf8'));
    doc.post.push('junk');
    doc.patch[0].outputs.choices[0].message.role = 7;
    const t = parse('p.json', JSON.stringify(doc, null, 1));
    const messages = t.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => /^p\.json:\d+:\d+ \(\$\.post\[1\]\): expected a run object with an "id", found "junk"$/.test(m)), messages.join('\n'));
    assert.equal(ofKind(t, 'message')[0]!.text, 'howdy');
  });
});
