/**
 * A path under a folder as the corpus names it: '/'-separated, relative to the folder. The walk gives
 * paths that start with the folder itself, so the name is a slice of the path; `path.relative`, which
 * resolves both paths and compares them segment by segment, cost 0.6 s of opening a folder of 223,000
 * transcripts from its index, twice over (the index's key and the name shown). Anything else (a path
 * outside the folder) goes through `path.relative`.
 */
import { relative, sep } from 'node:path';

/** A segment `.` or `..`, an empty one, or a final separator (either separator on Windows). */
const NOT_PLAIN = sep === '/' ? /(?:^|\/)\.{1,2}(?:\/|$)|\/\/|\/$|^\// : /(?:^|[\\/])\.{1,2}(?:[\\/]|$)|[\\/]{2}|[\\/]$|^[\\/]/;

/** `(path) => path relative to folder, '/'-separated`; `folder` as `path.resolve` gives it. */
export function pathUnder(folder: string): (path: string) => string {
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  const slash = sep === '/' ? (s: string) => s : (s: string) => s.split(sep).join('/');
  return (path) => {
    // A normalized path (no `.`, `..` or empty segment, no final separator), as the walk joins them:
    // its slice is what `path.relative` gives.
    const rest = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    if (rest !== undefined && rest !== '' && !NOT_PLAIN.test(rest)) return slash(rest);
    return relative(folder, path).split(sep).join('/');
  };
}
