/**
 * Extension-host tests of Inspect AI logs as Peerwatch documents (src/host/transcriptDocument.ts,
 * links.ts) in a real VS Code: an Inspect `.json` is told from a transcript by its content, a `.eval`
 * opens in Peerwatch by default, each sample opens as its own transcript with its own review file,
 * a damaged sample leaves the list showing with the reason, and links name the sample.
 *
 * Fixtures: test/unit/fixtures/inspect/ (written by scripts/make-inspect-fixtures.mjs), copied to a
 * temporary folder per test so the reviews written beside them go away.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TranscriptDocument, looksLikeInspectJson, sampleReviewUri } from '../../src/host/transcriptDocument';
import { eventLink, resolveLink } from '../../src/host/links';
import { setVerdict } from '../../src/core/review/sidecar';
import { waitFor } from '../wait';

const REPO = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(REPO, 'test', 'unit', 'fixtures', 'inspect');
const judge = { by: 'Host Test', at: '2026-03-08T10:00:00.000Z' };

describe('Inspect AI logs as Peerwatch documents', function () {
  this.timeout(30000);
  let dir: string;
  let docs: TranscriptDocument[] = [];
  const copy = (name: string) => {
    const to = path.join(dir, name);
    fs.copyFileSync(path.join(FIXTURES, name), to);
    return vscode.Uri.file(to);
  };
  const open = async (uri: vscode.Uri) => {
    const d = await TranscriptDocument.open(uri);
    docs.push(d);
    return d;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-inspect-'));
  });
  afterEach(() => {
    docs.forEach((d) => d.dispose());
    docs = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tells an Inspect .json log from a transcript by its first bytes', async () => {
    assert.equal(looksLikeInspectJson(fs.readFileSync(path.join(FIXTURES, 'peer_runs.json'), 'utf8').slice(0, 4096)), true);
    const study = path.join(REPO, 'examples', 'study');
    const studyJson = fs.readdirSync(study).find((n) => n.endsWith('.json'));
    assert.ok(studyJson, 'an example study transcript');
    assert.equal(looksLikeInspectJson(fs.readFileSync(path.join(study, studyJson), 'utf8').slice(0, 4096)), false);
    const transcript = await open(vscode.Uri.file(path.join(study, studyJson)));
    assert.equal(transcript.sampleLog, undefined, 'a study transcript is not a sample log');
    assert.equal(transcript.content.ok, true);
  });

  it('opens an Inspect .json on its list; each sample is a transcript with its own review', async () => {
    const uri = copy('peer_runs.json');
    const doc = await open(uri);
    const log = doc.sampleLog;
    assert.ok(log, 'the .json is read as an Inspect log');
    assert.deepEqual(
      log.samples.map((s) => s.key),
      ['1#1', '1#2', '2#1', 'exfil-a#1', '3#1'],
    );
    assert.equal(doc.sampleKey, undefined, 'the list shows first');
    assert.equal(doc.content.ok, false);

    await doc.selectSample('2#1');
    assert.equal(doc.sampleKey, '2#1');
    const content = (d: TranscriptDocument) => d.content; // read afresh (no narrowing from the asserts above)
    const shown = content(doc);
    assert.ok(shown.ok && shown.source.count > 0, 'the sample has events');
    assert.equal(shown.ok && shown.source.header.format, 'inspect');
    const two = doc.behaviours;
    assert.equal(two.sidecarUri.fsPath, `${uri.fsPath}.sample-2~23~1.review.json`);
    await two.whenAnalysed();
    two.edit('Dismiss', setVerdict(two.current, 'x:1', 'dismissed', judge));
    await doc.saveReviews();
    assert.ok(fs.existsSync(two.sidecarUri.fsPath), 'the sample review is written beside the log');

    await doc.selectSample('1#2');
    assert.notEqual(doc.behaviours, two, 'another sample, another review');
    assert.deepEqual(doc.behaviours.current.verdicts, {}, "sample 1#2 does not carry sample 2#1's judgements");
    await doc.selectSample('2#1');
    assert.equal(doc.behaviours.current.verdicts['x:1']?.verdict, 'dismissed');

    await doc.selectSample(undefined);
    assert.equal(doc.sampleKey, undefined);
    assert.equal(content(doc).ok, false);
    assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), fs.readFileSync(path.join(FIXTURES, 'peer_runs.json'), 'utf8'), 'the log itself is untouched');
  });

  it("a hot-exit backup brings back each sample's unsaved judgements when that sample opens", async () => {
    const uri = copy('peer_runs.eval');
    const doc = await open(uri);
    await doc.selectSample('2#1');
    doc.behaviours.edit('Dismiss', setVerdict(doc.behaviours.current, 'x:1', 'dismissed', judge));
    await doc.selectSample('1#1');
    const destination = vscode.Uri.file(path.join(dir, 'backup', 'peer_runs'));
    const files = await doc.backup(destination);
    assert.equal(files.length, 2, 'the list of backups and the one sample with unsaved judgements');
    assert.ok(!fs.existsSync(sampleReviewUri(uri, '2#1').fsPath + '.review.json'), 'nothing was saved beside the log');

    const restored = await TranscriptDocument.open(uri, destination.toString());
    docs.push(restored);
    await restored.selectSample('1#1');
    assert.deepEqual(restored.behaviours.current.verdicts, {});
    await restored.selectSample('2#1');
    assert.equal(restored.behaviours.current.verdicts['x:1']?.verdict, 'dismissed');
    assert.equal(restored.behaviours.isDirty, true, 'the judgement is still unsaved');
  });

  it('opening a finished log again lists it without reading it again, until the file changes; a running log is read every time', async () => {
    const uri = copy('peer_runs.eval');
    const first = await open(uri);
    const list = first.sampleLog;
    assert.ok(list && list.samples.length === 5, 'five samples');
    first.dispose();
    const again = await open(uri);
    assert.equal(again.sampleLog, list, 'the list read the first time');
    again.dispose();
    // The file changes (another log written over it): its own samples show, not the old list.
    fs.copyFileSync(path.join(FIXTURES, 'chunked.eval'), uri.fsPath);
    fs.utimesSync(uri.fsPath, new Date(), new Date(Date.now() + 5000));
    const changed = await open(uri);
    assert.notEqual(changed.sampleLog, list);
    assert.deepEqual(changed.sampleLog?.samples.map((s) => s.key), (await open(uri)).sampleLog?.samples.map((s) => s.key));
    assert.notDeepEqual(changed.sampleLog?.samples.map((s) => s.key), list.samples.map((s) => s.key), 'the new file\'s samples');
    const running = copy('running.eval');
    const r1 = await open(running);
    const r2 = await open(running);
    assert.equal(r1.sampleLog?.info.status, 'started');
    assert.notEqual(r1.sampleLog, r2.sampleLog, 'a log still being written is read each time');
  });

  it('an editor gets a .eval before it is listed; the list, a sample asked for meanwhile, and a damaged log\'s reason follow', async () => {
    const doc = await TranscriptDocument.start(copy('peer_runs.eval'));
    docs.push(doc);
    assert.equal(doc.sampleLog === undefined, true, 'not listed until asked for');
    // Opening a sample waits for the list.
    const opened = doc.selectSample('2#1');
    await doc.listed;
    assert.deepEqual(doc.sampleLog?.samples.map((s) => s.key), (await open(copy('peer_runs.eval'))).sampleLog?.samples.map((s) => s.key));
    await opened;
    assert.equal(doc.sampleKey, '2#1');
    assert.ok(doc.content.ok, 'the sample shows');

    // A log that cannot be read at all: its editor says why, naming the file and the place.
    const broken = path.join(dir, 'broken.eval');
    fs.writeFileSync(broken, 'PK\x03\x04 and then not a zip archive');
    const bad = await TranscriptDocument.start(vscode.Uri.file(broken));
    docs.push(bad);
    const replaced = new Promise<void>((resolve) => bad.onDidReplace(() => resolve()));
    await bad.listed;
    await replaced;
    assert.equal(bad.sampleLog, undefined);
    assert.ok(!bad.content.ok);
    assert.match(bad.content.message, /broken\.eval could not be read as an Inspect AI log: .*not a zip archive \(no local file header at its start\)/);
  });

  it('gives every sample key its own review file name', () => {
    const uri = vscode.Uri.file('/tmp/x.eval');
    const names = ['1#1', '1_1', '1~1', 'a/b#1', 'a b#1'].map((k) => path.basename(sampleReviewUri(uri, k).fsPath));
    assert.equal(new Set(names).size, names.length, names.join(', '));
    assert.ok(names.every((n) => /^x\.eval\.sample-[A-Za-z0-9._~-]+$/.test(n)), names.join(', '));
  });

  it('a sample that cannot be read leaves the list showing, with the reason naming the file', async () => {
    const doc = await open(copy('damaged.eval'));
    const log = doc.sampleLog;
    assert.ok(log);
    const failures: string[] = [];
    for (const s of log.samples) {
      await doc.selectSample(s.key);
      if (doc.sampleKey === undefined) failures.push(doc.sampleError ?? '(no reason)');
    }
    assert.ok(failures.length > 0, 'damaged.eval has a damaged sample');
    assert.match(failures[0]!, /damaged\.eval/);
    await doc.selectSample(log.samples.find((s) => !failures.some((f) => f.includes(`Sample ${s.key} `)))!.key);
    assert.ok(doc.sampleKey !== undefined, 'a readable sample still opens after a damaged one');
    assert.ok(log.samples.length >= 2, 'the other samples are still listed');
  });

  it('opens a .eval in Peerwatch by default', async () => {
    const uri = copy('peer_runs.eval');
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitFor('a Peerwatch tab for peer_runs.eval', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.viewType === 'peerwatch.runlog' && input.uri.fsPath === uri.fsPath;
    });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('links name the sample, and read back with it', async () => {
    const uri = copy('peer_runs.eval');
    const link = eventLink(uri, 4, 'exfil-a#1');
    assert.match(link, /[?&]sample=exfil-a%231&event=4$/);
    const resolved = await resolveLink(vscode.Uri.parse(link, true));
    assert.deepEqual({ file: resolved.uri.fsPath, index: resolved.index, sample: resolved.sample }, { file: uri.fsPath, index: 4, sample: 'exfil-a#1' });
    const plain = await resolveLink(vscode.Uri.parse(eventLink(uri, 2), true));
    assert.equal(plain.sample, undefined, 'a link without a sample names none');
    await assert.rejects(() => resolveLink(vscode.Uri.parse(link.replace('sample=exfil-a%231', 'sample='), true)), /empty "sample="/);
  });
});
