/**
 * What the extension-host tests of work kept off the host's thread share (detection, Compare with…):
 * a heartbeat that measures the host's event loop while the work runs, the machine's own stall to
 * measure it against, and a line of measured figures in the suite's output.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { waitFor } from '../wait';

/** A measured figure, printed with the suite's output (the runner streams PEERWATCH_HOST_TEST_LOG). */
export function report(line: string): void {
  console.log(line);
  const log = process.env.PEERWATCH_HOST_TEST_LOG;
  if (log) fs.appendFileSync(log, line + '\n');
}

/**
 * A thread of the host's process with nothing to do but beat every 10 ms (and note its longest gap):
 * what the machine's own load does to a thread at the same moment as the work, which the host's
 * thread shares the cores with. Work on the host's thread stalls the host, never this thread.
 */
const CONTROL = `
const { parentPort } = require('node:worker_threads');
let last = performance.now();
let maxGap = 0;
setInterval(() => {
  const now = performance.now();
  maxGap = Math.max(maxGap, now - last);
  last = now;
}, 10);
parentPort.on('message', () => parentPort.postMessage(Math.max(maxGap, performance.now() - last)));
`;

/**
 * Watches the host's event loop every 10 ms; `stop` gives the longest gap between beats, those over
 * 50 ms, and the longest gap a control thread beating beside it saw meanwhile (0 without `control`).
 */
export function heartbeat(opts: { control?: boolean } = {}): { beats(): number; stop(): Promise<{ maxGap: number; gaps: string[]; controlGap: number }> } {
  const started = performance.now();
  let last = started;
  let maxGap = 0;
  let beats = 0;
  const gaps: string[] = [];
  const control = opts.control ? new Worker(CONTROL, { eval: true }) : undefined;
  const beat = setInterval(() => {
    const now = performance.now();
    beats++;
    maxGap = Math.max(maxGap, now - last);
    if (now - last > 50) gaps.push(`${(now - last).toFixed(0)} ms at ${(last - started).toFixed(0)} ms`);
    last = now;
  }, 10);
  return {
    beats: () => beats,
    stop: async () => {
      clearInterval(beat);
      let controlGap = 0;
      if (control) {
        controlGap = await new Promise<number>((resolve, reject) => {
          control.once('message', resolve);
          control.once('error', reject);
          control.postMessage('gap?');
        });
        await control.terminate();
      }
      return { maxGap, gaps, controlGap };
    },
  };
}

/**
 * The longest stall the machine itself gives the host's event loop over `count` beats (about 2 s) with
 * nothing to do (other processes' load, GC): the same-run baseline a stall during the work is
 * measured against, so the bound holds on a busy machine without letting work on the host's thread
 * (seconds) pass.
 */
export async function idleStall(count = 200): Promise<number> {
  const h = heartbeat();
  await waitFor(`${count} heartbeats with the host idle`, () => h.beats() >= count, 60_000, 10);
  return (await h.stop()).maxGap;
}

/** The stall allowed while the work runs: 200 ms beyond the machine's own. */
export const STALL_MS = 200;

/**
 * The machine's own stall for work watched by `heartbeat({ control: true })`: the longest of the
 * host's idle stall just before (idleStall) and the control thread's while the work ran. On this
 * 2-core machine, with the unit tests beside the host suite, the host's thread once waited 228 ms for
 * a core 14 ms after an idle stall of 14 ms; the control thread sees such waits too, work on the
 * host's thread it never does.
 */
export function machineStall(idle: number, watched: { controlGap: number }): number {
  return Math.max(idle, watched.controlGap);
}
