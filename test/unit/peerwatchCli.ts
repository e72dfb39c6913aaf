// Runs the real `peerwatch` command (bin/peerwatch.js, the built CLI) as a child process: the one
// harness the CLI tests share.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const peerwatchBin = join(repoRoot, 'bin', 'peerwatch.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `peerwatch ARGS…` in `cwd` (the repository by default), with its exit code and output. */
export function peerwatch(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [peerwatchBin, ...args], { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
