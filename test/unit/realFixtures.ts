// Where the real logs the tests read live: test/fixtures/real/, copied into the repository with their
// provenance and licences (test/fixtures/real/PROVENANCE.md), so a clone needs nothing beside it.
import { resolve } from 'node:path';

/** The repository's root (tests run from out/test/unit/). */
const root = resolve(__dirname, '../../..');

/** The folder of real logs in one format, e.g. `realFixtures('inspect')`. */
export function realFixtures(format: 'peer-preservation' | 'inspect' | (string & {})): string {
  return resolve(root, 'test', 'fixtures', 'real', format);
}
