/**
 * Best times (ms) of several pieces of work, run in turn `rounds` times: a machine that is busy for
 * a while (CI, the other mocha worker) slows each of them alike, where timing one size after the
 * other let a busy second turn 8,000 writes' 0.2 s into 0.38 s beside 1,000 writes' 13 ms. The first
 * round also warms the code up; the best time drops it. Work may be asynchronous.
 */
export async function bestTimes(works: Array<() => unknown>, rounds = 3): Promise<number[]> {
  const best = works.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    for (const [k, work] of works.entries()) {
      const started = performance.now();
      await work(); // a promise is waited for; other work is done when it returns
      best[k] = Math.min(best[k]!, performance.now() - started);
    }
  }
  return best;
}
