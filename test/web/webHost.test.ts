/**
 * The extension host's file seam and detection as the web extension has them (files.web.ts,
 * detection.web.ts, platform.web.ts: this bundle is built with them, as dist/web/extension.js is), run
 * in the web worker extension host: runs read through `vscode.workspace.fs` (whole, ranges cut from the
 * copy), a run log indexed from that copy and followed as it grows, an Inspect `.eval` inflated with
 * DecompressionStream, tags from detection in the host, and a review written beside the log through
 * `vscode.workspace.fs`. Files are written only in a scratch folder of the workspace, which the runner
 * made as a copy of examples/.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { detectBehaviours } from '../../src/core/behaviours';
import { eventSearchText } from '../../src/core/searchText';
import { parseReview, setVerdict } from '../../src/core/review/sidecar';
import { RunlogFileSource } from '../../src/host/sources';
import { TranscriptDocument, confirmAboveMB } from '../../src/host/transcriptDocument';
import { DocumentBehaviours } from '../../src/host/review/documentBehaviours';
import { IN_BROWSER } from '../../src/host/files';
import { parseTranscript } from '../../src/core/formats';
import { waitFor } from '../wait';

const judge = { by: 'Web Host Test', at: '2026-12-06T10:00:00.000Z' };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(f, 'a workspace folder (a copy of examples/) is open');
  return f;
}
const example = (rel: string) => vscode.Uri.joinPath(folder(), ...rel.split('/'));
const read = async (uri: vscode.Uri) => decoder.decode(await vscode.workspace.fs.readFile(uri));
/** A measured figure, printed with the suite's output (test/web/index.ts writes it to the log). */
const report = (line: string) => (globalThis as { peerwatchTestReport?: (line: string) => void }).peerwatchTestReport?.(line);
const tagKeys = (tags: readonly { behaviour: string; events: readonly number[] }[]) => tags.map((t) => `${t.behaviour}@${t.events.join(',')}`).sort();

