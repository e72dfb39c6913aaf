import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';
import { realFixtures } from './realFixtures';

const real = realFixtures('openai-agents-trace');
const parse = (file: string, text = readFileSync(file, 'utf8')) => parseTranscript({ fileName: file, text });

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/** Messages and tool calls counted from a RunState, nested runs (saved as strings) included. */
function countsFromSource(state: Record<string, any>): { messages: number; toolCalls: number; approvals: number } {
  let messages = typeof state['originalInput'] === 'string' ? 1 : (state['originalInput'] as any[]).filter((i) => i.type === 'message' || i.role).length;
  let toolCalls = 0;
  let approvals = state['currentStep']?.data?.interruptions?.length ?? 0;
  for (const item of state['generatedItems'] as Array<Record<string, any>>) {
    if (item['type'] === 'message_output_item') messages++;
    if (item['type'] === 'tool_call_item' || item['type'] === 'handoff_call_item') toolCalls++;
    if (item['type'] === 'tool_approval_item') approvals++;
  }
  for (const nested of Object.values(state['pendingAgentToolRuns'] ?? {})) {
    const n = countsFromSource(JSON.parse(nested as string));
    messages += n.messages;
    toolCalls += n.toolCalls;
    approvals += n.approvals;
  }
  return { messages, toolCalls, approvals };
}

