/**
 * Reading a tool call's arguments when their names vary between tools and releases: each field takes
 * the first of several names that is set. Pure module.
 */

/** A non-empty string or a number (as text) from the first of `names` that holds one. */
export function pickArg(args: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = args[n];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

/** A list of names (an array of strings or numbers, or one string) from the first of `names` that is set. */
export function pickArgList(args: Record<string, unknown>, ...names: string[]): string[] {
  for (const n of names) {
    const v = args[n];
    if (Array.isArray(v)) return v.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number').map(String);
    if (typeof v === 'string' && v !== '') return [v];
  }
  return [];
}
