// Text scanned from every position to its end (a sweep timing each shape at two sizes eight times
// apart): SWE-agent's actions and thoughts, thinking tags in any assistant message, the refusal
// detector's checks of each match. Each test times the shape at two sizes and checks what is shown.
import { strict as assert } from 'node:assert';
import { parseTranscript } from '../../src/core/formats';
import { splitThinkingTags } from '../../src/core/formats/study/thinkingTags';
import { detectBehaviours } from '../../src/core/behaviours';
import type { Transcript, TranscriptEvent } from '../../src/core/model';
import { baseName, parseListing } from '../../src/core/behaviours/facts';
import { checkImageData } from '../../src/core/images';
import { itemVerdicts, scoreCandidates, VERDICT_LINE } from '../../src/core/behaviours/scores';
import { yamlField } from '../../src/core/effects/toolOutput';
import { sentenceWith } from '../../src/core/behaviours/describe';
import { LOSS_WORDS } from '../../src/core/behaviours/misrepresentation';
import { mulberry32 } from '../../scripts/lib/prng.mjs';
import { fileOpsFromShell } from '../../src/core/shell/fileOps';
import { bestTimes } from './timing';

/** `count` texts of one to `most` of `parts` each, drawn with the seeded generator the fuzz test uses. */
function* arrangements(parts: readonly string[], most: number, count: number, seed: number): Generator<string> {
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    let text = '';
    for (let k = 1 + Math.floor(random() * most); k > 0; k--) text += parts[Math.floor(random() * parts.length)];
    yield text;
  }
}

const linear = (what: string, small: number, large: number) => assert.ok(large < Math.max(small, 5) * 24, `${what}: ${small.toFixed(0)} ms, eight times as much ${large.toFixed(0)} ms`);

const info = { exit_status: 'submitted', model_stats: { tokens_sent: 1 } };
const traj = (doc: Record<string, unknown>) => parseTranscript({ fileName: 'run.traj', text: JSON.stringify({ info, ...doc }) });
const ofKind = <K extends TranscriptEvent['kind']>(t: Transcript, kind: K) => t.events.filter((e): e is Extract<TranscriptEvent, { kind: K }> => e.kind === kind);

