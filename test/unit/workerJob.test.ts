// One request to a fresh worker thread (src/node/workerJob.ts), as the detection and comparison
// workers are run: answers until the job settles, cancel, and a worker that fails or leaves early
// named in the error.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startWorkerJob } from '../../src/node/workerJob';
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
});
