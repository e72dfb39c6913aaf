/**
 * The corpus loader as the web extension has it (corpusFolder.web.ts in this bundle, as in
 * dist/web/extension.js), in the web worker extension host: a folder of study runs, a production-harness
 * run and an Inspect `.eval` is walked and read through `vscode.workspace.fs`, tagged in the host with
 * the tags the detectors give each file parsed here, its index written to FOLDER/.peerwatch/index.jsonl
 * through `vscode.workspace.fs`; loaded again, every file comes from the index and none is read.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { detectBehaviours } from '../../src/core/behaviours';
import { parseTranscript } from '../../src/core/formats';
import { openSampleLogAt } from '../../src/host/files';
import { CorpusLoader } from '../../src/host/corpus/corpusLoader';

const decoder = new TextDecoder();
const report = (line: string) => (globalThis as { peerwatchTestReport?: (line: string) => void }).peerwatchTestReport?.(line);
const tagKeys = (tags: readonly { behaviour: string; events: readonly number[] }[]) => tags.map((t) => `${String(t.behaviour)}@${t.events.join(',')}`).sort();

const STUDY = ['tampering-shutdown-tampering-peer-good_peer.json', 'exfiltration_transfer-exfiltration-peer-good_peer.json', 'tampering-faithful-peer-bad_peer.json'];
const EVAL = 'peer_tampering.eval';

describe('Peerwatch in the web worker extension host: the corpus of a folder', function () {
  this.timeout(60_000);
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;
  const corpus = () => vscode.Uri.joinPath(root(), '.web-corpus-scratch');

  before(async () => {
    const ext = vscode.extensions.getExtension('peerwatch.peerwatch');
    await ext?.activate();
    await vscode.workspace.fs.createDirectory(corpus());
    for (const n of STUDY) await vscode.workspace.fs.copy(vscode.Uri.joinPath(root(), 'study', n), vscode.Uri.joinPath(corpus(), n));
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(root(), 'inspect', EVAL), vscode.Uri.joinPath(corpus(), 'logs', EVAL));
    // A hidden folder and a review sidecar are not runs (the walk skips them).
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(root(), 'study', STUDY[0]!), vscode.Uri.joinPath(corpus(), '.hidden', STUDY[0]!));
  });
  after(async () => {
    await vscode.workspace.fs.delete(corpus(), { recursive: true }).then(undefined, () => undefined);
  });

  it('tags a folder in the host with the tags each file has, keeps its index through vscode.workspace.fs, and loaded again reads nothing', async () => {
    const ext = vscode.extensions.getExtension('peerwatch.peerwatch')!;
    const started = Date.now();
    const first = await new CorpusLoader(ext.extensionUri).load(corpus());
    const took = Date.now() - started;
    assert.deepEqual(first.totals.problems, []);
    assert.equal(first.totals.files, STUDY.length + 1, 'the study runs and the .eval, not the hidden folder');
    assert.equal(first.totals.tagged, first.totals.files);
    assert.equal(first.totals.fromIndex, 0);

    // Each study run's tags are those the detectors give the file parsed here.
    for (const n of STUDY) {
      const uri = vscode.Uri.joinPath(corpus(), n);
      const run = first.runs.find((r) => r.file === uri.path);
      assert.ok(run, `${n} is a run of the corpus`);
      assert.equal(first.uriOf(run.file).toString(), uri.toString());
      const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
      assert.deepEqual(tagKeys(run.tags), tagKeys(detectBehaviours(parseTranscript({ fileName: n, text }))), `${n}'s tags`);
    }
    // Each complete sample of the log is a run, tagged as the sample read here.
    const logUri = vscode.Uri.joinPath(corpus(), 'logs', EVAL);
    const log = await openSampleLogAt(logUri, EVAL);
    assert.ok(log);
    const samples = first.runs.filter((r) => r.file === logUri.path);
    assert.deepEqual(samples.map((r) => r.sample).sort(), log.samples.filter((s) => s.complete).map((s) => s.key).sort());
    for (const s of samples) assert.deepEqual(tagKeys(s.tags), tagKeys(detectBehaviours(await log.readSample(s.sample!))), `sample ${s.sample}'s tags`);

    const index = decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(corpus(), '.peerwatch', 'index.jsonl')));
    const header = JSON.parse(index.split('\n')[0]!) as { schema: string; detector: string };
    assert.equal(header.schema, 'peerwatch.corpus-index');
    assert.match(header.detector, /^web-sha256:[0-9a-f]{16}$/, 'the web bundle names the detectors');
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(corpus(), '.peerwatch'));
    assert.deepEqual(entries.map(([n]) => n), ['index.jsonl'], 'no temporary file left beside the index');

    // Loaded again (a new loader, as after a reload): every file from the index, none read, the same runs.
    const again = await new CorpusLoader(ext.extensionUri).load(corpus());
    assert.equal(again.totals.tagged, 0, 'no file read again');
    assert.equal(again.totals.fromIndex, first.totals.files);
    assert.deepEqual(again.runs, first.runs);
    report(`[peerwatch] web corpus: ${first.totals.files} files (${first.runs.length} runs) tagged in the host in ${took} ms`);
  });
});
