// Work on files a few at a time, results in the files' order (src/core/inOrder.ts): what `peerwatch
// tag` over a folder reads ahead with.
import { strict as assert } from 'node:assert';
import { forEachInOrder } from '../../src/core/inOrder';

/** A promise and the functions that settle it. */
function settleLater<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise's callbacks run. */
const drain = () => new Promise<void>((r) => setImmediate(r));

describe('forEachInOrder', () => {
  it('hands results on in the items\' order, whatever order the work finishes in, with at most `ahead` started and not handed on', async () => {
    const items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const pending = new Map<number, ReturnType<typeof settleLater<string>>>();
    let mostAtOnce = 0;
    const handed: string[] = [];
    const done = forEachInOrder(
      items,
      3,
      (i) => {
        const p = settleLater<string>();
        pending.set(i, p);
        mostAtOnce = Math.max(mostAtOnce, pending.size);
        return p.promise;
      },
      (r, i) => {
        handed.push(r);
        pending.delete(i);
      },
    );
    // Finish the started ones last first, each time: results still come in order.
    while (handed.length < items.length) {
      await drain();
      const started = [...pending.keys()].sort((a, b) => b - a);
      assert.ok(started.length > 0 && started.length <= 3, `started and not handed on: ${started.join(', ')}`);
      for (const i of started) pending.get(i)!.resolve(`r${i}`);
      await drain();
    }
    await done;
    assert.deepEqual(handed, items.map((i) => `r${i}`));
    assert.equal(mostAtOnce, 3);
  });

  it('starts an item that must go alone only after every item before it is handed on, and none after it until it is', async () => {
    const items = ['a', 'b', 'BIG', 'c', 'd'];
    const log: string[] = [];
    const pending = new Map<string, ReturnType<typeof settleLater<string>>>();
    const done = forEachInOrder(
      items,
      4,
      (x) => {
        log.push(`start ${x}`);
        const p = settleLater<string>();
        pending.set(x, p);
        return p.promise;
      },
      (r) => log.push(`hand ${r}`),
      (x) => x === 'BIG',
    );
    while (pending.size) {
      await drain();
      for (const [x, p] of [...pending]) {
        pending.delete(x);
        p.resolve(x);
      }
      await drain();
    }
    await done;
    assert.deepEqual(log, ['start a', 'start b', 'hand a', 'hand b', 'start BIG', 'hand BIG', 'start c', 'start d', 'hand c', 'hand d']);
  });

  it('rejects at the failing item\'s turn: the items before it are handed on, none after, and no rejection goes unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const handed: number[] = [];
      // Item 3 fails at once, while items 0–2 are still being worked on.
      await assert.rejects(
        forEachInOrder(
          [0, 1, 2, 3, 4, 5],
          4,
          (i) => (i === 3 ? Promise.reject(new Error('item 3: damaged')) : new Promise<number>((r) => setTimeout(() => r(i), 5))),
          (r) => handed.push(r),
        ),
        /item 3: damaged/,
      );
      await drain();
      assert.deepEqual(handed, [0, 1, 2]);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('hands on nothing for no items, and works one at a time when `ahead` is below 1', async () => {
    let calls = 0;
    await forEachInOrder([], 4, () => Promise.resolve(calls++), () => calls++);
    assert.equal(calls, 0);
    const order: string[] = [];
    await forEachInOrder(
      [1, 2],
      0,
      async (i) => {
        order.push(`start ${i}`);
        await drain();
        return i;
      },
      (i) => order.push(`hand ${i}`),
    );
    assert.deepEqual(order, ['start 1', 'hand 1', 'start 2', 'hand 2']);
  });
});
