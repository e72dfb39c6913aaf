/**
 * "Peerwatch: Re-run Scenario": re-runs the run shown in the active Peerwatch editor (maybe with one
 * thing changed) as a VS Code task, and opens the new run beside it, live while it runs.
 *
 *   header → launcher (automatic, or `peerwatch.rerun.launcher`) → quick pick → first-time
 *   confirmation → task (ProcessExecution, argument array, keys only in env) → the new run opens
 *   beside the original → when the task ends, a notification with "Compare Side by Side".
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunHeader } from '../../core/model';
import { LAUNCHER_IDS, chooseLauncher, formatCommandLine, isLauncherId, launchers } from '../../core/rerun';
import type { LaunchContext, LaunchParams, LaunchPlan, Launcher, LauncherId } from '../../core/rerun/types';
import { Disposable } from '../disposable';
import { confirmFirstRun, modalAsk, type Ask } from './confirm';
import { summarizeRunlog, waitForOutput } from './output';
import { pickLaunch } from './picker';
import { setApiKeyInteractively } from './secrets';
import { buildRerunTask, resolveEnv } from './task';
import { OPEN_COMPARISON_COMMAND } from '../compare/compareWith';
import { viewTypeFor } from '../links';

export const RERUN_COMMAND = 'peerwatch.rerunScenario';
export const COMPARE_COMMAND = 'peerwatch.compareRuns';
export const SET_API_KEY_COMMAND = 'peerwatch.setApiKey';
export const LAUNCHER_SETTING = 'rerun.launcher';
export const HARNESS_ROOT_SETTING = 'harnessRoot';
export const BASE_URL_SETTING = 'rerun.baseUrl';
export const COMPARE_ACTION = 'Compare Side by Side';
const RECENT_KEY = 'peerwatch.rerun.recent';

/** The run a re-run starts from: the active Peerwatch editor's header and file. */
export interface RunToRerun {
  readonly header: RunHeader;
  readonly uri: vscode.Uri;
}

export interface RerunDeps {
  readonly extensionUri: vscode.Uri;
  readonly globalState: vscode.Memento;
  readonly workspaceState: vscode.Memento;
  readonly secrets: vscode.SecretStorage;
  readonly globalStorageUri: vscode.Uri;
  /** The run in the active Peerwatch editor, if any. */
  readonly activeRun: () => RunToRerun | undefined;
  /** Whether the workspace is trusted (vscode.workspace.isTrusted; tests pass their own). */
  readonly isTrusted?: () => boolean;
  /** The first-time question (tests pass their own). */
  readonly ask?: Ask;
  /** Tells open editors of a run log that it grew (file watchers can miss a new file's first writes). */
  /** Opens a file in Peerwatch's editor (tests pass their own). */
  readonly openRun?: (uri: vscode.Uri, options: { viewColumn: vscode.ViewColumn; preserveFocus: boolean }) => Thenable<unknown>;
}

export type RerunOutcome =
  | { readonly kind: 'untrusted' | 'no-run' | 'cancelled' | 'declined' | 'missing-env' }
  | { readonly kind: 'launched'; readonly run: LaunchedRun };

/** A launched re-run: its task execution, where it writes, and what happened. */
export interface LaunchedRun {
  readonly plan: LaunchPlan;
  readonly execution: vscode.TaskExecution;
  readonly original: vscode.Uri;
  /** Resolves with the new run's file once it exists (undefined if the task ended without one). */
  readonly output: Promise<vscode.Uri | undefined>;
  /** Resolves with the exit code when the task's process ends (undefined: stopped or never started). */
  readonly exit: Promise<number | undefined>;
}

/** The `peerwatch.rerun.launcher` setting: `auto` or a launcher id. */
export function launcherOverride(): LauncherId | undefined {
  const v = vscode.workspace.getConfiguration('peerwatch').get<string>(LAUNCHER_SETTING, 'auto');
  return isLauncherId(v) ? v : undefined;
}

