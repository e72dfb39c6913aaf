// Hostile and damaged logs: each finding of the attack run has a test here (the shell reader's
// Unicode spaces are in shell.test.ts, re-run arguments in rerun.test.ts, run-log lines in
// runlogIndex.test.ts).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotATranscriptError, parseTranscript } from '../../src/core/formats';
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

describe('hostile logs of many calls', () => {
  it('an assistant message of thousands of tool calls, answered one by one, opens in time linear in the calls', function () {
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
    const [small, large] = bestTimes([open(4_000), open(32_000)]);
    assert.ok(large! < Math.max(small!, 5) * 24, `4,000 calls in ${small!.toFixed(0)} ms, 32,000 in ${large!.toFixed(0)} ms`);
  });
});
