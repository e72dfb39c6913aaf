/**
 * askJudge.ts in the web extension: the judge sends a run to a model provider with a key kept on this
 * machine (the environment or VS Code's secret storage, as the runner's), which VS Code for the Web
 * cannot keep for it; the command is hidden there (`peerwatch.canRunLocally` stays unset) and says
 * why in one line if a keybinding or script calls it.
 */
import * as vscode from 'vscode';
import type { TranscriptEditorProvider } from '../transcriptEditorProvider';
import type * as NodeAskJudge from './askJudge';

export const ASK_JUDGE_COMMAND = 'peerwatch.askJudge';

const NO_JUDGE_ON_THE_WEB =
  'Peerwatch: Ask the Judge sends the run to a model provider with a key kept on this machine, which VS Code for the Web cannot keep; open the folder in desktop VS Code, or run `peerwatch judge` there.';

export function registerAskJudge(context: vscode.ExtensionContext, _provider: TranscriptEditorProvider): void {
  context.subscriptions.push(vscode.commands.registerCommand(ASK_JUDGE_COMMAND, () => void vscode.window.showInformationMessage(NO_JUDGE_ON_THE_WEB)));
}

export const nodeShapeCheck: typeof NodeAskJudge = { ASK_JUDGE_COMMAND, registerAskJudge };
