// The corpus names a file by its path under the folder ('/'-separated): pathUnder takes a slice of
// the walk's path where that is what `path.relative` gives, and asks `path.relative` otherwise.
import { strict as assert } from 'node:assert';
import { join, relative, resolve, sep } from 'node:path';
import { pathUnder } from '../../src/node/corpus/pathUnder';

const byRelative = (folder: string, p: string) => relative(folder, p).split(sep).join('/');

describe('pathUnder: a path under the corpus folder, as path.relative names it', () => {
  const folder = resolve('/data/runs');
  const under = pathUnder(folder);

  it('names the walk\'s paths (joined under the folder) by their part after it', () => {
    for (const p of [join(folder, 'transcript_1.json'), join(folder, 'gemini', 'tampering', 'transcript_22.json'), join(folder, '.hidden', 'a.json'), join(folder, '..x', 'f.json'), join(folder, 'a..', 'b')]) {
      assert.equal(under(p), byRelative(folder, p), p);
    }
    assert.equal(under(join(folder, 'gemini', 'transcript_2.json')), 'gemini/transcript_2.json');
  });

  it("gives what path.relative gives for anything else: the folder itself, a sibling sharing its name's start, '.', '..', doubled or final separators", () => {
    const cases = [folder, `${folder}x${sep}a.json`, `${folder}${sep}.${sep}a.json`, `${folder}${sep}..${sep}other${sep}a.json`, `${folder}${sep}${sep}a.json`, `${folder}${sep}a${sep}`, resolve('/elsewhere/a.json'), `${folder}${sep}..`];
    for (const p of cases) assert.equal(under(p), byRelative(folder, p), JSON.stringify(p));
  });

  it('takes a folder given with a final separator (the root) as well', () => {
    const root = resolve('/');
    const atRoot = pathUnder(root);
    const p = join(root, 'data', 'a.json');
    assert.equal(atRoot(p), byRelative(root, p));
  });
});
