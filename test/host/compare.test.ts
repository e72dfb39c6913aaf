/**
 * Compare with… in the extension host: two runs are read and compared in a worker thread
 * (dist/compareWorker.js), so the host's event loop keeps answering while a large comparison runs;
 * the view gets what `peerwatch compare` finds; cancelling opens nothing; a run that cannot be read
 * is named.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareRuns } from '../../src/core/compare';
import { MAX_VIEW_EVENTS } from '../../src/core/compare/view';
import { COMPARISON_VIEW_TYPE, ComparisonPanels } from '../../src/host/compare/comparisonPanel';
import { OPEN_COMPARISON_COMMAND } from '../../src/host/compare/compareWith';
import { readRunFile } from '../../src/node/readTranscript';
import { waitFor } from '../wait';
import { writeLargeRun } from '../largeRun';
import { heartbeat, idleStall, machineStall, report, STALL_MS } from './stall';

/**
 * Events of the large runs: A, and B (A's first events), together well over the view's bound; large
 * enough that reading A on the host's thread alone would stall it for longer than the bound allows.
 */
const LARGE_A = 80_000;
const LARGE_B = 20_000;

/** The comparison views open in the window (the extension's and the tests' own). */
function comparisonTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(COMPARISON_VIEW_TYPE));
}

