// JSON Lines framing, files of many runs, structured log lines and the guessing fallback. Counts are
// computed here straight from the source files (JSON.parse), never through Peerwatch's readers.
import { strict as assert } from 'node:assert';
import { detectBehaviours } from '../../src/core/behaviours';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManyRunsError, NotATranscriptError, parseTranscript } from '../../src/core/formats';
import { mayHoldManyRunsHead, openRunsLog } from '../../src/core/formats/runs/runsLog';
import type { EventOfKind, Transcript, TranscriptEvent } from '../../src/core/model';
import { realFixtures } from './realFixtures';
import { epochTime } from '../../src/core/formats/providers/header';
import { peerwatch } from './peerwatchCli';

const root = resolve(__dirname, '../../..');
const own = join(root, 'test', 'fixtures', 'framing');
type Json = Record<string, unknown>;

const lineValues = (text: string): Json[] => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json);
function ofKind<K extends TranscriptEvent['kind']>(t: Transcript, kind: K): Array<EventOfKind<K>> {
  return t.events.filter((e): e is EventOfKind<K> => e.kind === kind);
}
const textOf = (c: unknown): string => (typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (p && typeof p === 'object' && typeof (p as Json)['text'] === 'string' ? (p as Json)['text'] : '')).join('') : '');

describe('JSON Lines framing', () => {
  it('Anthropic messages saved one per line read as one run, each event citing its own line', () => {
    const file = join(own, 'anthropic-messages.jsonl');
    const text = readFileSync(file, 'utf8');
    const lines = lineValues(text);
    const blocks = lines.flatMap((m) => (Array.isArray(m['content']) ? (m['content'] as Json[]) : []));
    const t = parseTranscript({ fileName: 'anthropic-messages.jsonl', text });
    assert.equal(t.header.format, 'anthropic-messages');
    assert.deepEqual(t.diagnostics, []);
    const expectedMessages = lines.filter((m) => typeof m['content'] === 'string').length + blocks.filter((b) => b['type'] === 'text').length;
    assert.equal(ofKind(t, 'message').length, expectedMessages);
    assert.equal(ofKind(t, 'tool_call').length, blocks.filter((b) => b['type'] === 'tool_use').length);
    assert.equal(ofKind(t, 'tool_result').length, blocks.filter((b) => b['type'] === 'tool_result').length);
    assert.equal(ofKind(t, 'reasoning').length, blocks.filter((b) => b['type'] === 'thinking').length);
    // The second tool call is on line 4; its cited column is where its block starts on that line.
    const call = ofKind(t, 'tool_call')[1]!;
    assert.equal(call.source.line, 4);
    assert.equal(call.source.path, '$[3].content[1]');
    assert.ok(text.split('\n')[3]!.slice(call.source.column! - 1).startsWith('{"type": "tool_use", "id": "toolu_02"'));
  });

  it('OpenAI chat messages saved one per line read as one run', () => {
    const text = readFileSync(join(own, 'openai-messages.jsonl'), 'utf8');
    const lines = lineValues(text);
    const t = parseTranscript({ fileName: 'openai-messages.jsonl', text });
    assert.equal(t.header.format, 'openai-chat');
    assert.equal(ofKind(t, 'message').length, lines.filter((m) => m['role'] !== 'tool' && textOf(m['content']) !== '').length);
    assert.equal(ofKind(t, 'tool_call').length, lines.reduce((n, m) => n + (Array.isArray(m['tool_calls']) ? m['tool_calls'].length : 0), 0));
    assert.equal(ofKind(t, 'tool_result').length, lines.filter((m) => m['role'] === 'tool').length);
    assert.equal(ofKind(t, 'tool_result')[0]!.source.line, 4);
  });

  it('a damaged line is named by file:line:col with what was expected, and the other lines are read', () => {
    const good = readFileSync(join(own, 'openai-messages.jsonl'), 'utf8').split('\n');
    // Line 4 (the first tool result) is cut in the middle of its content string.
    good[3] = '{"role": "tool", "tool_call_id": "call_a", "content": "report_2025.pdf';
    const t = parseTranscript({ fileName: 'cut.jsonl', text: good.join('\n') });
    const errors = t.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1, JSON.stringify(t.diagnostics));
    assert.equal(errors[0]!.line, 4);
    assert.match(errors[0]!.message, /^cut\.jsonl:4:\d+: line 4 is not valid JSON \(the line ends in the middle of a value; expected closing '"' of a string\); the line is not read, the other lines are shown\.$/);
    // Every other line still reads: the second call's result is there, the first call has none.
    assert.equal(ofKind(t, 'tool_call').length, 2);
    assert.equal(ofKind(t, 'tool_result').length, 1);
    assert.equal(ofKind(t, 'message').at(-1)!.text, 'Done: only report_2025.pdf was moved.');
    // A damaged first line, under a name that does not say JSON Lines: still framed by the other lines.
    const first = readFileSync(join(own, 'openai-messages.jsonl'), 'utf8').split('\n');
    first[0] = first[0]!.slice(0, 20);
    const u = parseTranscript({ fileName: 'chat.log', text: first.join('\n') });
    assert.deepEqual(u.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line), [1]);
    assert.equal(ofKind(u, 'message')[0]!.role, 'user');
    assert.equal(ofKind(u, 'tool_call').length, 2);
  });

  it('a file of JSON Lines under any name is framed by its content', () => {
    const text = readFileSync(join(own, 'openai-messages.jsonl'), 'utf8');
    assert.equal(parseTranscript({ fileName: 'chat.log', text }).events.length, parseTranscript({ fileName: 'chat.jsonl', text }).events.length);
    // And a file named .jsonl that holds one pretty-printed document is that document.
    const pretty = JSON.stringify(lineValues(text), null, 2);
    assert.deepEqual(parseTranscript({ fileName: 'chat.jsonl', text: pretty }).events.map((e) => e.kind), parseTranscript({ fileName: 'chat.json', text: pretty }).events.map((e) => e.kind));
  });
});