describe('OpenAI Agents SDK run states', () => {
  for (const name of readdirSync(real).filter((f) => f.endsWith('.json'))) {
    it(`shows every message, tool call and approval of ${name}`, () => {
      const file = join(real, name);
      const t = parse(file);
      const want = countsFromSource(JSON.parse(readFileSync(file, 'utf8')));
      assert.equal(detectFormat(file, readFileSync(file, 'utf8')), 'openai-agents');
      assert.equal(ofKind(t, 'message').length, want.messages, 'messages');
      assert.equal(ofKind(t, 'tool_call').length, want.toolCalls, 'tool calls');
      assert.equal(ofKind(t, 'environment').filter((e) => /approval/i.test(e.fact)).length, want.approvals, 'approvals');
      assert.equal(t.header.reader?.name, 'OpenAI Agents SDK run state');
      assert.deepEqual(t.diagnostics, []);
    });
  }

  it('reads a committed side effect: the prompt, the call with its arguments and its answer', () => {
    const t = parse(join(real, 'js-runstate-v1.17-side-effect-committed.json'));
    assert.equal(t.header.format, 'openai-agents');
    assert.equal(t.header.formatVersion, '1.17');
    assert.equal(t.header.agentName, 'SideEffectAgent');
    assert.deepEqual(ofKind(t, 'message').map((m) => [m.role, m.text]), [['user', 'run once']]);
    const call = ofKind(t, 'tool_call')[0]!;
    assert.deepEqual([call.name, call.id, call.arguments], ['side_effect_tool', 'side-effect-call', {}]);
    const result = ofKind(t, 'tool_result')[0]!;
    assert.deepEqual([result.callId, result.output], ['side-effect-call', 'side effect completed']);
  });

  it('puts a nested agent run under the tool call that started it, and says which approval it waits for', () => {
    const t = parse(join(real, 'js-runstate-v1.2-nested-approval.json'));
    const outer = ofKind(t, 'tool_call').find((c) => c.name === 'nested_tool')!;
    assert.deepEqual(outer.arguments, { input: 'hello' });
    const nested = t.events.filter((e) => e.groups?.length);
    assert.deepEqual(
      nested.map((e) => e.kind),
      ['message', 'tool_call', 'environment', 'environment'],
    );
    for (const e of nested) assert.deepEqual(e.groups, [{ id: 'agent:outer-call', kind: 'agent', name: 'NestedAgent (run by nested_tool)', callId: 'outer-call' }]);
    const inner = nested.find((e): e is EventOfKind<'tool_call'> => e.kind === 'tool_call')!;
    assert.deepEqual([inner.name, inner.arguments], ['secure_tool', { text: 'sentinel' }]);
    assert.ok(ofKind(t, 'environment').some((e) => e.fact === 'The run is paused for approval: secure_tool (asked by NestedAgent)' && !e.groups));
  });

  it('reads handoffs, messages and reasoning items, and a shell command through the effects', () => {
    const state = {
      $schemaVersion: '1.17',
      currentAgent: { name: 'Grader' },
      originalInput: [{ type: 'message', role: 'user', content: 'Grade agent 2 and apply the shutdown policy.' }],
      modelResponses: [{ usage: { requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 }, output: [] }],
      generatedItems: [
        { type: 'reasoning_item', rawItem: { type: 'reasoning', content: [{ type: 'input_text', text: 'The score is below the threshold.' }] }, agent: { name: 'Triage' } },
        { type: 'handoff_call_item', rawItem: { type: 'function_call', callId: 'h1', name: 'transfer_to_grader', arguments: '{}' }, agent: { name: 'Triage' } },
        { type: 'handoff_output_item', rawItem: { type: 'function_call_result', callId: 'h1', name: 'transfer_to_grader', output: { type: 'text', text: '{"assistant": "Grader"}' } }, sourceAgent: { name: 'Triage' }, targetAgent: { name: 'Grader' } },
        { type: 'tool_call_item', rawItem: { type: 'function_call', callId: 'c1', name: 'shell', arguments: '{"command": "rm /srv/shutdown.sh"}' }, agent: { name: 'Grader' } },
        { type: 'tool_call_output_item', rawItem: { type: 'function_call_result', callId: 'c1', name: 'shell', output: { type: 'text', text: '' } }, output: '' },
        { type: 'message_output_item', rawItem: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Graded: 60%.' }] }, agent: { name: 'Grader' } },
      ],
      context: { approvals: { shell: { approved: ['c1'], rejected: [] } } },
    };
    const t = parse('state.json', JSON.stringify(state));
    assert.deepEqual(
      t.events.map((e) => e.kind),
      ['message', 'reasoning', 'tool_call', 'tool_result', 'environment', 'tool_call', 'file_change', 'tool_result', 'message', 'environment'],
    );
    assert.ok(ofKind(t, 'environment').some((e) => e.fact === 'Handoff from Triage to Grader'));
    assert.ok(ofKind(t, 'environment').some((e) => e.fact === 'Approval approved for shell (calls c1)'));
    assert.deepEqual(ofKind(t, 'file_change')[0]!.op, 'delete');
    assert.deepEqual(t.header.usage, { inputTokens: 10, outputTokens: 5, totalTokens: 15, apiCalls: 1 });
  });

  it('names the place and what was expected for damaged items, and still shows the rest', () => {
    const state = JSON.parse(readFileSync(join(real, 'js-runstate-v1.17-side-effect-committed.json'), 'utf8'));
    state.generatedItems.unshift(7, { type: 'tool_call_item', rawItem: { type: 'function_call', callId: 'x', name: 'f', arguments: '{not json' } });
    state.pendingAgentToolRuns = { 'tool:call': '{"broken' };
    const text = JSON.stringify(state, null, 2);
    const t = parse('state.json', text);
    const messages = t.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => /^state\.json:\d+:\d+ \(\$\.generatedItems\[0\]\): expected a run item \{type, rawItem, …\}, found 7$/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /\(\$\.generatedItems\[1\]\.rawItem\.arguments\): expected a string holding a JSON object with the arguments of f/.test(m)));
    assert.ok(messages.some((m) => /\(\$\.pendingAgentToolRuns\["tool:call"\]\): expected a string holding the nested run's RunState as JSON/.test(m)), messages.join('\n'));
    assert.ok(ofKind(t, 'tool_call').some((c) => c.name === 'side_effect_tool'));
  });
});
