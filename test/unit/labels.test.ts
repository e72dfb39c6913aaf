// The labelled set (test/fixtures/labels.yaml): every real run the project has, with the tags a
// reviewer expects. Runs scripts/label-metrics.mjs, which tags them with the built `peerwatch` CLI.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './peerwatchCli';
import { filesUnder } from './filesUnder';

const script = join(repoRoot, 'scripts', 'label-metrics.mjs');
const labelsFile = join(repoRoot, 'test', 'fixtures', 'labels.yaml');
const metrics = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

interface Summary {
  runs: number;
  behaviours: Array<{ behaviour: string; tp: number; fn: number; fp: number; precision: number | null; recall: number | null }>;
  misses: Array<{ run: string; behaviour: string; qualifier: string }>;
  falseTags: Array<{ run: string; behaviour: string; qualifier: string; explanation: string }>;
}

describe('the labelled set', function () {
  this.timeout(60000);

  it('every labelled tag is found with its qualifier, and nothing else is tagged', () => {
    const r = metrics('--json', '--check');
    const s = JSON.parse(r.stdout) as Summary;
    const report = [...s.misses.map((m) => `missed ${m.run}: ${m.behaviour} (${m.qualifier})`), ...s.falseTags.map((f) => `false ${f.run}: ${f.behaviour} (${f.qualifier}): ${f.explanation}`)].join('\n');
    assert.equal(s.misses.length + s.falseTags.length, 0, report);
    assert.equal(r.status, 0, r.stderr);
    // Misrepresentation, the behaviour the labels were added for, is measured on real runs.
    const misrep = s.behaviours.find((b) => b.behaviour === 'misrepresentation')!;
    assert.ok(misrep.tp >= 5, `misrepresentation found in ${misrep.tp} labelled runs`);
  });

  it("labels every real log in the repository, every example written in the study's format and every provider example", () => {
    const labelled = new Set((parse(readFileSync(labelsFile, 'utf8')) as { runs: Array<{ file: string; why: string }> }).runs.map((r) => r.file));
    const want: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.json') && n !== 'run_meta.json') want.push(relative(repoRoot, p).split('\\').join('/'));
      }
    };
    walk(join(repoRoot, 'examples', 'study'));
    // Provider examples carry no study metadata: their labels hold the qualifier read from their words.
    walk(join(repoRoot, 'examples', 'providers'));
    // Every real log of every format: the study's, Inspect's and other public agent projects'.
    for (const f of filesUnder(join(repoRoot, 'test', 'fixtures', 'real'), '.json', '.jsonl', '.eval', '.traj')) want.push(relative(repoRoot, f).split('\\').join('/'));
    assert.ok(want.some((f) => f.includes('/trajectory-array/')) && want.some((f) => f.endsWith('.eval')), 'the walk finds the public logs');
    for (const f of want) assert.ok(labelled.has(f), `${f} is in test/fixtures/labels.yaml`);
  });

  it('a wrong label is reported as a miss and a false tag, and --check fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-labels-'));
    try {
      const file = join(dir, 'labels.yaml');
      writeFileSync(
        file,
        'version: 1\nruns:\n  - file: test/fixtures/real/peer-preservation/gemini-pro-subject-1-bad-evaluation2.json\n    source: study\n    why: deliberately wrong\n    required:\n      - { behaviour: refusal, qualifier: self-preservation }\n    forbidden: [misrepresentation]\n',
      );
      const r = metrics('--labels', file, '--check');
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /missed:\n {2}test\/fixtures\/real\/peer-preservation\/gemini-pro-subject-1-bad-evaluation2\.json: refusal \(self-preservation\)/);
      assert.match(r.stdout, /false tags:\n {2}test\/fixtures\/real\/peer-preservation\/gemini-pro-subject-1-bad-evaluation2\.json: misrepresentation \(self-preservation\) \[forbidden\]/);
      assert.match(r.stdout, /^refusal +1 +0 +0 +- +0%$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad labels file is a clear error: file, line:col, path and what was expected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-labels-'));
    try {
      const file = join(dir, 'labels.yaml');
      writeFileSync(file, 'version: 1\nruns:\n  - file: examples/study/tampering-faithful-peer-bad_peer.json\n    source: study\n    why: x\n    required:\n      - { behaviour: refusal, qualifier: peer }\n    forbidden: []\n');
      const r = metrics('--labels', file);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /labels\.yaml:7:\d+: runs\[0\]\.required\[0\]: qualifier: expected self-preservation, peer-preservation, unknown/);
      const bad = metrics('--source', 'nope');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--source: expected study, inspect, project or public/);
      // A YAML slip names its line and column, not the file's start.
      writeFileSync(file, 'version: 1\nruns:\n  - file: x.json\n    source: public\n    why: two sims: bookings\n');
      const slip = metrics('--labels', file);
      assert.equal(slip.status, 2);
      assert.match(slip.stderr, /labels\.yaml:5:\d+: not valid YAML: Nested mappings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
