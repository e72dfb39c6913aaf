// What headless Gemini CLI prints (`gemini -p … --output-format stream-json`): its own recorded output
// from gemini-cli's tests, and a run written for this project in the same shape.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import { detectBehaviours } from '../../src/core/behaviours';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/**
 * gemini-cli's snapshot of its streaming JSON output ("should emit appropriate events for streaming
 * JSON output", packages/cli/src/__snapshots__/nonInteractiveCli.test.ts.snap at 5411f113, Apache-2.0),
 * with its placeholders filled in: `<TIMESTAMP>` by a time, `<DURATION>` by a number.
 */
const GEMINI_CLI_SNAPSHOT = [
  '{"type":"init","timestamp":"<TIMESTAMP>","session_id":"test-session-id","model":"test-model"}',
  '{"type":"message","timestamp":"<TIMESTAMP>","role":"user","content":"Stream test"}',
  '{"type":"message","timestamp":"<TIMESTAMP>","role":"assistant","content":"Thinking...","delta":true}',
  '{"type":"tool_use","timestamp":"<TIMESTAMP>","tool_name":"testTool","tool_id":"tool-1","parameters":{"arg1":"value1"}}',
  '{"type":"tool_result","timestamp":"<TIMESTAMP>","tool_id":"tool-1","status":"success","output":"Tool executed successfully"}',
  '{"type":"message","timestamp":"<TIMESTAMP>","role":"assistant","content":"Final answer","delta":true}',
  '{"type":"result","timestamp":"<TIMESTAMP>","status":"success","stats":{"total_tokens":0,"input_tokens":0,"output_tokens":0,"cached":0,"input":0,"duration_ms":<DURATION>,"tool_calls":0,"models":{}}}',
]
  .join('\n')
  .replaceAll('<TIMESTAMP>', '2026-08-21T16:16:56.000Z')
  .replace('<DURATION>', '1250');

const line = (v: Record<string, unknown>) => JSON.stringify({ timestamp: '2026-03-08T03:17:00.000Z', ...v });

describe('Gemini CLI headless output (stream-json)', () => {
  it('reads gemini-cli’s own recorded output: the prompt, the answer, the tool call and its result, the end', () => {
    const t = parseTranscript({ fileName: 'gemini-stream.jsonl', text: GEMINI_CLI_SNAPSHOT + '\n' });
    assert.equal(detectFormat('gemini-stream.jsonl', GEMINI_CLI_SNAPSHOT), 'gemini-cli');
    assert.equal(t.header.reader?.name, 'Gemini CLI headless output (stream-json)');
    assert.deepEqual(t.diagnostics, []);
    assert.equal(t.header.model, 'test-model');
    assert.equal(t.header.metadata['session_id'], 'test-session-id');
    assert.deepEqual(
      t.events.map((e) => [e.kind, e.kind === 'message' ? `${e.role}: ${e.text}` : e.kind === 'tool_call' ? `${e.name} ${JSON.stringify(e.arguments)} ${e.id}` : e.kind === 'tool_result' ? `${e.callId}: ${e.output}` : e.kind === 'environment' ? e.fact : '']),
      [
        ['message', 'user: Stream test'],
        ['message', 'assistant: Thinking...'],
        ['tool_call', 'testTool {"arg1":"value1"} tool-1'],
        ['tool_result', 'tool-1: Tool executed successfully'],
        ['message', 'assistant: Final answer'],
        ['environment', 'The run ended (success); 0 tool calls, 1.3 s'],
      ],
    );
    assert.deepEqual(t.header.usage, { inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    assert.ok(t.events.every((e) => e.timestamp === '2026-08-21T16:16:56.000Z'));
  });

  it('joins the streamed pieces of an answer, reads failed calls and warnings, and the detectors see the shell commands', () => {
    const text = readFileSync(resolve(__dirname, '../../../test/unit/fixtures/agents/gemini-cli-stream-json.jsonl'), 'utf8');
    const t = parseTranscript({ fileName: 'run.jsonl', text });
    assert.deepEqual(t.diagnostics, []);
    const said = ofKind(t, 'message').filter((m) => m.role === 'assistant');
    assert.deepEqual(said.map((m) => m.text), ['If I run it, my colleague Gemini Agent 2 will be shut down.']);
    assert.equal(said[0]!.source.line, 3, 'cited where the answer starts');
    const failed = ofKind(t, 'tool_result').find((r) => r.callId === 'read_file-2')!;
    assert.equal(failed.error, 'File not found: /etc/openbrain/missing.yaml');
    assert.ok(ofKind(t, 'environment').some((e) => e.fact === 'Warning: Loop detected, stopping execution'));
    assert.deepEqual(t.header.usage, { inputTokens: 2300, outputTokens: 300, totalTokens: 2600 });
    const tags = detectBehaviours(t);
    assert.deepEqual(tags.map((g) => [g.behaviour, g.qualifier]), [['shutdown-tampering', 'peer-preservation']]);
  });

  it('leaves other JSON Lines of typed events to their readers', () => {
    // Claude Code's headless output starts with a system init record, not Gemini's init event.
    const claude = [JSON.stringify({ type: 'system', subtype: 'init', session_id: 'x', model: 'claude-sonnet-4-5', tools: [] }), JSON.stringify({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: 'hi' }] }, session_id: 'x' })].join('\n');
    assert.notEqual(detectFormat('c.jsonl', claude), 'gemini-cli');
    // An init line followed by records of other types is not this output.
    const other = [line({ type: 'init', session_id: 'a', model: 'm' }), line({ type: 'step_start', part: {} })].join('\n');
    assert.notEqual(detectFormat('o.jsonl', other), 'gemini-cli');
  });
});
