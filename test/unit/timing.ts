/**
 * Best times (ms) of pieces of work run in turn, for tests that assert how time grows with the input
 * (the same work at two sizes, eight times apart: linear work takes about eight times as long,
 * quadratic sixty-four).
 *
 * A machine that is busy for a while (CI, the other mocha worker) slows each piece alike when they
 * run in turn, where timing one size after the other let a busy second turn 8,000 writes' 0.2 s into
 * 0.38 s beside 1,000 writes' 13 ms. The first piece runs once untimed first, so the first timed
 * round does not pay for compiling the code. Rounds go on, keeping each piece's best time, until
 * `enough` says the times answer the test's question or `rounds` are done: a quiet machine answers
 * in one round, and a busy one gets more chances before a test fails on a moment of load. For two
 * pieces, `enough` is by default the scaling tests' bound: the larger within 24 times the smaller
 * (or 5 ms, below which timers and the collector are noise). Work may be asynchronous.
 */
export async function bestTimes(works: Array<() => unknown>, rounds = 5, enough: (best: number[]) => boolean = withinLinearBound): Promise<number[]> {
  const best = works.map(() => Infinity);
  await works[0]?.();
  for (let r = 0; r < rounds; r++) {
    for (const [k, work] of works.entries()) {
      const started = performance.now();
      await work(); // a promise is waited for; other work is done when it returns
      best[k] = Math.min(best[k]!, performance.now() - started);
    }
    if (enough(best)) break;
  }
  return best;
}

/** Two pieces of work eight times apart in size: the larger took at most 24 times the smaller (or 5 ms). */
function withinLinearBound(best: number[]): boolean {
  return best.length === 2 && best[1]! < Math.max(best[0]!, 5) * 24;
}
