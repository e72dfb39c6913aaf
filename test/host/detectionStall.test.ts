/**
 * Issue 14, finding 3 in the extension host: detection over a large run never blocks the host's event
 * loop for long (it runs in a worker thread), and its tags are the CLI's; a workspace's rules file is
 * read only when the workspace is trusted.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectBehaviours } from '../../src/core/behaviours';
import { DETECTION_MEMORY_SETTING, DocumentBehaviours, UNTRUSTED_RULES_NOTE, loadRules } from '../../src/host/review/documentBehaviours';
import { RunlogFileSource, TranscriptSource } from '../../src/host/sources';
import { FlagsCache } from '../../src/host/review/folder';
import { activeFlags, flaggedEvents, mergeReview } from '../../src/core/review/merge';
import { emptyReview } from '../../src/core/review/sidecar';
import { readRunFile } from '../../src/node/readTranscript';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { TranscriptDocument } from '../../src/host/transcriptDocument';
import { waitFor } from '../wait';
import { writeLargeRun } from '../largeRun';
import { heartbeat, idleStall, machineStall, report, STALL_MS } from './stall';

/** Above the 100,000 events the editor once refused to tag (it now bounds the worker's memory instead). */
const EVENTS = 120_000;

/** The editor's tags are `peerwatch tag`'s (the CLI's reader and detectors on the same file), and there are some. */
async function assertCliTags(b: DocumentBehaviours, file: string): Promise<void> {
  const cli = detectBehaviours((await readRunFile(file)).transcript);
  assert.ok(cli.length > 0, 'the run has tags to compare');
  assert.deepEqual(b.detected, cli);
}