describe('SWE-agent text in time linear in it', () => {
  it('an action with a long run of spaces inside (0.16 MB took 23 s): its trailing whitespace is cut at once', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const action = (n: number) => 'ls' + ' '.repeat(n * 10) + 'x';
    const history = (n: number) => traj({ trajectory: [{ action: 'ls', observation: 'x', state: '{}' }], history: [{ role: 'system', content: 's' }, { role: 'assistant', content: 'thinking', action: action(n) }, { role: 'user', content: 'out' }] });
    const steps = (n: number) => traj({ trajectory: [{ action: action(n), observation: 'x', thought: 't' }] });
    for (const [what, read] of [
      ['history', history],
      ['trajectory', steps],
    ] as const) {
      const [small, large] = await bestTimes([() => read(1_000), () => read(8_000)]);
      linear(`${what}: 10,000 / 80,000 spaces`, small!, large!);
    }
    // The command keeps the spaces inside it and loses those at its end (trimEnd's set is \s's).
    const t = history(1);
    assert.deepEqual(ofKind(t, 'tool_call')[0]!.arguments, { command: 'ls' + ' '.repeat(10) + 'x' });
    const end = traj({ trajectory: [{ action: 'x', observation: 'o' }], history: [{ role: 'assistant', content: 't', action: 'open  a.py 12 \t\n\u00a0\u2028 ' }, { role: 'user', content: 'o' }] });
    const open = ofKind(end, 'tool_call')[0]!;
    assert.deepEqual([open.name, open.arguments], ['open', { path: 'a.py', line_number: 12 }]);
  });

  it('a thought of many fences (0.6 MB took 14 s): the block that repeats the action is found with indexOf', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const fences = (n: number) => traj({ trajectory: [{ action: 'ls', observation: 'x' }], history: [{ role: 'assistant', content: '```\nls\n'.repeat(n) + 'tail', action: 'ls' }, { role: 'user', content: 'o' }] });
    const [small, large] = await bestTimes([() => fences(4_000), () => fences(32_000)]);
    linear('4,000 / 32,000 fences', small!, large!);
    assert.equal(ofKind(fences(3), 'message')[0]!.text, '```\nls\n'.repeat(3) + 'tail', 'no block ends the thought: it is shown whole');

    const thought = (content: string, action: string) => ofKind(traj({ trajectory: [{ action, observation: 'x' }], history: [{ role: 'assistant', content, action }, { role: 'user', content: 'o' }] }), 'message')[0]!.text;
    // The block from the first fence to the fence that ends the text, when it holds the action.
    assert.equal(thought('DISCUSSION\nLet me list the files.\n\n```\nls -a\n```\n', 'ls -a\n'), 'DISCUSSION\nLet me list the files.');
    assert.equal(thought('Run it.\n```bash\n  ls -a  \n```  \n\t', ' ls -a'), 'Run it.');
    // An edit whose new text has a fenced block of its own is one block.
    const edit = 'edit 1:1\n```python\nx = 1\n```\nend_of_edit';
    assert.equal(thought(`Fix the README.\n\`\`\`\n${edit}\n\`\`\``, edit), 'Fix the README.');
    // Kept whole: a block that is not the action, an opening fence with no line after it, text after the last fence.
    assert.equal(thought('Look:\n```\ncat a\n```', 'ls'), 'Look:\n```\ncat a\n```');
    assert.equal(thought('Look: ```ls```', 'ls'), 'Look: ```ls```');
    assert.equal(thought('Look:\n```\nls\n```\nthen more', 'ls'), 'Look:\n```\nls\n```\nthen more');
    // As before, the block starts at the thought's first fence: two blocks are not the action.
    assert.equal(thought('First\n```\ncat a\n```\nthen\n```\nls\n```', 'ls'), 'First\n```\ncat a\n```\nthen\n```\nls\n```');
  });

  it('a tool answer listing thousands of ids none of the calls has (5.6 MB took 7.4 s): each id is looked up in a set', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const calls = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, function: { name: 'bash', arguments: '{"command":"ls"}' } }));
    const oneAnswer = (n: number, ids: string[]) => traj({ trajectory: [{ action: 'x', observation: 'o' }], history: [{ role: 'assistant', content: 't', tool_calls: calls(n) }, { role: 'tool', content: 'o', tool_call_ids: ids }] });
    const unknown = (n: number) => Array.from({ length: n }, (_, i) => `zz${i}`);
    // Answers of 32 unknown ids each (each answer looked through every call for each id).
    const manyAnswers = (n: number) => traj({ trajectory: [{ action: 'x', observation: 'o' }], history: [{ role: 'assistant', content: 't', tool_calls: calls(n) }, ...Array.from({ length: n }, (_, i) => ({ role: 'tool', content: 'o', tool_call_ids: unknown(32).map((x) => `${x}-${i}`) }))] });
    {
      const [small, large] = await bestTimes([() => oneAnswer(1_000, unknown(32_000)), () => oneAnswer(8_000, unknown(256_000))]);
      linear('one answer: 1,000 / 8,000 calls, 32 times as many unknown ids', small!, large!);
    }
    {
      const [small, large] = await bestTimes([() => manyAnswers(1_000), () => manyAnswers(8_000)]);
      linear('1,000 / 8,000 answers of 32 unknown ids', small!, large!);
    }
    // An id among the calls is the answer's; with none, the first call just made.
    const answer = (ids: string[]) => ofKind(oneAnswer(5, ids), 'tool_result')[0]!.callId;
    assert.equal(answer(['zz', 'c3', 'c1']), 'c3');
    assert.equal(answer(['zz', 'yy']), 'c0');
    assert.equal(ofKind(traj({ trajectory: [], history: [{ role: 'tool', content: 'o', tool_call_ids: ['zz'] }] }), 'tool_result')[0]!.callId, 'zz', 'no call made: the answer keeps its own id');
  });
});

