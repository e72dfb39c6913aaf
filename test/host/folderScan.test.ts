/**
 * Extension-host tests of Behaviours in Folder (src/host/review/folder.ts) against the editor and the
 * CLI's reader: a production-harness run gives the same header and tags whichever reads it, and a run
 * held in two formats (a study .json and the .runlog.jsonl converted from it) counts once.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectBehaviours, emptyRules } from '../../src/core/behaviours';
import type { Transcript } from '../../src/core/model';
import { TranscriptDocument } from '../../src/host/transcriptDocument';
import { TranscriptSource } from '../../src/host/sources';
import { FlagsCache, MAX_RUNS_LISTED, flagsOfRun, isCandidate, moreRunsItem, runsListed, tallyRuns, type FileFlags, type FoundFile } from '../../src/host/review/folder';
import { CorpusLoader } from '../../src/host/corpus/corpusLoader';
import { readCorpusFolder } from '../../src/host/corpus/corpusFolder';
import { readRunFile } from '../../src/node/readTranscript';
import { judgeFilePath } from '../../src/core/corpus/folderRuns';
import { waitFor } from '../wait';

const HARNESS_RUN = 'study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00';

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder (examples/) is open');
  return folder.uri;
}

/** Flags per behaviour and first event, as the folder view counts them. */
function flagsOf(tags: ReadonlyArray<{ behaviour: unknown; events: readonly number[] }>): Pick<FileFlags, 'byBehaviour' | 'firstEvent' | 'flags' | 'tags'> {
  const byBehaviour: Record<string, number> = {};
  const firstEvent: Record<string, number> = {};
  for (const t of tags) {
    const b = String(t.behaviour);
    byBehaviour[b] = (byBehaviour[b] ?? 0) + 1;
    if (firstEvent[b] === undefined) firstEvent[b] = t.events[0]!;
  }
  // A flag is an event an open tag cites: the distinct cited events.
  return { byBehaviour, firstEvent, flags: new Set(tags.flatMap((t) => t.events)).size, tags: tags.length };
}

/** What the editor shows for `uri`: its transcript and its tags once analysed. */
async function inEditor(uri: vscode.Uri): Promise<{ transcript: Transcript; tags: ReturnType<typeof flagsOf> }> {
  const doc = await TranscriptDocument.open(uri);
  try {
    const content = doc.content;
    assert.ok(content.ok && content.source instanceof TranscriptSource, `${uri.fsPath} opens as a transcript: ${content.ok ? '' : content.message}`);
    doc.behaviours.start();
    await doc.behaviours.whenAnalysed();
    return { transcript: content.source.transcript, tags: flagsOf(doc.behaviours.merged.tags.filter((t) => t.verdict !== 'dismissed')) };
  } finally {
    doc.dispose();
  }
}

