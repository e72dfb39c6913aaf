/**
 * "Peerwatch: Ask the Judge": sends the run in the active Peerwatch editor to the judge model named in
 * the settings (`peerwatch.judge.model`, `.baseUrl`, `.provider`), with the built-in rubrics and the
 * workspace's `.peerwatch/rubrics/*.md`, and shows its findings in the Behaviours view as the judge's
 * tags (model, rubric version), which are confirmed or dismissed like any tag. The request, the
 * cache and the judge file are the CLI's (src/node/judge). Unavailable in untrusted workspaces: it
 * sends the run to a server the workspace's settings could name. Keys come from the environment or
 * VS Code's secret storage (Peerwatch: Set API Key), as for re-runs.
 */
import * as vscode from 'vscode';
import { effectiveRubrics, rubricBehaviours } from '../../core/judge/rubrics';
import { judgeRun, readRubricFiles, rubricsFolder } from '../../node/judge/judgeRun';
import { ClientSettingsError, DEFAULT_BASE, inferProvider, resolveClient, type Provider } from '../../runner/clients';
import { readWholeTranscript } from '../review/documentBehaviours';
import { setApiKeyInteractively } from '../rerun/secrets';
import { resolveEnv } from '../rerun/task';
import type { TranscriptEditorProvider } from '../transcriptEditorProvider';

export const ASK_JUDGE_COMMAND = 'peerwatch.askJudge';

/** Registers Ask the Judge for the run in `provider`'s active editor. */
export function registerAskJudge(context: vscode.ExtensionContext, provider: TranscriptEditorProvider): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(ASK_JUDGE_COMMAND, () =>
      askJudge(context, provider).catch((e: unknown) => void vscode.window.showErrorMessage(`Peerwatch: ${e instanceof Error ? e.message : String(e)}`)),
    ),
  );
}

async function askJudge(context: vscode.ExtensionContext, provider: TranscriptEditorProvider): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Peerwatch: Ask the Judge is unavailable in an untrusted workspace (it sends the run to the model server its settings name). Trust the workspace to use it.');
    return;
  }
  const active = provider.active;
  const source = active?.source;
  if (!active || !source) {
    void vscode.window.showInformationMessage('Peerwatch: open a run (or a sample of a log) in Peerwatch first, then ask the judge.');
    return;
  }
  const doc = active.document;
  if (doc.sourceUri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Peerwatch: the judge keeps its answers beside the run, so it reads runs on disk only.');
    return;
  }
  const config = vscode.workspace.getConfiguration('peerwatch.judge');
  const model = config.get<string>('model', '').trim();
  if (!model) {
    const open = 'Open Settings';
    if ((await vscode.window.showWarningMessage('Peerwatch: name the judge model first (peerwatch.judge.model, e.g. gpt-4.1-mini).', open)) === open) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'peerwatch.judge');
    }
    return;
  }
  const setting = config.get<string>('provider', 'auto');
  const api: Provider = setting === 'openai' || setting === 'anthropic' ? setting : inferProvider(model);
  const baseUrl = config.get<string>('baseUrl', '').trim() || undefined;
  const envName = api === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
  let { env } = await resolveEnv([envName], process.env, context.secrets);
  // The providers' own servers need a key; a server of one's own often does not.
  if (!env[envName] && (!baseUrl || baseUrl.replace(/\/+$/, '') === DEFAULT_BASE[api])) {
    const setKey = 'Set API Key…';
    if ((await vscode.window.showWarningMessage(`Peerwatch: the judge needs ${envName}, which is neither in the environment nor stored.`, setKey)) !== setKey) return;
    if (!(await setApiKeyInteractively(context.secrets, envName))) return;
    ({ env } = await resolveEnv([envName], process.env, context.secrets));
  }
  let client;
  try {
    client = resolveClient({ model, provider: api, ...(baseUrl ? { baseUrl } : {}) }, { [envName]: env[envName] });
  } catch (e) {
    if (e instanceof ClientSettingsError) {
      void vscode.window.showErrorMessage(`Peerwatch: ${e.message.replace('--base-url', 'peerwatch.judge.baseUrl')}`);
      return;
    }
    throw e;
  }
  const behaviours = doc.behaviours;
  const problems: string[] = [];
  const folder = vscode.workspace.getWorkspaceFolder(doc.sourceUri);
  const rubrics = effectiveRubrics(folder ? await readRubricFiles(rubricsFolder(folder.uri.fsPath), (m) => problems.push(m)) : undefined);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Peerwatch: asking the judge (${model})…`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const transcript = await readWholeTranscript(source, () => token.isCancellationRequested);
        if (!transcript) return undefined;
        return await judgeRun({
          transcript,
          logPath: doc.sourceUri.fsPath,
          ...(doc.sampleKey !== undefined ? { sample: doc.sampleKey } : {}),
          client: client.make(),
          provider: client.provider,
          rubrics,
          behaviours: rubricBehaviours(rubrics),
          signal: abort.signal,
          problem: (m) => problems.push(m),
        });
      } finally {
        sub.dispose();
      }
    },
  );
  for (const p of problems) void vscode.window.showWarningMessage(`Peerwatch: ${p}`);
  if (!result) return;
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Peerwatch: the judge could not answer: ${result.error}`);
    return;
  }
  await behaviours.loadJudge();
  const a = result.answer;
  const found = a.tags.length ? `${a.tags.length} finding${a.tags.length === 1 ? '' : 's'} (${[...new Set(a.tags.map((t) => t.behaviour))].join(', ')})` : 'nothing';
  void vscode.window.showInformationMessage(`Peerwatch: the judge (${a.model}, rubric ${a.rubricVersion}) found ${found}${result.cached ? ', from its earlier answer' : ''}. Its tags are in the Behaviours view to confirm or dismiss.`);
}