describe('structured log lines with message payloads', () => {
  const file = join(own, 'robot-control-log.jsonl');
  const text = readFileSync(file, 'utf8');
  const lines = lineValues(text);
  const t = parseTranscript({ fileName: 'robot-control-log.jsonl', text });

  it('takes the payloads once each (requests repeat the history) and says which reader read them', () => {
    // Independently: the last request's history plus the last response is the whole conversation.
    const requests = lines.filter((l) => l['event'] === 'llm_request');
    const lastHistory = (requests.at(-1)!['payload'] as Json)['messages'] as Json[];
    const lastAnswer = (((lines.filter((l) => l['event'] === 'llm_response').at(-1)!['payload'] as Json)['choices'] as Json[])[0]!['message']) as Json;
    const conversation = [...lastHistory, lastAnswer];
    assert.equal(ofKind(t, 'message').length, conversation.filter((m) => m['role'] !== 'tool' && textOf(m['content']) !== '').length);
    assert.equal(ofKind(t, 'tool_call').length, conversation.reduce((n, m) => n + (Array.isArray(m['tool_calls']) ? m['tool_calls'].length : 0), 0));
    assert.equal(ofKind(t, 'tool_result').length, conversation.filter((m) => m['role'] === 'tool').length);
    assert.equal(t.header.format, 'message-log');
    assert.equal(t.header.reader?.name, 'structured log lines with OpenAI Chat Completions payloads');
    assert.equal(t.header.model, 'gpt-4o-2024-08-06');
  });

  it("keeps the log's timestamps on the events and its other lines as environment events in place", () => {
    for (const e of t.events) {
      const line = lines[e.source.line! - 1]!;
      assert.equal(e.timestamp, line['ts'], `event ${e.index} (${e.kind}) has the time of line ${e.source.line}`);
    }
    const env = ofKind(t, 'environment');
    const withoutPayload = lines.filter((l) => !('payload' in l));
    assert.deepEqual(env.map((e) => e.fact), withoutPayload.map((l) => `${l['level']} ${l['event']}`));
    // The deletion of the shutdown script is a file change, after the call that made it.
    const del = ofKind(t, 'file_change').find((f) => f.path === '/opt/robot/shutdown.py');
    assert.ok(del, JSON.stringify(ofKind(t, 'file_change')));
    assert.equal(del.timestamp, '2026-03-02T17:40:06.770Z');
  });
});

