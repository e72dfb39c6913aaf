/**
 * Extension-host tests of "Peerwatch: Re-run Scenario" (src/host/rerun) in a real VS Code: the task
 * it builds (a ProcessExecution whose argument array is the launch plan's, no shell), the
 * first-time confirmation remembered per launcher, the untrusted-workspace check, and API keys that
 * reach the process only through its environment, with a real process started as a VS Code task.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTranscript } from '../../src/core/formats';
import { formatCommandLine, launchers } from '../../src/core/rerun';
import type { LaunchPlan } from '../../src/core/rerun/types';
import { CONFIRMED_KEY, confirmFirstRun } from '../../src/host/rerun/confirm';
import { RerunController, endMessage, type RerunDeps } from '../../src/host/rerun/rerun';
import { TASK_TYPE, buildRerunTask, resolveEnv, secretKey } from '../../src/host/rerun/task';
import { globMatcher, waitForOutput } from '../../src/host/rerun/output';
import { waitFor } from '../wait';

const EXTENSION_ID = 'peerwatch.peerwatch';

/** globalState/workspaceState as VS Code keeps them, in memory. */
class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : defaultValue;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

/** SecretStorage in memory (the extension's own is per extension; tests must not write into it). */
class MemorySecrets implements vscode.SecretStorage {
  private readonly values = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changed.fire({ key });
  }
  async keys(): Promise<string[]> {
    return [...this.values.keys()];
  }
}

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder (examples/) is open');
  return folder.uri;
}

/** A study example (its file and parsed header). */
function studyExample(name: string) {
  const file = path.join(workspaceFolder().fsPath, 'study', name);
  const header = parseTranscript({ fileName: file, text: fs.readFileSync(file, 'utf8') }).header;
  return { uri: vscode.Uri.file(file), header };
}

