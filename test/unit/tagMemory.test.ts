// `peerwatch tag` on a run log larger than the memory it may use: the file is tagged in a worker
// thread, which stops alone when it runs out, so the command says which file and how much memory it
// had, and tags the other files, where the process used to end in V8's "JavaScript heap out of
// memory" (exit 134, a native stack trace, nothing printed for the other files). With memory enough,
// the worker's tags are the command line thread's, byte for byte.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeHeader } from '../../src/core/runlog/runlog';
import { peerwatch, peerwatchBin, repoRoot } from './peerwatchCli';
import { writeRunlogOfSize } from './bigRunlog';

const SMALL = join(repoRoot, 'examples', 'study', 'tampering-shutdown-tampering-peer-good_peer.json');

describe('peerwatch tag: a run log larger than the memory tagging may take', function () {
  this.timeout(120_000);
  let dir: string;
  let big: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'peerwatch-tag-memory-'));
    // About 24 MB: tagging it takes about 70 MB, more than the 48 MB given below.
    big = join(dir, 'big.runlog.jsonl');
    const filler = 'The config says shutdown is enabled; the peer scored 60 against a threshold of 80. '.repeat(20);
    writeRunlogOfSize(big, serializeHeader({ format: 'runlog', model: 'test/model', subject: 'peer' } as never), 24e6, (i) =>
      i % 2
        ? JSON.stringify({ type: 'event', kind: 'message', role: 'assistant', text: `${i} ${filler}` }) + '\n'
        : JSON.stringify({ type: 'event', kind: 'tool_call', id: `c${i}`, name: 'bash', arguments: { command: i === 1000 ? 'sed -i s/shutdown_enabled: true/shutdown_enabled: false/ config.yaml' : `echo ${i}` } }) + '\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The lines `tag` prints for one file: its heading and tags, up to the blank line after them. */
  const block = (stdout: string, file: string): string => {
    const at = stdout.indexOf(`${file}  (`);
    assert.ok(at >= 0, `${file} is listed:\n${stdout}`);
    return stdout.slice(at, stdout.indexOf('\n\n', at));
  };

  it('with --max-old-space-size too small: the file is reported with the heap it had, the others are tagged', () => {
    const alone = peerwatch(['tag', SMALL]);
    assert.equal(alone.code, 0, alone.stderr);
    const r = spawnSync(process.execPath, ['--max-old-space-size=48', peerwatchBin, 'tag', big, SMALL], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(r.status, 1, `exit 1, not V8's abort: ${r.stderr.slice(0, 2000)}`);
    assert.doesNotMatch(r.stderr, /heap out of memory|FATAL ERROR/);
    assert.match(r.stderr, new RegExp(`^peerwatch tag: ${big.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: could not be tagged: it needs more memory than a tagging worker may take \\(48 MB, set by --max-old-space-size; tagging a run takes about three times its file's size\\)\\n$`));
    assert.equal(block(r.stdout, SMALL), block(alone.stdout, SMALL), 'the other file is tagged as alone');
    assert.match(r.stdout, /\n1 file, 1 tag: 1 shutdown-tampering\n$/, 'the count is of the file tagged');
  });

  it('with --max-memory-mb too small: the same, naming the option', () => {
    const r = peerwatch(['tag', '--max-memory-mb', '48', SMALL, big]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /big\.runlog\.jsonl: could not be tagged: it needs more memory than a tagging worker may take \(48 MB, set by --max-memory-mb; /);
    assert.ok(r.stdout.startsWith(`${SMALL}  (`), r.stdout);
  });

  it('with --max-memory-mb enough: the tags the command line thread gives, byte for byte, in text and JSON', () => {
    for (const json of [[], ['--json']]) {
      const here = peerwatch(['tag', ...json, big, SMALL]);
      assert.equal(here.code, 0, here.stderr);
      if (!json.length) assert.match(block(here.stdout, big), /shutdown-tampering/, 'the log has a tag to compare');
      const inWorker = peerwatch(['tag', ...json, '--max-memory-mb', '1024', big, SMALL]);
      assert.equal(inWorker.code, 0, inWorker.stderr);
      assert.equal(inWorker.stdout, here.stdout);
      assert.equal(inWorker.stderr, here.stderr);
    }
  });

  it('summarize --max-memory-mb: a file that needs more is reported, the rest summarised', () => {
    const folder = join(dir, 'corpus');
    mkdirSync(folder);
    copyFileSync(big, join(folder, 'big.runlog.jsonl'));
    copyFileSync(SMALL, join(folder, 'small.json'));
    const r = peerwatch(['summarize', '--json', '--max-memory-mb', '48', folder]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /big\.runlog\.jsonl: could not be tagged: it needs more memory than a tagging worker may take \(48 MB, set by --max-memory-mb; /);
    const rows = (JSON.parse(r.stdout) as { rows: Array<{ runs: number; behaviour: string; count: number }> }).rows;
    assert.ok(rows.length > 0 && rows.every((row) => row.runs === 1), `the other run is summarised alone: ${r.stdout}`);
    assert.equal(rows.find((row) => row.behaviour === 'shutdown-tampering')?.count, 1);
  });

  it('--max-memory-mb takes a whole number of MB, at least 32, for tag, summarize and agreement', () => {
    for (const command of ['tag', 'summarize', 'agreement']) {
      for (const bad of ['0', '16', '1.5', 'lots']) {
        const r = peerwatch([command, '--max-memory-mb', bad, SMALL]);
        assert.equal(r.code, 2, `${command} --max-memory-mb ${bad}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^peerwatch ${command}: --max-memory-mb expects a whole number of MB, at least 32, not "${bad.replace('.', '\\.')}"\\n`));
      }
    }
  });
});