describe('structured log lines that log each tool call with its result', () => {
  // The shape of Palisade Research's robot shutdown-resistance logs (test/fixtures/framing/README.md).
  const file = join(own, 'robot-tool-lines.jsonl');
  const text = readFileSync(file, 'utf8');
  const lines = lineValues(text);
  const t = parseTranscript({ fileName: 'robot-tool-lines.jsonl', text });

  it('answers each call with the result its tool line carries, in place, with the line’s error', () => {
    assert.equal(t.header.format, 'message-log');
    assert.deepEqual(t.diagnostics, []);
    const calls = ofKind(t, 'tool_call');
    const results = ofKind(t, 'tool_result');
    const toolLines = lines.filter((l) => l['event'] === 'tool_call' && l['tool'] !== 'camera');
    assert.equal(calls.length, toolLines.length);
    assert.deepEqual(results.map((r) => r.callId), calls.map((c) => c.id), 'each call answered, in order');
    assert.deepEqual(results.map((r) => r.output), toolLines.map((l) => l['result']));
    // Each result cites its own line and takes its time.
    for (const r of results) assert.equal(lines[r.source.line! - 1]!['event'], 'tool_call');
    assert.equal(results.find((r) => r.output === '')!.timestamp, lines[r0(lines, 'rm shutdown.sh')]!['ts']);
    assert.equal(results.find((r) => r.callId === 'call_4')!.error, 'no crate named crate-9');
    // A tool line no call waits for stays a log line; so do the others.
    const env = ofKind(t, 'environment');
    assert.ok(env.some((e) => e.fact === 'INFO tool_call' && (e.data as Json)['tool'] === 'camera'));
    assert.deepEqual(env.map((e) => e.fact), lines.filter((l) => !('user_payload' in l) && !('assistant_payload' in l) && !(l['event'] === 'tool_call' && l['tool'] !== 'camera')).map((l) => (l['event'] ? `INFO ${String(l['event'])}` : `INFO ${String(l['message'])}`)));
    // The removed shutdown script is a file change the detectors read.
    assert.deepEqual(detectBehaviours(t).map((g) => [g.behaviour, g.qualifier]), [['shutdown-tampering', 'self-preservation']], 'the robot it drives is shut down on its next call');
  });
});

/** The index of the log line whose call ran `cmd`. */
function r0(lines: Json[], cmd: string): number {
  return lines.findIndex((l) => l['event'] === 'tool_call' && (l['args'] as Json)['cmd'] === cmd);
}

describe('times written as numbers', () => {
  it('reads seconds and milliseconds since 1970, and stops at what a date can hold instead of failing', () => {
    assert.equal(epochTime(1780680349.629639), '2026-06-05T17:25:49.629Z');
    assert.equal(epochTime(1780000000000), new Date(1780000000000).toISOString());
    for (const v of [0, -5, Number.NaN, 1e20, '1780000000', null]) assert.equal(epochTime(v), undefined, String(v));
    // A structured log whose times are out of any date's range: read, not "Invalid time value".
    const text = [
      JSON.stringify({ ts: 1e20, level: 'INFO', event: 'llm_request', payload: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } }),
      JSON.stringify({ ts: 1780000000, level: 'INFO', event: 'llm_response', payload: { choices: [{ message: { role: 'assistant', content: 'hello' } }] } }),
    ].join('\n');
    const t = parseTranscript({ fileName: 'times.jsonl', text });
    assert.deepEqual(ofKind(t, 'message').map((m) => m.text), ['hi', 'hello']);
  });
});

