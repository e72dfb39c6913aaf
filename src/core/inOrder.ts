/**
 * Work on many files, a few at a time, its results taken in the files' order.
 *
 * Reading a file is mostly waiting (an open, a read, a close, each a round trip to the thread pool),
 * and a folder of small transcripts read one after another leaves the thread idle for half the time
 * (`peerwatch tag` over 10,000 study transcripts: 45% idle). Started a few ahead, the waits overlap
 * the work on the file before. Written here rather than taken from a package (p-map and the like
 * collect every result before returning, and know nothing of an item that must go alone): a loop of a
 * dozen lines.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/**
 * Starts `work` on up to `ahead` items at once and hands each result to `each` in the items' order.
 * An item for which `alone(item)` holds (a large file, whose reading would hold much memory) starts
 * only once every item before it has been handed on, and nothing after it starts until it has been.
 * A rejection of `work` rejects the whole at that item's turn; items after it are not handed on.
 */
export async function forEachInOrder<T, R>(
  items: readonly T[],
  ahead: number,
  work: (item: T) => Promise<R>,
  each: (result: R, item: T) => void,
  alone: (item: T) => boolean = () => false,
): Promise<void> {
  const started = new Map<number, Promise<R>>();
  const aloneAt: boolean[] = [];
  const isAlone = (i: number) => (aloneAt[i] ??= alone(items[i]!));
  let next = 0;
  for (let i = 0; i < items.length; i++) {
    while (next < items.length && next < i + Math.max(1, ahead) && (next === i || (!isAlone(i) && !isAlone(next)))) {
      const p = work(items[next]!);
      // Awaited at its turn; until then a rejection must not count as unhandled.
      p.catch(() => undefined);
      started.set(next++, p);
    }
    const result = await started.get(i)!;
    started.delete(i);
    each(result, items[i]!);
  }
}
