/**
 * Extension-host suite: runs inside a real VS Code (code-server or desktop) with Peerwatch loaded as
 * the development extension and the repo's examples/ folder open. It checks the contract the editor
 * promises to VS Code itself: activation, commands, which editor opens which file, and the two
 * commands that switch between Peerwatch and the text view.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { waitFor } from '../wait';

const EXTENSION_ID = 'peerwatch.peerwatch';


function activeTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.activeTabGroup.activeTab;
}

function describeTab(tab: vscode.Tab | undefined): string {
  if (!tab) return 'no active tab';
  const input = tab.input as { uri?: vscode.Uri; viewType?: string } | undefined;
  return `${tab.label} (${input?.constructor?.name ?? typeof input}${input?.viewType ? ` ${input.viewType}` : ''}${input?.uri ? ` ${input.uri.fsPath}` : ''})`;
}

/** Waits until the active tab is a Peerwatch custom editor of `viewType` showing `uri`. */
async function activeCustomTab(viewType: string, uri: vscode.Uri): Promise<vscode.TabInputCustom> {
  try {
    return await waitFor(`a ${viewType} tab for ${uri.fsPath}`, () => {
      const input = activeTab()?.input;
      return input instanceof vscode.TabInputCustom && input.viewType === viewType && input.uri.fsPath === uri.fsPath
        ? input
        : undefined;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}; active tab is ${describeTab(activeTab())}`);
  }
}

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder (examples/) is open');
  return folder.uri;
}

async function examples(glob: string): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(workspaceFolder(), glob));
  found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  assert.ok(found.length > 0, `examples matching ${glob} in ${workspaceFolder().fsPath}`);
  return found;
}

/**
 * "Open in Peerwatch" on a file already open in Peerwatch's default editor for it keeps the one tab:
 * the command opens the file in that same editor (viewTypeFor, read from package.json's patterns).
 */
async function assertOneTabAfterOpenInPeerwatch(uri: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand('peerwatch.openInPeerwatch', uri);
  const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString());
  const views = tabs().map((t) => (t.input as vscode.TabInputCustom).viewType);
  assert.deepEqual(views, ['peerwatch.runlog'], `${uri.path}: one tab, in the run editor`);
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('all editors closed', () => vscode.window.tabGroups.all.every((g) => g.tabs.length === 0), 5000).catch(
    () => undefined,
  );
}

describe('Peerwatch in a real VS Code', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed as the development extension`);
    await ext.activate();
  });

  afterEach(closeAllEditors);

  it('activates', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'extension is active');
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['peerwatch.openInPeerwatch', 'peerwatch.showSource']) {
      assert.ok(commands.includes(id), `command ${id} is registered`);
    }
  });

  it('opens a .runlog.jsonl in Peerwatch by default', async () => {
    const [uri] = await examples('runlog/*.runlog.jsonl');
    await vscode.commands.executeCommand('vscode.open', uri);
    const input = await activeCustomTab('peerwatch.runlog', uri);
    assert.equal(input.viewType, 'peerwatch.runlog');
  });

  it('opens a SWE-agent .traj and a mini-swe-agent .traj.json in Peerwatch by default', async () => {
    // The extension under test is the repository (this file runs in the web worker host too: no node:path).
    const real = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'test', 'fixtures', 'real');
    for (const uri of [vscode.Uri.joinPath(real, 'swe-agent', 'gpt4-test-repo-i1.traj'), vscode.Uri.joinPath(real, 'mini-swe-agent', 'github_issue.traj.json')]) {
      await vscode.commands.executeCommand('vscode.open', uri);
      const input = await activeCustomTab('peerwatch.runlog', uri);
      assert.equal(input.viewType, 'peerwatch.runlog', uri.path);
      await assertOneTabAfterOpenInPeerwatch(uri);
      await closeAllEditors();
    }
  });

  it("opens the study's transcripts by their names in Peerwatch by default: transcript_N.json and a harness run's transcript.json", async () => {
    const [harness] = await examples('study/e2e_runs/**/transcript.json');
    await vscode.commands.executeCommand('vscode.open', harness);
    assert.equal((await activeCustomTab('peerwatch.runlog', harness)).viewType, 'peerwatch.runlog');
    await closeAllEditors();
    // As the study's released runs are named (a copy made for the test, removed after).
    const [study] = await examples('study/tampering-faithful-peer-bad_peer.json');
    const named = vscode.Uri.joinPath(workspaceFolder(), 'transcript_7.json');
    await vscode.workspace.fs.copy(study!, named, { overwrite: true });
    try {
      await vscode.commands.executeCommand('vscode.open', named);
      assert.equal((await activeCustomTab('peerwatch.runlog', named)).viewType, 'peerwatch.runlog');
      await closeAllEditors();
    } finally {
      await vscode.workspace.fs.delete(named);
    }
    // Any other JSON keeps VS Code's own editor, with Peerwatch as an option.
    await vscode.commands.executeCommand('vscode.open', study);
    await waitFor('the study file open as text', () => activeTab()?.input instanceof vscode.TabInputText, 10_000);
  });

  it('opens agent CLIs’ session files in Peerwatch by default where those CLIs keep them (.codex/sessions, .gemini/tmp/…/chats, .claude/projects)', async () => {
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const codex = vscode.Uri.joinPath(root, 'test', 'fixtures', 'real', 'codex');
    const [rollout] = (await vscode.workspace.fs.readDirectory(codex)).filter(([n]) => n.endsWith('.jsonl'));
    const gemini = vscode.Uri.joinPath(root, 'examples', 'providers', 'gemini-cli-session-tampering-peer.jsonl');
    const placed = [
      { from: vscode.Uri.joinPath(codex, rollout![0]), to: vscode.Uri.joinPath(workspaceFolder(), '.codex', 'sessions', '2026', '05', '11', 'rollout-2026-05-11T11-26-55-x.jsonl') },
      { from: gemini, to: vscode.Uri.joinPath(workspaceFolder(), '.gemini', 'tmp', 'a1b2', 'chats', 'session-2026-03-08T03-17-7f3c2a10.jsonl') },
      { from: vscode.Uri.joinPath(root, 'test', 'fixtures', 'real', 'claude-code', 'spotter-tool_heavy.jsonl'), to: vscode.Uri.joinPath(workspaceFolder(), '.claude', 'projects', '-home-me-repo', '5f1a.jsonl') },
    ];
    try {
      for (const { from, to } of placed) {
        await vscode.workspace.fs.copy(from, to, { overwrite: true });
        await vscode.commands.executeCommand('vscode.open', to);
        assert.equal((await activeCustomTab('peerwatch.runlog', to)).viewType, 'peerwatch.runlog', to.path);
        await assertOneTabAfterOpenInPeerwatch(to);
        await closeAllEditors();
      }
    } finally {
      for (const dir of ['.codex', '.gemini', '.claude']) await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceFolder(), dir), { recursive: true });
    }
  });

  it('opens a study transcript with "Open With… Peerwatch Transcript"', async () => {
    const [uri] = await examples('study/*.json');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'peerwatch.transcript');
    const input = await activeCustomTab('peerwatch.transcript', uri);
    assert.equal(input.viewType, 'peerwatch.transcript');
  });

  it('"Open in Peerwatch" switches a .json text editor to the Peerwatch editor', async () => {
    const [uri] = await examples('study/*.json');
    const editor = await vscode.window.showTextDocument(uri);
    assert.equal(editor.document.uri.fsPath, uri.fsPath, 'the study file is open as text first');
    assert.ok(activeTab()?.input instanceof vscode.TabInputText, 'the active tab is a text editor');
    await vscode.commands.executeCommand('peerwatch.openInPeerwatch');
    await activeCustomTab('peerwatch.transcript', uri);
    const tabsForFile = () =>
      vscode.window.tabGroups.activeTabGroup.tabs.filter((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.fsPath === uri.fsPath);
    await waitFor('the text tab to be replaced, not kept beside the Peerwatch tab', () => tabsForFile().length === 1).catch((err: Error) => {
      throw new Error(`${err.message}; tabs for the file: ${tabsForFile().map(describeTab).join(', ')}`);
    });
  });

  it('"Open in Peerwatch" opens an agent’s captured output under any name (.log, .ndjson, .txt) as a run', async () => {
    const agents = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'test', 'unit', 'fixtures', 'agents');
    const placed = [
      { from: 'codex-exec-json.jsonl', to: 'codex-run.log' },
      { from: 'opencode-run-json.jsonl', to: 'opencode-run.ndjson' },
      { from: 'gemini-cli-stream-json.jsonl', to: 'gemini-stdout.txt' },
    ].map(({ from, to }) => ({ from: vscode.Uri.joinPath(agents, from), to: vscode.Uri.joinPath(workspaceFolder(), to) }));
    try {
      for (const { from, to } of placed) {
        await vscode.workspace.fs.copy(from, to, { overwrite: true });
        await vscode.window.showTextDocument(to);
        await vscode.commands.executeCommand('peerwatch.openInPeerwatch');
        assert.equal((await activeCustomTab('peerwatch.transcript', to)).viewType, 'peerwatch.transcript', to.path);
        const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.toString() === to.toString());
        assert.equal(tabs.length, 1, `${to.path}: the text tab is replaced`);
        await closeAllEditors();
      }
    } finally {
      for (const { to } of placed) await vscode.workspace.fs.delete(to).then(undefined, () => undefined);
    }
  });

  it('opens a production-harness run from its events.jsonl with "Open With… Peerwatch Transcript"', async () => {
    const [uri] = await examples('study/e2e_runs/**/events.jsonl');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'peerwatch.transcript');
    await activeCustomTab('peerwatch.transcript', uri);
  });

  it('"Reveal in Source" opens the file as text from the Peerwatch editor', async () => {
    const [uri] = await examples('study/*.json');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'peerwatch.transcript');
    await activeCustomTab('peerwatch.transcript', uri);
    await vscode.commands.executeCommand('peerwatch.showSource');
    const editor = await waitFor(
      `a text editor for ${uri.fsPath}`,
      () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.fsPath === uri.fsPath ? e : undefined;
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; active tab is ${describeTab(activeTab())}`);
    });
    assert.ok(editor.document.getText().length > 0, 'the source text is shown');
  });
});
