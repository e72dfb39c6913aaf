/**
 * What the extension-host tests of work kept off the host's thread share (detection, Compare with…):
 * a heartbeat that measures the host's event loop while the work runs, the machine's own stall to
 * measure it against, and a line of measured figures in the suite's output.
 */
import * as fs from 'node:fs';
import { waitFor } from '../wait';

/** A measured figure, printed with the suite's output (the runner streams PEERWATCH_HOST_TEST_LOG). */
export function report(line: string): void {
  console.log(line);
  const log = process.env.PEERWATCH_HOST_TEST_LOG;
  if (log) fs.appendFileSync(log, line + '\n');
}

/** Watches the host's event loop every 10 ms; `stop` gives the longest gap between beats and those over 50 ms. */
export function heartbeat(): { beats(): number; stop(): { maxGap: number; gaps: string[] } } {
  const started = performance.now();
  let last = started;
  let maxGap = 0;
  let beats = 0;
  const gaps: string[] = [];
  const beat = setInterval(() => {
    const now = performance.now();
    beats++;
    maxGap = Math.max(maxGap, now - last);
    if (now - last > 50) gaps.push(`${(now - last).toFixed(0)} ms at ${(last - started).toFixed(0)} ms`);
    last = now;
  }, 10);
  return {
    beats: () => beats,
    stop: () => {
      clearInterval(beat);
      return { maxGap, gaps };
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
  return h.stop().maxGap;
}

/** The stall allowed while the work runs: 200 ms beyond the machine's own, measured just before. */
export const STALL_MS = 200;
