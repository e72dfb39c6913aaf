// A file of many runs read in the runs-log worker (src/node/runsLogWorker.ts, runsLogProxy.ts): the
// same listing and runs as the one opener gives in this thread, this thread's event loop free while the
// worker parses, a worker started again after it stopped idle, and a file that is not one.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type * as Esbuild from 'esbuild';
import { RUNS_WORKER_IDLE_MS, openRunsLogInWorker } from '../../src/node/runsLogProxy';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { repoRoot } from './peerwatchCli';

const WORKER = join(repoRoot, 'dist', 'runsLogWorker.js');
// Loaded from node_modules at run time: esbuild's API cannot itself be bundled into the test.
const esbuild = require(require.resolve('esbuild', { paths: [repoRoot] })) as typeof Esbuild;
const ROLLOUTS = join(repoRoot, 'test', 'fixtures', 'real', 'openai-jsonl', 'nemo-gym-claude-code-math-rollouts.jsonl');

/** The longest gap between 5 ms beats of this thread's event loop while `work` runs. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; maxGap: number }> {
  let last = performance.now();
  let maxGap = 0;
  const beat = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 5);
  try {
    const value = await work();
    return { value, maxGap: Math.max(maxGap, performance.now() - last) };
  } finally {
    clearInterval(beat);
  }
}

describe('a file of many runs in the runs-log worker', function () {
  this.timeout(60_000);
  let dir: string;
  let big: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'peerwatch-runs-worker-'));
    // NeMo Gym's rollouts repeated to about 12 MB: parsing it holds a thread for about a third of a second.
    const lines = readFileSync(ROLLOUTS, 'utf8').trim().split('\n');
    const out: string[] = [];
    for (let size = 0; size < 12e6; ) for (const l of lines) (out.push(l), (size += l.length + 1));
    big = join(dir, 'rollouts.jsonl');
    writeFileSync(big, out.join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists and reads the runs the one opener gives, while this thread keeps answering', async () => {
    const direct = await longestStall(() => openSampleLogFile(big, 'rollouts.jsonl'));
    const proxied = await longestStall(() => openRunsLogInWorker(WORKER, big, 'rollouts.jsonl'));
    const a = direct.value!;
    const b = proxied.value!;
    assert.ok(b, 'the worker lists the file');
    assert.ok(a.samples.length > 900, `${a.samples.length} runs`);
    assert.deepEqual(b.samples, a.samples);
    assert.deepEqual(b.info, a.info);
    assert.deepEqual(b.diagnostics, a.diagnostics);
    for (const key of [a.samples[0]!.key, a.samples[777]!.key, a.samples[a.samples.length - 1]!.key]) assert.deepEqual(await b.readSample(key), await a.readSample(key), `run ${key}`);
    await assert.rejects(b.readSample('nope#9'), /rollouts\.jsonl: no run nope#9 in this file/);
    // Parsing in this thread holds it for the whole parse; in the worker, the beats go on.
    assert.ok(proxied.maxGap < direct.maxGap / 2, `longest stall ${proxied.maxGap.toFixed(0)} ms in the worker, ${direct.maxGap.toFixed(0)} ms in this thread`);
    assert.equal(await b.refresh(), false, 'an unchanged file refreshes to the same list');
  });

  it('starts the worker again after it stopped idle; a file of one run is not a log of many', async () => {
    const log = (await openRunsLogInWorker(WORKER, big, 'rollouts.jsonl', 20))!;
    const key = log.samples[3]!.key;
    const first = await log.readSample(key);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await log.readSample(key), first, 'read again by a new worker');
    // A run added to the file: the log lists it after a refresh.
    const before = log.samples.length;
    appendFileSync(big, readFileSync(ROLLOUTS, 'utf8').split('\n')[0] + '\n');
    assert.equal(await log.refresh(), true, 'a file with a run more refreshes to a new list');
    assert.equal(log.samples.length, before + 1);
    const study = join(repoRoot, 'examples', 'study', 'tampering-faithful-peer-bad_peer.json');
    assert.equal(await openRunsLogInWorker(WORKER, study, 'study.json'), undefined);
    await assert.rejects(openRunsLogInWorker(WORKER, join(dir, 'missing.jsonl'), 'missing.jsonl'), /missing\.jsonl/);
  });

  it('a process that asks the worker gets its answer, then ends without waiting out the idle minute', async () => {
    // A process of its own (this one has other handles): it opens and reads the log through the proxy,
    // bundled here as the build bundles it: the worker holds it while asked (the run must be read),
    // then, idle, lets it end at once.
    const entry = join(dir, 'proxy.js');
    await esbuild.build({ entryPoints: [join(repoRoot, 'src', 'node', 'runsLogProxy.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: entry, logLevel: 'silent' });
    const script = `require(${JSON.stringify(entry)}).openRunsLogInWorker(${JSON.stringify(WORKER)}, ${JSON.stringify(ROLLOUTS)}, 'rollouts.jsonl')
      .then((log) => log.readSample(log.samples[0].key)).then((run) => console.log(run.events.length + ' events read'))`;
    const started = performance.now();
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    const ms = performance.now() - started;
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /^\d+ events read\n$/);
    assert.ok(ms < 15_000, `the process ended ${(ms / 1000).toFixed(1)} s after it started, not after the worker's idle ${RUNS_WORKER_IDLE_MS / 1000} s`);
  });
});
