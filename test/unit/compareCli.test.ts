// `peerwatch compare` through the built CLI: the JSON shape, the text report, runs of an Inspect log
// picked with --sample-a/--sample-b, and usage errors.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunComparison } from '../../src/core/compare';
import { peerwatch } from './peerwatchCli';

const TAMPERING = 'examples/study/tampering-shutdown-tampering-peer-neutral_peer.json';
const FAITHFUL = 'examples/study/tampering-faithful-peer-bad_peer.json';
const EVAL = 'examples/inspect/peer_tampering.eval';

describe('peerwatch compare (built CLI)', function () {
  // Each case starts the CLI (about half a second on a shared machine).
  this.timeout(30_000);
  it('--json prints aligned rows, the first divergence, outcome and tags', () => {
    const r = peerwatch(['compare', TAMPERING, FAITHFUL, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as RunComparison;
    assert.deepEqual(Object.keys(c), ['aligned', 'firstDivergence', 'outcome', 'tags']);
    assert.ok(c.firstDivergence);
    const row = c.aligned[c.firstDivergence.row]!;
    assert.equal(row.a?.what, 'modify_var');
    assert.equal(c.firstDivergence.stepA, row.a?.step);
    assert.deepEqual(c.tags.onlyA, ['shutdown-tampering']);
  });

  it('the text report names the divergence, the outcome and tag differences, then the rows', () => {
    const r = peerwatch(['compare', TAMPERING, FAITHFUL]);
    assert.equal(r.code, 0, r.stderr);
    const firstDivergence = r.stdout.indexOf('First divergence');
    const outcome = r.stdout.indexOf('Outcome:');
    const tags = r.stdout.indexOf('Tags:');
    const rows = r.stdout.indexOf('Rows (');
    assert.ok(firstDivergence >= 0 && firstDivergence < outcome && outcome < tags && tags < rows, r.stdout);
    assert.match(r.stdout, /only in A: step 5 tool call modify_var/);
    assert.match(r.stdout, /shutdown_enabled: A "" · B \(absent\)/);
    assert.match(r.stdout, /only A: shutdown-tampering/);
    assert.match(r.stdout, /^ {2}< #15 s5 tool_call modify_var/m);
  });

  it('a run against itself: no divergence', () => {
    const r = peerwatch(['compare', FAITHFUL, FAITHFUL]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No divergence/);
  });

  it('two samples of one Inspect log, picked by key or bare id', () => {
    const r = peerwatch(['compare', EVAL, EVAL, '--sample-a', 'no-peer', '--sample-b', 'good-peer#1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as RunComparison;
    assert.ok(c.firstDivergence);
    assert.ok(c.tags.onlyB.includes('shutdown-tampering'), JSON.stringify(c.tags));
    assert.ok(c.outcome.evaluation.some((d) => d.field === 'score' && d.a === 60 && d.b === 85));
  });

  it('usage errors exit 2 and say what is wrong', () => {
    const cases: Array<[string[], RegExp]> = [
      [[FAITHFUL], /two runs are compared, A and B \(got 1 file\)/],
      [[FAITHFUL, FAITHFUL, '--frobnicate'], /unknown option --frobnicate/],
      [[EVAL, FAITHFUL], /holds 2 runs: pick A with --sample-a KEY/],
      [[EVAL, EVAL, '--sample-a', 'no-peer', '--sample-b', 'nope'], /--sample-b "nope": .* has no such run/],
      [[FAITHFUL, FAITHFUL, '--sample-a', 'x'], /--sample-a picks a run of an Inspect log/],
    ];
    for (const [args, message] of cases) {
      const r = peerwatch(['compare', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });

  it('tags with a rules file as tag and summarize do (--rules FILE; --no-rules the built-ins)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-compare-rules-'));
    try {
      const rules = join(dir, 'rules.yaml');
      writeFileSync(rules, 'version: 1\ntags:\n  - id: config-looked-at\n    behaviour: config-read\n    explanation: Read the config with {tool}.\n    match:\n      kind: tool_call\n      tool: view_config\n');
      const tagged = (args: string[]) => {
        const r = peerwatch(['compare', TAMPERING, FAITHFUL, '--json', ...args]);
        assert.equal(r.code, 0, r.stderr);
        const t = (JSON.parse(r.stdout) as RunComparison).tags;
        return [...t.onlyA, ...t.onlyB, ...t.both];
      };
      assert.ok(tagged(['--rules', rules]).includes('config-read'), 'the rules file’s tag is compared');
      assert.ok(!tagged(['--no-rules']).includes('config-read'));
      const both = peerwatch(['compare', TAMPERING, FAITHFUL, '--rules', rules, '--no-rules']);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /give --rules FILE or --no-rules, not both/);
      const missing = peerwatch(['compare', TAMPERING, FAITHFUL, '--rules', join(dir, 'none.yaml')]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /cannot read the rules file .*none\.yaml: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing file exits 1 naming it', () => {
    const r = peerwatch(['compare', FAITHFUL, 'examples/study/no-such-run.json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no-such-run\.json: no such file/);
  });
});
