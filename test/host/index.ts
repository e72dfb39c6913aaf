/**
 * Entry point of the extension-host suite: VS Code (code-server via scripts/run-host-tests.mjs, or
 * desktop VS Code via scripts/test-electron.mjs) loads this module as `extensionTestsPath` and calls
 * `run()`; the run's exit code is 0 when the promise resolves, 1 when it rejects.
 *
 * Output: mocha's `spec` reporter writes through `Base.consoleLog`, which is redirected here so each
 * line goes (1) to `console.log` (desktop VS Code pipes it to the CLI's stdout) and (2) to the file
 * named by `PEERWATCH_HOST_TEST_LOG` when set. In code-server the extension host's console does not
 * reliably reach the page, so scripts/run-host-tests.mjs sets that variable for code-server (whose
 * extension host inherits it) and streams the file. A failure summary is also in the rejection.
 */
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import * as vscode from 'vscode';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

export function run(): Promise<void> {
  const logFile = process.env.PEERWATCH_HOST_TEST_LOG;
  const emit = (line: string): void => {
    console.log(line);
    if (logFile) {
      try {
        fs.appendFileSync(logFile, line + '\n');
      } catch {
        /* the runner reads what it can */
      }
    }
  };

  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalConsoleLog = Base.consoleLog;
  Base.consoleLog = (...args: unknown[]) => emit(format(...args));

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20000, reporter: 'spec' });
  const files = testFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  emit(`[peerwatch] extension-host suite: ${files.length} file(s) in ${__dirname}, VS Code ${vscode.version}`);

  return new Promise<void>((resolve, reject) => {
    const failures: string[] = [];
    try {
      const runner = mocha.run((failed) => {
        Base.consoleLog = originalConsoleLog;
        emit(`[peerwatch] extension-host suite finished: ${failed} failure(s)`);
        if (failed > 0) reject(new Error(`${failed} extension-host test(s) failed:\n${failures.join('\n')}`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => failures.push(`  ${test.fullTitle()}: ${err?.message ?? err}`));
    } catch (err) {
      Base.consoleLog = originalConsoleLog;
      emit(`[peerwatch] extension-host suite crashed: ${(err as Error)?.stack ?? err}`);
      reject(err);
    }
  });
}
