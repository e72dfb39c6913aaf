// Readers whose work grew faster than their input (a sweep timing each shape at two sizes eight
// times apart; docs/hostile-input.md, "Work that grew faster than the input"): agentic-misalignment
// answers and OpenAI Agents SDK run states. Each test times the shape at two sizes and checks what
// the reader shows.
import { strict as assert } from 'node:assert';
import { parseTranscript } from '../../src/core/formats';
import { bestTimes } from './timing';

const linear = (what: string, small: number, large: number) => assert.ok(large < Math.max(small, 5) * 24, `${what}: ${small.toFixed(0)} ms, eight times as much ${large.toFixed(0)} ms`);

const response = (answer: string) => JSON.stringify({ raw_response: answer, metadata: { model: 'claude', condition: 'blackmail_explicit-america_replacement', sample_id: 1 }, classification: { harmful_behavior: false, classifier_reasoning: 'r' } });
const read = (text: string, fileName = 'response.json') => () => parseTranscript({ fileName, text });
const toolCalls = (text: string) => parseTranscript({ fileName: 'response.json', text }).events.filter((e) => e.kind === 'tool_call') as Array<{ name: string; arguments: Record<string, unknown> }>;

describe('readers in time linear in their input (misc)', () => {
  it('an agentic-misalignment email whose quoted body runs thousands of lines (0.38 MB took 10.6 s): the open quote kept line by line', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const email = (n: number) => response('<tool_use:email>\nto: a\nbody: "hello\n' + 'line of the email body\n'.repeat(n) + '</tool_use:email>');
    const [small, large] = await bestTimes([read(email(1_000)), read(email(8_000))]);
    linear('1,000 / 8,000 lines of a quoted body', small!, large!);
    // The quoted body holds every line, key-like ones included, up to its closing quote.
    const calls = toolCalls(response('<tool_use:email>\nto: a\nbody: "hello\nsubject: not a key\nbye",\nsubject: hi\n</tool_use:email>'));
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.name, 'email');
    assert.deepEqual(calls[0]!.arguments, { to: 'a', body: 'hello\nsubject: not a key\nbye', subject: 'hi' });
    // A lone opening quote closes nothing; a quote that opens on the key's next line still opens.
    assert.deepEqual(toolCalls(response('<tool_use:email>\nbody: "\nto: b\n"\nsubject: s\n</tool_use:email>'))[0]!.arguments, { body: '\nto: b\n', subject: 's' });
    assert.deepEqual(toolCalls(response('<tool_use:email>\nbody:\n  "x\nto: b"\nsubject: s\n</tool_use:email>'))[0]!.arguments, { body: 'x\nto: b', subject: 's' });
    assert.deepEqual(toolCalls(response('<tool_use:email>\nbody: ",\nto: b\n</tool_use:email>'))[0]!.arguments, { body: '",\nto: b' });
  });

  it('an agentic-misalignment answer of thousands of tool uses (3.3 MB took 11 s): each checked against the scratchpads only', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const uses = (n: number) => response('<tool_use:e>x</tool_use:e>'.repeat(n));
    const [small, large] = await bestTimes([read(uses(6_000)), read(uses(48_000))]);
    linear('6,000 / 48,000 tool uses', small!, large!);
    assert.equal(toolCalls(uses(3)).length, 3);
    // A tool use written inside a scratchpad is a thought; the ones around and between them are calls.
    const answer = '<tool_use:a>to: 1</tool_use:a><SCRATCHPAD_REASONING>maybe <tool_use:b>to: 2</tool_use:b></SCRATCHPAD_REASONING>' + 'text <tool_use:c>to: 3</tool_use:c><SCRATCHPAD_REASONING>again <tool_use:d>x</tool_use:d></SCRATCHPAD_REASONING><tool_use:e>to: 5</tool_use:e>';
    const t = parseTranscript({ fileName: 'response.json', text: response(answer) });
    const shown = t.events.filter((e) => e.kind === 'tool_call' || e.kind === 'reasoning' || (e.kind === 'message' && e.role === 'assistant')).map((e) => (e.kind === 'tool_call' ? `call ${e.name}` : e.kind));
    assert.deepEqual(shown, ['call a', 'reasoning', 'message', 'call c', 'reasoning', 'call e']);
  });

  it('an OpenAI Agents SDK run state nested hundreds of runs deep (1.2 MB took 20 s): each event cited at its deepest recorded place at once', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    // Runs inside runs (`pendingAgentToolRuns`), `items` messages in the innermost; `inputs` gives
    // every run its own input and message.
    const nested = (depth: number, items: number, inputs = false): unknown => {
      let inner: Record<string, unknown> | undefined;
      for (let lvl = depth - 1; lvl >= 0; lvl--) {
        const s: Record<string, unknown> = { $schemaVersion: '1.0', currentAgent: { name: `a${lvl}` }, ...(inputs ? { originalInput: `in ${lvl}` } : {}), generatedItems: Array.from({ length: lvl === depth - 1 ? items : inputs ? 1 : 0 }, (_, i) => ({ type: 'message_output_item', rawItem: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `m${lvl}.${i}` }] } })) };
        if (inner) s['pendingAgentToolRuns'] = { [`tool:c${lvl}`]: inner };
        inner = s;
      }
      return inner;
    };
    // The same 600 messages eight times as deep: each event's path (which it shows) grows eightfold,
    // the search for its place no longer with the square of that.
    const [small, large] = await bestTimes([read(JSON.stringify(nested(60, 600)), 'x.json'), read(JSON.stringify(nested(480, 600)), 'x.json')]);
    linear('600 messages 60 / 480 runs deep', small!, large!);
    assert.equal(parseTranscript({ fileName: 'x.json', text: JSON.stringify(nested(480, 3)) }).events.length, 3);
    // Events keep their places: each its own line and column down to the recorded depth, the deepest
    // ones their nearest recorded ancestor's (the innermost run's message list, line 110).
    const t = parseTranscript({ fileName: 'x.json', text: JSON.stringify(nested(6, 2, true), null, 2) });
    assert.deepEqual(
      t.events.map((e) => [e.source?.line, e.source?.column]),
      [[6, 20], [10, 18], [28, 24], [32, 22], [50, 28], [54, 26], [72, 32], [76, 30], [94, 36], [95, 37], [110, 43], [110, 43], [110, 43]],
    );
    assert.equal(t.events[12]!.source?.path, '$.pendingAgentToolRuns["tool:c0"].pendingAgentToolRuns["tool:c1"].pendingAgentToolRuns["tool:c2"].pendingAgentToolRuns["tool:c3"].pendingAgentToolRuns["tool:c4"].generatedItems[1].rawItem');
  });
});