describe('Detection off the extension host thread (issue 14)', function () {
  this.timeout(180_000);
  const examples = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-stall-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`tags a ${EVENTS.toLocaleString('en-US')}-event run log with the host's event loop never stalled 200 ms beyond the machine's own, and the tags are the CLI's`, async () => {
    const file = path.join(dir, 'large.runlog.jsonl');
    writeLargeRun(file, examples, EVENTS);
    const source = await RunlogFileSource.open(file, path.basename(file));
    source.shown();
    await waitFor('the run log indexed', () => !source.indexing, 120_000);
    assert.equal(source.count, EVENTS);
    const b = await DocumentBehaviours.open(vscode.Uri.file(file), () => source);
    // The heartbeat: a 10 ms timer records the longest gap between its ticks while detection runs,
    // against the longest the machine gives it idle just before.
    const idle = await idleStall();
    const started = performance.now();
    const h = heartbeat({ control: true });
    let watched: Awaited<ReturnType<typeof h.stop>> | undefined;
    try {
      b.start();
      await waitFor('the tags', () => b.detected, 150_000, 20);
    } finally {
      watched = await h.stop();
    }
    const { maxGap, gaps, controlGap } = watched;
    const took = performance.now() - started;
    report(`      detection of ${EVENTS} events: ${took.toFixed(0)} ms; longest event-loop stall ${maxGap.toFixed(0)} ms (idle just before: ${idle.toFixed(0)} ms; a control thread meanwhile: ${controlGap.toFixed(0)} ms); stalls over 50 ms: ${gaps.join(', ') || 'none'}`);
    try {
      assert.equal(b.analysisError, undefined);
      const machine = machineStall(idle, watched);
      assert.ok(maxGap < STALL_MS + machine, `the extension host's event loop stalled ${maxGap.toFixed(0)} ms during detection (the machine's own: ${machine.toFixed(0)} ms)`);
      await assertCliTags(b, file);
    } finally {
      b.dispose();
      source.dispose();
    }
  });

  it('tags a run log opened while the editor still indexes it: the worker starts on the file meanwhile, and the tags are the CLI\'s for every event indexed', async () => {
    const file = path.join(dir, 'indexing.runlog.jsonl');
    writeLargeRun(file, examples, EVENTS);
    const source = await RunlogFileSource.open(file, path.basename(file));
    source.shown();
    const b = await DocumentBehaviours.open(vscode.Uri.file(file), () => source);
    try {
      assert.ok(source.indexing, 'the editor is still indexing the log when detection starts');
      b.start();
      await waitFor('the tags', () => b.detected, 150_000, 20);
      assert.equal(source.indexing, false, 'tags are taken once indexing has ended');
      assert.equal(source.count, EVENTS);
      assert.equal(b.analysisError, undefined);
      await assertCliTags(b, file);
    } finally {
      b.dispose();
      source.dispose();
    }
  });

  it('tags a large run of a format held in memory (an OpenAI Chat Completions log) in the worker too, with the host never stalled 200 ms beyond the machine\'s own', async () => {
    // The example's agent turns repeated (tool call ids made unique) until the run has ~50,000 events.
    const example = JSON.parse(fs.readFileSync(path.join(examples, 'providers', 'openai-chat-tampering-peer.json'), 'utf8')) as { request: { messages: Array<Record<string, unknown>> } };
    const [system, user, ...turns] = example.request.messages;
    const messages: unknown[] = [system, user];
    for (let k = 0; messages.length < 40_000; k++) {
      for (const m of turns) {
        const calls = m['tool_calls'] as Array<Record<string, unknown>> | undefined;
        messages.push({
          ...m,
          ...(calls ? { tool_calls: calls.map((c) => ({ ...c, id: `${String(c['id'])}-${k}` })) } : {}),
          ...(m['tool_call_id'] ? { tool_call_id: `${String(m['tool_call_id'])}-${k}` } : {}),
        });
      }
    }
    const file = path.join(dir, 'chat.json');
    fs.writeFileSync(file, JSON.stringify({ ...example, request: { ...example.request, messages } }));
    const read = await readRunFile(file);
    assert.ok(read.transcript.events.length > 40_000, `${read.transcript.events.length} events`);
    const source = new TranscriptSource(read.transcript);
    const b = await DocumentBehaviours.open(vscode.Uri.file(file), () => source);
    const idle = await idleStall();
    const started = performance.now();
    const h = heartbeat({ control: true });
    let watched: Awaited<ReturnType<typeof h.stop>> | undefined;
    try {
      b.start();
      await waitFor('the tags', () => b.detected, 150_000, 20);
    } finally {
      watched = await h.stop();
    }
    const { maxGap, controlGap } = watched;
    report(`      detection of ${read.transcript.events.length} events of an OpenAI Chat log (in memory): ${(performance.now() - started).toFixed(0)} ms; longest event-loop stall ${maxGap.toFixed(0)} ms (idle just before: ${idle.toFixed(0)} ms; a control thread meanwhile: ${controlGap.toFixed(0)} ms)`);
    try {
      assert.equal(b.analysisError, undefined);
      const machine = machineStall(idle, watched);
      assert.ok(maxGap < STALL_MS + machine, `the extension host's event loop stalled ${maxGap.toFixed(0)} ms during detection (the machine's own: ${machine.toFixed(0)} ms)`);
      const cli = detectBehaviours(read.transcript);
      assert.ok(cli.length > 0, 'the run has tags to compare');
      assert.deepEqual(b.detected, cli);
    } finally {
      b.dispose();
      source.dispose();
    }
  });

  it("lists a large file of many runs (NeMo Gym rollouts) in a worker, with the host never stalled 200 ms beyond the machine's own", async () => {
    // The repository's rollouts repeated to about 25 MB: parsing it here would hold the host most of a second.
    const lines = fs.readFileSync(path.join(examples, '..', 'test', 'fixtures', 'real', 'openai-jsonl', 'nemo-gym-claude-code-math-rollouts.jsonl'), 'utf8').trim().split('\n');
    const out: string[] = [];
    for (let size = 0; size < 25e6; ) for (const l of lines) (out.push(l), (size += l.length + 1));
    const file = path.join(dir, 'rollouts.jsonl');
    fs.writeFileSync(file, out.join('\n') + '\n');
    const idle = await idleStall();
    const h = heartbeat({ control: true });
    const doc = await TranscriptDocument.open(vscode.Uri.file(file));
    const watched = await h.stop();
    const { maxGap, gaps, controlGap } = watched;
    try {
      report(`  [runs in a worker] ${(25).toLocaleString('en-US')} MB of rollouts listed: longest host stall ${maxGap.toFixed(0)} ms (idle ${idle.toFixed(0)} ms; a control thread meanwhile: ${controlGap.toFixed(0)} ms)`);
      const machine = machineStall(idle, watched);
      assert.ok(maxGap < machine + STALL_MS, `the host stalled ${maxGap.toFixed(0)} ms (the machine's own: ${machine.toFixed(0)} ms): ${gaps.join(', ')}`);
      const log = doc.sampleLog;
      assert.ok(log && log.samples.length === out.length, `every rollout listed: ${log?.samples.length} of ${out.length}`);
      const key = log.samples[1234]!.key;
      await doc.selectSample(key);
      const content = doc.content;
      assert.ok(content.ok, content.ok ? '' : content.message);
      const cli = (await openSampleLogFile(file, 'rollouts.jsonl'))!;
      assert.equal(content.source.count, (await cli.readSample(key)).events.length, 'the run as the one opener reads it');
    } finally {
      doc.dispose();
    }
  });

  it('Behaviours in Folder tags a large run in the worker too, with the counts the CLI gives', async () => {
    const file = path.join(dir, 'folder.runlog.jsonl');
    writeLargeRun(file, examples, 5000);
    assert.ok(fs.statSync(file).size > 512 * 1024, 'large enough for the worker');
    const cache = new FlagsCache();
    try {
      const r = await cache.get(vscode.Uri.file(file));
      const cliTags = detectBehaviours((await readRunFile(file)).transcript);
      const merged = mergeReview(cliTags, emptyReview(), 5000).tags;
      assert.ok(r, 'the run was read');
      assert.deepEqual([r.flags, r.tags], [flaggedEvents(merged).length, activeFlags(merged).length]);
      assert.ok(r.tags > 0);
      assert.match(r.sha256 ?? '', /^[0-9a-f]{64}$/);
    } finally {
      cache.dispose();
    }
  });

  it("reads the workspace's rules file only in a trusted workspace, saying why not otherwise", async () => {
    // The host-test window is trusted (code-server runs with --disable-workspace-trust), so the
    // untrusted case is asked for through loadRules's `trusted` argument, which defaults to
    // vscode.workspace.isTrusted.
    assert.equal(vscode.workspace.isTrusted, true);
    // examples/.peerwatch/ may hold the corpus index Peerwatch writes when it opens examples/ (npm
    // start, the UI tests, a scan this test's rules file sets off): only the rules file is this test's.
    const rulesDir = path.join(examples, '.peerwatch');
    const rulesFile = path.join(rulesDir, 'rules.yaml');
    assert.ok(!fs.existsSync(rulesFile), 'examples/ has no rules file of its own');
    const madeDir = !fs.existsSync(rulesDir);
    fs.mkdirSync(rulesDir, { recursive: true });
    try {
      fs.writeFileSync(rulesFile, 'version: 1\nrefusalPhrases:\n  - I must respectfully abstain\n  - "/^(a+)+$/"\n');
      const log = vscode.Uri.file(path.join(examples, 'runlog', 'exfiltration_transfer-exfiltration-peer-good_peer.runlog.jsonl'));
      const untrusted = await loadRules(log, false);
      assert.equal(untrusted.withheld, 'Workspace rules not loaded: this workspace is not trusted.');
      assert.equal(untrusted.withheld, UNTRUSTED_RULES_NOTE);
      assert.deepEqual([untrusted.rules.refusalPhrases.length, untrusted.errors, untrusted.text], [0, [], undefined]);
      const trusted = await loadRules(log);
      assert.equal(trusted.withheld, undefined);
      assert.deepEqual(
        trusted.rules.refusalPhrases.map((p) => p.source),
        ['I\\s+must\\s+respectfully\\s+abstain', '^(a+)+$'],
      );
    } finally {
      fs.rmSync(rulesFile, { force: true });
      if (madeDir && fs.readdirSync(rulesDir).length === 0) fs.rmdirSync(rulesDir);
    }
  });

  it('a run that needs more memory than peerwatch.detection.maxMemoryMB gives is not tagged in the editor, which says why, and is tagged once the bound is raised', async () => {
    const config = vscode.workspace.getConfiguration('peerwatch');
    await config.update(DETECTION_MEMORY_SETTING, 64, vscode.ConfigurationTarget.Global);
    const open: vscode.Disposable[] = [];
    const tagIn = async (file: string) => {
      const source = await RunlogFileSource.open(file, path.basename(file));
      source.shown();
      await waitFor('the run log indexed', () => !source.indexing, 120_000);
      const b = await DocumentBehaviours.open(vscode.Uri.file(file), () => source);
      open.push(b, source);
      b.start();
      await waitFor('the analysis done', () => b.detected && !b.analysing, 120_000, 20);
      return { b, detected: b.detected!, error: b.analysisError, sizeMB: fs.statSync(file).size / 1e6 };
    };
    try {
      // 31 MB: under half of 64 MB, so the worker tries, and stops at its bound (tagging it takes about 85 MB;
      // 70,000 events, 29 MB, once fitted: the margin was too thin for the collector's timing).
      const many = path.join(dir, 'bounded-many.runlog.jsonl');
      writeLargeRun(many, examples, 75_000);
      const tried = await tagIn(many);
      assert.ok(tried.sizeMB < 32, `${tried.sizeMB} MB`);
      assert.deepEqual(tried.detected, []);
      assert.match(tried.error ?? '', /^tagging this run of 75,000 events needed more than the 64 MB `peerwatch\.detection\.maxMemoryMB` gives detection in the editor; run `peerwatch tag` on it instead$/);
      // 36 MB in 40 long messages: more than half of it, so it is not tried at all.
      const long = path.join(dir, 'bounded-long.runlog.jsonl');
      const [header] = fs.readFileSync(many, 'utf8').split('\n', 1);
      const text = 'A long message from the agent. '.repeat(29_000);
      fs.writeFileSync(long, [header, ...Array.from({ length: 40 }, () => JSON.stringify({ type: 'event', kind: 'message', role: 'assistant', text }))].join('\n') + '\n');
      const skipped = await tagIn(long);
      assert.ok(skipped.sizeMB > 34, `${skipped.sizeMB} MB`);
      assert.match(skipped.error ?? '', /^this run's file is 3\d MB, too large to tag within the 64 MB `peerwatch\.detection\.maxMemoryMB` gives detection in the editor \(it needs about three times the file\); run `peerwatch tag` on it instead$/);
      // The bound raised (back to its default), the run still open is tagged, as the CLI tags it.
      await config.update(DETECTION_MEMORY_SETTING, undefined, vscode.ConfigurationTarget.Global);
      await waitFor('the run tagged with the raised bound', () => tried.b.detected!.length > 0 && !tried.b.analysing, 120_000, 20);
      assert.equal(tried.b.analysisError, undefined);
      assert.deepEqual(tried.b.detected, detectBehaviours((await readRunFile(many)).transcript));
    } finally {
      await config.update(DETECTION_MEMORY_SETTING, undefined, vscode.ConfigurationTarget.Global);
      for (const d of open) d.dispose();
    }
  });
});