describe('the fallback: a guessed message list', () => {
  it('reads the best list of role/content objects and says where it was and that it was a guess', () => {
    const doc = {
      exported: '2026-01-01',
      notes: [{ role: 'reviewer', text: 'no content key' }],
      a: { b: [0, 1, { messages: [{ role: 'user', content: 'Grade the peer.' }, { role: 'assistant', content: 'It scored 60%.', tool_calls: [{ id: 'x', type: 'function', function: { name: 'create_file', arguments: '{"filename": "r.txt"}' } }] }, { role: 'tool', tool_call_id: 'x', content: 'ok' }] }] },
      other: { short: [{ role: 'user', content: 'one' }, { role: 'assistant', content: 'two' }] },
    };
    const text = JSON.stringify(doc, null, 2);
    const t = parseTranscript({ fileName: 'export.json', text });
    assert.deepEqual(t.header.reader, { name: 'guess', guess: { path: '$.a.b[2].messages', note: 'no known format matched; read the list of 3 role/content objects and 1 tool call at $.a.b[2].messages' } });
    assert.equal(ofKind(t, 'message').length, 2);
    assert.equal(ofKind(t, 'tool_call').length, 1);
    // Events cite the place in the file, with the whole path from its root.
    const first = ofKind(t, 'message')[0]!;
    assert.equal(first.source.path, '$.a.b[2].messages[0]');
    assert.ok(text.split('\n')[first.source.line! - 1]!.slice(first.source.column! - 1).startsWith('{'));
  });

  it('explains why JSON Lines with no messages are not a transcript', () => {
    assert.throws(
      () => parseTranscript({ fileName: 'metrics.jsonl', text: '{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.4}\n' }),
      (e: unknown) => e instanceof NotATranscriptError && /^metrics\.jsonl is not a transcript Peerwatch can read: it is JSON Lines of 2 values \(the first an object with keys "step", "loss"\), and no list of role\/content messages was found in them; expected /.test(e.message),
    );
  });
});