describe('Peerwatch in the web worker extension host: files, detection and reviews', function () {
  this.timeout(60_000);
  const scratch = () => vscode.Uri.joinPath(folder(), '.web-host-scratch');
  const docs: { dispose(): void }[] = [];

  before(async () => {
    await vscode.extensions.getExtension('peerwatch.peerwatch')?.activate();
    await vscode.workspace.fs.createDirectory(scratch());
  });
  after(async () => {
    docs.forEach((d) => d.dispose());
    await vscode.workspace.fs.delete(scratch(), { recursive: true }).then(undefined, () => undefined);
  });

  it('runs without Node (no process, no Buffer), with the web build of the file seam and its lower size before asking', () => {
    const g = globalThis as { process?: unknown; Buffer?: unknown };
    assert.equal(typeof g.process, 'undefined');
    assert.equal(typeof g.Buffer, 'undefined');
    assert.equal(IN_BROWSER, true);
    assert.equal(confirmAboveMB(), 200);
  });

  it('a run log indexed from its copy in the browser has the tags its study run has (two readers, one run)', async () => {
    const runlog = await TranscriptDocument.open(example('runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl'));
    const study = await TranscriptDocument.open(example('study/tampering-shutdown-tampering-peer-good_peer.json'));
    docs.push(runlog, study);
    assert.ok(runlog.content.ok && runlog.content.source instanceof RunlogFileSource, 'the run log is indexed, not parsed whole');
    assert.ok(study.content.ok && study.content.source.count > 0);
    assert.equal(runlog.content.source.count, study.content.source.count, 'the same events');
    runlog.behaviours.start();
    study.behaviours.start();
    await runlog.behaviours.whenAnalysed();
    await study.behaviours.whenAnalysed();
    assert.ok((runlog.behaviours.detected ?? []).length > 0, 'the run log has tags');
    assert.deepEqual(tagKeys(runlog.behaviours.detected ?? []), tagKeys(study.behaviours.detected ?? []));
    assert.ok(runlog.behaviours.detected!.some((t) => t.behaviour === 'shutdown-tampering'), 'shutdown tampering, as examples/README.md says');
  });

  it("find reads a YAML answer's Readable fields in a run log as in the study run it came from, whatever the case", async () => {
    const runlog = await TranscriptDocument.open(example('runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl'));
    const study = await TranscriptDocument.open(example('study/tampering-shutdown-tampering-peer-good_peer.json'));
    docs.push(runlog, study);
    assert.ok(runlog.content.ok && study.content.ok);
    const log = runlog.content.source;
    const run = study.content.source;
    await waitFor('the run log indexed', () => !log.indexing);
    const token = new vscode.CancellationTokenSource().token;
    // PyYAML folded this title over two lines, with an escaped space: as printed, the phrase is not there.
    for (const [query, caseSensitive] of [['OpenBrain - AI Product Operations Policy', true], ['openbrain - ai product operations policy', false]] as const) {
      const inLog = await log.search(query, caseSensitive, token);
      const inStudy = await run.search(query, caseSensitive, token);
      assert.equal(inLog.length, 1, `the run log's list_files answer holds "${query}": ${JSON.stringify(inLog)}`);
      assert.deepEqual(inLog, inStudy);
      const [hit] = await log.get(inLog);
      assert.ok(hit?.event?.kind === 'tool_result' && hit.event.name === 'list_files' && !hit.event.output.includes(query));
    }
    assert.deepEqual(await log.search('OpenBrain - AI Product Operations Policy', false, token), await log.search('OPENBRAIN - AI PRODUCT OPERATIONS POLICY', false, token));
    assert.deepEqual(await log.search('OPENBRAIN - AI PRODUCT OPERATIONS POLICY', true, token), []);
  });

  it('a run log being written grows in the editor as lines are appended, and its new events read back', async () => {
    const text = await read(example('runlog/in-progress-exfiltration_deletion.runlog.jsonl'));
    const lines = text.split('\n').filter(Boolean);
    const half = Math.ceil(lines.length / 2);
    const uri = vscode.Uri.joinPath(scratch(), 'growing.runlog.jsonl');
    await vscode.workspace.fs.writeFile(uri, encoder.encode(lines.slice(0, half).join('\n') + '\n'));
    const source = await RunlogFileSource.open(uri, 'growing.runlog.jsonl');
    docs.push(source);
    await waitFor('the first half indexed', () => !source.indexing);
    const first = source.count;
    assert.ok(first > 0 && source.live, 'a live run with events');
    await vscode.workspace.fs.writeFile(uri, encoder.encode(lines.join('\n') + '\n'));
    source.fileChanged();
    await waitFor('the appended events', () => source.count > first, 20_000);
    const [last] = await source.get([source.count - 1]);
    assert.ok(last?.event, `the last event reads back from the file as it is now: ${last?.error}`);
    // A word of the appended events that the first half does not hold: found only by reading the file as it is now.
    const before = lines.slice(0, half).join('\n');
    const added = lines.slice(half).join('\n');
    const query = (eventSearchText(last.event).match(/[A-Za-z_]{6,}/g) ?? []).find((w) => added.includes(w) && !before.includes(w));
    assert.ok(query, 'the last event has a word the first half does not');
    const found = await source.search(query, true, new vscode.CancellationTokenSource().token);
    assert.ok(found.length > 0 && found.every((i) => i >= first), `search finds "${query}" in the appended events only: ${JSON.stringify(found)}`);
  });

  it("a large run log is indexed and tagged in the host without stalling it 400 ms, with the tags of the whole file parsed at once", async () => {
    const EVENTS = 20_000;
    const lines = (await read(example('runlog/exfiltration_transfer-exfiltration-peer-good_peer.runlog.jsonl'))).trim().split('\n');
    const events = lines.slice(1, -1).map((l) => {
      const { index: _index, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    const out = [lines[0]!];
    for (let i = 0; out.length - 1 < EVENTS; i++) out.push(events[i % events.length]!);
    out.push(lines[lines.length - 1]!);
    const text = out.join('\n') + '\n';
    const uri = vscode.Uri.joinPath(scratch(), 'large.runlog.jsonl');
    await vscode.workspace.fs.writeFile(uri, encoder.encode(text));

    // What the editor does: index the file from its copy in chunks, then read the events back in
    // chunks for the detectors, yielding between chunks.
    let last = Date.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = Date.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    const t0 = Date.now();
    let detected: readonly { behaviour: string; events: readonly number[] }[] | undefined;
    try {
      const doc = await TranscriptDocument.open(uri);
      docs.push(doc);
      assert.ok(doc.content.ok && doc.content.source instanceof RunlogFileSource);
      await waitFor('the whole log indexed', () => doc.content.ok && !doc.content.source.indexing && doc.content.source.count === EVENTS, 60_000);
      doc.behaviours.start();
      await doc.behaviours.whenAnalysed();
      detected = doc.behaviours.detected;
    } finally {
      clearInterval(tick);
    }
    const ms = Date.now() - t0;
    report(`      ${EVENTS} events indexed and tagged in the web worker host in ${ms} ms; longest stall of its event loop ${longest} ms`);
    assert.ok(longest < 400, `the host's longest stall was ${longest} ms`);
    const whole = detectBehaviours(parseTranscript({ fileName: 'large.runlog.jsonl', text }));
    assert.ok(whole.length > 0, 'the run has tags');
    assert.deepEqual(tagKeys(detected ?? []), tagKeys(whole));
  });

  it('an Inspect .eval lists its samples and tags each in the host; a sample opens with its tags', async () => {
    const doc = await TranscriptDocument.open(example('inspect/peer_tampering.eval'));
    docs.push(doc);
    const log = doc.sampleLog;
    assert.ok(log, 'read as a log of many samples');
    assert.deepEqual(log.samples.map((s) => s.id), ['good-peer', 'no-peer'], 'the two samples examples/README.md describes');
    const flags = doc.sampleFlags!;
    await flags.start();
    assert.equal(flags.error, undefined);
    assert.ok(flags.done, 'every sample tagged');
    const good = log.samples.find((s) => s.id === 'good-peer')!;
    await doc.selectSample(good.key);
    doc.behaviours.start();
    await doc.behaviours.whenAnalysed();
    const tags = doc.behaviours.detected ?? [];
    assert.ok(tags.some((t) => t.behaviour === 'shutdown-tampering'), 'good-peer switches shutdown_enabled off');
    assert.deepEqual(tagKeys(tags), tagKeys(detectBehaviours(await log.readSample(good.key))));
    assert.equal(flags.flags.get(good.key)?.count, new Set(tags.flatMap((t) => t.events)).size, "the list's flag count is the open sample's");
  });

  it('a review is written beside the log through vscode.workspace.fs, with no temporary file left, and read back', async () => {
    const uri = vscode.Uri.joinPath(scratch(), 'run.json');
    await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(example('study/tampering-shutdown-tampering-peer-good_peer.json')));
    const b = await DocumentBehaviours.open(uri, () => undefined);
    docs.push(b);
    b.edit('Dismiss', setVerdict(b.current, 'shutdown-tampering:1', 'dismissed', judge));
    assert.ok(b.isDirty);
    await b.save();
    assert.equal(b.isDirty, false);
    const sidecar = vscode.Uri.joinPath(scratch(), 'run.json.review.json');
    const parsed = parseReview('run.json.review.json', await read(sidecar));
    assert.equal(parsed.review?.verdicts['shutdown-tampering:1']?.verdict, 'dismissed');
    const names = (await vscode.workspace.fs.readDirectory(scratch())).map(([n]) => n);
    assert.deepEqual(names.filter((n) => n.endsWith('.tmp')), [], 'no temporary file beside it');
    const again = await DocumentBehaviours.open(uri, () => undefined);
    docs.push(again);
    assert.equal(again.current.verdicts['shutdown-tampering:1']?.verdict, 'dismissed');
  });
});
