/**
 * Compare with… as the web extension has it (comparing.web.ts in this bundle, as in
 * dist/web/extension.js), in the web worker extension host: both runs are read through
 * `vscode.workspace.fs` and compared in the host, which gets its turn between the reads and before
 * the comparison; the view gets the comparison the core gives the same files.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { compareRuns } from '../../src/core/compare';
import { parseTranscript } from '../../src/core/formats';
import { ComparisonPanels } from '../../src/host/compare/comparisonPanel';
import { openSampleLogAt, yieldToHost } from '../../src/host/files';

const decoder = new TextDecoder();

describe('Peerwatch in the web worker extension host: Compare with…', function () {
  this.timeout(60_000);
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;
  let panels: ComparisonPanels;
  beforeEach(() => (panels = new ComparisonPanels(vscode.extensions.getExtension('peerwatch.peerwatch')!.extensionUri)));
  afterEach(() => panels.dispose());

  const read = async (uri: vscode.Uri, name: string) => parseTranscript({ fileName: name, text: decoder.decode(await vscode.workspace.fs.readFile(uri)) });

  it('compares two study runs in the host, answering other work between the reads and before the comparison', async () => {
    const a = vscode.Uri.joinPath(root(), 'study', 'tampering-shutdown-tampering-peer-neutral_peer.json');
    const b = vscode.Uri.joinPath(root(), 'study', 'tampering-faithful-peer-bad_peer.json');
    // Another task of the host, taking a turn whenever it gets one: the steps it saw under way.
    const seen = new Set<string>();
    let done = false;
    const other = (async () => {
      while (!done) {
        for (const s of panels.comparing) seen.add(s.replace(/ .*/, ''));
        await yieldToHost();
      }
    })();
    const panel = await panels.open({ uri: a }, { uri: b });
    done = true;
    await other;
    assert.ok(panel, 'the comparison opened');
    assert.deepEqual([...seen].filter((s) => s !== 'starting').sort(), ['comparing', 'reading']);
    assert.deepEqual(panel.init.comparison, compareRuns(await read(a, 'study/tampering-shutdown-tampering-peer-neutral_peer.json'), await read(b, 'study/tampering-faithful-peer-bad_peer.json')));
    assert.equal(panel.init.a.name, 'study/tampering-shutdown-tampering-peer-neutral_peer.json');
    assert.equal(panel.init.tooLarge, undefined);
  });

  it('compares one sample of an Inspect log with a study run', async () => {
    const log = vscode.Uri.joinPath(root(), 'inspect', 'peer_tampering.eval');
    const b = vscode.Uri.joinPath(root(), 'study', 'tampering-faithful-peer-bad_peer.json');
    const opened = await openSampleLogAt(log, 'inspect/peer_tampering.eval');
    const key = opened!.samples.find((s) => s.complete)!.key;
    const panel = await panels.open({ uri: log, sample: key }, { uri: b });
    assert.ok(panel, 'the comparison opened');
    assert.equal(panel.init.a.name, `inspect/peer_tampering.eval#${key}`);
    assert.deepEqual(panel.init.comparison, compareRuns(await opened!.readSample(key), await read(b, 'study/tampering-faithful-peer-bad_peer.json')));
  });
});
