/**
 * Behaviours in Folder with the workspace's rules file: the folder view reads the corpus index, and in a
 * trusted workspace the index's runs are tagged with `.peerwatch/rules.yaml` too, as the editor tags
 * them. A custom tag shows in the view; editing the rules file tags the folder again (the index's
 * detector version holds the rules text's hash), without anyone pressing Refresh.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectBehaviours, parseRules } from '../../src/core/behaviours';
import type { FolderTally } from '../../src/host/review/folder';
import type { CorpusPanel } from '../../src/host/corpus/corpusPanel';
import { CorpusLoader, type LoadedCorpus } from '../../src/host/corpus/corpusLoader';
import { readRunFile } from '../../src/node/readTranscript';
import { waitFor } from '../wait';

const rulesText = (behaviour: string) => `version: 1
tags:
  - id: config-looked-at
    behaviour: ${behaviour}
    explanation: Read the config with {tool}.
    match:
      kind: tool_call
      tool: view_config
`;

describe('Behaviours in Folder tags with the workspace rules file', function () {
  this.timeout(120_000);
  let root: string;
  let rulesFile: string;
  let hadFolder: boolean;
  /** The index's detector version without rules. */
  let builtIn: string | undefined;

  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder (examples/) is open');
    assert.ok(vscode.workspace.isTrusted, 'the test workspace is trusted');
    root = folder.uri.fsPath;
    hadFolder = fs.existsSync(path.join(root, '.peerwatch'));
    rulesFile = path.join(root, '.peerwatch', 'rules.yaml');
    assert.ok(!fs.existsSync(rulesFile), 'the examples have no rules file of their own');
  });

  after(async () => {
    // The examples as they were: no rules file, and no .peerwatch folder if there was none. The view
    // reads the folder again by itself when the rules file goes; that scan ends before the folder is removed.
    if (fs.existsSync(rulesFile)) {
      fs.rmSync(rulesFile);
      if (builtIn) await waitFor('the folder view to tag the folder again without the rules file', () => detector() === builtIn, 60_000);
    }
    if (!hadFolder) fs.rmSync(path.join(root, '.peerwatch'), { recursive: true, force: true });
  });

  const refresh = async (): Promise<FolderTally> => {
    const tally = await vscode.commands.executeCommand<FolderTally | undefined>('peerwatch.refreshFolderBehaviours');
    assert.ok(tally, 'the folder view read the workspace');
    return tally;
  };
  const detector = () => JSON.parse(fs.readFileSync(path.join(root, '.peerwatch', 'index.jsonl'), 'utf8').split('\n')[0]!).detector as string;

  it('shows a custom rule’s tag on the runs the rule matches, and tags again when the rules file is edited', async () => {
    // An open corpus view of the folder follows the rules file too, with no Refresh.
    const panel = await vscode.commands.executeCommand<CorpusPanel>('peerwatch.openCorpus', vscode.Uri.file(root));
    const corpusHas = (behaviour: string) => panel.runs.some((r) => r.tags.some((t) => t.behaviour === behaviour));
    assert.ok(panel.runs.length > 0 && !corpusHas('config-read'), 'the corpus view shows the runs, without the custom tag');
    const before = await refresh();
    assert.equal(before.behaviours['config-read'], undefined, 'no custom tag without the rules file');
    // Run from the window (the palette, the view's refresh button), a command's result is sent to it
    // as JSON: counts, not the runs themselves (at the study's scale, tens of megabytes).
    assert.deepEqual(JSON.parse(JSON.stringify(panel)), { folder: vscode.Uri.file(root).toString(), runs: panel.runs.length });
    assert.deepEqual(JSON.parse(JSON.stringify(before)), { ...before, behaviours: Object.fromEntries(Object.entries(before.behaviours).map(([b, runs]) => [b, runs.length])) });
    assert.ok(Object.values(before.behaviours).some((runs) => runs.length > 0), 'the tally in this extension host lists the runs');
    builtIn = detector();

    fs.mkdirSync(path.dirname(rulesFile), { recursive: true });
    fs.writeFileSync(rulesFile, rulesText('config-read'));
    const withRules = await refresh();
    await waitFor('the open corpus view to show the custom tag', () => corpusHas('config-read'), 60_000);
    const listed = withRules.behaviours['config-read'] ?? [];
    // The runs `peerwatch tag --rules` would tag: every study run that calls view_config is listed.
    const rules = parseRules('rules.yaml', rulesText('config-read')).rules;
    const study = path.join(root, 'study');
    for (const name of fs.readdirSync(study).filter((f) => f.endsWith('.json'))) {
      const tags = detectBehaviours((await readRunFile(path.join(study, name))).transcript, rules).filter((t) => t.behaviour === 'config-read');
      assert.equal(listed.includes(path.join(study, name)), tags.length > 0, `${name}: listed under config-read exactly when the rule tags it`);
    }
    assert.ok(listed.some((f) => f.endsWith('tampering-shutdown-tampering-peer-good_peer.json')), `a tampering run is listed: ${listed.join(', ')}`);
    assert.equal(withRules.runs, before.runs, 'the same runs, tagged with one rule more');
    assert.match(detector(), new RegExp(`^${builtIn!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\+rules-sha256:[0-9a-f]{16}$`), 'the index records the rules text');

    // Edit the rules file: the view reads the folder again by itself (the index's detector changes), and the tag follows.
    const first = detector();
    fs.writeFileSync(rulesFile, rulesText('config-inspected'));
    await waitFor('the folder to be tagged again after the rules file changed', () => fs.existsSync(path.join(root, '.peerwatch', 'index.jsonl')) && detector() !== first, 60_000);
    const edited = await refresh();
    await waitFor('the open corpus view to show the edited rule’s tag', () => corpusHas('config-inspected') && !corpusHas('config-read'), 60_000);
    panel.dispose();
    assert.equal(edited.behaviours['config-read'], undefined, 'the old behaviour is gone');
    // The same runs (in the order the workers finished them, which may differ).
    assert.deepEqual([...(edited.behaviours['config-inspected'] ?? [])].sort(), [...listed].sort(), 'the same runs under the new behaviour');
  });

  it('a load asked for after the rules file changed does not take the load begun before the change', async () => {
    const loader = new CorpusLoader(vscode.extensions.getExtension('peerwatch.peerwatch')!.extensionUri);
    const folder = vscode.Uri.file(root);
    fs.mkdirSync(path.dirname(rulesFile), { recursive: true });
    fs.writeFileSync(rulesFile, rulesText('config-read'));
    let second: Promise<LoadedCorpus> | undefined;
    const first = loader.load(folder, () => {
      if (second) return;
      // The first load is under way (tagging with config-read): the rules change, and a view asks again.
      fs.writeFileSync(rulesFile, rulesText('config-inspected'));
      second = loader.load(folder);
    });
    const a = await first;
    assert.ok(second, 'the first load reported its progress');
    const b = await second;
    const has = (c: LoadedCorpus, behaviour: string) => c.runs.some((r) => r.tags.some((t) => t.behaviour === behaviour));
    assert.ok(has(a, 'config-read') && !has(a, 'config-inspected'), 'the first load tags with the rules it began with');
    assert.ok(has(b, 'config-inspected') && !has(b, 'config-read'), 'the second tags with the rules as they are now');
  });
});
