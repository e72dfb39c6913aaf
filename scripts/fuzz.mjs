#!/usr/bin/env node
// The long fuzz run (issue 14): the unit tier's fuzz test (test/unit/fuzz.test.ts) with more inputs.
//
//   npm run fuzz -- --inputs 50000 --seed 7
//
// Builds the tests (unless PEERWATCH_NO_BUILD=1), runs the same seeded generator over every reader
// and prints the figures: inputs per reader, crashes, hangs (over 1 s), the slowest input and its
// time, the total time. Failing inputs are written to test-results/fuzz/; FUZZ_ONLY=<index,…> with the
// same seed reads only those again. Exits 1 when any input crashed or hung.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
let values;
try {
  ({ values } = parseArgs({
    options: { inputs: { type: 'string', default: '50000' }, seed: { type: 'string', default: '20261206' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (e) {
  console.error(`fuzz: ${e.message}\nusage: npm run fuzz -- [--inputs N] [--seed N]`);
  process.exit(2);
}
if (values.help) {
  console.log('usage: npm run fuzz -- [--inputs N] [--seed N]   (defaults: 50000 inputs, seed 20261206)');
  process.exit(0);
}
for (const [name, v] of Object.entries({ inputs: values.inputs, seed: values.seed })) {
  if (!/^\d+$/.test(v) || (name === 'inputs' && Number(v) < 1) || Number(v) > 2 ** 32 - 1) {
    console.error(`fuzz: --${name} expects a whole number${name === 'inputs' ? ' of at least 1' : ' below 2^32'}, found ${JSON.stringify(v)}`);
    process.exit(2);
  }
}

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
if (process.env.PEERWATCH_NO_BUILD !== '1' && run(process.execPath, ['scripts/build.mjs', '--tests']) !== 0) process.exit(1);
const mocha = resolve(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
// --no-config: .mocharc.json would add every other unit test to the run.
const status = run(process.execPath, [mocha, '--no-config', '--reporter', 'dot', '--timeout', '0', '--grep', '^fuzz: every reader', 'out/test/unit/fuzz.test.js'], {
  FUZZ_INPUTS: values.inputs,
  FUZZ_SEED: values.seed,
});
process.exit(status);