/** `peerwatch.rerun.baseUrl` as the environment Peerwatch's runner reads it (other launchers: nothing). */
export function baseUrlEnv(plan: LaunchPlan): Record<string, string> | undefined {
  const url = vscode.workspace.getConfiguration('peerwatch').get<string>(BASE_URL_SETTING, '').trim();
  if (!url || plan.launcher !== 'peerwatch') return undefined;
  return { OPENAI_BASE_URL: url, ANTHROPIC_BASE_URL: url };
}

/** The notification at the end of a re-run: finished, failed or cancelled, with the exit code. */
export function endMessage(code: number | undefined, summary: string): string {
  if (code === undefined) return `Re-run cancelled: ${summary}`;
  if (code === 130) return `Re-run cancelled (exit 130): ${summary}`;
  return code === 0 ? `Re-run finished (exit 0): ${summary}` : `Re-run failed (exit ${code}): ${summary}`;
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z');
}

export class RerunController extends Disposable {
  private readonly running = new Set<LaunchedRun>();

  constructor(private readonly deps: RerunDeps) {
    super();
  }

  private get trusted(): boolean {
    return this.deps.isTrusted ? this.deps.isTrusted() : vscode.workspace.isTrusted;
  }

  /** Where the run's task is scoped and its new runs are written. */
  private folderFor(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  }

  /** A fresh folder for a new run: `<workspace>/.peerwatch/runs/<timestamp>/`, else under global storage. */
  newOutputDir(uri: vscode.Uri): string {
    const folder = this.folderFor(uri);
    const base = folder && folder.uri.scheme === 'file' ? path.join(folder.uri.fsPath, '.peerwatch', 'runs') : path.join(this.deps.globalStorageUri.fsPath, 'runs');
    let dir = path.join(base, stamp());
    for (let i = 2; fs.existsSync(dir); i++) dir = path.join(base, `${stamp()}-${i}`);
    return dir;
  }

