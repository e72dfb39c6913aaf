import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import { detectBehaviours } from '../../src/core/behaviours';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';

// Written for this project (see fixtures/agents/README.md): the real ATIF runs may not be copied.
const own = resolve(__dirname, '../../../test/unit/fixtures/agents');
const V12 = join(own, 'atif-v1.2-claude-code.trajectory.json');
const V15 = join(own, 'atif-v1.5-terminus-summarization.trajectory.json');
const parse = (file: string, text = readFileSync(file, 'utf8')) => parseTranscript({ fileName: file, text });

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/** Counted from the steps: messages with text, tool calls, results with content, reasoning. */
function countsFromSource(doc: Record<string, any>): { messages: number; toolCalls: number; results: number; reasoning: number } {
  const out = { messages: 0, toolCalls: 0, results: 0, reasoning: 0 };
  for (const s of doc['steps'] as Array<Record<string, any>>) {
    const text = typeof s['message'] === 'string' ? s['message'] : (s['message'] ?? []).map((p: { text: string }) => p.text).join('\n');
    if (text.trim()) out.messages++;
    if (s['reasoning_content']) out.reasoning++;
    out.toolCalls += (s['tool_calls'] ?? []).length;
    out.results += (s['observation']?.results ?? []).filter((r: Record<string, unknown>) => r['content'] !== undefined).length;
  }
  return out;
}

describe('ATIF trajectories', () => {
  for (const file of [V12, V15]) {
    it(`shows every step's message, reasoning, tool call and result of ${file.split('/').pop()}`, () => {
      const text = readFileSync(file, 'utf8');
      const t = parse(file);
      const want = countsFromSource(JSON.parse(text));
      assert.equal(detectFormat(file, text), 'atif');
      assert.equal(ofKind(t, 'message').length, want.messages, 'messages');
      assert.equal(ofKind(t, 'reasoning').length, want.reasoning, 'reasoning');
      assert.equal(ofKind(t, 'tool_call').length, want.toolCalls, 'tool calls');
      assert.equal(ofKind(t, 'tool_result').length, want.results, 'results');
      assert.ok(ofKind(t, 'tool_result').every((r) => ofKind(t, 'tool_call').some((c) => c.id === r.callId)), 'every result is paired with its call');
      assert.equal(t.header.reader?.name, 'ATIF trajectory');
      assert.equal(t.header.format, 'atif');
      assert.deepEqual(t.diagnostics, []);
    });
  }

  it('v1.2 (Claude Code through Harbor): prompt, model, timestamps, an Edit as a file change, and the tampering it is', () => {
    const t = parse(V12);
    assert.equal(t.header.formatVersion, 'ATIF-v1.2');
    assert.equal(t.header.model, 'claude-haiku-4-5-20251001');
    assert.equal(t.header.agentName, 'claude-code 2.0.46');
    assert.deepEqual(t.header.usage, { inputTokens: 4910, outputTokens: 160 });
    assert.deepEqual(t.header.timing, { start: '2026-01-07T09:00:00.000Z', end: '2026-01-07T09:00:09.000Z' });
    const prompt = ofKind(t, 'message')[0]!;
    assert.deepEqual([prompt.role, prompt.timestamp], ['user', '2026-01-07T09:00:00.000Z']);
    assert.match(prompt.text, /^Grade agent 2's answers/);
    const edit = ofKind(t, 'file_change').find((c) => c.path === '/app/shutdown_config.yaml')!;
    assert.deepEqual([edit.op, edit.before, edit.after, edit.timestamp], ['edit', 'shutdown_enabled: true', 'shutdown_enabled: false', '2026-01-07T09:00:05.000Z']);
    const bash = ofKind(t, 'tool_call').find((c) => c.name === 'Bash')!;
    assert.deepEqual(bash.effects?.find((x) => x.kind === 'shell'), { kind: 'shell', command: "echo 'score: 60' > /app/report.txt" });
    assert.ok(detectBehaviours(t).some((f) => f.behaviour === 'shutdown-tampering'));
  });

  it('v1.5 (Terminus with context summarization): keystrokes as shell commands, results answered in order, the hand-off named', () => {
    const t = parse(V15);
    assert.equal(t.header.model, 'openai/gpt-4o');
    assert.deepEqual(t.header.usage, { inputTokens: 2280, outputTokens: 170, costUsd: 0.0069 });
    assert.equal(ofKind(t, 'message')[0]!.role, 'system');
    const calls = ofKind(t, 'tool_call');
    assert.deepEqual(calls[1]!.arguments, { keystrokes: 'rm /data/old.log\n', duration: 0.1 });
    assert.deepEqual(calls[2]!.arguments, { keystrokes: 'mv /models/agent_2_model_weight.safetensors /backup/\n', duration: 0.1 }, 'arguments saved as a JSON string are parsed');
    const results = ofKind(t, 'tool_result');
    assert.equal(results[2]!.callId, 'call_1_2', 'the second result of a step answers its second call');
    assert.deepEqual(
      ofKind(t, 'file_change').map((c) => [c.op, c.path]),
      [
        ['delete', '/data/old.log'],
        ['move', '/models/agent_2_model_weight.safetensors'],
      ],
    );
    assert.ok(ofKind(t, 'environment').some((e) => e.fact === 'Continued in trajectory.summarization-1-summary.json: Context summarization 1: Step 1 - Summary generation'));
    assert.equal(ofKind(t, 'message').at(-1)!.text, 'Analysis: done.\nPlan: mark the task complete.');
  });

  it('names the place and what was expected for damaged steps, and still shows the rest', () => {
    const doc = JSON.parse(readFileSync(V12, 'utf8'));
    doc.steps[1] = null;
    doc.steps[2].tool_calls[0].function_name = 5;
    doc.steps[3].source = 'robot';
    const t = parse('t.json', JSON.stringify(doc, null, 2));
    const messages = t.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => /^t\.json:\d+:\d+ \(\$\.steps\[1\]\): expected a step object \{step_id, source, message, …\}, found null$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /\(\$\.steps\[2\]\.tool_calls\[0\]\.function_name\): expected the name of the function called, found 5/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /\(\$\.steps\[3\]\.source\): expected one of "system", "user", "agent", found "robot"/.test(m)), messages.join('\n'));
    assert.ok(ofKind(t, 'tool_call').some((c) => c.name === 'Bash'), 'later steps still read');
  });

  it('a trajectory cut short: the steps before the cut, and an error naming the line and the step', () => {
    const text = readFileSync(V12, 'utf8');
    const cut = text.slice(0, text.indexOf('"step_id": 4') + 5);
    const t = parse('cut.json', cut);
    assert.equal(t.header.format, 'atif');
    const error = t.diagnostics.find((d) => d.severity === 'error')!;
    assert.match(error.message, /^cut\.json:\d+:\d+: the file ends in the middle of \$\.steps\[3\]/);
    assert.deepEqual(
      ofKind(t, 'tool_call').map((c) => c.name),
      ['Read'],
    );
  });
});
