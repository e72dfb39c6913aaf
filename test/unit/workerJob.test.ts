// One request to a fresh worker thread (src/node/workerJob.ts), as the detection and comparison
// workers are run: answers until the job settles, cancel, and a worker that fails or leaves early
// named in the error.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startWorkerJob, WorkerOutOfMemoryError } from '../../src/node/workerJob';
import { waitFor } from '../wait';

/** A worker's source: it gets `req` and runs `body` with `post` and `req` in scope. */
const WORKER = (body: string) => `const { parentPort } = require('node:worker_threads');\nparentPort.once('message', (req) => { const post = (m) => parentPort.postMessage(m); ${body} });\n`;

describe('a job in a worker thread', function () {
  this.timeout(20_000);
  let dir: string;
  const worker = (name: string, body: string) => {
    const file = path.join(dir, `${name}.js`);
    fs.writeFileSync(file, WORKER(body));
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-worker-job-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hears every answer until the one that settles it, and nothing after', async () => {
    const file = worker('count', 'for (let i = 1; i <= req.n; i++) post({ i }); post({ done: true }); post({ i: 99 });');
    const heard: number[] = [];
    const job = startWorkerJob<{ n: number }, { i?: number; done?: true }, number[]>(file, { n: 3 }, 'the counting worker', (reply, settle) => {
      if (reply.done) settle.resolve([...heard]);
      else heard.push(reply.i!);
    });
    assert.deepEqual(await job.result, [1, 2, 3]);
    assert.deepEqual(heard, [1, 2, 3]);
  });

  it('cancelled, resolves undefined at once and stops the worker', async () => {
    // A worker busy for ever, counting in memory shared with this thread.
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const file = worker('busy', 'post({ started: true }); const c = new Int32Array(req.shared); for (;;) Atomics.add(c, 0, 1);');
    let started = false;
    const job = startWorkerJob<{ shared: SharedArrayBuffer }, { started: true }, string>(file, { shared: counter.buffer as SharedArrayBuffer }, 'the busy worker', () => (started = true));
    await waitFor('the worker started', () => started && Atomics.load(counter, 0) > 0);
    job.cancel();
    assert.equal(await job.result, undefined);
    // Stopped: its count no longer moves between two looks.
    let last = -1;
    await waitFor('the worker stopped counting', () => {
      const now = Atomics.load(counter, 0);
      const still = now === last;
      last = now;
      return still;
    });
  });

  it('a worker that throws or leaves before answering is named in the error', async () => {
    const throws = startWorkerJob(worker('throws', "throw new Error('boom');"), {}, 'the comparison worker (comparing a.json with b.json)', () => undefined);
    await assert.rejects(throws.result, /^Error: the comparison worker \(comparing a\.json with b\.json\): boom$/);
    const leaves = startWorkerJob(worker('leaves', 'process.exit(3);'), {}, 'the detection worker', () => undefined);
    await assert.rejects(leaves.result, /^Error: the detection worker stopped \(exit code 3\)$/);
  });

  it('a worker past its memory bound stops alone, and the job says it ran out of memory', async () => {
    // Holds ever more strings until its 32 MB heap is full.
    const file = worker('hungry', "post({ started: true }); const kept = []; for (let i = 0; ; i++) kept.push('x'.repeat(1000) + i);");
    let started = false;
    const job = startWorkerJob(file, {}, 'the detection worker', () => (started = true), { maxOldGenerationSizeMb: 32 });
    const e = await job.result.then(
      () => assert.fail('the job settled without an error'),
      (err: unknown) => err,
    );
    assert.ok(started, 'the worker ran');
    assert.ok(e instanceof WorkerOutOfMemoryError, `a WorkerOutOfMemoryError, not ${String(e)}`);
    assert.equal(e.limitMB, 32);
    assert.match(e.message, /^the detection worker: .*memory limit/);
    // This thread goes on: another job runs as before.
    const next = startWorkerJob<{ n: number }, { i: number }, number>(worker('after', 'post({ i: req.n + 1 });'), { n: 1 }, 'the next worker', (reply, settle) => settle.resolve(reply.i));
    assert.equal(await next.result, 2);
  });
});