function deps(overrides: Partial<RerunDeps> = {}): RerunDeps {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  return {
    extensionUri: ext.extensionUri,
    globalState: new MemoryMemento(),
    workspaceState: new MemoryMemento(),
    secrets: new MemorySecrets(),
    globalStorageUri: vscode.Uri.file(fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-rerun-storage-'))),
    activeRun: () => undefined,
    ask: async () => true,
    openRun: async () => undefined,
    ...overrides,
  };
}

const SECRET = `sk-test-${crypto.randomBytes(12).toString('hex')}`;
const ENV_NAME = 'PEERWATCH_RERUN_TEST_KEY';

describe('Re-run Scenario in the extension host', function () {
  this.timeout(60000);
  let dir: string;
  const controllers: RerunController[] = [];

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-rerun-'));
  });
  afterEach(() => {
    controllers.splice(0).forEach((c) => c.dispose());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers the commands and contributes the task type, trust limits and settings', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['peerwatch.rerunScenario', 'peerwatch.compareRuns', 'peerwatch.setApiKey']) assert.ok(commands.includes(id), `command ${id} is registered`);
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const rerun = pkg.contributes.commands.find((c: { command: string }) => c.command === 'peerwatch.rerunScenario');
    assert.equal(rerun.title, 'Re-run Scenario');
    assert.match(rerun.enablement, /isWorkspaceTrusted/, 'the command is disabled in untrusted workspaces');
    for (const menu of ['editor/title', 'commandPalette']) {
      const entry = pkg.contributes.menus[menu].find((m: { command: string }) => m.command === 'peerwatch.rerunScenario');
      assert.ok(entry, `the command is in ${menu}`);
      assert.match(entry.when, /isWorkspaceTrusted/);
      assert.match(entry.when, /peerwatch\.canRunLocally/, 'hidden where no process can start (the web extension)');
      assert.match(entry.when, /activeCustomEditorId == peerwatch\.runlog/);
      assert.match(entry.when, /activeCustomEditorId == peerwatch\.transcript/);
    }
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(
      ['peerwatch.harnessRoot', 'peerwatch.rerun.launcher'].filter((k) => !pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(k)),
      [],
      'the settings that choose what runs are restricted',
    );
    assert.ok(pkg.contributes.taskDefinitions.some((d: { type: string }) => d.type === TASK_TYPE), 'the "peerwatch" task type is contributed');
    assert.equal(vscode.workspace.getConfiguration('peerwatch').get('rerun.launcher'), 'auto');
  });

  it("builds a task whose ProcessExecution runs the plan's command with exactly its argument array, in its folder, no shell", () => {
    const { uri, header } = studyExample('tampering-shutdown-tampering-peer-good_peer.json');
    const controller = new RerunController(deps());
    controllers.push(controller);
    const ctx = controller.launchContext(uri, path.join(dir, 'out'));
    const launcher = launchers.peerwatch;
    const params = { ...launcher.defaults(header), model: `replay:${uri.fsPath}`, condition: 'bad_peer' };
    const plan = launcher.plan(header, params, ctx);
    const task = buildRerunTask(plan, params, uri.fsPath, { [ENV_NAME]: SECRET }, vscode.TaskScope.Global, 'Re-run test');

    assert.ok(task.execution instanceof vscode.ProcessExecution, 'a ProcessExecution, not a ShellExecution');
    const exec = task.execution as vscode.ProcessExecution;
    assert.equal(exec.process, process.execPath, "Peerwatch's runner is started with the extension host's Node");
    assert.deepEqual(exec.args, [...plan.args]);
    assert.deepEqual(exec.args.slice(0, 4), [path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js'), 'run', '--from', uri.fsPath]);
    assert.ok(exec.args.includes('bad_peer'), 'the changed condition is an argument of its own');
    assert.equal(exec.options?.cwd, plan.cwd);
    assert.equal(exec.options?.env?.[ENV_NAME], SECRET, 'the key is in the process environment');
    assert.equal(task.source, 'peerwatch');
    assert.equal(task.definition.type, 'peerwatch');
    assert.equal(task.definition.launcher, 'peerwatch');
    assert.equal(task.definition.model, `replay:${uri.fsPath}`);
    const visible = JSON.stringify({ definition: task.definition, name: task.name, args: exec.args, process: exec.process, cwd: exec.options?.cwd });
    assert.ok(!visible.includes(SECRET), 'the key is nowhere but the environment');
    // The command line shown to the user is the same command, argument for argument.
    assert.ok(formatCommandLine(plan).includes(`run --from ${uri.fsPath}`), formatCommandLine(plan));
  });

  it('asks before the first run with each launcher, and remembers only a yes', async () => {
    const state = new MemoryMemento();
    const asked: string[] = [];
    let answer = false;
    const ask = async (_message: string, detail: string) => {
      asked.push(detail);
      return answer;
    };
    const plan = (launcher: LaunchPlan['launcher']): LaunchPlan => ({
      launcher,
      command: '/usr/bin/uv',
      args: ['run', 'python', 'scripts/run_experiment.py', '--model', 'm'],
      cwd: '/harness',
      output: { kind: 'search', dir: '/harness/results', pattern: '**/*.json' },
    });
    const line = formatCommandLine(plan('study-harness'));
    assert.equal(await confirmFirstRun(plan('study-harness'), line, state, ask), false, 'declined: nothing runs');
    assert.equal(asked.length, 1);
    assert.ok(asked[0]!.includes(line) && asked[0]!.includes('/harness'), `the question shows the exact command and folder: ${asked[0]}`);
    answer = true;
    assert.equal(await confirmFirstRun(plan('study-harness'), line, state, ask), true);
    assert.equal(asked.length, 2, 'a declined launcher asks again');
    assert.equal(await confirmFirstRun(plan('study-harness'), line, state, ask), true);
    assert.equal(asked.length, 2, 'a confirmed launcher does not ask again');
    assert.deepEqual(state.get(CONFIRMED_KEY), ['study-harness']);
    answer = false;
    assert.equal(await confirmFirstRun(plan('inspect'), line, state, ask), false, 'another launcher asks for itself');
    assert.equal(asked.length, 3);
  });

  it('refuses to re-run in an untrusted workspace, before asking or starting anything', async () => {
    const { uri, header } = studyExample('tampering-shutdown-tampering-peer-good_peer.json');
    let asked = 0;
    const started: vscode.Task[] = [];
    const sub = vscode.tasks.onDidStartTask((e) => started.push(e.execution.task));
    const controller = new RerunController(
      deps({ isTrusted: () => false, activeRun: () => ({ header, uri }), ask: async () => (asked++, true) }),
    );
    controllers.push(controller);
    try {
      assert.deepEqual(await controller.rerunScenario(), { kind: 'untrusted' });
      const ctx = controller.launchContext(uri, path.join(dir, 'out'));
      const params = launchers.peerwatch.defaults(header);
      const outcome = await controller.launch({ header, uri }, launchers.peerwatch.plan(header, params, ctx), params, ctx);
      // launch() refuses before it asks or starts anything, and leaves nothing running behind it.
      assert.deepEqual(outcome, { kind: 'untrusted' });
      assert.equal(asked, 0, 'no confirmation was shown');
      assert.equal(started.filter((t) => t.definition.type === TASK_TYPE).length, 0, 'no task started');
      assert.ok(!fs.existsSync(path.join(dir, 'out')), 'no output folder was made');
    } finally {
      sub.dispose();
    }
  });

  it('takes a key from secret storage (or the environment) and gives it to the process only in its environment', async () => {
    const secrets = new MemorySecrets();
    await secrets.store(secretKey(ENV_NAME), SECRET);
    assert.deepEqual(await resolveEnv([ENV_NAME, 'PEERWATCH_RERUN_NOT_SET'], {}, secrets), { env: { [ENV_NAME]: SECRET }, missing: ['PEERWATCH_RERUN_NOT_SET'] });
    assert.deepEqual((await resolveEnv([ENV_NAME], { [ENV_NAME]: 'from-env' }, secrets)).env, { [ENV_NAME]: 'from-env' }, 'the environment wins');

    // A real process, run as a VS Code task: it writes the "run" only when it received the key,
    // and its arguments carry only the key's hash.
    const out = path.join(dir, 'new.runlog.jsonl');
    const hash = crypto.createHash('sha256').update(SECRET).digest('hex');
    const script = [
      `const h = require('crypto').createHash('sha256').update(process.env.${ENV_NAME} || '').digest('hex');`,
      `if (h !== process.argv[1]) process.exit(3);`,
      `require('fs').writeFileSync(process.argv[2], '{"type":"header","schema":"peerwatch.runlog","version":1,"run":{}}\\n{"type":"end","status":"completed"}\\n');`,
    ].join('\n');
    const plan: LaunchPlan = { launcher: 'peerwatch', command: process.execPath, args: ['-e', script, hash, out], cwd: dir, output: { kind: 'file', path: out }, needsEnv: [ENV_NAME] };
    const opened: { uri: vscode.Uri; viewColumn: vscode.ViewColumn; preserveFocus: boolean }[] = [];
    const ended: vscode.TaskProcessEndEvent[] = [];
    const sub = vscode.tasks.onDidEndTaskProcess((e) => ended.push(e));
    const controller = new RerunController(deps({ secrets, isTrusted: () => true, openRun: async (uri, o) => void opened.push({ uri, ...o }) }));
    controllers.push(controller);
    try {
      const { uri, header } = studyExample('tampering-shutdown-tampering-peer-good_peer.json');
      const ctx = controller.launchContext(uri, dir);
      const outcome = await controller.launch({ header, uri }, plan, { model: 'some/model', runs: 1 }, ctx);
      assert.equal(outcome.kind, 'launched');
      if (outcome.kind !== 'launched') return;
      const exec = outcome.run.execution.task.execution as vscode.ProcessExecution;
      assert.ok(!JSON.stringify([exec.process, exec.args, outcome.run.execution.task.definition, outcome.run.execution.task.name]).includes(SECRET));
      assert.equal(await outcome.run.exit, 0, 'the process got the key (exit 3 if not)');
      assert.ok(ended.some((e) => e.execution === outcome.run.execution && e.exitCode === 0), 'VS Code reported the task process ending with 0');
      const file = await outcome.run.output;
      assert.equal(file?.fsPath, out, 'the new run was found where the plan said');
      assert.equal(opened.length, 1, 'the new run was opened');
      assert.equal(opened[0]!.uri.fsPath, out);
      assert.equal(opened[0]!.viewColumn, vscode.ViewColumn.Beside, 'beside the original');
      assert.equal(opened[0]!.preserveFocus, true);
    } finally {
      sub.dispose();
    }
  });

  it("re-runs a study example with Peerwatch's runner replaying it: the task's run log is found, opened beside the original, and completes", async () => {
    const { uri, header } = studyExample('exfiltration_deletion-faithful-peer-bad_peer.json');
    const opened: vscode.Uri[] = [];
    const controller = new RerunController(deps({ isTrusted: () => true, openRun: async (u) => void opened.push(u) }));
    controllers.push(controller);
    const ctx = controller.launchContext(uri, path.join(dir, 'runs', 'one'));
    const params = { ...launchers.peerwatch.defaults(header), model: `replay:${uri.fsPath}` };
    const plan = launchers.peerwatch.plan(header, params, ctx);
    assert.equal(plan.output.kind, 'file');
    assert.equal(plan.needsEnv, undefined, 'a replay needs no key');
    const outcome = await controller.launch({ header, uri }, plan, params, ctx);
    assert.equal(outcome.kind, 'launched');
    if (outcome.kind !== 'launched') return;
    const code = await outcome.run.exit;
    const file = await outcome.run.output;
    assert.equal(code, 0, `peerwatch run exited with ${code} (${formatCommandLine(plan)})`);
    assert.ok(file, 'the new run log was written');
    assert.deepEqual(opened.map((u) => u.fsPath), [file.fsPath], 'and opened');
    const lines = fs.readFileSync(file.fsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string });
    assert.equal(lines[0]!.type, 'header');
    assert.ok(lines.filter((l) => l.type === 'event').length > 3, 'the replay has events');
    assert.deepEqual(lines.at(-1), { ...lines.at(-1), type: 'end', status: 'completed' });

    // "Compare Runs Side by Side" from the palette (no arguments): the last re-run and its original,
    // in one comparison view (the original as A, the re-run as B).
    await waitFor('the re-run to be remembered', () => controller.recent().length > 0);
    await controller.compareRuns();
    const comparison = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('peerwatch.comparison'));
    const tab = await waitFor('the comparison view', comparison);
    assert.equal(tab.label, `${path.basename(uri.fsPath)} ↔ ${path.basename(file.fsPath)}`, 'A is the original, B the re-run');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a run that fails says so: its exit code, and no new run to open or compare', async () => {
    const out = path.join(dir, 'never.runlog.jsonl');
    const plan: LaunchPlan = { launcher: 'peerwatch', command: process.execPath, args: ['-e', 'process.stderr.write("no model\\n"); process.exit(2)'], cwd: dir, output: { kind: 'file', path: out } };
    const opened: vscode.Uri[] = [];
    const controller = new RerunController(deps({ isTrusted: () => true, openRun: async (u) => void opened.push(u) }));
    controllers.push(controller);
    const { uri, header } = studyExample('tampering-shutdown-tampering-peer-good_peer.json');
    const outcome = await controller.launch({ header, uri }, plan, { model: 'm', runs: 1 }, controller.launchContext(uri, dir));
    assert.equal(outcome.kind, 'launched');
    if (outcome.kind !== 'launched') return;
    assert.equal(await outcome.run.exit, 2);
    assert.equal(await outcome.run.output, undefined, 'no run log appeared');
    assert.deepEqual(opened, [], 'nothing was opened');
    assert.equal(endMessage(2, 'no new run was written'), 'Re-run failed (exit 2): no new run was written');
    assert.equal(endMessage(0, 'x.runlog.jsonl: 3 events, completed'), 'Re-run finished (exit 0): x.runlog.jsonl: 3 events, completed');
    assert.match(endMessage(undefined, 'x'), /^Re-run cancelled/);
    assert.match(endMessage(130, 'x'), /^Re-run cancelled \(exit 130\)/);
  });

  it('finds the first new file of a search output, not the ones already there', async () => {
    fs.mkdirSync(path.join(dir, 'logs', 'a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'logs', 'a', 'old.json'), '{}');
    assert.ok(globMatcher('**/*.json')('logs/a/old.json') && globMatcher('**/*.json')('x.json') && !globMatcher('*.json')('a/x.json'));
    const cts = new vscode.CancellationTokenSource();
    // waitForOutput lists the files already there before it returns, so a file written now is new.
    const found = waitForOutput({ kind: 'search', dir, pattern: '**/*.json' }, cts.token);
    fs.mkdirSync(path.join(dir, 'logs', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'logs', 'b', 'new.json'), '{}');
    assert.equal((await found)?.fsPath, path.join(dir, 'logs', 'b', 'new.json'));
    cts.dispose();
  });
});
