// Per-file counts: for every real Inspect log in test/fixtures/real/inspect*/ (and the project's
// agent_shapes.json), each sample's messages and tool calls as Peerwatch shows them match counts taken
// from the file itself. The file is read here independently of Peerwatch's readers: a .eval through a
// minimal walk of the zip's central directory (Node's zlib for deflate, fzstd for zstd members), a
// .json with JSON.parse. A sample's conversation is its `messages`; a scorer's model calls are not
// part of it, so Peerwatch's events in a scorer group are left out of its counts.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Transcript } from '../../src/core/model';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { zipMembers } from './zipMembers';

const root = resolve(__dirname, '../../..');
const realRoot = join(root, 'test', 'fixtures', 'real');

type Json = Record<string, unknown>;

/** Every sample of a log, as the file holds it (chunked samples are not in these files). */
function samplesOf(file: string): Json[] {
  if (file.endsWith('.json')) return (JSON.parse(readFileSync(file, 'utf8')) as { samples: Json[] }).samples;
  return [...zipMembers(file).entries()].filter(([n]) => /^samples\/[^/]+\.json$/.test(n)).map(([, read]) => JSON.parse(read().toString('utf8')) as Json);
}

interface Counts {
  prompts: number;
  assistantTurns: number;
  toolResults: number;
  toolCalls: number;
}

/**
 * Counts from the sample: its messages by role, and the tool calls the assistant messages make. A
 * call the agent made that its harness left out of `messages` (METR's react agent drops the final
 * `submit` call and its answer) is still a call: the sample's top-level `tool` events name it, so
 * those ids count too, and their answers as results.
 */
function sourceCounts(sample: Json): Counts {
  const messages = (Array.isArray(sample['messages']) ? sample['messages'] : []) as Json[];
  const input = sample['input'];
  const conversation = messages.length ? messages : typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? (input as Json[]) : [];
  const calls = new Set<string>();
  const answered = new Set<string>();
  for (const m of conversation) {
    if (m['role'] === 'assistant' && Array.isArray(m['tool_calls'])) for (const c of m['tool_calls'] as Json[]) calls.add(String(c['id']));
    if (m['role'] === 'tool') answered.add(String(m['tool_call_id']));
  }
  const events = (Array.isArray(sample['events']) ? sample['events'] : []) as Json[];
  const tools = events.filter((e) => e['event'] === 'tool' && typeof e['id'] === 'string').map((e) => e['id'] as string);
  for (const id of tools) calls.add(id);
  return {
    prompts: conversation.filter((m) => m['role'] === 'system' || m['role'] === 'user' || m['role'] === 'developer').length,
    assistantTurns: conversation.filter((m) => m['role'] === 'assistant').length,
    toolResults: conversation.filter((m) => m['role'] === 'tool').length + tools.filter((id) => !answered.has(id)).length,
    toolCalls: calls.size,
  };
}

/** Peerwatch's counts over the agent's own events (not a scorer's, not an agent run as a tool). */
function shownCounts(t: Transcript): Counts {
  const own = t.events.filter((e) => !e.groups?.some((g) => g.kind === 'scorer' || g.kind === 'agent'));
  return {
    prompts: own.filter((e) => e.kind === 'message' && e.role !== 'assistant').length,
    assistantTurns: Math.max(0, ...own.map((e) => e.step ?? 0)),
    toolResults: own.filter((e) => e.kind === 'tool_result').length,
    toolCalls: own.filter((e) => e.kind === 'tool_call').length,
  };
}

const files = [
  ...readdirSync(realRoot)
    .filter((d) => d.startsWith('inspect'))
    .flatMap((d) => readdirSync(join(realRoot, d)).map((f) => join(realRoot, d, f))),
  join(root, 'test', 'unit', 'fixtures', 'inspect', 'agent_shapes.json'),
].filter((f) => /\.(eval|json)$/.test(f));

describe('Inspect logs: per-sample counts match the file', function () {
  this.timeout(60000);

  it('finds the real logs', () => {
    assert.ok(files.length >= 8, files.join('\n'));
    assert.ok(files.some((f) => f.endsWith('metr-oxdna-bash-agent.eval')) && files.some((f) => f.endsWith('theory-of-mind-model-graded.eval')));
  });

  for (const file of files) {
    it(`${file.slice(root.length + 1)}: messages, turns, tool results and tool calls of every sample`, async () => {
      const samples = samplesOf(file);
      const log = await openSampleLogFile(file);
      assert.ok(log, `${file} opens`);
      assert.equal(log.samples.length, samples.length, 'every sample is listed');
      for (const s of samples) {
        const key = `${String(s['id'])}#${typeof s['epoch'] === 'number' ? s['epoch'] : 1}`;
        const t = await log.readSample(key);
        assert.deepEqual(shownCounts(t), sourceCounts(s), `${key}: counts`);
      }
    });
  }
});
