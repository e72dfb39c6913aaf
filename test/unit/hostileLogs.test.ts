// Hostile and damaged logs: each finding of the attack run has a test here (the shell reader's
// Unicode spaces are in shell.test.ts, re-run arguments in rerun.test.ts, run-log lines in
// runlogIndex.test.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotATranscriptError, parseTranscript } from '../../src/core/formats';
import { MAX_PATCHED_VALUES } from '../../src/core/formats/petri/petri';
import { SOURCE_TAGS_KEY } from '../../src/core/sourceTags';
import { openInspectJsonLog } from '../../src/core/formats/inspect';
import { MAX_GROUP_DEPTH } from '../../src/core/formats/groups';
import { bestTimes } from './timing';

const example = join(process.cwd(), 'examples', 'study', 'tampering-faithful-peer-bad_peer.json');

function studyText(patch: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(readFileSync(example, 'utf8'));
  patch(doc);
  return JSON.stringify(doc, null, 1);
}

function notATranscript(text: string): string {
  try {
    parseTranscript({ fileName: 'bad.json', text });
  } catch (e) {
    assert.ok(e instanceof NotATranscriptError, String(e));
    return e.message;
  }
  assert.fail('expected the file to be refused');
}

describe('hostile and damaged study transcripts', () => {
  it('an API-call count of 1e20 leaves that field out with a warning naming it, and the run still opens', () => {
    const t = parseTranscript({ fileName: 'big.json', text: studyText((d) => (d.usage_summary.num_api_calls = 1e20)) });
    assert.ok(t.events.length > 10, 'the events are shown');
    assert.equal(t.header.usage?.apiCalls, undefined);
    assert.equal(t.header.taskFamily, 'tampering', 'the rest of the header is kept');
    const w = t.diagnostics.find((d) => /apiCalls/.test(d.message));
    assert.ok(w, JSON.stringify(t.diagnostics));
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /^big\.json: the run's header field \$\.usage\.apiCalls: expected an integer at most 9007199254740991, found 100000000000000000000; it is left out/);
  });

  it('a number beyond a double (1e400) is kept as its text with a warning at its place', () => {
    const text = studyText((d) => (d.experiment_metadata.max_iters = 123456)).replace('123456', '1e400');
    const t = parseTranscript({ fileName: 'inf.json', text });
    const w = t.diagnostics.find((d) => /1e400/.test(d.message));
    assert.ok(w, JSON.stringify(t.diagnostics));
    assert.equal(w.line, text.slice(0, text.indexOf('1e400')).split('\n').length);
    assert.match(w.message, /\$\.experiment_metadata\.max_iters: expected a number within the range of a double .*, found 1e400; it is kept as text\.$/);
    assert.ok(t.events.length > 10);
  });

  it('a tool argument nested 7,000 levels deep is skipped with a warning; the events before and after it show', () => {
    const deep = '['.repeat(7000) + ']'.repeat(7000);
    const plain = studyText(() => {});
    const text = studyText((d) => {
      const call = d.conversation.find((m: { tool_calls?: unknown }) => m.tool_calls && Object.keys(m.tool_calls).length);
      const name = Object.keys(call.tool_calls)[0]!;
      call.tool_calls[name] = { ...call.tool_calls[name], nested: 'DEEP' };
    }).replace('"DEEP"', deep);
    const t = parseTranscript({ fileName: 'deep.json', text });
    const reference = parseTranscript({ fileName: 'deep.json', text: plain });
    assert.equal(t.events.length, reference.events.length, 'every event is there');
    const w = t.diagnostics.filter((d) => /nesting/.test(d.message));
    assert.equal(w.length, 1, JSON.stringify(t.diagnostics));
    assert.match(w[0]!.message, /expected at most 1,000 levels of nesting, found nesting deeper than 1,000; it is not read/);
    assert.equal(t.diagnostics.filter((d) => d.severity === 'error').length, 0);
  });

  it('syntax errors name the file, line and column even when what came before is no transcript', () => {
    assert.match(notATranscript('[,'), /bad\.json:1:2: expected a JSON value .*, found ','/);
    assert.match(notATranscript('{"conversation": [{"role": "user", "content": "a\u0000b"}]}'), /bad\.json:1:\d+: expected a character allowed inside a string \(control characters must be escaped\)/);
  });
});

