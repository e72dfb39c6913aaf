/**
 * Arrays as long as a run's events. Spreading an array into a call (`Math.max(...xs)`,
 * `out.push(...xs)`) puts every element on the stack, and V8 throws "Maximum call stack size
 * exceeded" past about 100,000 of them: `peerwatch tag` on a 1 GB run log died so, in a detector
 * citing every copy of the weights. These loops take any length. (Three loops; no library is worth
 * adding for them, and the core must run in the webview and the web worker host too.)
 */

/** The largest of `xs`, or `empty` when there are none. */
export function maxOf(xs: Iterable<number>, empty = -Infinity): number {
  let m = empty;
  let any = false;
  for (const x of xs) {
    if (!any || x > m) m = x;
    any = true;
  }
  return m;
}

/** The smallest of `xs`, or `empty` when there are none. */
export function minOf(xs: Iterable<number>, empty = Infinity): number {
  let m = empty;
  let any = false;
  for (const x of xs) {
    if (!any || x < m) m = x;
    any = true;
  }
  return m;
}

/** Appends every element of `from` to `to`, in order; returns `to`. */
export function pushAll<T>(to: T[], from: Iterable<T>): T[] {
  for (const x of from) to.push(x);
  return to;
}
