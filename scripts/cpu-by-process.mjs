#!/usr/bin/env node
// Runs a command and prints, when it ends, the CPU seconds its machine spent per kind of process
// (Chromium's renderers, the extension hosts, code-server, the mocha runners, …), read from /proc
// every 200 ms (a process that ends between two reads loses its last 200 ms). Linux only. How the
// README's "where the test time goes" was measured:
//
//   node scripts/cpu-by-process.mjs npm test
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/cpu-by-process.mjs COMMAND [ARGS...]');
  process.exit(2);
}
const TICKS = 100; // USER_HZ on Linux
const kind = (cmd) =>
  cmd.includes('run-host-tests') ? 'host-test runner'
  : cmd.includes('run-ui-tests') ? 'UI-test runner'
  : cmd.includes('mocha') ? 'unit tests (mocha)'
  : cmd.includes('tsc') ? 'tsc'
  : cmd.includes('esbuild') ? 'esbuild'
  : cmd.includes('vsce') ? 'vsce'
  : cmd.includes('chromium') ? (cmd.includes('--type=renderer') ? 'Chromium renderers' : cmd.includes('--type=gpu') ? 'Chromium GPU' : cmd.includes('--type=') ? 'Chromium utilities' : 'Chromium main')
  : /extensionHost|bootstrap-fork/.test(cmd) ? 'extension hosts'
  : cmd.includes('code-server') ? 'code-server'
  : cmd.includes('npm') ? 'npm'
  : cmd.includes('node') ? 'other node'
  : 'other';
const bootTicks = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * TICKS;
const seen = new Map(); // pid:start time → { ticks, kind }
const total = {};
const sample = () => {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]);
      const key = `${pid}:${f[19]}`;
      let p = seen.get(key);
      if (!p) {
        // A process that was running before the command began counts only from now.
        p = { ticks: Number(f[19]) < bootTicks ? ticks : 0, kind: kind(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')) };
        seen.set(key, p);
      }
      total[p.kind] = (total[p.kind] ?? 0) + ticks - p.ticks;
      p.ticks = ticks;
    } catch {
      // Ended between the listing and the read.
    }
  }
};
sample();
const start = Date.now();
const child = spawn(command, args, { stdio: 'inherit' });
const timer = setInterval(sample, 200);
child.on('exit', (code) => {
  clearInterval(timer);
  sample();
  const rows = Object.entries(total).filter(([, t]) => t > 0).sort((a, b) => b[1] - a[1]);
  const sum = rows.reduce((s, [, t]) => s + t, 0);
  console.error(`\nCPU seconds by process, ${(sum / TICKS).toFixed(0)} in ${((Date.now() - start) / 1000).toFixed(0)} s:`);
  for (const [k, t] of rows) console.error(`  ${(t / TICKS).toFixed(1).padStart(7)}  ${k}`);
  process.exit(code ?? 1);
});
