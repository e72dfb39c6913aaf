/**
 * Readings of texts kept by their exact text: the one home for memos in the core.
 *
 * A corpus repeats itself: a scenario's world prints the same documents, listings and sheets in every
 * run of it, reaches the same config states, and calls the same few tools (the study's 223,000
 * transcripts come from a few dozen scenarios), so a corpus pays for reading each distinct text once.
 * The detectors keep only readings of text the environment wrote, never what the model wrote: a
 * run's own words are read afresh in every run, so a corpus of distinct runs costs what it costs.
 * Readings are shared between runs and callers: only read them, never change them.
 *
 * Written here rather than taken from a package: a first-in-first-out map of a few dozen lines,
 * keyed so that a long text is not hashed whole (see TextMap), running wherever the core runs.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** Characters sampled for a text's bucket. */
const SAMPLES = 32;
/**
 * Texts kept per bucket. Texts that differ only between the sampled characters (a scenario's system
 * prompt with each run's name in it) share a bucket; past this many the others are not kept, so a
 * lookup never compares more than a few texts.
 */
const BUCKET_TEXTS = 4;

/**
 * A map from texts to values. A `Map` keyed by the text itself hashes every character of every new
 * string it is asked about (about 20 µs for an 8 KB tool output on Node 20, more than reading most
 * of them), and each run's outputs are new strings. Here a text's bucket comes from its length and 32
 * characters spread over it, and a text is found by comparing it with the few texts of its bucket
 * (a plain comparison, far cheaper than hashing).
 */
export class TextMap<T> {
  private readonly buckets = new Map<number, Array<{ text: string; value: T }>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  private static bucketOf(text: string): number {
    const n = text.length;
    let h = n;
    if (n <= SAMPLES) {
      for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    } else {
      for (let k = 0; k < SAMPLES; k++) h = (Math.imul(h, 31) + text.charCodeAt(Math.floor((k * (n - 1)) / (SAMPLES - 1)))) | 0;
    }
    return h;
  }

  /** The entry of `text`, or undefined. */
  find(text: string): { text: string; value: T } | undefined {
    const bucket = this.buckets.get(TextMap.bucketOf(text));
    if (!bucket) return undefined;
    for (const e of bucket) if (e.text === text) return e;
    return undefined;
  }

  /** Keeps `value` for `text`; false when the text's bucket is full and the text is not kept. */
  set(text: string, value: T): boolean {
    const key = TextMap.bucketOf(text);
    const bucket = this.buckets.get(key);
    const e = bucket?.find((x) => x.text === text);
    if (e) {
      e.value = value;
      return true;
    }
    if (!bucket) this.buckets.set(key, [{ text, value }]);
    else if (bucket.length < BUCKET_TEXTS) bucket.push({ text, value });
    else return false;
    this.count++;
    return true;
  }

  delete(text: string): void {
    const key = TextMap.bucketOf(text);
    const bucket = this.buckets.get(key);
    const i = bucket ? bucket.findIndex((x) => x.text === text) : -1;
    if (i < 0) return;
    this.count--;
    if (bucket!.length === 1) this.buckets.delete(key);
    else bucket!.splice(i, 1);
  }
}

/** Keys longer than this are computed every time (a big text is rarely seen twice, and keys cost memory). */
const MAX_KEY_CHARS = 16 * 1024;

/** Values by a text that stands for everything they are computed from, at most `entries`, first in first out. */
export class BoundedMemo<T> {
  private readonly map = new TextMap<T>();
  /** The keys kept, in a ring: `oldest` is the next to go. */
  private readonly order: string[] = [];
  private oldest = 0;
  private readonly entries: number;
  private readonly maxChars: number;

  constructor(options: { entries?: number; maxChars?: number } = {}) {
    this.entries = options.entries ?? 128;
    this.maxChars = options.maxChars ?? MAX_KEY_CHARS;
  }

  /** The value kept for `key`, else `compute()` (kept when the key is short enough and its bucket has room). */
  get(key: string, compute: () => T): T {
    if (key.length > this.maxChars) return compute();
    const hit = this.map.find(key);
    if (hit) return hit.value;
    const value = compute();
    if (this.map.size >= this.entries) this.map.delete(this.order[this.oldest]!);
    if (this.map.set(key, value)) {
      if (this.order.length < this.entries) this.order.push(key);
      else {
        this.order[this.oldest] = key;
        this.oldest = (this.oldest + 1) % this.entries;
      }
    }
    return value;
  }
}

/**
 * `read` memoized by its text argument across runs, at most `entries` texts (first in, first out),
 * texts up to 16 K characters. For text the environment wrote (see the module comment).
 */
export function memoByText<T>(read: (text: string) => T, entries: number): (text: string) => T {
  const memo = new BoundedMemo<T>({ entries });
  return (text) => memo.get(text, () => read(text));
}

/** `read` memoized by its text argument for as long as the returned function is kept (one run's texts). */
export function memoForRun<T>(read: (text: string) => T): (text: string) => T {
  const memo = new TextMap<T>();
  return (text) => {
    const hit = memo.find(text);
    if (hit) return hit.value;
    const v = read(text);
    memo.set(text, v);
    return v;
  };
}
