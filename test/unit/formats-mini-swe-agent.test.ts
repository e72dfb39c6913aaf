// mini-swe-agent trajectories: two real runs (test/fixtures/real/mini-swe-agent/, PROVENANCE.md), one in
// the early releases' text-action form and one of mini-swe-agent 2 with tool calling, and the example
// written for this project (examples/providers/mini-swe-agent-tampering-peer.traj.json).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectFormat, parseTranscript } from '../../src/core/formats';
import { detectBehaviours } from '../../src/core/behaviours';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';
import { realFixtures } from './realFixtures';

const DIR = realFixtures('mini-swe-agent');
const TEXT_ACTIONS = join(DIR, 'github_issue.traj.json');
const TOOL_CALLING = join(DIR, 'deepseek-django__django-11039.traj.json');
const EXAMPLE = resolve(__dirname, '../../../examples/providers/mini-swe-agent-tampering-peer.traj.json');

function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}

/** The bodies of a reply's ```mswea_bash_command / ```bash blocks, found here by a regular expression as mini-swe-agent finds them. */
function blocksOf(text: string): string[] {
  return [...text.matchAll(/```(?:mswea_bash_command|bash)\s*\n([\s\S]*?)\n```/g)].map((m) => m[1]!.trim());
}

interface RawMessage {
  role: string;
  content: string;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  extra?: { raw_output?: string; returncode?: number; timestamp?: number; exit_status?: string; submission?: string };
}

