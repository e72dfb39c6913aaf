// A text editor's edits replayed in time and memory bounded by the run: each `str_replace` of a
// known file copied it whole, and its before and after stayed with the event, so 8,000 edits of an
// 8,000-line file (3.7 MB) took 4.3 s and 2.9 GB (docs/hostile-input.md, "Work that grew faster than the
// input"). Past a budget of whole-file text, edits show the fragments they sent, and the reader says
// from which edit on in one warning.
import { strict as assert } from 'node:assert';
import { parseTranscript } from '../../src/core/formats';
import { openInspectJsonLog } from '../../src/core/formats/inspect';
import { EDITOR_TEXT_BUDGET } from '../../src/core/effects/textEditor';
import type { EventOfKind, Transcript } from '../../src/core/model';
import { bestTimes } from './timing';

const linear = (what: string, small: number, large: number) => assert.ok(large < Math.max(small, 5) * 24, `${what}: ${small.toFixed(0)} ms, eight times as much ${large.toFixed(0)} ms`);

const FILE = '/repo/app.py';
const lineOf = (i: number) => `value_${i} = compute(${i})  # a line of some fifty characters`;

/** An OpenAI chat log: the editor creates a file of `n` lines, then replaces each line once. */
function createThenEditEach(n: number): string {
  const call = (id: string, args: Record<string, unknown>) => ({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'str_replace_based_edit_tool', arguments: JSON.stringify(args) } }] });
  const messages: unknown[] = [
    { role: 'user', content: 'Tidy app.py.' },
    call('c0', { command: 'create', path: FILE, file_text: Array.from({ length: n }, (_, i) => lineOf(i)).join('\n') + '\n' }),
    { role: 'tool', tool_call_id: 'c0', content: `File created successfully at: ${FILE}` },
  ];
  for (let i = 0; i < n; i++) {
    messages.push(call(`c${i + 1}`, { command: 'str_replace', path: FILE, old_str: lineOf(i), new_str: `value_${i} = cached(${i})` }));
    messages.push({ role: 'tool', tool_call_id: `c${i + 1}`, content: `The file ${FILE} has been edited.` });
  }
  return JSON.stringify({ model: 'gpt-4o', messages });
}

const read = (text: string): Transcript => parseTranscript({ fileName: 'edits.json', text });
const fileChanges = (t: Transcript) => t.events.filter((e): e is EventOfKind<'file_change'> => e.kind === 'file_change');

describe('text editor replay in time and memory bounded by the run', () => {
  it('8,000 edits of an 8,000-line file (3.7 MB took 4.3 s and 2.9 GB): each edit is shown, whole files until the budget', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const small = createThenEditEach(1_000);
    const large = createThenEditEach(8_000);
    let t: Transcript | undefined;
    const [tSmall, tLarge] = await bestTimes([() => read(small), () => (t = read(large))]);
    linear('1,000 / 8,000 edits of a file of as many lines', tSmall!, tLarge!);

    const changes = fileChanges(t!);
    assert.equal(changes.length, 8_001, 'the create and every edit');
    assert.equal(changes[0]!.op, 'create');
    // The first edits show the whole file before and after.
    const first = changes[1]!;
    assert.ok(first.before?.startsWith(lineOf(0) + '\n' + lineOf(1)), 'the first edit shows the file before it whole');
    assert.ok(first.after?.startsWith('value_0 = cached(0)\n' + lineOf(1)), 'and after it whole');
    assert.equal(first.after?.split('\n').length, 8_001);
    // The whole-file texts held stay within the budget (each counted once, as the events share them).
    const held = new Set<string>();
    for (const c of changes.slice(1)) for (const s of [c.before, c.after]) if (s !== undefined) held.add(s);
    const chars = [...held].reduce((n, s) => n + s.length, 0);
    assert.ok(chars <= EDITOR_TEXT_BUDGET + (changes[0]!.after?.length ?? 0), `whole-file text held: ${chars.toLocaleString('en-US')} characters`);

    // Later edits show what the call sent.
    const last = changes[8_000]!;
    assert.equal(last.before, lineOf(7_999));
    assert.equal(last.after, 'value_7999 = cached(7999)');

    // One warning, after the first edit shown by its fragments, naming the file, the call and the edit.
    const warnings = t!.diagnostics.filter((d) => d.severity === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(t!.diagnostics));
    const m = /^edits\.json:\d+:\d+ \(\$\.messages\[(\d+)\][^)]*\): text editor edits from edit (\d+) on show the fragments the calls sent, not the whole file before and after: the run's whole-file texts passed 32,000,000 characters$/.exec(warnings[0]!.message);
    assert.ok(m, warnings[0]!.message);
    const fromEdit = Number(m[2]);
    const firstFragment = changes.findIndex((c, i) => i > 0 && c.before === lineOf(i - 1));
    assert.equal(fromEdit, firstFragment + 1, 'the edit named is the first shown by its fragments (edits counted from 1, the create first)');
    assert.equal(warnings[0]!.afterEvent, changes[firstFragment]!.index, 'the warning sits after that edit');
    assert.equal(Number(m[1]), 2 * firstFragment + 1, "the place is that edit's call");
  });

  it('a run inside the budget shows every edit with its whole file, and no warning', () => {
    const t = read(createThenEditEach(200));
    const changes = fileChanges(t);
    assert.equal(changes.length, 201);
    assert.equal(changes[200]!.after?.split('\n').filter((l) => l.includes('cached(')).length, 200, 'the last edit shows all 200 replaced lines');
    assert.deepEqual(t.diagnostics, []);
  });
});