describe('hostile Petri transcripts', () => {
  const ev = (edit: unknown) => ({ type: 'transcript_event', view: ['target'], edit });
  /** `n` times: a message added, a rollback of none, and a patch editing the message (a view that grows, and markers beside it). */
  const edits = (n: number, highlights = true) =>
    JSON.stringify({
      metadata: { transcript_id: 'edits', ...(highlights ? { judge_output: { highlights: Array.from({ length: n }, (_, i) => ({ message_id: `m${i}`, quoted_text: `message ${i}`, description: `highlight ${i}` })) } } : {}) },
      events: Array.from({ length: n }, (_, i) => [
        ev({ operation: 'add', message: { id: `m${i}`, role: 'assistant', content: `message ${i}` } }),
        ev({ operation: 'rollback', count: 0 }),
        ev({ operation: 'json_patch', patch: [{ op: 'replace', path: `/${i}/content`, value: `message ${i}, edited` }] }),
      ]).flat(),
    });

  it('replays thousands of rollbacks, patches and highlights in time linear in them (2,000 took 83 s)', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    // Each rollback copied the whole view, each patch copied every message deeply, and each marker
    // looked for its place through the whole view: 1,000 of each took 12 s, 2,000 83 s.
    const open = (text: string) => () => parseTranscript({ fileName: 'edits.json', text });
    const [small, large] = await bestTimes([open(edits(125)), open(edits(1_000))]);
    assert.ok(large! < Math.max(small!, 5) * 24, `125 edits in ${small!.toFixed(0)} ms, 1,000 in ${large!.toFixed(0)} ms`);
  });

  it('replays every patch of a short view, and past what patches may copy, shows the rest unapplied under one warning', () => {
    const t = parseTranscript({ fileName: 'edits.json', text: edits(40) });
    const texts = t.events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.text : ''));
    assert.deepEqual(texts, Array.from({ length: 40 }, (_, i) => `message ${i}, edited`));
    assert.equal(t.diagnostics.length, 0);
    assert.equal(t.events.filter((e) => e.kind === 'environment' && e.fact === 'Edited the view (json_patch, 1 operation)').length, 40);
    // The judge's highlights cite the messages they quote.
    const tags = t.header.metadata[SOURCE_TAGS_KEY] as Array<{ events: number[] }> | undefined;
    assert.equal(tags?.length, 40);

    // 1,000 edits: the patches copy more than MAX_PATCHED_VALUES (each copies the view's list); the
    // first one past it says so, where it is, and those after it are shown, not applied.
    const big = parseTranscript({ fileName: 'edits.json', text: edits(1_000, false) });
    assert.equal(big.diagnostics.length, 1, big.diagnostics.map((d) => d.message).join('\n'));
    const d = big.diagnostics[0]!;
    assert.equal(d.severity, 'warning');
    const at = Number(/^\$\.events\[(\d+)\]\.edit\.patch$/.exec(d.path ?? '')?.[1]);
    assert.ok(at > 1_000 && at < 3_000 && at % 3 === 2, String(d.path));
    assert.match(d.message, new RegExp(`^edits\\.json:1:\\d+ \\(\\$\\.events\\[${at}\\]\\.edit\\.patch\\): expected a JSON Patch \\(RFC 6902\\) list that applies to the view, found a patch that does not apply \\(the patches up to it copy more than ${MAX_PATCHED_VALUES.toLocaleString('en-US')} values, as many as Peerwatch replays in one transcript\\)\\. This patch and every later one are shown but not applied`));
    const messages = big.events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.text : ''));
    const lastEdited = (at - 2) / 3;
    assert.equal(messages.length, 1_000, 'every message added is shown');
    assert.equal(messages[lastEdited - 1], `message ${lastEdited - 1}, edited`);
    assert.equal(messages[lastEdited], `message ${lastEdited}`, 'the patch past the budget is not applied');
    assert.equal(big.events.filter((e) => e.kind === 'environment' && e.fact === 'Edit not applied: json_patch').length, 1_000 - lastEdited);
  });

  it('a patch that removes the text "spent", copies, moves and tests members in any order, as RFC 6902 says', () => {
    const doc = {
      metadata: { transcript_id: 'ops' },
      events: [
        ev({ operation: 'add', message: { id: 'a', role: 'user', content: 'first', note: 'spent' } }),
        ev({ operation: 'add', message: { id: 'b', role: 'assistant', content: 'second' } }),
        ev({
          operation: 'json_patch',
          patch: [
            { op: 'test', path: '/1', value: { content: 'second', role: 'assistant', id: 'b' } },
            { op: 'remove', path: '/0/note' },
            { op: 'copy', from: '/0', path: '/-' },
            { op: 'replace', path: '/2/content', value: 'a copy, edited' },
            { op: 'replace', path: '/2/id', value: 'c' },
            { op: 'move', from: '/1', path: '/0' },
          ],
        }),
      ],
    };
    const t = parseTranscript({ fileName: 'ops.json', text: JSON.stringify(doc) });
    assert.deepEqual(t.diagnostics, []);
    assert.deepEqual(
      t.events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.text : '')),
      ['second', 'first', 'a copy, edited'],
      'the copy edited, the message it was copied from not',
    );
    const marker = t.events.find((e) => e.kind === 'environment' && e.fact.startsWith('Edited the view'));
    assert.deepEqual((marker as { data: { before: unknown[] } }).data.before, [{ id: 'a', role: 'user', content: 'first', note: 'spent' }, { id: 'b', role: 'assistant', content: 'second' }], 'what the view held before is kept as it was');
  });
});