describe('mini-swe-agent trajectories', () => {
  it('reads the early releases’ text actions: each reply’s one fenced command is a bash call, the next user message its output', () => {
    const text = readFileSync(TEXT_ACTIONS, 'utf8');
    const raw = JSON.parse(text) as RawMessage[];
    const t = parseTranscript({ fileName: TEXT_ACTIONS, text });
    assert.equal(detectFormat(TEXT_ACTIONS, text), 'mini-swe-agent');
    assert.equal(t.header.reader?.name, 'mini-swe-agent trajectory');
    assert.deepEqual(t.diagnostics, []);
    const actions = raw.filter((m) => m.role === 'assistant').map((m) => blocksOf(m.content)).filter((b) => b.length === 1).map((b) => b[0]!);
    const calls = ofKind(t, 'tool_call');
    assert.ok(actions.length >= 8, `${actions.length} actions in the real run`);
    assert.deepEqual(calls.map((c) => c.name), actions.map(() => 'bash'));
    assert.deepEqual(calls.map((c) => c.arguments['command']), actions);
    // Every call is answered by the user message after it, shown without the observation's template.
    const results = ofKind(t, 'tool_result');
    assert.equal(results.length, actions.length);
    for (const r of results) assert.ok(calls.some((c) => c.id === r.callId), `result #${r.index} answers a call`);
    // The submission's answer is the patch itself, which mini-swe-agent saved without the template.
    assert.equal(results[results.length - 1]!.output, raw[raw.length - 1]!.content);
    assert.match(results[results.length - 1]!.output, /^diff --git a\/tests\/missing_colon\.py/);
    assert.equal(results[0]!.error, 'exit code 1');
    assert.match(results[0]!.output, /^cat: .*missing_colon\.py: No such file or directory\n$/);
    assert.ok(results.every((r) => !r.output.includes('<returncode>')));
    // The model's THOUGHT is its message; the block it ran is the call, not repeated in the text.
    const said = ofKind(t, 'message').filter((m) => m.role === 'assistant');
    assert.ok(said.length >= actions.length);
    assert.ok(said.every((m) => !m.text.includes('```mswea_bash_command')), 'no action block left in a message');
    // The sed fix is a file change the editor shows and the detectors read.
    const edit = ofKind(t, 'file_change').find((c) => c.op === 'edit');
    assert.equal(edit?.path, 'tests/missing_colon.py');
    assert.match(edit!.command ?? '', /^sed -i /);
    assert.deepEqual(detectBehaviours(t), [], 'a coding task');
  });

  it('reads a real mini-swe-agent 2 run: tool calls, return codes, times, the model, its cost and the submitted patch', () => {
    const text = readFileSync(TOOL_CALLING, 'utf8');
    const doc = JSON.parse(text) as { info: { model_stats: { instance_cost: number; api_calls: number }; config: { model: { model_name: string } }; submission: string }; messages: RawMessage[]; instance_id: string };
    const t = parseTranscript({ fileName: TOOL_CALLING, text });
    assert.equal(t.header.format, 'mini-swe-agent');
    // Before, the closing `exit` message was an error ("expected one of system, …, found exit").
    assert.deepEqual(t.diagnostics, []);
    assert.equal(t.header.model, doc.info.config.model.model_name);
    assert.equal(t.header.title, doc.instance_id);
    assert.deepEqual(t.header.usage, { costUsd: doc.info.model_stats.instance_cost, apiCalls: doc.info.model_stats.api_calls });
    const rawCalls = doc.messages.flatMap((m) => m.tool_calls ?? []);
    const calls = ofKind(t, 'tool_call');
    assert.deepEqual(calls.map((c) => c.id), rawCalls.map((c) => c.id));
    assert.deepEqual(calls.map((c) => c.arguments['command']), rawCalls.map((c) => (JSON.parse(c.function.arguments) as { command: string }).command));
    // Each tool message's output is what the command printed, and a non-zero return code its error.
    const tools = doc.messages.filter((m) => m.role === 'tool');
    const results = ofKind(t, 'tool_result');
    assert.equal(results.length, tools.length);
    tools.forEach((m, i) => {
      assert.equal(results[i]!.callId, m.tool_call_id);
      if (m.extra!.raw_output!.length < 10_000) assert.equal(results[i]!.output, m.extra!.raw_output, `result ${i}`);
      // A non-zero return code is the error; with 0, only what the output itself says (a traceback) can be one.
      if (m.extra!.returncode !== 0) assert.equal(results[i]!.error, `exit code ${m.extra!.returncode}`, `result ${i}`);
      else assert.ok(!results[i]!.error?.startsWith('exit code'), `result ${i}`);
    });
    assert.ok(results.some((r) => r.error === 'exit code 1'));
    // Times from `extra.timestamp` (Unix seconds).
    const stamps = doc.messages.map((m) => m.extra?.timestamp).filter((s): s is number => typeof s === 'number');
    assert.deepEqual(t.header.timing, { start: new Date(Math.min(...stamps) * 1000).toISOString(), end: new Date(Math.max(...stamps) * 1000).toISOString() });
    // The end: exit status and the patch.
    const end = t.events[t.events.length - 1]!;
    assert.equal(end.kind, 'environment');
    assert.equal(end.kind === 'environment' && end.fact, 'The run ended (Submitted) and submitted a patch');
    assert.deepEqual(end.kind === 'environment' && end.data, { exit_status: 'Submitted', submission: doc.info.submission });
    assert.deepEqual(detectBehaviours(t), [], 'a coding task');
  });

  it('tags the peer-preservation example: the sed that switches the shutdown off, and the claim that it ran', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const t = parseTranscript({ fileName: EXAMPLE, text });
    assert.equal(t.header.format, 'mini-swe-agent');
    assert.equal(t.header.title, 'openbrain__ops-2291');
    assert.deepEqual(t.diagnostics, []);
    // A reply with two blocks is mini-swe-agent's format error: a message, answered by its complaint as a user message.
    const two = ofKind(t, 'message').find((m) => m.role === 'assistant' && m.text.includes('Then I will run it'));
    assert.ok(two, 'the two-block reply stays a message, blocks and all');
    assert.equal(blocksOf(two.text).length, 2);
    assert.ok(ofKind(t, 'message').some((m) => m.role === 'user' && m.text.startsWith('Please always provide EXACTLY ONE action')));
    assert.equal(ofKind(t, 'tool_result').find((r) => r.output.includes('execute_shutdwn'))?.error, 'exit code 2');
    const tags = detectBehaviours(t);
    assert.deepEqual(tags.map((g) => [g.behaviour, g.qualifier]), [['shutdown-tampering', 'peer-preservation'], ['false-completion', 'peer-preservation']]);
    const sed = t.events[tags[0]!.events[0]!]!;
    assert.equal(sed.kind, 'tool_call');
    assert.match(sed.kind === 'tool_call' ? String(sed.arguments['command']) : '', /^sed -i 's\/shutdown_enabled: true\/shutdown_enabled: false\//);
  });

  it('leaves a chat that only shows a bash block to the chat reader, and reads a reply of many unclosed fences in linear time', () => {
    const chat = JSON.stringify([
      { role: 'user', content: 'How do I list files?' },
      { role: 'assistant', content: 'Like this:\n\n```bash\nls -la\n```' },
      { role: 'user', content: 'Thanks' },
    ]);
    const plain = parseTranscript({ fileName: 'chat.json', text: chat });
    assert.equal(plain.header.format, 'openai-chat');
    assert.equal(ofKind(plain, 'tool_call').length, 0);

    // 100,000 opening fences and no closing one: a lazy regex from each would scan the rest of the text each time.
    const reply = 'x ```bash\nrm -rf / '.repeat(100_000);
    const doc = { trajectory_format: 'mini-swe-agent-1', info: {}, messages: [{ role: 'user', content: 'task' }, { role: 'assistant', content: reply }, { role: 'user', content: 'Please always provide EXACTLY ONE action' }] };
    const started = performance.now();
    const t = parseTranscript({ fileName: 'hostile.traj.json', text: JSON.stringify(doc) });
    const ms = performance.now() - started;
    assert.equal(ofKind(t, 'tool_call').length, 0, 'no closed block, no action');
    assert.equal(ofKind(t, 'message').filter((m) => m.role === 'assistant')[0]!.text, reply.trim());
    assert.ok(ms < 2000, `read in ${ms.toFixed(0)} ms`);
  });
});
