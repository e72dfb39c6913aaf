/**
 * The tests' one way to wait (extension-host and UI tiers): poll a condition until it holds, never
 * sleep a fixed time. Probes may be async (the UI tier asks the browser). It polls at once, then backs off from 20 ms to 250 ms, so a condition that already
 * holds costs nothing and a slow machine is not hammered. On timeout it names what it waited for and
 * the last value or error the probe gave, which is what a failing test's reader needs.
 */

/** What a probe gives once it holds: its value without the falsy cases. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Polls `probe` until it returns a truthy value (which is returned); fails naming `what` after
 * `timeoutMs`. `maxPauseMs` caps the backoff, for a probe that also samples what it sees on the way.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000, maxPauseMs = 250): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let pause = Math.min(20, maxPauseMs);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (err) {
      last = err instanceof Error ? `error: ${err.message.split('\n')[0]}` : err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${typeof last === 'string' ? last : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - Date.now()))));
    pause = Math.min(maxPauseMs, Math.round(pause * 1.5));
  }
}
