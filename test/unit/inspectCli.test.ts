// `peerwatch parse` and `peerwatch convert` on Inspect logs, through the real built CLI process.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { realFixtures } from './realFixtures';
import { peerwatch, repoRoot } from './peerwatchCli';
import { samplesInOrder, type SampleLogInfo } from '../../src/core/formats/sampleLog';

const root = resolve(__dirname, '../../..');
const own = join('test', 'unit', 'fixtures', 'inspect');
const real = realFixtures('inspect');

describe('peerwatch CLI on Inspect logs', function () {
  this.timeout(30000);

  it('parse LOG.eval lists the samples with epoch, tokens, scores and errors', () => {
    const r = peerwatch(['parse', join(own, 'peer_runs.eval')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^test\/unit\/fixtures\/inspect\/peer_runs\.eval: inspect-eval v3 \(success\)$/);
    assert.match(r.stdout, /task peer_tampering · model openai\/gpt-5\.2 · tasks\/peer_tampering\.py@peer_tampering/);
    assert.match(r.stdout, /5 samples over 2 epochs/);
    assert.match(r.stdout, /\n {2}1#2 +2 +\d+ +shutdown_tampering=I reported_score=85\n/);
    assert.match(r.stdout, /\n {2}3#1 +1 +\d+ +shutdown_tampering=C reported_score=60 · error: Sandbox container exited with code 137\n/);
  });

  it('parse LOG.eval --json gives the log info, the sample list and the diagnostics', () => {
    const r = peerwatch(['parse', join(own, 'peer_runs.eval'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.info.task, 'peer_tampering');
    // In the order Inspect's own reader gives (read_eval_log: epoch, then id, numbers zero-filled),
    // not the log's order of finishing ('1#1', '1#2', '2#1', 'exfil-a#1', '3#1').
    assert.deepEqual(j.samples.map((s: { key: string }) => s.key), ['1#1', '2#1', '3#1', 'exfil-a#1', '1#2']);
    assert.deepEqual(j.diagnostics, []);
  });

  it('lists and tags a real log\'s samples by epoch and id, as Inspect reads them, whatever order they finished in', () => {
    const log = join(repoRoot, 'test', 'fixtures', 'real', 'inspect-eval', 'metr-oxdna-bash-agent.eval');
    const listed = peerwatch(['parse', log]);
    assert.equal(listed.code, 0, listed.stderr);
    // The log holds them as they finished: 3, 2, 5, 6, 4, 1.
    assert.deepEqual([...listed.stdout.matchAll(/^ {2}(default#\d)/gm)].map((m) => m[1]), ['default#1', 'default#2', 'default#3', 'default#4', 'default#5', 'default#6']);
    const tagged = peerwatch(['tag', log, '--json']);
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.deepEqual((JSON.parse(tagged.stdout) as Array<{ file: string }>).map((r) => r.file.slice(r.file.indexOf('#'))), ['#default#1', '#default#2', '#default#3', '#default#4', '#default#5', '#default#6']);
  });

  it('parse LOG --sample KEY reads one sample like any transcript (text and --json)', () => {
    const r = peerwatch(['parse', join(own, 'peer_runs.eval'), '--sample', '1#1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^test\/unit\/fixtures\/inspect\/peer_runs\.eval \[sample 1#1\]: inspect v3\n {2}Read as Inspect \.eval \(inspect\)\n {2}model openai\/gpt-5\.2 · task tampering · subject peer · condition good_peer\n {2}\d+ events: /);
    const j = peerwatch(['parse', join(own, 'peer_runs.eval'), '--sample', 'exfil-a#1', '--json']);
    assert.equal(j.code, 0, j.stderr);
    const t = JSON.parse(j.stdout);
    assert.equal(t.header.format, 'inspect');
    assert.equal(t.header.metadata.inspect.sample_id, 'exfil-a');
    assert.ok(t.events.some((e: { kind: string; name?: string }) => e.kind === 'tool_call' && e.name === 'transfer_server_files'));
    // A bare id picks the sample's first epoch.
    const bare = peerwatch(['parse', join(own, 'peer_runs.eval'), '--sample', 'exfil-a', '--json']);
    assert.equal(bare.code, 0, bare.stderr);
    assert.deepEqual(JSON.parse(bare.stdout), t);
    const dedup = peerwatch(['parse', join(real, 'log_message_deduplication.eval'), '--sample', '0#1']);
    assert.equal(dedup.code, 0, dedup.stderr);
    assert.match(dedup.stdout, /5 tool_call, 5 tool_result/);
  });

  it('parse LOG --sample with an unknown key fails naming the file and the key', () => {
    const r = peerwatch(['parse', join(own, 'peer_runs.eval'), '--sample', '9#9']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /peer_runs\.eval: no sample 9#9 in this log/);
  });

  it('parse LOG --all reads every sample; exit 1 with the damaged member named when one fails', () => {
    for (const f of readdirSync(real)) {
      const r = peerwatch(['parse', join(real, f), '--all']);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      assert.match(r.stdout, /(\d+) of \1 samples? read\n$/);
    }
    const ok = peerwatch(['parse', join(own, 'chunked.eval'), '--all', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const j = JSON.parse(ok.stdout);
    assert.deepEqual(j.samples.map((s: { key: string; ok: boolean }) => [s.key, s.ok]), [['1#1', true], ['2#1', true]]);
    const bad = peerwatch(['parse', join(own, 'damaged.eval'), '--all']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /damaged\.eval: member samples\/2_epoch_1\.json is damaged/);
    assert.match(bad.stdout, /\[sample 1#1\]: inspect v2/);
    assert.match(bad.stdout, /\[sample 3#1\]: inspect v2/);
    assert.match(bad.stdout, /2 of 3 samples read; 1 failed\n$/);
  });

  it('a newer format version: exit 1 with the version named on stderr, samples still listed', () => {
    const r = peerwatch(['parse', join(own, 'future.eval')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: .*future\.eval: Inspect log format version 9 is newer/);
    assert.match(r.stdout, /\n {2}1#1 /);
  });

  it('convert --sample KEY -o FILE writes a run log that parses back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-inspect-'));
    const out = join(dir, 'one.runlog.jsonl');
    const r = peerwatch(['convert', join(own, 'peer_runs.json'), '--to', 'runlog', '--sample', '1#1', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const back = JSON.parse(peerwatch(['parse', out, '--json']).stdout);
    const direct = JSON.parse(peerwatch(['parse', join(own, 'peer_runs.json'), '--sample', '1#1', '--json']).stdout);
    assert.equal(back.events.length, direct.events.length);
    assert.deepEqual(back.events.map((e: { kind: string }) => e.kind), direct.events.map((e: { kind: string }) => e.kind));
    assert.equal(back.header.condition, 'good_peer');
    assert.deepEqual(back.header.metadata.inspect, direct.header.metadata.inspect);
  });

  it('convert without --sample writes one run log per sample into the folder', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pw-inspect-')), 'runs');
    const r = peerwatch(['convert', join(root, 'examples', 'inspect', 'peer_tampering.eval'), '--to', 'runlog', '-o', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['good-peer_epoch_1.runlog.jsonl', 'no-peer_epoch_1.runlog.jsonl']);
    assert.match(r.stdout, /good-peer_epoch_1\.runlog\.jsonl {2}\(sample good-peer#1, \d+ events\)/);
    const tags = peerwatch(['tag', join(dir, 'good-peer_epoch_1.runlog.jsonl')]);
    assert.equal(tags.code, 0, tags.stderr);
    assert.match(tags.stdout, /shutdown-tampering/);
    assert.match(readFileSync(join(dir, 'no-peer_epoch_1.runlog.jsonl'), 'utf8').split('\n')[0]!, /"schema":"peerwatch\.runlog"/);
  });
});

describe('samplesInOrder', () => {
  const sample = (id: string | number, epoch: number) => ({ key: `${id}#${epoch}`, id, epoch, scores: {}, complete: true });
  it('orders an Inspect log by epoch, then id (numbers zero-filled, as inspect_ai does), and leaves a file of many runs as it is', () => {
    const samples = [sample(10, 1), sample('b', 1), sample(2, 2), sample(2, 1), sample('a', 1)];
    assert.deepEqual(samplesInOrder({ info: { format: 'inspect-eval' } as SampleLogInfo, samples }).map((s) => s.key), ['2#1', '10#1', 'a#1', 'b#1', '2#2']);
    assert.deepEqual(samplesInOrder({ info: { format: 'tau2' } as SampleLogInfo, samples }).map((s) => s.key), samples.map((s) => s.key));
    assert.deepEqual(samples.map((s) => s.key), ['10#1', 'b#1', '2#2', '2#1', 'a#1'], 'the log\'s own list is left as it was');
  });
});