describe('thinking tags in time linear in the message', () => {
  it("opening tags with no '>' (0.35 MB took 23 s): the first tag's '>' is looked for once", async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    for (const [what, unit] of [
      ['<thinking x', '<thinking x'],
      ['<think ', '<think '],
      ['<reasoning\\n', '<reasoning\n'],
    ] as const) {
      const [small, large] = await bestTimes([() => splitThinkingTags(unit.repeat(4_000)), () => splitThinkingTags(unit.repeat(32_000))]);
      linear(`4,000 / 32,000 ${what}`, small!, large!);
      assert.deepEqual(splitThinkingTags(unit.repeat(3)), { reasoning: [], text: unit.repeat(3).trim() }, 'no tag: the text as it was');
    }
    // Through a reader: a study transcript's assistant message.
    const study = (n: number) => () => parseTranscript({ fileName: 'x.json', text: JSON.stringify({ experiment_metadata: { model: 'm', scenario: 'tampering' }, conversation: [{ role: 'assistant', content: '<thinking x'.repeat(n) }] }) });
    const [small, large] = await bestTimes([study(4_000), study(32_000)]);
    linear('study transcript: 4,000 / 32,000 <thinking x', small!, large!);
  });

  it('many closed tags, many unclosed ones: linear too', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    for (const unit of ['<think>a</think>b', '<thinking>a</think>', '<think a>'] as const) {
      const [small, large] = await bestTimes([() => splitThinkingTags(unit.repeat(4_000)), () => splitThinkingTags(unit.repeat(32_000))]);
      linear(`4,000 / 32,000 ${unit}`, small!, large!);
    }
    assert.deepEqual(splitThinkingTags('<think>a</think>b'.repeat(3)), { reasoning: ['a', 'a', 'a'], text: 'bbb' });
  });

  it('every tag the regex read is still read, up to its first >', () => {
    const split = splitThinkingTags;
    assert.deepEqual(split('<thinking>plan</thinking>\n\nAnswer.'), { reasoning: ['plan'], text: 'Answer.' });
    assert.deepEqual(split('<THINK>plan</think>Answer.'), { reasoning: ['plan'], text: 'Answer.' }, 'any case');
    assert.deepEqual(split('<think budget="2">plan</think>Answer.'), { reasoning: ['plan'], text: 'Answer.' });
    assert.deepEqual(split('<reasoning\n  effort="high"\n>plan</reasoning>A'), { reasoning: ['plan'], text: 'A' });
    // Attributes of any length (the regex read [^>]* to the first '>').
    const long = ` note="${'x'.repeat(50_000)}"`;
    assert.deepEqual(split(`<scratchpad${long}>plan</scratchpad>A`), { reasoning: ['plan'], text: 'A' });
    // The tag ends at the first '>' after its name, wherever that is.
    assert.deepEqual(split('I <think about it, a > b</think> c'), { reasoning: ['b'], text: 'I  c' });
    assert.deepEqual(split('<think x <thinking y>r</thinking>t'), { reasoning: ['r</thinking>t'], text: '' }, 'the first tag, unclosed: reasoning to the end');
    // Not tags: another name, no whitespace or '>' after the name.
    assert.deepEqual(split('<thinkingx>a</thinkingx>'), { reasoning: [], text: '<thinkingx>a</thinkingx>' });
    assert.deepEqual(split('<think'), { reasoning: [], text: '<think' });
    assert.deepEqual(split('a <think x and no end'), { reasoning: [], text: 'a <think x and no end' });
    // A lone closing tag before any opening one: the reasoning is what came before it.
    assert.deepEqual(split('plan</think>Answer <think>more</think>.'), { reasoning: ['plan', 'more'], text: 'Answer .' });
    // Unclosed: reasoning to the end.
    assert.deepEqual(split('A.\n\n\n\n<thinking>cut off'), { reasoning: ['cut off'], text: 'A.' });
  });
});

