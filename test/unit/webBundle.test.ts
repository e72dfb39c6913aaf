/**
 * The web extension's pieces that plain Node can check: the codecs it reads `.eval` members with
 * (DecompressionStream, which Node 20 has too, and the core's zstd), the log opener it shares with the
 * CLI, and the check that keeps Node out of its bundle (scripts/web-bundle.mjs, run by every build).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { inflateRawStream, streamCodecs } from '../../src/core/archive/streamCodecs';
import { openSampleLog } from '../../src/core/formats/openSampleLog';
import { fileByteSource, openSampleLogFile } from '../../src/node/sampleLogs';

const root = resolve(__dirname, '../../..');

describe('the web extension: codecs, log opening and the bundle check', function () {
  this.timeout(60_000);

  it('inflates deflate data through DecompressionStream to the bytes zlib deflated', async () => {
    const text = new TextEncoder().encode('{"events": ' + JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, tool: 'scp', args: 'weights.bin' }))) + '}');
    const out = await inflateRawStream(deflateRawSync(text), text.length);
    assert.equal(Buffer.from(out).toString('utf8'), Buffer.from(text).toString('utf8'));
  });

  it('refuses a member that inflates past the size its directory entry gives, and names damaged data', async () => {
    const bomb = deflateRawSync(new Uint8Array(5_000_000));
    await assert.rejects(inflateRawStream(bomb, 1000), /produces more than the 1000 bytes the member holds/);
    await assert.rejects(inflateRawStream(new Uint8Array([0xff, 0xff, 0xff, 0x00, 0x13]), 10), /deflate data is damaged/);
  });

  it("opens each example .eval with the web's codecs exactly as the CLI's reader does, every sample included", async () => {
    const dir = join(root, 'examples', 'inspect');
    const evals = readdirSync(dir).filter((f) => f.endsWith('.eval'));
    assert.ok(evals.length >= 2, 'examples/inspect holds .eval logs');
    for (const name of evals) {
      const path = join(dir, name);
      const viaNode = await openSampleLogFile(path, name);
      const viaWeb = await openSampleLog({ path, displayName: name, bytes: fileByteSource(path), readText: async () => readFileSync(path, 'utf8') }, streamCodecs);
      assert.ok(viaNode && viaWeb, `${name} opens both ways`);
      assert.deepEqual(viaWeb.samples, viaNode.samples, `${name}: the sample lists`);
      assert.ok(viaNode.samples.length > 0, `${name} has samples`);
      for (const s of viaNode.samples) assert.deepEqual(await viaWeb.readSample(s.key), await viaNode.readSample(s.key), `${name} sample ${s.key}`);
    }
  });

  it('the built web extension (dist/web/extension.js) is there and never requires a Node module', () => {
    const file = join(root, 'dist', 'web', 'extension.js');
    assert.ok(existsSync(file), 'built by scripts/build.mjs');
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(text.match(/require\(["'](node:)?(fs|path|os|child_process|worker_threads|zlib|crypto)(\/[a-z]+)?["']\)/g), null);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { browser?: string; main?: string };
    assert.equal(manifest.browser, './dist/web/extension.js');
    assert.equal(manifest.main, './dist/extension.js');
  });

  it('the bundle check passes on the extension and fails on a module that imports node:fs or uses Buffer or process, naming it', () => {
    const check = join(root, 'scripts', 'web-bundle.mjs');
    const ok = spawnSync(process.execPath, [check], { encoding: 'utf8', cwd: root });
    assert.equal(ok.status, 0, ok.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-web-check-'));
    try {
      writeFileSync(join(dir, 'helper.ts'), "import { readFileSync } from 'node:fs';\nexport const read = (p: string) => readFileSync(p);\n");
      writeFileSync(join(dir, 'entry.ts'), "import { read } from './helper';\nexport const x = () => [read('/x'), Buffer.from('a'), process.env.HOME];\n");
      const bad = spawnSync(process.execPath, [check, join(dir, 'entry.ts')], { encoding: 'utf8', cwd: root });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /entry\.ts → .*helper\.ts: imports 'node:fs'/);
      assert.match(bad.stderr, /entry\.ts: uses the Node global 'Buffer'/);
      assert.match(bad.stderr, /entry\.ts: uses the Node global 'process'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