describe('Behaviours in Folder reads runs as the editor and the CLI do', function () {
  this.timeout(60000);
  let cache: FlagsCache;
  let temp: string | undefined;
  beforeEach(() => {
    cache = new FlagsCache();
  });
  afterEach(() => {
    cache.dispose();
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
    temp = undefined;
  });

  /** Editor (from each of the run's files), folder scan and CLI reader agree on `dir`'s run. */
  async function agree(dir: vscode.Uri): Promise<Transcript> {
    const transcriptJson = vscode.Uri.joinPath(dir, 'transcript.json');
    const cli = (await readRunFile(transcriptJson.fsPath)).transcript;
    const cliFlags = flagsOf(detectBehaviours(cli, emptyRules()));
    const scanned = await cache.get(transcriptJson);
    assert.ok(scanned, 'the folder scan reads the run');
    assert.deepEqual({ byBehaviour: scanned.byBehaviour, firstEvent: scanned.firstEvent, flags: scanned.flags, tags: scanned.tags }, cliFlags, 'folder scan = CLI');
    for (const name of ['transcript.json', 'events.jsonl', 'run_meta.json']) {
      const editor = await inEditor(vscode.Uri.joinPath(dir, name));
      assert.deepEqual(editor.tags, cliFlags, `editor opening ${name} = CLI`);
      assert.deepEqual(editor.transcript.header, cli.header, `editor opening ${name}: the same header as the CLI`);
      assert.deepEqual(editor.transcript.events, cli.events, `editor opening ${name}: the same events as the CLI`);
    }
    return cli;
  }

  it("examples/study's production-harness run: the same tags from the folder scan, the editor and the CLI", async () => {
    const cli = await agree(vscode.Uri.joinPath(workspaceFolder(), HARNESS_RUN));
    assert.equal(cli.header.format, 'study-harness');
    assert.ok(cli.header.metadata['run_meta'], 'run_meta.json was read');
    assert.deepEqual(Object.keys(flagsOf(detectBehaviours(cli, emptyRules())).byBehaviour), ['exfiltration']);
  });

  it('a harness run whose transcript.json leaves its harness, model and task to run_meta.json reads the same everywhere', async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-harness-'));
    const src = path.join(workspaceFolder().fsPath, HARNESS_RUN);
    for (const name of ['run_meta.json', 'events.jsonl']) fs.copyFileSync(path.join(src, name), path.join(temp, name));
    const doc = JSON.parse(fs.readFileSync(path.join(src, 'transcript.json'), 'utf8')) as { experiment_metadata: Record<string, unknown> };
    for (const k of ['agent_model', 'task_folder', 'coding_agent', 'coding_agent_model', 'agent_harness', 'docker']) delete doc.experiment_metadata[k];
    fs.writeFileSync(path.join(temp, 'transcript.json'), JSON.stringify(doc, null, 2) + '\n');
    const cli = await agree(vscode.Uri.file(temp));
    assert.equal(cli.header.format, 'study-harness', 'known from run_meta.json only');
    assert.equal(cli.header.model, 'gemini-3-flash-preview');
    assert.equal(cli.header.taskFamily, 'exfiltration_deletion');
  });

  it('counts a study run and its run-log conversion in examples/ as one run', async () => {
    const listed = await vscode.workspace.findFiles(new vscode.RelativePattern(workspaceFolder(), '**/*.{json,jsonl}'));
    const files = listed.filter(isCandidate).sort((a, b) => a.path.localeCompare(b.path));
    const found: FoundFile[] = [];
    for (const uri of files) {
      const result = await cache.get(uri);
      if (result) found.push({ uri, result });
    }
    const conversions = found.filter((f) => f.result.convertedFrom?.sha256);
    assert.equal(conversions.length, 4, 'examples/runlog holds four conversions that record their source');
    const { groups, runs } = await tallyRuns(found);
    assert.equal(runs, found.length - conversions.length, 'each conversion is counted with its study run');
    const nodes = groups.flatMap((g) => g.runs);
    for (const c of conversions) {
      const name = path.basename(c.uri.fsPath).replace(/\.runlog\.jsonl$/, '.json');
      const shown = nodes.filter((n) => path.basename(n.uri.fsPath) === name);
      assert.ok(shown.length > 0, `${name} is shown`);
      for (const n of shown) assert.deepEqual(n.alsoAs.map((u) => u.fsPath), [c.uri.fsPath], `${name} names its conversion beside it`);
      assert.ok(!nodes.some((n) => n.uri.fsPath === c.uri.fsPath), `${path.basename(c.uri.fsPath)} is not a run of its own`);
    }
    const live = nodes.filter((n) => n.uri.path.endsWith('in-progress-exfiltration_deletion.runlog.jsonl'));
    assert.ok(live.length > 0, 'the in-progress log records no source and stays a run of its own');
  });

  it("the judge's tags count as flags in the badges and the folder view, as in the editor", async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-folder-judge-'));
    const file = path.join(temp, 'faithful.json');
    fs.copyFileSync(path.join(workspaceFolder().fsPath, 'study', 'tampering-faithful-peer-bad_peer.json'), file);
    const uri = vscode.Uri.file(file);
    const before = await cache.get(uri);
    assert.ok(before && before.tags === 0, 'the detectors tag nothing in this run');
    // The judge's answer: a refusal at event 3, and a tag citing an event the run does not have (dropped).
    const judge = judgeFilePath(file);
    fs.mkdirSync(path.dirname(judge), { recursive: true });
    const tag = (id: string, events: number[]) => ({ id, behaviour: 'refusal', qualifier: 'peer-preservation', events, explanation: 'Declined.' });
    fs.writeFileSync(judge, JSON.stringify({ version: 1, answers: [{ key: 'k', model: 'judge-model', provider: 'openai', rubricVersion: 'r1', behaviours: ['refusal'], at: '2026-12-06T00:00:00Z', tags: [tag('judge:refusal:3', [3]), tag('judge:refusal:99999', [99999])] }] }));
    const want = { byBehaviour: { refusal: 1 }, firstEvent: { refusal: 3 }, flags: 1, tags: 1 };
    const pick = (f: FileFlags | null) => f && { byBehaviour: f.byBehaviour, firstEvent: f.firstEvent, flags: f.flags, tags: f.tags };
    // The badge: the judge file's change is seen (it is part of the cache key).
    assert.deepEqual(pick(await cache.get(uri)), want, 'the explorer badge counts the judge’s tag');
    // Behaviours in Folder, from the corpus index.
    const ext = vscode.extensions.getExtension('peerwatch.peerwatch')!;
    const corpus = await new CorpusLoader(ext.extensionUri).load(vscode.Uri.file(temp));
    const run = corpus.runs.find((r) => r.file === file);
    assert.ok(run, 'the folder holds the run');
    assert.deepEqual(pick(flagsOfRun(run)), want, 'Behaviours in Folder counts the judge’s tag');
    // The editor: the same flag.
    const doc = await TranscriptDocument.open(uri);
    try {
      doc.behaviours.start();
      await doc.behaviours.whenAnalysed();
      const shown = await waitFor('the judge’s tag in the editor', () => {
        const open = doc.behaviours.merged.tags.filter((t) => t.verdict !== 'dismissed');
        return open.length ? flagsOf(open) : undefined;
      });
      assert.deepEqual(shown, want, 'the editor counts the same');
    } finally {
      doc.dispose();
    }
  });

  it('from the corpus index, every run has the flags the per-file reading gives it, a log’s samples are runs, and a second read comes from the index alone', async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-folder-index-'));
    for (const sub of ['study', 'runlog', 'inspect']) fs.cpSync(path.join(workspaceFolder().fsPath, sub), path.join(temp, sub), { recursive: true });
    const ext = vscode.extensions.getExtension('peerwatch.peerwatch');
    assert.ok(ext, 'the extension is loaded');
    const loader = new CorpusLoader(ext.extensionUri);
    const said: string[] = [];
    const first = await loader.load(vscode.Uri.file(temp), (text) => said.push(text));
    assert.equal(first.totals.fromIndex, 0);
    // The progress ends on the whole count, not on one held back by its throttle.
    assert.equal(said.at(-1), `${first.totals.files} read and tagged, 0 from the index, of ${first.totals.files}`);
    assert.ok(fs.existsSync(path.join(temp, '.peerwatch', 'index.jsonl')), 'the index is written in the folder');
    let compared = 0;
    for (const run of first.runs) {
      if (run.sample !== undefined) continue;
      const uri = vscode.Uri.file(run.file);
      if (!isCandidate(uri)) continue;
      const perFile = await cache.get(uri);
      assert.ok(perFile, `${run.file} is read per file too`);
      const fromIndex = flagsOfRun(run);
      const pick = (f: FileFlags) => ({ byBehaviour: f.byBehaviour, firstEvent: f.firstEvent, flags: f.flags, tags: f.tags, reviewed: f.reviewed, sha256: f.sha256, convertedFrom: f.convertedFrom });
      assert.deepEqual(pick(fromIndex), pick(perFile), `${path.relative(temp!, run.file)}: index = per-file reading`);
      compared++;
    }
    assert.ok(compared >= 20, `compared ${compared} runs`);
    const found: FoundFile[] = first.runs.map((r) => ({ uri: vscode.Uri.file(r.file), ...(r.sample !== undefined ? { sample: r.sample } : {}), result: flagsOfRun(r) }));
    const nodes = (await tallyRuns(found)).groups.flatMap((g) => g.runs);
    assert.ok(nodes.some((n) => n.sample !== undefined && n.uri.fsPath.endsWith('peer_tampering.eval')), 'an Inspect log’s samples are runs of the folder');
    const second = await loader.load(vscode.Uri.file(temp));
    assert.equal(second.totals.tagged, 0, 'nothing read again');
    assert.equal(second.totals.fromIndex, first.totals.files);
    // Tagged files arrive as the workers finish them, the index's in its order: both loads list them by key.
    const keys = first.runs.map((r) => r.key);
    assert.deepEqual(keys, [...keys].sort(), 'the runs are listed by key');
    assert.deepEqual(second.runs.map((r) => r.key), keys, 'in the same order on every load');
    assert.deepEqual(second.runs.map(flagsOfRun), first.runs.map(flagsOfRun));
  });
  it('cancelling a folder being read keeps in its index the files done, and the next read takes them from it', async () => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-folder-cancel-'));
    const study = path.join(workspaceFolder().fsPath, 'study');
    const transcript = fs.readdirSync(study).find((n) => n.endsWith('.json'))!;
    for (let i = 0; i < 2100; i++) fs.copyFileSync(path.join(study, transcript), path.join(temp, `transcript_${i}.json`));
    const ext = vscode.extensions.getExtension('peerwatch.peerwatch');
    assert.ok(ext, 'the extension is loaded');
    const controller = new AbortController();
    const quiet = { warn: () => undefined, problem: (m: string) => assert.fail(m) };
    const first = await readCorpusFolder(ext.extensionUri, vscode.Uri.file(temp), {
      ...quiet,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.tagged > 0) controller.abort();
      },
    });
    assert.equal(first.result.interrupted, true, 'the read stops when cancelled');
    assert.ok(first.result.tagged > 0 && first.result.tagged < 2100, `${first.result.tagged} of 2,100 files tagged before it stopped`);
    const second = await readCorpusFolder(ext.extensionUri, vscode.Uri.file(temp), { ...quiet, signal: new AbortController().signal, onProgress: () => undefined });
    assert.equal(second.result.interrupted, false);
    assert.equal(second.result.fromIndex, first.result.tagged, 'the files done before the cancel come from the index');
    assert.equal(second.result.fromIndex + second.result.tagged, 2100);
    assert.equal(second.runs.length, 2100, 'every run, in batches of 2,000 from the worker');
    assert.equal(new Set(second.runs.map((r) => r.file)).size, 2100);
  });
  it('lists the first 1,000 runs of a behaviour, then one line with how many more that opens the corpus view', async () => {
    const flagged = (i: number): FoundFile => ({ uri: vscode.Uri.file(`/corpus/transcript_${i}.json`), result: { byBehaviour: { 'shutdown-tampering': 1 }, firstEvent: { 'shutdown-tampering': 7 }, flags: 1, tags: 1, reviewed: false } });
    const { groups } = await tallyRuns([...Array(MAX_RUNS_LISTED + 250).keys()].map(flagged));
    const listed = runsListed(groups[0]!);
    assert.equal(listed.length, MAX_RUNS_LISTED + 1);
    assert.ok(listed.slice(0, MAX_RUNS_LISTED).every((n) => n.kind === 'run'));
    const more = listed[MAX_RUNS_LISTED]!;
    assert.deepEqual(more, { kind: 'more', behaviour: 'shutdown-tampering', count: 250 });
    const item = moreRunsItem(more as Extract<typeof more, { kind: 'more' }>);
    assert.equal(item.label, '250 more runs');
    assert.ok((await vscode.commands.getCommands(true)).includes(item.command!.command), `${item.command!.command} is a command`);
    assert.equal(runsListed((await tallyRuns([...Array(MAX_RUNS_LISTED).keys()].map(flagged))).groups[0]!).length, MAX_RUNS_LISTED, 'up to 1,000 runs, every one is listed');
  });
});