describe('Compare with… off the extension host thread', function () {
  this.timeout(120_000);
  const examples = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const extensionUri = vscode.extensions.getExtension('peerwatch.peerwatch')!.extensionUri;
  let dir: string;
  let panels: ComparisonPanels;
  let a: string;
  let b: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-compare-'));
    a = path.join(dir, 'a.runlog.jsonl');
    b = path.join(dir, 'b.runlog.jsonl');
    writeLargeRun(a, examples, LARGE_A);
    writeLargeRun(b, examples, LARGE_B);
  });
  beforeEach(() => (panels = new ComparisonPanels(extensionUri)));
  afterEach(async () => {
    panels.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the comparison views closed', () => comparisonTabs().length === 0);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens the comparison of two study runs from the command, with the CLI\'s comparison and both runs\' events', async () => {
    const tampering = path.join(examples, 'study', 'tampering-shutdown-tampering-peer-neutral_peer.json');
    const faithful = path.join(examples, 'study', 'tampering-faithful-peer-bad_peer.json');
    await vscode.commands.executeCommand(OPEN_COMPARISON_COMMAND, vscode.Uri.file(tampering), vscode.Uri.file(faithful));
    const tab = await waitFor('the comparison view', () => comparisonTabs()[0]);
    assert.equal(tab.label, 'tampering-shutdown-tampering-peer-neutral_peer.json ↔ tampering-faithful-peer-bad_peer.json');
    // The tests' own panels, to read what the view was sent: the CLI's comparison, every event.
    const panel = await panels.open({ uri: vscode.Uri.file(tampering) }, { uri: vscode.Uri.file(faithful) });
    assert.ok(panel, 'the comparison opened');
    const [ta, tb] = [(await readRunFile(tampering)).transcript, (await readRunFile(faithful)).transcript];
    assert.equal(panel.init.tooLarge, undefined);
    assert.deepEqual(panel.init.comparison, compareRuns(ta, tb));
    assert.deepEqual([panel.init.a.events, panel.init.b.events], [ta.events, tb.events]);
    assert.deepEqual([panel.init.a.name, panel.init.b.name], ['study/tampering-shutdown-tampering-peer-neutral_peer.json', 'study/tampering-faithful-peer-bad_peer.json']);
  });

  it(`compares runs of ${(LARGE_A + LARGE_B).toLocaleString('en-US')} events with the host's event loop never stalled 200 ms beyond the machine's own; the view gets the CLI's comparison without the rows`, async () => {
    const idle = await idleStall();
    const started = performance.now();
    let watched: Awaited<ReturnType<ReturnType<typeof heartbeat>['stop']>>;
    const h = heartbeat({ control: true });
    let panel;
    try {
      panel = await panels.open({ uri: vscode.Uri.file(a) }, { uri: vscode.Uri.file(b) });
    } finally {
      watched = await h.stop();
    }
    const took = performance.now() - started;
    const { maxGap, gaps, controlGap } = watched;
    report(`      comparison of ${LARGE_A} with ${LARGE_B} events: ${took.toFixed(0)} ms; longest event-loop stall ${maxGap.toFixed(0)} ms (idle just before: ${idle.toFixed(0)} ms; a control thread meanwhile: ${controlGap.toFixed(0)} ms); stalls over 50 ms: ${gaps.join(', ') || 'none'}`);
    assert.ok(panel, 'the comparison opened');
    const machine = machineStall(idle, watched);
    assert.ok(maxGap < STALL_MS + machine, `the extension host's event loop stalled ${maxGap.toFixed(0)} ms while comparing (the machine's own: ${machine.toFixed(0)} ms)`);
    // Too large for the view: no events or rows, but the CLI's first divergence, outcomes and tags, and the rows counted.
    const cli = compareRuns((await readRunFile(a)).transcript, (await readRunFile(b)).transcript);
    const init = panel.init;
    assert.deepEqual([init.a.events.length, init.b.events.length, init.comparison.aligned.length], [0, 0, 0]);
    assert.deepEqual([init.comparison.firstDivergence, init.comparison.outcome, init.comparison.tags], [cli.firstDivergence, cli.outcome, cli.tags]);
    assert.deepEqual(init.tooLarge && [init.tooLarge.events, init.tooLarge.limit, init.tooLarge.rows.total, init.tooLarge.rows.onlyA], [LARGE_A + LARGE_B, MAX_VIEW_EVENTS, cli.aligned.length, LARGE_A - LARGE_B]);
    assert.equal(init.tooLarge?.command, `peerwatch compare ${a} ${b}`);
  });

  it('cancelling a comparison under way, or closing the window, stops it at once and opens nothing', async () => {
    const cancel = new vscode.CancellationTokenSource();
    const opening = panels.open({ uri: vscode.Uri.file(a) }, { uri: vscode.Uri.file(b) }, { token: cancel.token });
    // Cancelled once the worker has started reading the first run.
    await waitFor('the comparison under way', () => panels.comparing[0]?.startsWith('reading '), 10_000, 5);
    const cancelled = performance.now();
    cancel.cancel();
    assert.equal(await opening, undefined);
    const after = performance.now() - cancelled;
    report(`      a comparison cancelled settled in ${after.toFixed(0)} ms`);
    assert.ok(after < 1000, `cancelling took ${after.toFixed(0)} ms`);
    assert.deepEqual(panels.comparing, []);
    assert.deepEqual(comparisonTabs(), [], 'no comparison view opened');
    // The same when the extension stops (its comparisons disposed) with a comparison under way.
    const closing = panels.open({ uri: vscode.Uri.file(a) }, { uri: vscode.Uri.file(b) });
    await waitFor('the comparison under way', () => panels.comparing[0]?.startsWith('reading '), 10_000, 5);
    const disposed = performance.now();
    panels.dispose();
    assert.equal(await closing, undefined);
    const stopped = performance.now() - disposed;
    assert.ok(stopped < 1000, `the comparison went on ${stopped.toFixed(0)} ms after the window closed`);
    assert.deepEqual(comparisonTabs(), [], 'no comparison view opened');
  });

  it('names a run that cannot be read, and opens nothing', async () => {
    const gone = path.join(examples, 'study', 'no-such-run.json');
    await assert.rejects(panels.open({ uri: vscode.Uri.file(b) }, { uri: vscode.Uri.file(gone) }), /no-such-run\.json/);
    const notRun = path.join(dir, 'notes.json');
    fs.writeFileSync(notRun, '{"shopping": ["milk"]}');
    await assert.rejects(panels.open({ uri: vscode.Uri.file(b) }, { uri: vscode.Uri.file(notRun) }), /notes\.json/);
    assert.deepEqual(comparisonTabs(), []);
  });
});
