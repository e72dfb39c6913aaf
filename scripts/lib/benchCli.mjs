// The command line in the bench (scripts/bench.mjs, docs/bench.md "Command line"): `peerwatch parse`
// and `peerwatch tag` on the generated run logs, wall time and peak memory, each beside a plain
// line-by-line JSON.parse of the same file (node:readline, one JSON.parse a line) run in the same
// bench, alternating with it so that a busy machine slows both alike.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Peak memory (maxRSS, KB) and CPU time (user and system, µs, every thread of the process) of the
 * child, written to stderr at its exit after a marker. CPU time says what a busy machine hides: a
 * command on every core can take less time than the baseline on one while using more CPU.
 */
const REPORT = `process.on('exit', (code) => { const u = process.resourceUsage(); process.stderr.write('\\n@@bench ' + JSON.stringify({ code, maxRssKB: u.maxRSS, userUs: u.userCPUTime, systemUs: u.systemCPUTime })); });`;

/** The baseline: every line of the file JSON.parsed, nothing kept. */
const BASELINE = `${REPORT}
const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');
(async () => {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(process.argv[1]), crlfDelay: Infinity })) if (line) { JSON.parse(line); n++; }
  process.stderr.write('lines ' + n);
})();`;

/** The CLI itself (dist/cli.js's main, as bin/peerwatch.js runs it), its stdout dropped. */
const CLI = (cliFile) => `${REPORT}
require(${JSON.stringify(cliFile)}).main(process.argv.slice(1), () => undefined, (s) => process.stderr.write(s)).then((code) => (process.exitCode = code));`;

/** What each command is given besides the log (its output goes nowhere: stdout is dropped). */
const COMMAND_ARGS = { tag: ['--no-rules'], convert: ['--to', 'runlog'] };

function run(script, args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 16 << 20 });
  const ms = performance.now() - t0;
  const m = /@@bench (\{.*\})\s*$/.exec(r.stderr ?? '');
  if (!m) throw new Error(`the bench child ${args.join(' ')} gave no report (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${(r.stderr ?? '').slice(-400)}`);
  const { code, maxRssKB, userUs, systemUs } = JSON.parse(m[1]);
  return { ms, rssMB: maxRssKB / 1024, cpuS: (userUs + systemUs) / 1e6, code, stderr: r.stderr.slice(0, m.index) };
}

/**
 * `peerwatch COMMAND FILE` (COMMAND: parse, parse --json, convert or tag) against the baseline on `log` (a generated run log: { file, bytes, sizeMB }):
 * best of `runs` for time and for CPU time, peak RSS of the same runs, and the machine's load average
 * (1 minute) before them. Exit codes other than 0 are errors.
 */
export function benchCliCommand(repoRoot, log, command, runs) {
  const cli = CLI(join(repoRoot, 'dist', 'cli.js'));
  const best = { ms: Infinity, rssMB: 0, cpuS: Infinity, baselineMs: Infinity, baselineRssMB: 0, baselineCpuS: Infinity };
  const load = loadavg()[0];
  for (let k = 0; k < runs; k++) {
    const order = k % 2 ? ['cli', 'base'] : ['base', 'cli'];
    for (const which of order) {
      if (which === 'base') {
        const b = run(BASELINE, [log.file]);
        if (b.code !== 0) throw new Error(`the baseline failed on ${log.file}: ${b.stderr.slice(-300)}`);
        best.baselineMs = Math.min(best.baselineMs, b.ms);
        best.baselineRssMB = Math.max(best.baselineRssMB, b.rssMB);
        best.baselineCpuS = Math.min(best.baselineCpuS, b.cpuS);
      } else {
        // `command` may carry options after its verb (`parse --json`).
        const [verb, ...options] = command.split(' ');
        const c = run(cli, [verb, log.file, ...options, ...(COMMAND_ARGS[verb] ?? [])]);
        if (c.code !== 0) throw new Error(`peerwatch ${command} failed on ${log.file} (exit ${c.code}): ${c.stderr.slice(-300)}`);
        best.ms = Math.min(best.ms, c.ms);
        best.rssMB = Math.max(best.rssMB, c.rssMB);
        best.cpuS = Math.min(best.cpuS, c.cpuS);
      }
    }
  }
  const mb = log.bytes / 1e6;
  const r1 = (x) => Math.round(x * 10) / 10;
  return {
    command,
    sizeMB: log.sizeMB,
    events: log.events,
    runs,
    ms: Math.round(best.ms),
    MBps: r1(mb / (best.ms / 1000)),
    eventsPerS: Math.round(log.events / (best.ms / 1000)),
    peakRssMB: Math.round(best.rssMB),
    /** CPU seconds (user + system, all threads), least of the runs. */
    cpuS: Math.round(best.cpuS * 100) / 100,
    baselineMs: Math.round(best.baselineMs),
    baselineMBps: r1(mb / (best.baselineMs / 1000)),
    baselinePeakRssMB: Math.round(best.baselineRssMB),
    baselineCpuS: Math.round(best.baselineCpuS * 100) / 100,
    /** The machine's load average over the minute before the runs (2 cores: above 1, they compete). */
    loadAverage: Math.round(load * 100) / 100,
    /** Above 1: the CLI is faster than the baseline. */
    speedVsBaseline: Math.round((best.baselineMs / best.ms) * 100) / 100,
  };
}

/** The command-line table (and its lines for the README's table). */
export function printCli(rows, table) {
  if (!rows.length) return;
  console.log('\nCommand line: peerwatch parse / convert / tag (stdout dropped) vs a line-by-line JSON.parse of the same file (node:readline), best of the runs for time and CPU (user + system, all threads); peak RSS; the load average before the runs\n');
  console.log(table(rows, [
    ['command', (r) => `${r.command} ${r.sizeMB} MB`],
    ['time', (r) => `${(r.ms / 1000).toFixed(2)} s`],
    ['MB/s', (r) => r.MBps],
    ['events/s', (r) => r.eventsPerS],
    ['peak RSS', (r) => `${r.peakRssMB} MB`],
    ['CPU', (r) => (r.cpuS !== undefined ? `${r.cpuS.toFixed(2)} s` : '—')],
    ['JSON.parse time', (r) => `${(r.baselineMs / 1000).toFixed(2)} s`],
    ['JSON.parse MB/s', (r) => r.baselineMBps],
    ['JSON.parse RSS', (r) => `${r.baselinePeakRssMB} MB`],
    ['JSON.parse CPU', (r) => (r.baselineCpuS !== undefined ? `${r.baselineCpuS.toFixed(2)} s` : '—')],
    ['speed vs JSON.parse', (r) => `${r.speedVsBaseline}×`],
    ['load', (r) => (r.loadAverage !== undefined ? r.loadAverage.toFixed(2) : '—')],
  ]));
}