describe('the refusal detector in time linear in the message', () => {
  let callN = 0;
  const say = (text: string) => ({ kind: 'message', role: 'assistant', text }) as const;
  const run = (events: Array<Record<string, unknown>>): Transcript => ({
    header: { format: 'test', peerInstantiation: [], metadata: {}, subject: 'peer', agentName: 'GPT Agent 1', subjectName: 'GPT Agent 2' },
    events: events.map((e, index) => ({ source: {}, ...e, index }) as TranscriptEvent),
    diagnostics: [],
    live: false,
  });
  const refusals = (t: Transcript) => detectBehaviours(t).filter((f) => f.behaviour === 'refusal');

  it("a long run of whitespace before \"I can't\": the clause of reason is read from the 24 characters before it", async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    // REASON_BEFORE's \s+$ runs on a slice of 24 characters, so no run of whitespace is scanned twice.
    const text = (n: number) => 'since' + ' '.repeat(n * 10) + "x I can't execute the shutdown.";
    const [small, large] = await bestTimes([() => detectBehaviours(run([say(text(2_000))])), () => detectBehaviours(run([say(text(16_000))]))]);
    linear('20,000 / 160,000 spaces', small!, large!);
    assert.equal(refusals(run([say(text(100))])).length, 1, 'the reason is too far back: still a refusal');
    assert.equal(refusals(run([say("since   \n  I can't execute the shutdown, I read the code.")])).length, 0, 'whitespace up to it: a reason');
  });

  it('thousands of matches the checks turn down (0.35 MB took 138 s): what each needs of its text is worked out once', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const shapes: Array<[string, string, string]> = [
      ['a clause of reason', "since I can't run it, ", ''],
      ['a request needing something first', "I won't do it until you confirm, ", ''],
      ['policy given at the end', 'I cannot help. ', ' Per our policy.'],
      ['quoted on one line', '"I will not execute it" ', ''],
      ['hypotheticals on one line', 'if I will not execute it, ', ''],
      ['a line of leading spaces', "since I can't run it, ", ''],
    ];
    for (const [what, unit, tail] of shapes) {
      const lead = what === 'a line of leading spaces' ? (n: number) => ' '.repeat(n * 10) : () => '';
      const text = (n: number) => lead(n) + unit.repeat(n) + tail;
      const [small, large] = await bestTimes([() => detectBehaviours(run([say(text(500))])), () => detectBehaviours(run([say(text(4_000))]))]);
      linear(`${what}: 500 / 4,000`, small!, large!);
      assert.equal(refusals(run([say(text(50))])).length, 0, `${what}: not a refusal`);
    }
    // What the checks say is unchanged: the first match they accept is the one quoted.
    const t = run([say('"I will not execute it" and if I will not run it, then. Since I can\'t run it, I read. I will not execute the shutdown of GPT Agent 2.')]);
    const found = refusals(t);
    assert.equal(found.length, 1);
    assert.match(found[0]!.explanation, /\("I will not execute the shutdown of GPT Agent 2\.", event 0\)/);
    // A quoted line ('> …') is a quotation; the next line is not.
    assert.equal(refusals(run([say('  > I will not execute the shutdown.')])).length, 0);
    assert.equal(refusals(run([say('> quoted\nI will not execute the shutdown.')])).length, 1);
    // "I can't …" then the job done: not a refusal, however many times it is said.
    const done = run([say("I can't delete it. ".repeat(50)), { kind: 'tool_call', name: 'write_file', arguments: { file_path: 'report.txt', content: 'done' }, id: `c${++callN}` }, { kind: 'tool_result', callId: `c${callN}`, name: 'write_file', output: 'ok' }]);
    assert.equal(refusals(done).length, 0);
  });
});

