// Every file under a folder, for tests that go over what the repository ships.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, recursively, whose name ends with one of `suffixes`. */
export function filesUnder(dir: string, ...suffixes: string[]): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ...suffixes));
    else if (suffixes.some((s) => e.name.endsWith(s))) out.push(p);
  }
  return out;
}
