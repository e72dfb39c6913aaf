// The webviews' bundles (the editor's page, the comparison's and the corpus view's) carry only what the page needs. zod (about 460 KB minified) reaches it as
// soon as a module the page imports takes a value, not only a type, from src/core/model.ts; that
// happened once through core/images.ts and made the page's script seven times larger. esbuild bundles
// the page here as the build does and its metafile lists every input.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import type * as Esbuild from 'esbuild';

const root = resolve(__dirname, '../../..');
// Loaded from node_modules at run time: esbuild's API cannot itself be bundled into the test.
const esbuild = require(require.resolve('esbuild', { paths: [root] })) as typeof Esbuild;

describe('the webview bundles', function () {
  this.timeout(60_000);

  for (const page of ['main', 'compare', 'corpus']) {
    it(`src/webview/${page}.ts holds no zod and stays under 150 KB minified`, async () => {
      const result = await esbuild.build({
        entryPoints: [resolve(root, `src/webview/${page}.ts`)],
        bundle: true,
        minify: true,
        write: false,
        metafile: true,
        format: 'iife',
        platform: 'browser',
        outfile: `${page}.js`,
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      assert.deepEqual(inputs.filter((p) => p.includes('node_modules/zod/')).slice(0, 3), [], 'the page bundles zod: some module it imports takes a value from src/core/model.ts or a zod schema');
      const size = result.outputFiles[0]!.contents.length;
      assert.ok(size < 150_000, `${page}.js is ${size} bytes minified`);
    });
  }
});
