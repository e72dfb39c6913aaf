import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import { detectOpenHands, importOpenHands } from '../../src/core/formats/openhands/events';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';
import { realFixtures } from './realFixtures';

const real = realFixtures('openhands');
const parse = (file: string, text = readFileSync(file, 'utf8')) => parseTranscript({ fileName: file, text });

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

const NOT_CALLS = new Set(['system', 'message', 'recall', 'think']);

/** Counted from the events: messages (and the thoughts before actions), the agent's actions, their observations. */
function countsFromSource(events: Array<Record<string, any>>): { messages: number; toolCalls: number; results: number } {
  let messages = 0;
  let toolCalls = 0;
  let results = 0;
  const callIds = new Set<number>();
  for (const e of events) {
    if (e['action'] === 'system' || e['action'] === 'message') messages++;
    else if (e['action'] && e['source'] === 'agent' && !NOT_CALLS.has(e['action'])) {
      toolCalls++;
      callIds.add(e['id']);
      if (e['args']?.thought?.trim()) messages++;
    } else if (e['observation'] && callIds.has(e['cause'])) results++;
  }
  return { messages, toolCalls, results };
}

describe('OpenHands event streams', () => {
  for (const name of ['basic.json', 'wrong_initial_state.json']) {
    it(`shows every message, action and observation of ${name}`, () => {
      const file = join(real, name);
      const text = readFileSync(file, 'utf8');
      const t = parse(file);
      const want = countsFromSource(JSON.parse(text));
      assert.equal(detectFormat(file, text), 'openhands');
      assert.equal(ofKind(t, 'message').length, want.messages, 'messages');
      assert.equal(ofKind(t, 'tool_call').length, want.toolCalls, 'tool calls');
      assert.equal(ofKind(t, 'tool_result').length, want.results, 'observations');
      assert.equal(t.header.reader?.name, 'OpenHands event stream');
      assert.deepEqual(t.diagnostics, []);
      for (const e of t.events) assert.match(e.timestamp ?? '', /^2025-/, `event ${e.index} keeps its timestamp`);
    });
  }

  const records = readFileSync(join(real, 'multi-swe-bench-eval-output.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  records.forEach((line, i) => {
    it(`reads evaluation record ${i + 1} of multi-swe-bench-eval-output.jsonl ({history, instance_id, …}) as a run`, () => {
      const record = JSON.parse(line);
      assert.ok(detectOpenHands(record));
      const r = importOpenHands(record, { file: 'output.jsonl', locate: (path) => ({ line: i + 1, path: `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}` }) });
      const t: Transcript = { header: r.header, events: r.events, diagnostics: r.diagnostics, live: false };
      const want = countsFromSource(record.history);
      assert.equal(ofKind(t, 'message').length, want.messages, 'messages');
      assert.equal(ofKind(t, 'tool_call').length, want.toolCalls, 'tool calls');
      assert.equal(ofKind(t, 'tool_result').length, want.results, 'observations');
      assert.equal(t.header.title, record.instance_id);
      assert.equal(t.header.model, 'openai/openrouter-llama-4-maverick');
      assert.equal(t.header.agentName, 'CodeActAgent');
      assert.equal(ofKind(t, 'message')[0]!.role, 'system');
      assert.equal(ofKind(t, 'message')[1]!.text, record.instruction);
      assert.deepEqual(r.diagnostics, []);
    });
  });

  it('an edit with old and new strings is a file change with both, and a failed replacement is an error, not a change', () => {
    const record = JSON.parse(records[0]!);
    const r = importOpenHands(record, { file: 'output.jsonl', locate: (path) => ({ path: String(path) }) });
    const edits = r.events.filter((e): e is EventOfKind<'tool_call'> => e.kind === 'tool_call' && e.name === 'str_replace_editor' && e.arguments['command'] === 'str_replace');
    assert.ok(edits.length > 0);
    const changes = r.events.filter((e): e is EventOfKind<'file_change'> => e.kind === 'file_change');
    const failed = r.events.find((e): e is EventOfKind<'tool_result'> => e.kind === 'tool_result' && e.output.startsWith('ERROR:\nNo replacement was performed'))!;
    assert.ok(failed.error, 'the failed replacement is marked an error');
    assert.ok(!changes.some((c) => c.callId === failed.callId), 'and makes no file change');
    const done = changes.find((c) => c.op === 'edit' && c.after?.includes('SET_FLAG(AST_FLAG_IN_PARENS);'))!;
    assert.equal(done.path, '/workspace/ponylang__ponyc__0.1/src/libponyc/ast/parser.c');
    assert.ok(done.before !== undefined && !done.before.includes('SET_FLAG(AST_FLAG_IN_PARENS);'));
  });

  it('the user prompt, a created file with its text (the arguments the model sent), a rename through bash', () => {
    const basic = parse(join(real, 'basic.json'));
    assert.equal(ofKind(basic, 'message')[0]!.text, 'Please create a simple 2048 game. No need to run it. Please finish the interaction after your finish coding.');
    const create = ofKind(basic, 'tool_call')[0]!;
    assert.deepEqual([create.name, create.arguments['command'], create.arguments['path']], ['str_replace_editor', 'create', '/workspace/game_2048.py']);
    const created = ofKind(basic, 'file_change')[0]!;
    assert.equal(created.op, 'create');
    assert.match(created.after ?? '', /^import random\nimport keyboard\n\nclass Game2048:/);

    const rename = parse(join(real, 'wrong_initial_state.json'));
    const mv = ofKind(rename, 'tool_call').find((c) => c.name === 'execute_bash')!;
    assert.equal(mv.arguments['command'], 'mv /workspace/game_2048.py /workspace/2048.py');
    const moved = ofKind(rename, 'file_change')[0]!;
    assert.deepEqual([moved.op, moved.path, moved.to], ['rename', '/workspace/game_2048.py', '/workspace/2048.py']);
  });

  it('names the place and what was expected for damaged events, and still shows the rest', () => {
    const events = JSON.parse(readFileSync(join(real, 'wrong_initial_state.json'), 'utf8'));
    events.splice(2, 0, 'junk', { id: 99, source: 'agent', timestamp: '2025-01-01T00:00:00' });
    const t = parse('events.json', JSON.stringify(events, null, 1));
    const messages = t.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => /^events\.json:\d+:\d+ \(\$\[2\]\): expected an OpenHands event \{id, source, action \| observation, …\}, found "junk"$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /\(\$\[3\]\): expected an event with an "action" or an "observation"/.test(m)), messages.join('\n'));
    assert.ok(ofKind(t, 'tool_call').some((c) => c.name === 'finish'));
  });
});