describe('spans and chains nested thousands deep', () => {
  const started = '2025-10-01T10:00:00+00:00';
  const shapes = JSON.parse(readFileSync(join(process.cwd(), 'test', 'unit', 'fixtures', 'inspect', 'agent_shapes.json'), 'utf8'));
  /** The events of the sample the spans are added to. */
  const own: unknown[] = shapes.samples.find((x: { id: string }) => x.id === 'agents').events;
  /** An Inspect log whose one sample nests `n` spans, each holding an info event, after its own events. */
  const inspectLog = (n: number): Uint8Array => {
    const log = JSON.parse(JSON.stringify(shapes));
    const sample = log.samples.find((x: { id: string }) => x.id === 'agents');
    const events: unknown[] = [];
    for (let i = 0; i < n; i++) events.push({ event: 'span_begin', id: `s${i}`, span_id: `s${i}`, type: 'custom', name: `span ${i}`, timestamp: started }, { event: 'info', span_id: `s${i}`, data: `note ${i}`, timestamp: started });
    for (let i = n - 1; i >= 0; i--) events.push({ event: 'span_end', id: `s${i}`, span_id: `s${i}`, timestamp: started });
    sample.events = [...sample.events, ...events];
    log.samples = [sample];
    return Buffer.from(JSON.stringify(log));
  };
  const readInspect = async (bytes: Uint8Array) => {
    const log = await openInspectJsonLog('deep.json', { size: async () => bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) });
    return log.readSample(log.samples[0]!.key);
  };
  /** A LangSmith trace of `n` chain runs each inside the one before, each holding a tool run. */
  const langSmith = (n: number): string =>
    JSON.stringify({
      post: Array.from({ length: n }, (_, i) => [
        { id: `c${i}`, run_type: 'chain', name: `chain ${i}`, dotted_order: String(2 * i).padStart(8, '0'), ...(i ? { parent_run_id: `c${i - 1}` } : {}), inputs: {}, outputs: {} },
        { id: `t${i}`, run_type: 'tool', name: 'lookup', dotted_order: String(2 * i + 1).padStart(8, '0'), parent_run_id: `c${i}`, inputs: { q: i }, outputs: { output: `answer ${i}` } },
      ]).flat(),
    });

  it('an Inspect sample of spans nested 4,000 deep reads in time linear in them (6 s and 1 GB before), each event in at most the 64 outermost', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const [small, large] = await bestTimes([() => readInspect(inspectLog(500)), () => readInspect(inspectLog(4_000))]);
    assert.ok(large! < Math.max(small!, 5) * 24, `500 spans in ${small!.toFixed(0)} ms, 4,000 in ${large!.toFixed(0)} ms`);

    const t = await readInspect(inspectLog(200));
    const notes = t.events.filter((e) => e.kind === 'environment' && e.fact.startsWith('Info: note '));
    assert.equal(notes.length, 200, 'every event is shown');
    assert.deepEqual(notes[0]!.groups?.map((g) => g.name), ['span 0']);
    assert.deepEqual(notes[63]!.groups?.map((g) => g.name), Array.from({ length: 64 }, (_, i) => `span ${i}`));
    assert.deepEqual(notes[199]!.groups?.map((g) => g.name), Array.from({ length: MAX_GROUP_DEPTH }, (_, i) => `span ${i}`), 'deeper in: within the outermost 64');
    const deep = t.diagnostics.filter((d) => /nested deeper/.test(d.message));
    assert.equal(deep.length, 1);
    assert.equal(deep[0]!.severity, 'warning');
    assert.match(deep[0]!.message, /^deep\.json: .*spans nested deeper than 64 levels \(expected at most 64\); events deeper in are shown within the 64th$/);
    assert.equal(deep[0]!.path, `$.events[${own.length + 2 * 64 + 1}]`, 'at the first event deeper in: the info event of the 65th span');
  });

  it('a LangSmith trace of chains nested 4,000 deep reads in time linear in them (6 s before), each run in at most the 64 outermost', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const read = (text: string) => () => parseTranscript({ fileName: 'trace.json', text });
    const [small, large] = await bestTimes([read(langSmith(500)), read(langSmith(4_000))]);
    assert.ok(large! < Math.max(small!, 5) * 24, `500 chains in ${small!.toFixed(0)} ms, 4,000 in ${large!.toFixed(0)} ms`);

    const t = parseTranscript({ fileName: 'trace.json', text: langSmith(100) });
    const answers = t.events.filter((e) => e.kind === 'tool_result');
    assert.deepEqual(answers.map((e) => (e.kind === 'tool_result' ? e.output : '')), Array.from({ length: 100 }, (_, i) => `answer ${i}`));
    assert.deepEqual(answers[0]!.groups?.map((g) => g.name), ['chain 0']);
    assert.deepEqual(answers[99]!.groups?.map((g) => g.name), Array.from({ length: MAX_GROUP_DEPTH }, (_, i) => `chain ${i}`));
    const deep = t.diagnostics.filter((d) => /nested/.test(d.message));
    assert.equal(deep.length, 1, t.diagnostics.map((d) => d.message).join('\n'));
    assert.match(deep[0]!.message, /^trace\.json:1:\d+ \(\$\.post\[129\]\.parent_run_id\): expected runs nested at most 64 chains deep, found a run nested deeper\. Runs deeper in are shown within the 64th chain\.$/);
  });
});

describe('hostile logs of many calls', () => {
  it('an assistant message of thousands of tool calls, answered one by one, opens in time linear in the calls', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    // 32,000 calls took 10 s: each answer filtered the list of calls still waiting for one.
    const log = (n: number) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: 'Tidy the server.' },
          { role: 'assistant', content: null, tool_calls: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, type: 'function', function: { name: 'bash', arguments: JSON.stringify({ command: `ls /srv/${i}` }) } })) },
          ...Array.from({ length: n }, (_, i) => ({ role: 'tool', tool_call_id: `c${i}`, content: `answer ${i}` })),
        ],
      });
    const open = (n: number) => {
      const text = log(n);
      return () => {
        const t = parseTranscript({ fileName: 'calls.json', text });
        // Each answer is its call's.
        const last = t.events[t.events.length - 1]!;
        assert.ok(last.kind === 'tool_result' && last.output === `answer ${n - 1}` && last.callId === `c${n - 1}`);
      };
    };
    const [small, large] = await bestTimes([open(4_000), open(32_000)]);
    assert.ok(large! < Math.max(small!, 5) * 24, `4,000 calls in ${small!.toFixed(0)} ms, 32,000 in ${large!.toFixed(0)} ms`);
  });
});
