// A child program for atomicWrite.test.ts: writes FILE through writeFileAtomically over and over,
// printing the number of each finished write, until it is killed.
import { writeFileAtomically } from '../../src/node/atomicWrite';

const file = process.argv[2];
if (!file) throw new Error('usage: atomicWriter.js FILE');
void (async () => {
  for (let n = 1; ; n++) {
    await writeFileAtomically(file, JSON.stringify({ n, pad: 'x'.repeat(2_000_000) }));
    process.stdout.write(`${n}\n`);
  }
})();
