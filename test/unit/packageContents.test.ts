/**
 * What the .vsix holds, as vsce itself lists it (`vsce ls`, the list `npm run package` zips): the
 * built bundles and the grammar, not the sources the grammar is generated from, nor the test fixtures.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

let listed: string[] | undefined;
/** `vsce ls --no-dependencies`, once for every test here (each listing takes vsce about 3 s). */
function packagedFiles(): string[] {
  if (!listed) {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `vsce ls failed: ${r.stderr}`);
    listed = r.stdout.split('\n').filter(Boolean);
  }
  return listed;
}

describe('the packaged extension (.vsix)', function () {
  this.timeout(60_000);

  it('ships the run-log grammar but not its generator, and no other sources', () => {
    const files = packagedFiles();
    assert.ok(existsSync(join(root, 'syntaxes', 'runlog.tmLanguage.mjs')), 'the generator is in the repository');
    assert.ok(files.includes('syntaxes/runlog.tmLanguage.json'), `the grammar is packaged: ${files.join(', ')}`);
    assert.ok(!files.includes('syntaxes/runlog.tmLanguage.mjs'), 'the grammar generator is not packaged');
    const sources = files.filter((f) => /\.(m?ts|mjs)$/.test(f) || f.startsWith('src/') || f.startsWith('test/') || f.startsWith('scripts/'));
    assert.deepEqual(sources, [], 'no sources, tests or scripts in the package');
    // Every page and worker the extension starts from dist/.
    for (const f of ['extension.js', 'webview.js', 'compare.js', 'corpus.js', 'detectWorker.js', 'compareWorker.js', 'runsLogWorker.js', 'corpusWorker.js', 'corpusFolder.js', 'corpusSearch.js', 'cli.js']) assert.ok(files.includes(`dist/${f}`), `dist/${f} is packaged`);
  });

  it('leaves the test fixtures out (they keep their own licences)', () => {
    // `vsce ls` lists what `vsce package` would put in the .vsix, without building it.
    const files = packagedFiles();
    assert.ok(files.includes('dist/extension.js'), `vsce ls lists the extension bundle:\n${files.join('\n')}`);
    assert.ok(files.includes('dist/detectWorker.js'), `vsce ls lists the detection worker the bundle starts:\n${files.join('\n')}`);
    assert.deepEqual(files.filter((f) => f.startsWith('test/') || f.includes('fixtures')), []);
  });

  it('carries both entries: the Node extension (main) and the web extension (browser), each as package.json names it', () => {
    const files = packagedFiles();
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string; browser?: string };
    for (const entry of [manifest.main, manifest.browser]) {
      assert.ok(entry, 'package.json names both entries');
      assert.ok(files.includes(entry.replace(/^\.\//, '')), `${entry} is packaged: ${files.join(', ')}`);
    }
  });

  it('names its repository (the Marketplace links to it; vsce asks for it when packaging)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { repository?: { type?: string; url?: string } };
    assert.equal(manifest.repository?.type, 'git');
    assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
  });
});