  launchContext(uri: vscode.Uri, outputDir: string): LaunchContext {
    const harnessRoot = vscode.workspace.getConfiguration('peerwatch').get<string>(HARNESS_ROOT_SETTING, '').trim();
    return {
      transcriptPath: uri.fsPath,
      ...(harnessRoot ? { harnessRoot } : {}),
      exists: (p) => fs.existsSync(p),
      peerwatchCli: { command: process.execPath, args: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'cli.js').fsPath] },
      outputDir,
      sep: path.sep,
    };
  }

  /** The launcher to start with: `peerwatch.rerun.launcher` if it can, else the automatic choice. */
  initialLauncher(header: RunHeader, ctx: LaunchContext): Launcher {
    const override = launcherOverride();
    const choice = chooseLauncher(header, ctx, override);
    if (override && choice.unavailable) {
      const auto = chooseLauncher(header, ctx);
      void vscode.window.showInformationMessage(
        `Peerwatch: the setting peerwatch.rerun.launcher asks for ${choice.launcher.label}, which cannot re-run this run (${choice.unavailable}); starting with ${auto.launcher.label}.`,
      );
      return auto.launcher;
    }
    return choice.launcher;
  }

  /** The command: asks what to run (quick pick), confirms the first time, launches. */
  async rerunScenario(): Promise<RerunOutcome> {
    if (!this.trusted) {
      void vscode.window.showWarningMessage('Peerwatch: re-running a scenario runs commands on this machine, so it is not available in a workspace you have not trusted (Workspaces: Manage Workspace Trust).');
      return { kind: 'untrusted' };
    }
    const run = this.deps.activeRun();
    if (!run) {
      void vscode.window.showInformationMessage('Peerwatch: open a run in Peerwatch first, then re-run it.');
      return { kind: 'no-run' };
    }
    const outputDir = this.newOutputDir(run.uri);
    const ctx = this.launchContext(run.uri, outputDir);
    const picked = await pickLaunch({
      header: run.header,
      ctx,
      launchers: LAUNCHER_IDS.map((id) => launchers[id]),
      initial: this.initialLauncher(run.header, ctx),
      formatCommandLine,
      runName: run.header.title ?? path.basename(run.uri.fsPath),
    });
    if (!picked) return { kind: 'cancelled' };
    return this.launch(run, picked.plan, picked.params, ctx);
  }

  /** Confirms (first time per launcher), resolves API keys, starts the task and follows its output. */
  async launch(run: RunToRerun, plan: LaunchPlan, params: LaunchParams, ctx: LaunchContext): Promise<RerunOutcome> {
    if (!this.trusted) return { kind: 'untrusted' };
    const commandLine = formatCommandLine(plan);
    if (!(await confirmFirstRun(plan, commandLine, this.deps.globalState, this.deps.ask ?? modalAsk))) return { kind: 'declined' };
    let resolved = await resolveEnv(plan.needsEnv, process.env, this.deps.secrets);
    const server = baseUrlEnv(plan);
    // A model server of one's own (peerwatch.rerun.baseUrl) often needs no key: do not ask for one.
    if (resolved.missing.length && !server) {
      const setKey = 'Set API Key…';
      const anyway = 'Run Without It';
      const choice = await vscode.window.showWarningMessage(
        `Peerwatch: this re-run needs ${resolved.missing.join(', ')}, which is neither in the environment nor stored.`,
        { modal: true, detail: 'Keys are kept in VS Code’s secret storage and given to the command only in its environment.' },
        setKey,
        anyway,
      );
      if (choice === setKey) {
        for (const name of resolved.missing) await setApiKeyInteractively(this.deps.secrets, name);
        resolved = await resolveEnv(plan.needsEnv, process.env, this.deps.secrets);
      } else if (choice !== anyway) return { kind: 'missing-env' };
    }
    fs.mkdirSync(ctx.outputDir, { recursive: true });
    const folder = this.folderFor(run.uri);
    const name = `Re-run ${run.header.title ?? path.basename(run.uri.fsPath)} (${params.model})`;
    const task = buildRerunTask(plan, params, run.uri.fsPath, { ...server, ...resolved.env }, folder ?? vscode.TaskScope.Global, name);
    return { kind: 'launched', run: await this.start(run, plan, task) };
  }

  private async start(run: RunToRerun, plan: LaunchPlan, task: vscode.Task): Promise<LaunchedRun> {
    const stop = new vscode.CancellationTokenSource();
    let settleExit!: (code: number | undefined) => void;
    const exit = new Promise<number | undefined>((r) => (settleExit = r));
    let execution: vscode.TaskExecution | undefined;
    // Listen before executing: a quick command can end before executeTask resolves.
    const ended: { execution: vscode.TaskExecution; code: number | undefined }[] = [];
    const endSub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (execution ? e.execution === execution : true) ended.push({ execution: e.execution, code: e.exitCode });
      check();
    });
    const endTaskSub = vscode.tasks.onDidEndTask((e) => {
      // A task stopped before its process started (or whose process end was not reported) ends here.
      if (execution && e.execution === execution) setTimeout(() => finish(undefined, false), 500);
    });
    let finished = false;
    const finish = (code: number | undefined, fromProcess: boolean) => {
      if (finished) return;
      if (!fromProcess && ended.some((x) => x.execution === execution)) return;
      finished = true;
      endSub.dispose();
      endTaskSub.dispose();
      settleExit(code);
    };
    const check = () => {
      if (!execution) return;
      const mine = ended.find((x) => x.execution === execution);
      if (mine) finish(mine.code, true);
    };
    // Look for the output before starting: a search must know which files were there before.
    const output = waitForOutput(plan.output, stop.token);
    try {
      execution = await vscode.tasks.executeTask(task);
    } catch (e) {
      endSub.dispose();
      endTaskSub.dispose();
      stop.cancel();
      throw e;
    }
    check();
    const launched: LaunchedRun = { plan, execution, original: run.uri, output, exit };
    this.running.add(launched);
    this._register({ dispose: () => stop.cancel() });

    const open = this.deps.openRun ?? ((uri, options) => vscode.commands.executeCommand('vscode.openWith', uri, viewTypeFor(uri), options));
    void output.then((uri) => {
      if (!uri) return undefined;
      return open(uri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    }).then(undefined, (e) => void vscode.window.showErrorMessage(`Peerwatch: could not open the new run: ${e instanceof Error ? e.message : String(e)}`));

    void exit.then(async (code) => {
      // The file may be written in the last moments: give the search one more look, then stop it.
      setTimeout(() => stop.cancel(), 1000);
      const uri = await output;
      this.running.delete(launched);
      if (uri) await this.remember(run.uri, uri);
      await this.notifyEnd(run.uri, uri, code);
      stop.dispose();
    });
    return launched;
  }

  private async notifyEnd(original: vscode.Uri, uri: vscode.Uri | undefined, code: number | undefined): Promise<void> {
    const summary = uri
      ? /\.runlog\.jsonl$/i.test(uri.fsPath)
        ? summarizeRunlog(uri.fsPath)
        : path.basename(uri.fsPath)
      : `no new run was written${code !== 0 ? ' (the task’s terminal shows why)' : ''}`;
    const message = endMessage(code, summary);
    const show = code === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    const choice = await show(`Peerwatch: ${message}`, ...(uri ? [COMPARE_ACTION] : []));
    if (choice === COMPARE_ACTION && uri) await this.compareRuns(original, uri);
  }

  private async remember(original: vscode.Uri, rerun: vscode.Uri): Promise<void> {
    const recent = this.recent().filter((r) => r.rerun !== rerun.toString());
    recent.unshift({ original: original.toString(), rerun: rerun.toString() });
    await this.deps.workspaceState.update(RECENT_KEY, recent.slice(0, 20));
  }

  /** Re-runs of this workspace, newest first: the original run and the new one. */
  recent(): { original: string; rerun: string }[] {
    const v = this.deps.workspaceState.get<unknown>(RECENT_KEY);
    return Array.isArray(v) ? v.filter((x): x is { original: string; rerun: string } => typeof x?.original === 'string' && typeof x?.rerun === 'string') : [];
  }

  /**
   * Shows two runs side by side in the comparison view, `a` as A and `b` as B. Without arguments
   * (the palette): the most recent re-run and the run it re-ran.
   */
  async compareRuns(a?: vscode.Uri, b?: vscode.Uri): Promise<void> {
    if (!(a instanceof vscode.Uri) || !(b instanceof vscode.Uri)) {
      const last = this.recent().find((r) => fs.existsSync(vscode.Uri.parse(r.original).fsPath) && fs.existsSync(vscode.Uri.parse(r.rerun).fsPath));
      if (!last) {
        void vscode.window.showInformationMessage('Peerwatch: no re-run to compare yet. Re-run a scenario first ("Peerwatch: Re-run Scenario").');
        return;
      }
      a = vscode.Uri.parse(last.original);
      b = vscode.Uri.parse(last.rerun);
    }
    // One comparison view, the original as A and the re-run as B, rows aligned (src/host/compare).
    await vscode.commands.executeCommand(OPEN_COMPARISON_COMMAND, a, b);
  }
}

/** Registers the re-run commands: Re-run Scenario, Compare Runs Side by Side, Set API Key. */
export function registerRerun(
  context: vscode.ExtensionContext,
  activeRun: () => RunToRerun | undefined,
): RerunController {
  const controller = new RerunController({
    extensionUri: context.extensionUri,
    globalState: context.globalState,
    workspaceState: context.workspaceState,
    secrets: context.secrets,
    globalStorageUri: context.globalStorageUri,
    activeRun,
  });
  const report = (e: unknown) => void vscode.window.showErrorMessage(`Peerwatch: ${e instanceof Error ? e.message : String(e)}`);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(RERUN_COMMAND, () => controller.rerunScenario().catch(report)),
    vscode.commands.registerCommand(COMPARE_COMMAND, (a?: vscode.Uri, b?: vscode.Uri) => controller.compareRuns(a, b).catch(report)),
    vscode.commands.registerCommand(SET_API_KEY_COMMAND, (envName?: string) => setApiKeyInteractively(context.secrets, typeof envName === 'string' ? envName : undefined).catch(report)),
  );
  return controller;
}