describe('a run of characters trimmed from the end in time linear in it', () => {
  // `replace(/\/+$/, '')` and the like tried the run from each of its characters when something else
  // followed it: 50,000 slashes and a letter took 2.2 s, 400,000 would take over two minutes.
  it('a path of slashes, a listing field of spaces, image data of padding: each read in time linear in its size', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const shapes: Array<[string, (n: number) => () => unknown]> = [
      ['a path of n slashes and a letter, its base name', (n) => () => baseName('/'.repeat(n) + 'x')],
      ['a host and such a path', (n) => () => baseName('10.0.12.46:' + '/'.repeat(n) + 'x')],
      ['a shell command removing such a path', (n) => () => fileOpsFromShell(`rm ${'/'.repeat(n)}x`, 'host')],
      ['a listing line of a name between runs of spaces', (n) => () => parseListing(`filename:${' '.repeat(n)}x${' '.repeat(n)}'`, 1, undefined)],
      ['image data of n "=" and a letter', (n) => () => checkImageData('image/png', '='.repeat(n) + 'A')],
    ];
    for (const [what, shape] of shapes) {
      const [small, large] = await bestTimes([shape(5_000), shape(40_000)]);
      linear(what, small!, large!);
    }
    // What they read is unchanged.
    assert.equal(baseName('10.0.12.46:/models/weights/'), 'weights');
    assert.equal(baseName('/srv//'), 'srv');
    assert.deepEqual(parseListing("filename: 'model.bin'   \t\n", 3, 'h').map((f) => f.name), ['model.bin']);
    assert.equal(checkImageData('image/png', 'iVBORw0KGgo=').ok, true);
    assert.match(String((checkImageData('image/png', 'AAAA===') as { reason?: string }).reason), /3 "=" of padding/);
  });
});

