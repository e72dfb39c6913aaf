// The study's config replay in time linear in the run: each `modify_var` wrote the whole config twice
// as YAML (the config_change's before and after), so a dict of n keys changed n times cost n × n
// (1,000 keys took 7 s; docs/hostile-input.md, "Work that grew faster than the input"). Past a
// budget of text a change keeps its key, old and new value and says why the whole file is not shown.
import { strict as assert } from 'node:assert';
import { parseTranscript } from '../../src/core/formats';
import * as replayModule from '../../src/core/formats/study/configReplay';
import { bestTimes } from './timing';

const linear = (what: string, small: number, large: number) => assert.ok(large < Math.max(small, 5) * 24, `${what}: ${small.toFixed(0)} ms, eight times as much ${large.toFixed(0)} ms`);

const em = { experiment_metadata: { model: 'm', scenario: 'tampering' } };
/** A study transcript: `view_config` answered by a dict of `n` keys, then a `modify_var` of each key. */
function viewThenModifyEach(n: number): string {
  const dict = '{' + Array.from({ length: n }, (_, i) => `'k${i}': ${i}`).join(', ') + '}';
  return JSON.stringify({
    ...em,
    conversation: [
      { role: 'assistant', content: '', tool_calls: { view_config: {} } },
      { role: 'tool', content: dict },
      ...Array.from({ length: n }, (_, i) => [
        { role: 'assistant', content: '', tool_calls: { modify_var: { key: `k${i}`, value: i + 5000 } } },
        { role: 'tool', content: 'Modified' },
      ]).flat(),
    ],
  });
}

const configChanges = (text: string) => parseTranscript({ fileName: 'x.json', text }).events.filter((e) => e.kind === 'config_change');

describe('study config replay in time linear in the run', () => {
  it('a dict of 1,000 keys each changed once (0.14 MB took 7 s): every change keeps key, old and new', async function () {
    this.timeout(60_000); // how the time grows is asserted; a busy machine may take long for both sizes
    const small = viewThenModifyEach(125);
    const large = viewThenModifyEach(1_000);
    let read: ReturnType<typeof parseTranscript> | undefined;
    const [tSmall, tLarge] = await bestTimes([() => parseTranscript({ fileName: 'x.json', text: small }), () => (read = parseTranscript({ fileName: 'x.json', text: large }))]);
    linear('125 / 1,000 keys each changed', tSmall!, tLarge!);

    // Every change is there, with the key, its old value from the view and the new one.
    const changes = read!.events.filter((e) => e.kind === 'config_change');
    assert.equal(changes.length, 1_000);
    changes.forEach((c, i) => {
      assert.equal(c.op, 'modify');
      assert.equal(c.key, `k${i}`);
      assert.equal(c.oldValue, i);
      assert.equal(c.newValue, i + 5000);
      assert.equal(c.beforeKnown, true);
    });
    // The first changes still show the whole file; the later ones say why they do not.
    assert.match(changes[0]!.before, /^k0: 0$/m);
    assert.match(changes[0]!.after, /^k999: 999$/m);
    const last = changes[999]!;
    assert.equal(last.before, last.after, 'the same note on both sides: no changed line in a diff');
    assert.match(last.after, /^# whole file not written from this run's config change \d+ on: .*passed [\d,]+ characters/);
    // One warning says so, at the first change without the whole file, naming the file and the call.
    const warnings = read!.diagnostics.filter((d) => d.severity === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(read!.diagnostics));
    const m = /^x\.json:1:\d+ \(\$\.conversation\[(\d+)\]\.tool_calls\.modify_var\): config changes from change (\d+) on show the changed key, old and new value but not the whole file before and after: the run's config texts passed 200,000 characters$/.exec(warnings[0]!.message);
    assert.ok(m, warnings[0]!.message);
    const first = changes[Number(m[2]) - 1]!;
    assert.match(first.after, /^# whole file not written/);
    assert.doesNotMatch(changes[Number(m[2]) - 2]!.after, /^# whole file not written/);
    assert.equal(warnings[0]!.afterEvent, first.index, 'after the change it names');
    assert.equal(Number(m[1]), 2 * Number(m[2]), "at that change's call");
  });

  it('a small config keeps its whole-file before and after', () => {
    const text = JSON.stringify({
      ...em,
      conversation: [
        { role: 'assistant', content: '', tool_calls: { view_config: {} } },
        { role: 'tool', content: "{'shutdown_enabled': True, 'interval': 30}" },
        { role: 'assistant', content: '', tool_calls: { modify_var: { key: 'shutdown_enabled', value: false } } },
        { role: 'tool', content: 'Modified' },
        { role: 'assistant', content: '', tool_calls: { modify_var: { key: 'interval', value: 'False' } } },
        { role: 'tool', content: 'Modified' },
      ],
    });
    const [a, b] = configChanges(text);
    assert.deepEqual([a!.key, a!.oldValue, a!.newValue], ['shutdown_enabled', true, false]);
    assert.equal(a!.before, 'shutdown_enabled: true\ninterval: 30\n');
    assert.equal(a!.after, 'shutdown_enabled: false\ninterval: 30\n');
    assert.deepEqual([b!.key, b!.oldValue, b!.newValue], ['interval', 30, 'False']);
    assert.equal(b!.before, 'shutdown_enabled: false\ninterval: 30\n');
    assert.equal(b!.after, "shutdown_enabled: false\ninterval: 'False'\n");
  });

  it('past the budget, a change inside a map leaves the earlier change values as they were', () => {
    const replay = new replayModule.ConfigReplay();
    const n = 1_000;
    replay.view(undefined, '{' + Array.from({ length: n }, (_, i) => `'k${i}': ${i}`).join(', ') + ", 'pod': {'instance': 1}}");
    assert.equal(replay.takeBudgetWarning(), undefined);
    for (let i = 0; i < 200; i++) replay.change('modify', { key: `k${i}`, value: i + 1 }, 'ok');
    const whole = replay.change('modify', { key: 'pod', value: { instance: 5 } }, 'ok')!;
    const inner = replay.change('modify', { key: 'pod.instance', value: 6 }, 'ok')!;
    assert.deepEqual(whole.oldValue, { instance: 1 });
    assert.deepEqual(whole.newValue, { instance: 5 });
    assert.deepEqual([inner.key, inner.oldValue, inner.newValue], ['pod.instance', 5, 6]);
    assert.match(replay.takeBudgetWarning() ?? '', /^config changes from change \d+ on show the changed key, old and new value but not the whole file/);
    assert.equal(replay.takeBudgetWarning(), undefined, 'the warning is given once');
  });
});
