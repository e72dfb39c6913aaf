/**
 * Entry point of the extension-host suite in the web worker extension host (VS Code for the Web):
 * scripts/run-host-tests.mjs --web opens code-server with Peerwatch forced into the web worker
 * (`remote.extensionKind`), this bundle as `extensionTestsPath` (built for the browser by
 * scripts/build.mjs with the .web.ts modules, as dist/web/extension.js is), and a copy of examples/ as
 * the workspace; VS Code calls `run()`, and the exit code is 0 when it resolves.
 *
 * mocha is its browser build. Output: the worker has no files of its own and its console does not
 * reach the runner, so each line of mocha's spec reporter is written (through vscode.workspace.fs) to
 * `.peerwatch-web-tests.log` in the workspace copy, which the runner streams.
 *
 * The files: test/host tests that need nothing but `vscode` and `assert` (node:assert is test/web/assert.ts
 * in this bundle), and test/web's own, which read and write through vscode.workspace.fs.
 */
import * as vscode from 'vscode';

interface BrowserMocha {
  setup(opts: Record<string, unknown>): void;
  run(fn: (failures: number) => void): { on(event: 'fail', fn: (test: { fullTitle(): string }, err: Error) => void): void };
}

export const LOG_NAME = '.peerwatch-web-tests.log';

/** printf-like formatting of mocha's reporter lines (%s, %d, %i, %j; the rest appended). */
function format(fmt: unknown, ...args: unknown[]): string {
  if (typeof fmt !== 'string') return [fmt, ...args].map(String).join(' ');
  let i = 0;
  const text = fmt.replace(/%[sdij%]/g, (m) => {
    if (m === '%%') return '%';
    if (i >= args.length) return m;
    const a = args[i++];
    return m === '%j' ? JSON.stringify(a) : m === '%d' || m === '%i' ? String(Number(a)) : String(a);
  });
  return [text, ...args.slice(i).map(String)].join(' ');
}

export function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const logUri = folder && vscode.Uri.joinPath(folder, LOG_NAME);
  const encoder = new TextEncoder();
  let text = '';
  let writing: Promise<void> = Promise.resolve();
  const emit = (line: string): void => {
    console.log(line);
    text += line + '\n';
    const snapshot = text;
    if (logUri) writing = writing.then(() => vscode.workspace.fs.writeFile(logUri, encoder.encode(snapshot))).then(undefined, () => undefined);
  };

  // Measured figures a test reports (report() in webHost.test.ts) go into the same log.
  (globalThis as { peerwatchTestReport?: (line: string) => void }).peerwatchTestReport = emit;
  // The browser build (an ES module in mocha 12's package) sets globalThis.Mocha (the class, with its
  // reporters) and globalThis.mocha (the instance to set up and run).
  require('mocha/mocha.js');
  const g = globalThis as unknown as { mocha: BrowserMocha; Mocha: { reporters: { Base: { consoleLog: (...a: unknown[]) => void; useColors: boolean } } } };
  const mocha = g.mocha;
  const Base = g.Mocha.reporters.Base;
  Base.useColors = false;
  Base.consoleLog = (...args: unknown[]) => emit(format(args[0] ?? '', ...args.slice(1)));
  mocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 20000 });
  // After setup (which defines describe/it), the test files, in this order.
  require('../host/extension.test');
  require('./webHost.test');
  require('./webCorpus.test');
  require('./webCompare.test');
  emit(`[peerwatch] web extension-host suite: VS Code ${vscode.version}, in the web worker extension host`);

  return new Promise<void>((resolve, reject) => {
    const failures: string[] = [];
    const runner = mocha.run((failed) => {
      emit(`[peerwatch] extension-host suite finished: ${failed} failure(s)`);
      void writing.then(() => (failed > 0 ? reject(new Error(`${failed} web extension-host test(s) failed:\n${failures.join('\n')}`)) : resolve()));
    });
    runner.on('fail', (test, err) => failures.push(`  ${test.fullTitle()}: ${err?.message ?? err}`));
  });
}
