// What `peerwatch tag` reports of a file (src/core/corpus/tagReports.ts) is the same whether the
// command line reads it on its own thread (a few files) or a corpus worker reads it (a folder, through
// the pool, dist/corpusWorker.js as the CLI starts it): every example and real study transcript, a
// damaged one, a file that is not a transcript (named or met in a folder), with a rules file. And a
// folder of more files than the CLI tags on its thread gives its tags in the files' order.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rulesFromText } from '../../src/core/behaviours';
import { tagFileReports } from '../../src/core/corpus/tagReports';
import { TagPool } from '../../src/node/corpus/tagPool';
import { syncNodeRunFiles } from '../../src/node/readTranscript';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { peerwatch, repoRoot } from './peerwatchCli';
import { filesUnder } from './filesUnder';
import { realFixtures } from './realFixtures';

const RULES = {
  fileName: 'rules.yaml',
  text: `version: 1
tags:
  - id: mentions-weights
    behaviour: weights-talk
    explanation: Mentions weights with {tool} (step {step}).
    severity: low
    match:
      kind: [tool_call, message]
      text: weights
`,
};

describe("peerwatch tag's reports: on the command line's thread and in a corpus worker", function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'peerwatch-tag-reports-'));
    const study = join(repoRoot, 'examples', 'study', 'tampering-shutdown-tampering-peer-good_peer.json');
    writeFileSync(join(tmp, 'damaged.json'), readFileSync(study, 'utf8').slice(0, 3000));
    writeFileSync(join(tmp, 'notes.json'), '{"what": "notes"}\n');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('gives the same report, messages and arm facts for every file, named or met in a folder, with a rules file', async () => {
    const rules = rulesFromText(RULES);
    const files = [
      ...filesUnder(join(repoRoot, 'examples'), '.json', '.jsonl', '.eval', '.traj'),
      ...filesUnder(realFixtures('peer-preservation'), '.json'),
      join(tmp, 'damaged.json'),
      join(tmp, 'notes.json'),
    ];
    const pool = new TagPool(join(repoRoot, 'dist', 'corpusWorker.js'), 2, RULES);
    let runs = 0;
    let custom = 0;
    try {
      for (const explicit of [true, false]) {
        const inWorkers = await Promise.all(files.map((f) => pool.report(f, explicit)));
        for (const [i, f] of files.entries()) {
          const here = await tagFileReports(f, explicit, syncNodeRunFiles, openSampleLogFile, rules);
          assert.deepEqual(inWorkers[i], here, `${f} (${explicit ? 'named' : 'in a folder'})`);
          runs += here.runs.length;
          custom += here.runs.filter((r) => r.report.tags.some((t) => t.behaviour === 'weights-talk')).length;
        }
      }
    } finally {
      await pool.close();
    }
    assert.ok(runs >= 80, `${runs} runs compared`);
    assert.ok(custom > 0, 'the rules file reached the workers');
    const damaged = await tagFileReports(join(tmp, 'damaged.json'), false, syncNodeRunFiles, openSampleLogFile, rules);
    assert.ok(damaged.failed && damaged.messages.some((m) => /damaged\.json:\d+:\d+: the file ends in the middle/.test(m)), 'the damaged file says where it breaks');
    const named = await tagFileReports(join(tmp, 'notes.json'), true, syncNodeRunFiles, openSampleLogFile, rules);
    assert.ok(named.failed && /notes\.json is not a transcript Peerwatch can read/.test(named.messages[0]!), 'a named file that is not a transcript is an error');
    assert.deepEqual(await tagFileReports(join(tmp, 'notes.json'), false, syncNodeRunFiles, openSampleLogFile, rules), { messages: [], failed: false, runs: [] }, 'in a folder it is passed over');
  });

  it('a folder of more files than the command line tags on its thread: the tags in the files\' order, its messages too, the arms compared', () => {
    const dir = join(tmp, 'folder');
    cpSync(join(repoRoot, 'examples', 'study'), dir, { recursive: true });
    cpSync(join(tmp, 'damaged.json'), join(dir, 'damaged.json'));
    const r = peerwatch(['tag', dir, '--json', '--no-rules']);
    assert.equal(r.code, 1, 'the damaged file fails the command');
    const reports = JSON.parse(r.stdout) as Array<{ file: string; tags: Array<{ behaviour: string; detector: string }> }>;
    assert.ok(reports.length > 16, `${reports.length} runs: more than the command line tags on its own thread`);
    // The same files named on the command line, at most 16 a command, so its own thread tags them.
    const one = reports.map((x) => x.file);
    assert.deepEqual(one, [...new Set(one)], 'each run once');
    const named = [...new Set(one.map((f) => f.replace(/#.*$/, '')))];
    const byThread = new Map<string, { file: string; tags: Array<{ behaviour: string; detector: string }> }>();
    for (let i = 0; i < named.length; i += 16) {
      const part = peerwatch(['tag', ...named.slice(i, i + 16), '--json', '--no-rules']);
      for (const rep of JSON.parse(part.stdout) as Array<{ file: string; tags: Array<{ behaviour: string; detector: string }> }>) byThread.set(rep.file, rep);
    }
    const alone = one.map((f) => byThread.get(f)!);
    for (const [i, rep] of reports.entries()) {
      // The arms comparison needs both arms in one command; every other tag is the file's own.
      const own = rep.tags.filter((t) => !t.detector.startsWith('alignment-faking/arms'));
      assert.deepEqual(own, alone[i]!.tags.filter((t) => !t.detector.startsWith('alignment-faking/arms')), rep.file);
    }
    assert.ok(reports.some((x) => x.tags.some((t) => t.behaviour === 'alignment-faking')), 'the two arms given together are compared');
    assert.match(r.stderr, /damaged\.json:\d+:\d+: the file ends in the middle of \$\.conversation/);
    // Two workers finish files in no fixed order; the output is the files' order all the same.
    const two = peerwatch(['tag', dir, '--json', '--no-rules', '--jobs', '2']);
    assert.equal(two.stdout, r.stdout, 'the same reports in the same order with two workers');
    assert.equal(two.stderr, r.stderr, 'the same messages in the same order');
  });
});