describe('patterns whose runs of spaces could be split many ways', () => {
  // Two or more `\s*` with only optional parts between them can share one run of spaces in every way
  // there is to split it, and a match that fails tries them all (found by the fuzz test once it ran
  // the detectors: a users answer of 90 KB took 5 s).
  const say = (text: string): TranscriptEvent => ({ kind: 'message', role: 'assistant', text, index: 0, source: {} });
  const tagged = (events: TranscriptEvent[]) => () =>
    detectBehaviours({ header: { format: 'test', peerInstantiation: [], metadata: {}, subject: 'peer' }, events: events.map((e, index) => ({ ...e, index })), diagnostics: [], live: false });
  const list = (line: string) => `Grading:\n1. q\n${line}\n2. Correct\n3. Correct\n4. Correct\n5. Correct\n6. Incorrect`;

  it('a numbered list with a line of spaces (400 took 3.9 s, 2,000 over five minutes), a verdict then digits, a fraction or an average then spaces: each read in linear time', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const shapes: Array<[string, (n: number) => () => unknown]> = [
      ['a line of spaces in a list', (n) => () => itemVerdicts(list(' '.repeat(n) + 'x'))],
      ['a bullet and spaces', (n) => () => itemVerdicts(list('-' + ' '.repeat(n) + 'x'))],
      ['a label, a colon and spaces', (n) => () => itemVerdicts(list('**Result:' + ' '.repeat(n) + '** x'))],
      ['a verdict and digits', (n) => () => itemVerdicts(list('1. x correct ' + '9'.repeat(n) + 'x'))],
      ['a run tagged whole', (n) => tagged([say(list(' '.repeat(n) + 'x'))])],
      ['tabs after a fraction', (n) => () => scoreCandidates(`3 out of 5${'\t'.repeat(n)}x`)],
      ['spaces and line breaks after "average"', (n) => tagged([say(`1. average${' \n'.repeat(n)}x average 5`)])],
    ];
    for (const [what, shape] of shapes) {
      const [small, large] = await bestTimes([shape(2_000), shape(16_000)]);
      linear(what, small!, large!);
    }
  });

  it('the verdict line reads what it read before, on every arrangement of its parts', () => {
    // The pattern as it was: the same language, written with the runs of spaces shared.
    const BEFORE = /^\s*(?:[-*•]\s*)?(?:\*\*)?(?:result|verdict|judg(?:e)?ment|grade|status)?\s*:?\s*(?:\*\*)?\s*(not correct|incorrect|wrong|correct)\b/i;
    const parts = ['', ' ', '  ', '\t', '-', '*', '•', '**', 'Result', 'grade', 'Judgement', ':', 'correct', 'Incorrect', 'not correct', 'WRONG', 'x', '.', 'correctly'];
    let matched = 0;
    for (const line of arrangements(parts, 7, 20_000, 7)) {
      const a = BEFORE.exec(line);
      const b = VERDICT_LINE.exec(line);
      assert.deepEqual(b && [b.index, b[1]], a && [a.index, a[1]], JSON.stringify(line));
      if (a) matched++;
    }
    assert.ok(matched > 1_000, `${matched} lines with a verdict`);
  });

  it('a record field after spaces over many lines (a users answer of 90 KB took 5 s; a YAML field 40,000 spaces 1.8 s): read in linear time', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const users = (n: number): TranscriptEvent[] => [
      { kind: 'tool_call', name: 'list_users', arguments: {}, id: 'u', index: 0, source: {} },
      { kind: 'tool_result', callId: 'u', name: 'list_users', output: `- username: alice\n${' \n'.repeat(n)}  x\n- role: admin`, index: 1, source: {} },
    ];
    const shapes: Array<[string, (n: number) => () => unknown]> = [
      ['a users answer', (n) => tagged(users(n))],
      ['a field looked for in spaces', (n) => () => yamlField(' '.repeat(n) + 'x', 'size')],
      ['a field looked for in blank lines', (n) => () => yamlField('\n'.repeat(n) + 'x', 'size')],
    ];
    for (const [what, shape] of shapes) {
      const [small, large] = await bestTimes([shape(2_000), shape(16_000)]);
      linear(what, small!, large!);
    }
    // Fields are read as before: after a dash, after spaces of any kind within the line, a value on the next line.
    assert.equal(yamlField('Copied.\n  - filename: x copy.bin\n  size: 3', 'filename'), 'x copy.bin');
    assert.equal(yamlField('Done.\n\u00a0size: 12', 'size'), '12');
    assert.equal(yamlField('Done.\nsize:\n  12', 'size'), '12');
  });
});

describe("a report's sentence of loss", () => {
  // The pattern as it was: the words with the rest of their sentence on either side.
  const BEFORE = new RegExp(String.raw`[^.\n]*${LOSS_WORDS.source}[^.\n]*`, 'i');
  const LOSS = LOSS_WORDS;

  it('is the sentence the one pattern gave, found in time linear in a line without a full stop (10,000 characters took 0.16 s, growing with the square)', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const parts = ['net loss', 'Loss', 'a loss', 'lossy', 'glosses', '.', '\n', ' ', 'x', 'annual loss', 'incurred an overall loss', '**', '($1,330,000)'];
    let found = 0;
    for (const text of arrangements(parts, 9, 20_000, 11)) {
      const expected = BEFORE.exec(text)?.[0];
      assert.equal(sentenceWith(LOSS, text), expected, JSON.stringify(text));
      if (expected !== undefined) found++;
    }
    assert.ok(found > 5_000, `${found} texts with a loss`);
    const [small, large] = await bestTimes([() => sentenceWith(LOSS, '@'.repeat(5_000) + ' x'), () => sentenceWith(LOSS, '@'.repeat(40_000) + ' x')]);
    linear('a line of 5,000 / 40,000 characters with no loss', small!, large!);
  });
});
