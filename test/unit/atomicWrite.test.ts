// Saving what the user made survives kills: review sidecars and hot-exit backups are written through
// src/node/atomicWrite.ts. A real child process writes the file over and over and is killed with
// SIGKILL at random moments; the file must always be a whole old or new version, and the next save
// removes what the killed writes left behind.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleTemps, writeFileAtomically } from '../../src/node/atomicWrite';

describe('atomic writes (review sidecars, hot-exit backups)', function () {
  this.timeout(120_000);
  let dir: string;
  // Built beside this test from test/unit/atomicWriter.ts (the real writer, bundled).
  const writerProgram = join(__dirname, 'atomicWriter.js');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'peerwatch-atomic-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const temps = (d: string) => readdirSync(d).filter((n) => n.endsWith('.tmp'));

  it('leaves a whole old or new file whenever the writer is killed, and the next save removes its leftovers', async () => {
    const work = mkdtempSync(join(dir, 'kills-'));
    const file = join(work, 'run.json.review.json');
    writeFileSync(file, JSON.stringify({ n: 0 }));
    let leftovers = 0;
    let lastSeen = 0;
    for (let round = 0; round < 25; round++) {
      const child = spawn(process.execPath, [writerProgram, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      // After three writes, kill it at a random moment of a write cycle (measured from those three),
      // so the kills land anywhere: writing the temporary file, syncing it, renaming it.
      const done = await new Promise<number>((resolve) => {
        let out = '';
        const seen: number[] = [];
        let scheduled = false;
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const lines = out.trim().split('\n');
          while (seen.length < lines.length) seen.push(Date.now());
          if (seen.length >= 3 && !scheduled) {
            scheduled = true;
            const cycle = Math.max(1, (seen[seen.length - 1]! - seen[0]!) / (seen.length - 1));
            setTimeout(() => {
              child.kill('SIGKILL');
              resolve(Number(out.trim().split('\n').pop()));
            }, Math.random() * cycle);
          }
        });
      });
      await new Promise((r) => child.once('exit', r));
      const text = readFileSync(file, 'utf8');
      const doc = JSON.parse(text) as { n: number };
      assert.ok(doc.n >= done && doc.n <= done + 1, `the file holds write ${doc.n}: the last one reported (${done}) or the one after it`);
      lastSeen = Math.max(lastSeen, doc.n);
      leftovers += temps(work).length;
    }
    assert.ok(lastSeen > 0);
    assert.ok(leftovers > 0, 'some kills landed between a temporary file and its rename');
    await writeFileAtomically(file, JSON.stringify({ n: 'final' }));
    assert.deepEqual(temps(work), [], 'the next save removed every leftover of the killed writers');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { n: 'final' });
  });

  it('removes the leftovers of dead processes only, and keeps a live writer\'s temporary file', async () => {
    const work = mkdtempSync(join(dir, 'stale-'));
    const file = join(work, 'x.review.json');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(work, `.x.review.json.${deadPid}.0badcafe.tmp`), '{"half":');
    writeFileSync(join(work, `.x.review.json.${process.pid}.00c0ffee.tmp`), 'in progress');
    writeFileSync(join(work, `.other.json.${deadPid}.0badcafe.tmp`), 'not ours');
    assert.deepEqual(await removeStaleTemps(file), [`.x.review.json.${deadPid}.0badcafe.tmp`]);
    assert.deepEqual(temps(work).sort(), [`.other.json.${deadPid}.0badcafe.tmp`, `.x.review.json.${process.pid}.00c0ffee.tmp`]);
  });
});
