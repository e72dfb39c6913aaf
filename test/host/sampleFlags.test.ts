/**
 * Extension-host tests of a log of many samples as a corpus (src/host/sampleFlags.ts, the sample
 * list's flags and Next Flagged Sample in transcriptEditorProvider.ts): each sample's flags, counted
 * in the detection worker, are the flagged events of what `peerwatch tag` gives for that sample; Next
 * / Previous Flagged Sample open the samples with a flag, in order, at their first flag; Export
 * Samples as CSV writes the list with those flags; a sample's review (on disk, or edited in the editor)
 * changes its count as it changes the editor's.
 *
 * Fixture: test/unit/fixtures/inspect/peer_runs.eval (five samples, three flagged), copied to a
 * temporary folder so nothing is written beside the original.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TranscriptDocument, sampleReviewUri } from '../../src/host/transcriptDocument';
import { emptyReview, serializeReview, setVerdict } from '../../src/core/review/sidecar';
import { waitFor } from '../wait';

const REPO = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(REPO, 'test', 'unit', 'fixtures', 'inspect', 'peer_runs.eval');
const EXTENSION_ID = 'peerwatch.peerwatch';

interface CliRun {
  file: string;
  tags: Array<{ behaviour: string; events: number[] }>;
}

/** `peerwatch tag <file> --json` through the built CLI: per sample key, its flag count, first flag and behaviours. */
function cliFlags(file: string): Map<string, { count: number; first?: number; behaviours: string[] }> {
  const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
  const out = execFileSync(process.execPath, [cli, 'tag', file, '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const runs = JSON.parse(out) as CliRun[];
  return new Map(
    runs.map((r) => {
      const events = [...new Set(r.tags.flatMap((t) => t.events))].sort((a, b) => a - b);
      const behaviours = [...new Set(r.tags.map((t) => t.behaviour))].sort();
      return [r.file.slice(file.length + 1), { count: events.length, ...(events.length ? { first: events[0] } : {}), behaviours }];
    }),
  );
}

describe('A log of many samples as a corpus', function () {
  this.timeout(60000);
  let dir: string;
  let uri: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-sample-flags-'));
    uri = vscode.Uri.file(path.join(dir, 'peer_runs.eval'));
    fs.copyFileSync(FIXTURE, uri.fsPath);
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("counts each sample's flags in the worker as peerwatch tag's tags for that sample", async () => {
    const expected = cliFlags(uri.fsPath);
    assert.equal(expected.size, 5, 'peerwatch tag reads five samples');
    assert.ok([...expected.values()].some((f) => f.count === 0) && [...expected.values()].some((f) => f.count > 0), 'the fixture has flagged and unflagged samples');
    const doc = await TranscriptDocument.open(uri);
    try {
      const tracker = doc.sampleFlags;
      assert.ok(tracker, 'a sample log has sample flags');
      await tracker.start();
      assert.equal(tracker.error, undefined);
      assert.equal(tracker.done, true);
      assert.equal(tracker.total, 5);
      assert.equal(tracker.progress, undefined, 'no "tagging n/m" once done');
      assert.deepEqual(new Map([...tracker.flags].map(([k, f]) => [k, { ...f }])), expected);
      // The list keeps the log's order; the command line gives Inspect's (epoch, then id).
      assert.deepEqual(
        doc.sampleLog!.samples.map((s) => s.key).sort(),
        [...expected.keys()].sort(),
        'every sample of the list is tagged',
      );
    } finally {
      doc.dispose();
    }
  });

  it('a log being written: samples it adds later are tagged as they come', async () => {
    const running = path.join(REPO, 'test', 'unit', 'fixtures', 'inspect', 'running.eval');
    fs.copyFileSync(running, uri.fsPath);
    const doc = await TranscriptDocument.open(uri);
    try {
      const tracker = doc.sampleFlags!;
      await tracker.start();
      const before = doc.sampleLog!.samples.filter((s) => s.complete).map((s) => s.key);
      assert.deepEqual([...tracker.flags.keys()], before, 'the samples written so far');
      assert.ok(before.length < 5);
      // The log is finished (written whole again): the list reads it, and the samples added are tagged.
      fs.copyFileSync(FIXTURE, uri.fsPath);
      await waitFor('the list to read the finished log', () => doc.sampleLog!.samples.length === 5 && doc.sampleLog!.samples.every((s) => s.complete), 20000);
      await waitFor('every sample to be tagged', () => tracker.done && tracker.flags.size === 5, 20000);
      assert.equal(tracker.total, 5);
      assert.deepEqual(new Map([...tracker.flags].map(([k, f]) => [k, { ...f }])), cliFlags(uri.fsPath));
    } finally {
      doc.dispose();
    }
  });

  it("counts a sample's review: a tag its review file dismisses flags nothing, and a judgement made in the editor counts at once", async () => {
    // Sample 1#1: misrepresentation on events 8 and 12, shutdown-tampering on 9 and 11 (peerwatch tag).
    const judge = { by: 'Host Test', at: '2026-03-08T10:00:00.000Z' };
    const review = setVerdict(emptyReview(), 'misrepresentation:8', 'dismissed', judge);
    fs.writeFileSync(sampleReviewUri(uri, '1#1').fsPath + '.review.json', serializeReview(review));
    const doc = await TranscriptDocument.open(uri);
    try {
      const tracker = doc.sampleFlags!;
      await tracker.start();
      assert.deepEqual({ ...tracker.flags.get('1#1') }, { count: 2, first: 9, behaviours: ['shutdown-tampering'] }, 'only shutdown-tampering (events 9 and 11) is left');
      assert.deepEqual({ ...tracker.flags.get('1#2') }, { count: 4, first: 8, behaviours: ['misrepresentation', 'shutdown-tampering'] }, 'the other epoch has no review');
      // Open 1#2 and dismiss its shutdown-tampering tag in the editor (not saved): the list counts it.
      await doc.selectSample('1#2');
      doc.behaviours.start();
      await waitFor('1#2 to be tagged in the editor', () => doc.behaviours.detected);
      doc.behaviours.edit('Dismiss', setVerdict(doc.behaviours.current, 'shutdown-tampering:9', 'dismissed', judge));
      await waitFor('the list to count the judgement', () => tracker.flags.get('1#2')?.count === 2);
      assert.deepEqual({ ...tracker.flags.get('1#2') }, { count: 2, first: 8, behaviours: ['misrepresentation'] });
    } finally {
      doc.dispose();
    }
  });

  it('Next / Previous Flagged Sample open the samples with a flag, in order, at their first flag; the list exports as CSV', async () => {
    const expected = cliFlags(uri.fsPath);
    // The flagged samples, in the list's order (the log's), which the commands step through.
    const flaggedKeys = [...expected].filter(([, f]) => f.count > 0).map(([k]) => k);
    assert.deepEqual(flaggedKeys.sort(), ['1#1', '1#2', 'exfil-a#1']);
    await vscode.commands.executeCommand('vscode.openWith', uri, 'peerwatch.runlog');
    // Every sample tagged first (the list's CSV has a flag count in every row): stepping over samples
    // not tagged yet would skip them, which is what the commands do, not what this test checks.
    const csv = vscode.Uri.file(path.join(dir, 'samples.csv'));
    const exported = async () => {
      const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('peerwatch.exportSamplesCsv', csv);
      if (!written) return undefined;
      const lines = fs.readFileSync(written.fsPath, 'utf8').trimEnd().split('\r\n');
      return lines.length === expected.size + 1 && lines.slice(1).every((l) => l.split(',').at(-2) !== '') ? lines : undefined;
    };
    await waitFor('every sample tagged', exported, 30000);
    const step = async () => vscode.commands.executeCommand<{ sample: string; event: number } | undefined>('peerwatch.nextFlaggedSample');
    const first = await step();
    assert.deepEqual(first, { sample: '1#1', event: expected.get('1#1')!.first });
    const steps: unknown[] = [];
    for (let i = 0; i < 3; i++) steps.push(await vscode.commands.executeCommand('peerwatch.nextFlaggedSample'));
    assert.deepEqual(steps, [{ sample: '1#2', event: expected.get('1#2')!.first }, { sample: 'exfil-a#1', event: expected.get('exfil-a#1')!.first }, undefined], 'skips 2#1 (no flags) and stops after the last flagged sample');
    assert.deepEqual(await vscode.commands.executeCommand('peerwatch.previousFlaggedSample'), { sample: '1#2', event: expected.get('1#2')!.first });

    const written = await vscode.commands.executeCommand<vscode.Uri>('peerwatch.exportSamplesCsv', csv);
    assert.equal(written?.fsPath, csv.fsPath);
    const lines = fs.readFileSync(csv.fsPath, 'utf8').trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    assert.deepEqual([header[0], header[1], ...header.slice(-2)], ['sample', 'epoch', 'flags', 'behaviours']);
    const byKey = new Map(lines.slice(1).map((l) => l.split(',')).map((c) => [`${c[0]}#${c[1]}`, { count: Number(c.at(-2)), behaviours: c.at(-1) ? c.at(-1)!.split(';') : [] }]));
    assert.deepEqual(byKey, new Map([...expected].map(([k, f]) => [k, { count: f.count, behaviours: f.behaviours }])));
  });
});