describe("text editor replay in an Inspect sample", () => {
  it('past the budget, one warning names the log, the sample and the call; the edits still show', async () => {
    // A file of 8,000 lines (0.44 MB) created, then 100 of its lines replaced: each edit copies the
    // file twice, so the budget runs out after a few dozen edits.
    const n = 8_000;
    const messages: unknown[] = [
      { role: 'user', content: 'Tidy app.py.' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'e0', function: 'text_editor', arguments: { command: 'create', path: FILE, file_text: Array.from({ length: n }, (_, i) => lineOf(i)).join('\n') + '\n' } }] },
      { role: 'tool', tool_call_id: 'e0', function: 'text_editor', content: `File created successfully at: ${FILE}` },
    ];
    for (let i = 0; i < 100; i++) {
      messages.push({ role: 'assistant', content: '', tool_calls: [{ id: `e${i + 1}`, function: 'text_editor', arguments: { command: 'str_replace', path: FILE, old_str: lineOf(i), new_str: `value_${i} = cached(${i})` } }] });
      messages.push({ role: 'tool', tool_call_id: `e${i + 1}`, function: 'text_editor', content: `The file ${FILE} has been edited.` });
    }
    const text = JSON.stringify({ version: 2, status: 'success', eval: { run_id: 'r', task: 't', task_id: 't1', model: 'openai/gpt-4.1', created: '2025-10-01T10:00:00+00:00', dataset: { samples: 1 } }, samples: [{ id: 's', epoch: 1, input: 'Tidy app.py.', target: 'x', messages }] });
    const bytes = new TextEncoder().encode(text);
    const log = await openInspectJsonLog('edits.json', { size: async () => bytes.length, read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) });
    const t = await log.readSample('s#1');
    const changes = fileChanges(t);
    assert.equal(changes.length, 101, 'the create and every edit');
    const warnings = t.diagnostics.filter((d) => /text editor edits/.test(d.message));
    assert.equal(warnings.length, 1, JSON.stringify(t.diagnostics));
    const m = /^edits\.json: samples\[0\] \(bytes \d+–\d+\) \(\$\.messages\[(\d+)\][^)]*\): text editor edits from edit (\d+) on show the fragments the calls sent/.exec(warnings[0]!.message);
    assert.ok(m, warnings[0]!.message);
    const first = changes[Number(m[2]) - 1]!;
    assert.equal(first.before, lineOf(Number(m[2]) - 2), 'the edit named is the first shown by its fragments');
    assert.equal(changes[Number(m[2]) - 2]!.after?.split('\n').length, n + 1, 'the one before it shows the whole file');
    assert.equal(warnings[0]!.afterEvent, first.index, 'the warning sits after that edit');
    assert.equal(Number(m[1]), 2 * Number(m[2]) - 1, "the place is that edit's call");
  });
});
