/**
 * Extension-host tests of the review sidecar model (src/host/review/documentBehaviours.ts) in a real
 * VS Code: reading a broken sidecar names the file and line, saving is atomic (temporary file and
 * rename), a change on disk is noticed, and a hot-exit backup brings unsaved judgements back.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DocumentBehaviours, sidecarUriFor } from '../../src/host/review/documentBehaviours';
import { emptyReview, parseReview, serializeReview, setVerdict } from '../../src/core/review/sidecar';
import { waitFor } from '../wait';

const judge = { by: 'Host Test', at: '2026-03-08T10:00:00.000Z' };

/**
 * Writes `text` to `file` until `noticed` holds: a file watcher starts asynchronously, so a write in
 * the first moments after opening can come before it watches (a person's edit never does).
 */
async function writeUntil(file: string, text: string, what: string, noticed: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    fs.writeFileSync(file, text);
    try {
      await waitFor(what, noticed, 2000);
      return;
    } catch {
      /* write again */
    }
  }
  throw new Error(`never noticed: ${what}`);
}


describe('Review sidecar in the extension host', function () {
  this.timeout(30000);
  let dir: string;
  let log: vscode.Uri;
  let opened: DocumentBehaviours[] = [];

  const open = async (backupId?: string) => {
    const b = await DocumentBehaviours.open(log, () => undefined, backupId);
    opened.push(b);
    return b;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-review-'));
    const file = path.join(dir, 'run.runlog.jsonl');
    fs.writeFileSync(file, '{"type":"header","schema":"peerwatch.runlog","version":1,"run":{}}\n');
    log = vscode.Uri.file(file);
  });
  afterEach(() => {
    opened.forEach((b) => b.dispose());
    opened = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts the sidecar beside the log as <log>.review.json', () => {
    assert.equal(sidecarUriFor(log).fsPath, `${log.fsPath}.review.json`);
  });

  it('a sidecar that cannot be read is reported with its file and line, and is never overwritten', async () => {
    const sidecar = sidecarUriFor(log).fsPath;
    const broken = '{\n  "version": 1,\n  "verdicts": {\n    "x:1": { "verdict": "nope", "by": "A", "at": "2026-03-08T10:00:00Z" }\n  }\n}\n';
    fs.writeFileSync(sidecar, broken);
    const b = await open();
    assert.match(b.sidecarError ?? '', /run\.runlog\.jsonl\.review\.json:4:\d+: .*verdict/);
    assert.deepEqual(b.current.verdicts, {}, 'nothing from a broken file is used');
    b.edit('Dismiss', setVerdict(b.current, 'y:2', 'dismissed', judge));
    await assert.rejects(() => b.save(), /could not be read/);
    assert.equal(fs.readFileSync(sidecar, 'utf8'), broken, 'the broken file is left as it was');
  });

  it('saves atomically: the new text replaces the file through a rename, leaving no temporary file', async () => {
    const sidecar = sidecarUriFor(log).fsPath;
    fs.writeFileSync(sidecar, serializeReview(emptyReview('run.runlog.jsonl')));
    const inodeBefore = fs.statSync(sidecar).ino;
    const b = await open();
    assert.equal(b.isDirty, false);
    b.edit('Dismiss', setVerdict(b.current, 'shutdown-tampering:3', 'dismissed', judge, { behaviour: 'shutdown-tampering', events: [3] }));
    assert.equal(b.isDirty, true);
    await b.save();
    assert.equal(b.isDirty, false);
    const text = fs.readFileSync(sidecar, 'utf8');
    assert.equal(text, serializeReview(b.current));
    assert.equal(parseReview('s', text).review?.verdicts['shutdown-tampering:3']?.verdict, 'dismissed');
    assert.notEqual(fs.statSync(sidecar).ino, inodeBefore, 'a new file was renamed over the old one');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['run.runlog.jsonl', 'run.runlog.jsonl.review.json'], 'no temporary file left behind');
    assert.equal(fs.readFileSync(log.fsPath, 'utf8').split('\n').length, 2, 'the log itself is untouched');
  });

  it('undo and redo swap whole review states', async () => {
    const b = await open();
    const edits: Array<{ undo(): void; redo(): void }> = [];
    b.onDidEdit((e) => edits.push(e));
    b.edit('Dismiss', setVerdict(b.current, 't:1', 'dismissed', judge));
    assert.equal(b.merged.tags.length, 0);
    assert.equal(b.current.verdicts['t:1']?.verdict, 'dismissed');
    edits[0]!.undo();
    assert.deepEqual(b.current.verdicts, {});
    assert.equal(b.isDirty, false);
    edits[0]!.redo();
    assert.equal(b.current.verdicts['t:1']?.verdict, 'dismissed');
  });

  it('notices a change to the sidecar on disk: reloads without unsaved judgements, reports a conflict with them', async () => {
    const sidecar = sidecarUriFor(log).fsPath;
    const b = await open();
    const events: string[] = [];
    b.onDidChangeSidecarOnDisk((e) => events.push(e));
    // Written by someone else (another window, git pull).
    const theirs = serializeReview(setVerdict(emptyReview(), 'exfiltration:5', 'confirmed', { by: 'Other', at: judge.at }));
    await writeUntil(sidecar, theirs, 'the external change to be loaded', () => !!b.current.verdicts['exfiltration:5']);
    assert.equal(b.current.verdicts['exfiltration:5']!.by, 'Other');
    assert.deepEqual(events, ['reloaded']);
    assert.equal(b.isDirty, false);

    b.edit('Dismiss', setVerdict(b.current, 'refusal:7', 'dismissed', judge));
    const again = serializeReview(setVerdict(emptyReview(), 'exfiltration:5', 'dismissed', { by: 'Other', at: judge.at }));
    await writeUntil(sidecar, again, 'the conflict to be reported', () => events.includes('conflict'));
    assert.equal(b.current.verdicts['refusal:7']?.verdict, 'dismissed', 'unsaved judgements are kept');
    await b.revert();
    assert.equal(b.current.verdicts['exfiltration:5']?.verdict, 'dismissed', 'revert loads the file on disk');
    assert.equal(b.current.verdicts['refusal:7'], undefined);
  });

  it('a hot-exit backup brings back unsaved judgements', async () => {
    const b = await open();
    b.edit('Dismiss', setVerdict(b.current, 'misrepresentation:9', 'dismissed', judge));
    const backup = vscode.Uri.file(path.join(dir, 'backups', 'peerwatch-backup'));
    await b.backup(backup);
    b.dispose();
    const restored = await open(backup.toString());
    assert.equal(restored.current.verdicts['misrepresentation:9']?.verdict, 'dismissed');
    assert.equal(restored.isDirty, true, 'restored judgements are unsaved until saved');
    assert.equal(fs.existsSync(sidecarUriFor(log).fsPath), false, 'nothing was written beside the log');
  });
});