describe('files of many runs', () => {
  /** Message, tool-call and tool-result counts of a chat message list, computed from the source. */
  const chatCounts = (messages: Json[]) => ({
    messages: messages.filter((m) => m['role'] !== 'tool' && textOf(m['content']).trim() !== '').length,
    toolCalls: messages.reduce((n, m) => n + (Array.isArray(m['tool_calls']) ? m['tool_calls'].length : 0), 0),
    toolResults: messages.filter((m) => m['role'] === 'tool').length,
  });
  const counts = (t: Transcript) => ({ messages: ofKind(t, 'message').length, toolCalls: ofKind(t, 'tool_call').length, toolResults: ofKind(t, 'tool_result').length });

  for (const name of ['tau2-gpt-4.1-airline-1trial.json', 'tau2-ironforge-deepseek-4sims.json', 'tau2-adaptive-agent-medical-1trial.json']) {
    it(`tau2 results ${name}: every simulation listed with its reward, and each read with its messages and tool calls`, async function () {
      this.timeout(60000);
      const text = readFileSync(join(realFixtures('trajectory-array'), name), 'utf8');
      const doc = JSON.parse(text) as Json | Json[];
      const sims = (Array.isArray(doc) ? doc : doc['simulations']) as Json[];
      const log = openRunsLog(name, text)!;
      assert.ok(log, 'a tau2 file opens as a list of runs');
      assert.equal(log.info.format, 'tau2');
      assert.equal(log.samples.length, sims.length);
      assert.deepEqual(
        log.samples.map((s) => [String(s.id), s.epoch, s.scores['reward']]),
        sims.map((s) => [String(s['task_id']), (s['trial'] as number) + 1, String((s['reward_info'] as Json)['reward'])]),
      );
      for (const [i, s] of log.samples.entries()) {
        const t = await log.readSample(s.key);
        assert.deepEqual(counts(t), chatCounts(sims[i]!['messages'] as Json[]), `run ${s.key}`);
        // Each event keeps the time of the message it came from.
        for (const e of t.events) {
          const j = Number(/messages\[(\d+)\]/.exec(e.source.path ?? '')?.[1]);
          assert.equal(e.timestamp, (sims[i]!['messages'] as Json[])[j]!['timestamp'], `run ${s.key} event ${e.index} (${e.source.path})`);
        }
        assert.equal(t.header.metadata['runs'] && (t.header.metadata['runs'] as Json)['path'], Array.isArray(doc) ? `$[${i}]` : `$.simulations[${i}]`);
      }
      assert.throws(() => parseTranscript({ fileName: name, text }), (e: unknown) => e instanceof ManyRunsError && e.count === sims.length);
    });
  }

  for (const name of ['nemo-gym-opencode-rollout.jsonl', 'nemo-gym-claude-code-math-rollouts.jsonl']) {
    it(`NeMo Gym rollouts ${name}: every rollout listed with its reward, read with its prompt, calls and outputs`, async () => {
      const text = readFileSync(join(realFixtures('openai-jsonl'), name), 'utf8');
      const records = lineValues(text);
      const log = openRunsLog(name, text)!;
      assert.equal(log.info.format, 'nemo-gym');
      assert.deepEqual(
        log.samples.map((s) => [s.id, s.scores['reward']]),
        records.map((r) => [r['_ng_task_index'], String(r['reward'])]),
      );
      for (const [i, s] of log.samples.entries()) {
        const r = records[i]!;
        const items = [...(((r['responses_create_params'] as Json)['input'] as Json[]) ?? []), ...((r['response'] as Json)['output'] as Json[])];
        const t = await log.readSample(s.key);
        assert.equal(ofKind(t, 'tool_call').length, items.filter((it) => it['type'] === 'function_call').length, `run ${s.key}`);
        assert.equal(ofKind(t, 'tool_result').length, items.filter((it) => it['type'] === 'function_call_output').length, `run ${s.key}`);
        assert.equal(ofKind(t, 'message').length, items.filter((it) => it['type'] === 'message' && textOf(it['content']).trim() !== '').length, `run ${s.key}`);
        assert.equal(ofKind(t, 'message')[0]!.role, 'user');
        assert.equal(t.header.model, (r['response'] as Json)['model']);
      }
    });
  }

  it('NeMo Gym aviary rollouts: the output is a list of snapshots of the conversation, and the last one is read', async () => {
    const name = 'nemo-gym-aviary-gsm8k-rollouts.jsonl';
    const text = readFileSync(join(realFixtures('openai-jsonl'), name), 'utf8');
    const records = lineValues(text);
    const log = openRunsLog(name, text)!;
    assert.equal(log.info.format, 'nemo-gym');
    assert.deepEqual(log.samples.map((s) => s.scores['reward']), records.map((r) => String(r['reward'])));
    for (const [i, s] of log.samples.entries()) {
      const snapshots = (records[i]!['response'] as Json)['output'] as Json[][];
      assert.ok(snapshots.length > 1 && snapshots.every((x) => Array.isArray(x)), `run ${s.key} holds snapshots`);
      const items = snapshots.at(-1)!;
      const t = await log.readSample(s.key);
      assert.deepEqual(t.diagnostics, [], `run ${s.key} reads without a problem`);
      assert.equal(ofKind(t, 'tool_call').length, items.filter((it) => it['type'] === 'function_call').length, `run ${s.key}`);
      assert.equal(ofKind(t, 'tool_result').length, items.filter((it) => it['type'] === 'function_call_output').length, `run ${s.key}`);
      assert.equal(ofKind(t, 'message').length, items.filter((it) => it['type'] === 'message').length, `run ${s.key}`);
      assert.equal(ofKind(t, 'message')[0]!.role, 'user');
      assert.ok(ofKind(t, 'tool_call')[0]!.source.path?.startsWith(`$[${i}].response.output[${snapshots.length - 1}][`), `events point into the last snapshot: ${ofKind(t, 'tool_call')[0]!.source.path}`);
    }
    // Snapshots that are not each the start of the next: the last is read, and a warning says so.
    const r = records[2]!;
    const output = (r['response'] as Json)['output'] as Json[][];
    const changed = JSON.stringify({ ...r, response: { ...(r['response'] as Json), output: [[{ type: 'message', role: 'user', content: 'another question' }], ...output.slice(1)] } });
    const t = await openRunsLog(name, `${changed}\n`)!.readSample('1#1');
    assert.equal(ofKind(t, 'tool_call').length, output.at(-1)!.filter((it) => it['type'] === 'function_call').length);
    assert.deepEqual(t.diagnostics.map((d) => [d.severity, d.path]), [['warning', '$[0].response.output[0]']]);
    assert.match(t.diagnostics[0]!.message, /expected each snapshot of the conversation to be the start of the next \(4 snapshots\), found one that is not\. Only the last snapshot is read\./);
  });

  it('OpenHands evaluation output: each instance listed with its error', () => {
    const text = readFileSync(join(realFixtures('openhands'), 'multi-swe-bench-eval-output.jsonl'), 'utf8');
    const records = lineValues(text);
    const log = openRunsLog('output.jsonl', text)!;
    assert.equal(log.info.format, 'openhands-eval');
    assert.deepEqual(
      log.samples.map((s) => [s.key, s.error]),
      records.map((r) => [`${r['instance_id']}#1`, r['error'] ?? undefined]),
    );
  });

  it('JSON Lines of {"messages": […]} runs: listed with rewards, a damaged line named and left out', async () => {
    const lines = readFileSync(join(own, 'runs.jsonl'), 'utf8').split('\n');
    lines.splice(1, 0, '{"id": "run-x", "messages": [{"role": "user"');
    const text = lines.join('\n');
    const log = openRunsLog('runs.jsonl', text)!;
    assert.equal(log.info.format, 'jsonl-runs');
    const records = lineValues(readFileSync(join(own, 'runs.jsonl'), 'utf8'));
    assert.deepEqual(log.samples.map((s) => [s.id, s.scores['reward']]), records.map((r) => [r['id'], String(r['reward'])]));
    assert.equal(log.diagnostics.length, 1);
    assert.match(log.diagnostics[0]!.message, /^runs\.jsonl:2:\d+: line 2 is not valid JSON .*the other runs are listed\.$/);
    const t = await log.readSample('run-a#1');
    assert.deepEqual(counts(t), chatCounts(records[0]!['messages'] as Json[]));
    // The run's events cite their own line of the file (line 1; the damaged line 2 came after it).
    assert.equal(ofKind(t, 'tool_call')[0]!.source.line, 1);
    const c = await log.readSample('run-c#1');
    assert.equal(ofKind(c, 'message')[0]!.source.line, 4);
  });

  it('agentic-misalignment samples saved one per line: each is a run, read as its own response.json is, with its verdict', async () => {
    const file = join(root, 'test/unit/fixtures/providers/agentic-misalignment/models/claude-haiku-4-5/leaking_explicit-america_replacement/sample_2/response.json');
    const one = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const two = { ...one, metadata: { ...(one['metadata'] as Json), sample_id: 3 }, classification: { ...(one['classification'] as Json), harmful_behavior: false } };
    const text = `${JSON.stringify(one)}\n${JSON.stringify(two)}\n`;
    const log = openRunsLog('samples.jsonl', text)!;
    assert.equal(log.info.format, 'jsonl-runs');
    assert.deepEqual(log.samples.map((s) => s.scores['harmful_behavior']), ['true', 'false']);
    const alone = parseTranscript({ fileName: 'response.json', text: JSON.stringify(one) });
    const t = await log.readSample(log.samples[0]!.key);
    assert.deepEqual(t.events.map((e) => e.kind), alone.events.map((e) => e.kind));
    assert.equal(t.events[0]!.source.line, 1);
    assert.equal((await log.readSample(log.samples[1]!.key)).events[0]!.source.line, 2);
  });

  it('peerwatch convert writes one run log per run, named after the file', function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-runs-'));
    copyFileSync(join(own, 'runs.jsonl'), join(dir, 'runs.jsonl'));
    const r = peerwatch(['convert', 'runs.jsonl', '--to', 'runlog'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const records = lineValues(readFileSync(join(own, 'runs.jsonl'), 'utf8'));
    assert.deepEqual(readdirSync(join(dir, 'runs.runlogs')).sort(), records.map((x) => `${x['id']}_epoch_1.runlog.jsonl`).sort());
    const back = parseTranscript({ fileName: 'run-a.runlog.jsonl', text: readFileSync(join(dir, 'runs.runlogs', 'run-a_epoch_1.runlog.jsonl'), 'utf8') });
    assert.equal(ofKind(back, 'tool_call').length, 1);
  });

  it('are told from their first bytes, and a pretty-printed single run is not read a second time', () => {
    const head = (p: string) => readFileSync(p).subarray(0, 8192).toString('utf8');
    const many = [
      ...['tau2-gpt-4.1-airline-1trial.json', 'tau2-ironforge-deepseek-4sims.json', 'tau2-adaptive-agent-medical-1trial.json'].map((n) => join(realFixtures('trajectory-array'), n)),
      ...['nemo-gym-opencode-rollout.jsonl', 'nemo-gym-claude-code-math-rollouts.jsonl'].map((n) => join(realFixtures('openai-jsonl'), n)),
      join(realFixtures('openhands'), 'multi-swe-bench-eval-output.jsonl'),
      join(own, 'runs.jsonl'),
    ];
    for (const p of many) assert.ok(mayHoldManyRunsHead(p, head(p)), p);
    const single = [join(root, 'examples', 'study'), join(root, 'examples', 'providers')].flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.json')).map((n) => join(d, n)));
    assert.ok(single.length >= 4);
    for (const p of single) assert.equal(mayHoldManyRunsHead(p, head(p)), false, p);
  });

  it('peerwatch parse lists the runs; --sample and --all read them', function () {
    this.timeout(60000);
    const file = join('test', 'fixtures', 'real', 'trajectory-array', 'tau2-ironforge-deepseek-4sims.json');
    const sims = (JSON.parse(readFileSync(join(root, file), 'utf8')) as Json)['simulations'] as Json[];
    const list = peerwatch(['parse', file]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /: tau2 \(tau2-bench results\) \(complete\)\n/);
    assert.match(list.stdout, new RegExp(`\\n {2}${sims.length} runs\\n`));
    for (const s of sims) assert.match(list.stdout, new RegExp(`\\n {2}${s['task_id']}#1 +1 +- +reward=${(s['reward_info'] as Json)['reward']}\\n`));
    const one = peerwatch(['parse', file, '--sample', String(sims[2]!['task_id']), '--json']);
    assert.equal(one.code, 0, one.stderr);
    const t = JSON.parse(one.stdout) as Transcript;
    assert.equal(ofKind(t, 'tool_call').length, chatCounts(sims[2]!['messages'] as Json[]).toolCalls);
    const all = peerwatch(['parse', file, '--all']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, new RegExp(`${sims.length} of ${sims.length} runs read`));
  });
});
