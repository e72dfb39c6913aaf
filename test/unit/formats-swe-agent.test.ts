import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';
import { realFixtures } from './realFixtures';
import { peerwatch } from './peerwatchCli';

const real = realFixtures('swe-agent');
const parse = (file: string, text = readFileSync(file, 'utf8')) => parseTranscript({ fileName: file, text });

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/**
 * Counted from the history: the prompts (system, and user entries that do not answer an action),
 * the assistant's thoughts, its tool calls (function calls, or one action each), and the answers
 * (tool entries, or the user entry after an action).
 */
function countsFromSource(traj: Record<string, any>): { messages: number; toolCalls: number; results: number } {
  let messages = 0;
  let toolCalls = 0;
  let results = 0;
  let afterAction = false;
  for (const m of traj['history'] as Array<Record<string, any>>) {
    if (m['role'] === 'system') messages++;
    else if (m['role'] === 'tool') results++;
    else if (m['role'] === 'user') {
      if (afterAction) results++;
      else messages++;
    } else if (m['role'] === 'assistant') {
      if ((m['thought'] ?? m['content']).trim()) messages++;
      toolCalls += m['tool_calls'] ? m['tool_calls'].length : m['action']?.trim() ? 1 : 0;
    }
    afterAction = m['role'] === 'assistant';
  }
  return { messages, toolCalls, results };
}

describe('SWE-agent trajectories', () => {
  for (const name of readdirSync(real).filter((f) => f.endsWith('.traj'))) {
    it(`shows every message, tool call and answer of ${name}`, () => {
      const file = join(real, name);
      const text = readFileSync(file, 'utf8');
      const t = parse(file);
      const want = countsFromSource(JSON.parse(text));
      assert.equal(detectFormat(file, text), 'swe-agent');
      assert.equal(ofKind(t, 'message').length, want.messages, 'messages');
      assert.equal(ofKind(t, 'tool_call').length, want.toolCalls, 'tool calls');
      assert.equal(ofKind(t, 'tool_result').length, want.results, 'answers');
      assert.ok(ofKind(t, 'tool_result').every((r) => r.callId !== undefined && ofKind(t, 'tool_call').some((c) => c.id === r.callId)), 'every answer is paired with its call');
      assert.equal(t.header.reader?.name, 'SWE-agent trajectory');
      assert.deepEqual(t.diagnostics, []);
    });
  }

  it('the older form: an edit of the open file with its new text, a command, the submission and the cost', () => {
    const t = parse(join(real, 'gpt4-test-repo-i1.traj'));
    assert.equal(t.header.format, 'swe-agent');
    const prompt = ofKind(t, 'message').filter((m) => m.role === 'user')[1]!;
    assert.match(prompt.text, /^We're currently solving the following issue within our repository/);
    const find = ofKind(t, 'tool_call')[0]!;
    assert.deepEqual([find.name, find.arguments], ['find_file', { command: 'find_file "missing_colon.py"' }]);
    const edit = ofKind(t, 'file_change')[0]!;
    assert.deepEqual(
      { op: edit.op, path: edit.path, after: edit.after },
      { op: 'edit', path: '/klieret__swe-agent-test-repo/tests/missing_colon.py', after: 'def division(a: float, b: float) -> float:' },
    );
    const run = ofKind(t, 'tool_call').find((c) => c.name === 'bash')!;
    assert.equal(run.arguments['command'], 'python tests/missing_colon.py');
    assert.ok(run.effects?.some((x) => x.kind === 'shell'));
    // The thought is shown without the fenced block that repeats the action.
    const thought = ofKind(t, 'message').find((m) => m.role === 'assistant')!;
    assert.ok(!thought.text.includes('```'), thought.text);
    const end = ofKind(t, 'environment').at(-1)!;
    assert.equal(end.fact, 'The run ended (submitted) and submitted a patch');
    assert.match((end.data as { submission: string }).submission, /^\ndiff --git a\/tests\/missing_colon\.py/);
    assert.deepEqual(t.header.usage, { inputTokens: 52861, outputTokens: 326, costUsd: 0.53839, apiCalls: 5 });
  });

  it('the function-calling form: parsed arguments, a created file and a deleted one, the model from the replay config', () => {
    const t = parse(join(real, 'function-calling-marshmallow-1867.traj'));
    assert.equal(t.header.model, 'gpt-4o');
    const create = ofKind(t, 'tool_call')[0]!;
    assert.deepEqual([create.name, create.id, create.arguments], ['create', 'call_cyI71DYnRdoLHWwtZgIaW2wr', { filename: 'reproduce.py' }]);
    assert.deepEqual(
      ofKind(t, 'file_change').map((c) => [c.op, c.path]),
      [
        ['create', 'reproduce.py'],
        ['delete', 'reproduce.py'],
      ],
    );
    const edit = ofKind(t, 'tool_call').find((c) => c.name === 'edit')!;
    assert.equal(edit.arguments['search'], 'return int(value.total_seconds() / base_unit.total_seconds())');
  });

  it('peerwatch tag over a folder reads its .traj files', () => {
    const r = peerwatch(['tag', 'test/fixtures/real/swe-agent', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ file: string; format: string }>;
    assert.deepEqual(
      rows.map((x) => [x.file.split('/').pop(), x.format]),
      readdirSync(real)
        .filter((f) => f.endsWith('.traj'))
        .sort()
        .map((f) => [f, 'swe-agent']),
    );
  });

  it('names the place and what was expected for damaged history entries, and still shows the rest', () => {
    const traj = JSON.parse(readFileSync(join(real, 'gpt4-test-repo-i1.traj'), 'utf8'));
    traj.history[3] = 'not an entry';
    traj.history[5].role = 'robot';
    const t = parse('run.traj', JSON.stringify(traj, null, 1));
    const messages = t.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => /^run\.traj:\d+:\d+ \(\$\.history\[3\]\): expected a history entry \{role, content\}, found "not an entry"$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /\(\$\.history\[5\]\.role\): expected one of "system", "user", "assistant", "tool", found "robot"/.test(m)), messages.join('\n'));
    assert.ok(ofKind(t, 'tool_call').some((c) => c.name === 'submit'), 'later entries still read');
  });
});
