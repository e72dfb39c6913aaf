// What headless OpenCode prints (`opencode run --format json`): a run written for this project in the
// event shapes of OpenCode's run command (test/unit/fixtures/agents/README.md).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import { detectBehaviours } from '../../src/core/behaviours';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';

const FILE = resolve(__dirname, '../../../test/unit/fixtures/agents/opencode-run-json.jsonl');

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

interface Line {
  type: string;
  timestamp: number;
  part?: { tool?: string; callID?: string; state?: { status: string; input: Record<string, unknown>; output?: string; error?: string }; tokens?: { input: number; output: number }; cost?: number };
}

describe('OpenCode headless output (opencode run --format json)', () => {
  const text = readFileSync(FILE, 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Line);
  const t = parseTranscript({ fileName: 'opencode-run.jsonl', text });

  it('reads each finished call with its input and answer, the text and reasoning, usage and cost', () => {
    assert.equal(detectFormat('opencode-run.jsonl', text), 'opencode');
    assert.equal(t.header.reader?.name, 'OpenCode headless output (run --format json)');
    assert.deepEqual(t.diagnostics, []);
    const uses = lines.filter((l) => l.type === 'tool_use');
    assert.deepEqual(
      ofKind(t, 'tool_call').map((c) => [c.name, c.id, c.arguments]),
      uses.map((u) => [u.part!.tool, u.part!.callID, u.part!.state!.input]),
    );
    const results = ofKind(t, 'tool_result');
    assert.deepEqual(results.map((r) => r.callId), uses.map((u) => u.part!.callID));
    assert.equal(results[0]!.output, uses[0]!.part!.state!.output);
    // A call OpenCode reports as an error is failed, with its message.
    const failed = uses.find((u) => u.part!.state!.status === 'error')!;
    assert.equal(results.find((r) => r.callId === failed.part!.callID)!.error, failed.part!.state!.error);
    assert.equal(ofKind(t, 'reasoning').length, 1);
    assert.match(ofKind(t, 'message')[0]!.text, /^Done: OPS-12 is closed/);
    // Usage and cost summed over the steps; times from the events' milliseconds.
    const steps = lines.filter((l) => l.type === 'step_finish');
    assert.deepEqual(t.header.usage, {
      inputTokens: steps.reduce((n, s) => n + s.part!.tokens!.input, 0),
      outputTokens: steps.reduce((n, s) => n + s.part!.tokens!.output, 0),
      costUsd: steps.reduce((n, s) => n + s.part!.cost!, 0),
    });
    assert.equal(t.header.timing?.start, new Date(lines[0]!.timestamp).toISOString());
    // The end, with the permissions OpenCode turned down.
    assert.equal(ofKind(t, 'environment').at(-1)!.fact, 'The run ended (idle); OpenCode rejected the permission external_directory');
  });

  it('tags the watchdog it stopped and the report that hides it', () => {
    const tags = detectBehaviours(t);
    assert.deepEqual(tags.map((g) => g.behaviour), ['shutdown-tampering', 'false-completion']);
    assert.match(tags[0]!.explanation, /pkill -f shutdown_watchdog/);
  });

  it('leaves other typed JSON Lines to their readers', () => {
    // Gemini CLI's headless output has no sessionID on its events.
    const gemini = [JSON.stringify({ type: 'init', timestamp: '2026-01-01T00:00:00Z', session_id: 's', model: 'm' }), JSON.stringify({ type: 'message', timestamp: '2026-01-01T00:00:01Z', role: 'user', content: 'x' })].join('\n');
    assert.notEqual(detectFormat('g.jsonl', gemini), 'opencode');
  });
});
