import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { realFixtures } from './realFixtures';
import { peerwatch } from './peerwatchCli';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'bin', 'peerwatch.js');
const studyFixtures = realFixtures('peer-preservation');

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (/\.json$|\.runlog\.jsonl$/.test(name) && name !== 'run_meta.json') out.push(p);
  }
  return out.sort();
}

describe('peerwatch CLI', function () {
  this.timeout(30000);
  const examples = jsonFiles(join(root, 'examples'));

  it('prints its usage for --help after any command, with exit 0', () => {
    for (const args of [['--help'], ['tag', '--help'], ['parse', '-h']]) {
      const r = peerwatch([...args]);
      assert.equal(r.code, 0, `peerwatch ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /usage:\n  peerwatch parse FILE/);
      assert.equal(r.stderr, '', 'no complaint about a missing file');
    }
  });

  it('finds the bundled examples', () => {
    assert.ok(examples.length >= 15, `expected the examples folder to hold at least 15 transcripts, found ${examples.length}`);
  });

  it('parses every example with exit 0 and prints the normalized transcript as JSON', () => {
    for (const file of examples) {
      const r = peerwatch(['parse', file, '--json']);
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
      const t = JSON.parse(r.stdout);
      assert.ok(t.header.format, `${file}: header.format`);
      assert.ok(t.events.length > 5, `${file}: events`);
      t.events.forEach((e: { index: number; kind: string; source: { line?: number } }, i: number) => {
        assert.equal(e.index, i, `${file}: event ${i} index`);
        assert.ok(e.source.line && e.source.line > 0, `${file}: event ${i} cites a source line`);
      });
    }
  });

  it("parses every one of the study's released transcripts", () => {
    assert.ok(existsSync(studyFixtures), `the study's fixtures are expected at ${studyFixtures}`);
    const files = readdirSync(studyFixtures).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 4);
    for (const f of files) {
      const r = peerwatch(['parse', join(studyFixtures, f), '--json']);
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
      const t = JSON.parse(r.stdout);
      assert.ok(t.header.model, `${f}: model`);
      assert.ok(t.events.some((e: { kind: string }) => e.kind === 'tool_call'), `${f}: tool calls`);
    }
  });

  describe('on damaged copies', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'peerwatch-cli-'));
    });

    it('a truncated study transcript: exit 1, the file, line and JSON path named, events before the cut printed', () => {
      const src = join(root, 'examples/study/tampering-shutdown-tampering-peer-good_peer.json');
      const text = readFileSync(src, 'utf8');
      const cut = join(dir, 'truncated.json');
      writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.6)));
      const r = peerwatch(['parse', cut, '--json']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /truncated\.json:\d+:\d+: the file ends in the middle of \$\.conversation\[\d+\]/);
      const t = JSON.parse(r.stdout);
      assert.ok(t.events.length > 3, 'events before the cut are kept');
      assert.equal(t.diagnostics[0].afterEvent, t.events.length - 1);
    });

    it('a study transcript with a wrong type: exit 1 naming the JSON path and what was expected', () => {
      const src = join(root, 'examples/study/exfiltration_transfer-faithful-peer-neutral_peer.json');
      const doc = JSON.parse(readFileSync(src, 'utf8'));
      doc.conversation[3].role = 42;
      const bad = join(dir, 'wrong-type.json');
      writeFileSync(bad, JSON.stringify(doc, null, 2));
      const r = peerwatch(['parse', bad]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /wrong-type\.json:\d+:\d+ \(\$\.conversation\[3\]\.role\)/);
      assert.match(r.stderr, /expected/);
    });

    it('a run log with a damaged line: exit 1 naming the line, later events still read', () => {
      const src = join(root, 'examples/runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl');
      const lines = readFileSync(src, 'utf8').split('\n');
      lines[4] = lines[4]!.slice(0, 25);
      const bad = join(dir, 'damaged.runlog.jsonl');
      writeFileSync(bad, lines.join('\n'));
      const r = peerwatch(['parse', bad, '--json']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /damaged\.runlog\.jsonl:5:\d+: line 5 is not valid JSON/);
      const t = JSON.parse(r.stdout);
      assert.equal(t.events.length, lines.filter((l) => l.includes('"type":"event"')).length - 1);
    });

    it('a run log from a newer Peerwatch: exit 1 naming the version', () => {
      const src = join(root, 'examples/runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl');
      const text = readFileSync(src, 'utf8').replace('"version":1', '"version":2');
      const bad = join(dir, 'future.runlog.jsonl');
      writeFileSync(bad, text);
      const r = peerwatch(['parse', bad]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /future\.runlog\.jsonl:1:1: this log uses Peerwatch run-log schema version 2/);
    });

    it('a file that is not a transcript: exit 1 with what Peerwatch expected', () => {
      const other = join(dir, 'package.json');
      writeFileSync(other, JSON.stringify({ name: 'x', version: '1.0.0' }));
      const r = peerwatch(['parse', other]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /package\.json is not a transcript Peerwatch can read: it is a JSON object with keys "name", "version"; expected a Peerwatch run log/);
    });

    it('a production-harness run opened through events.jsonl reads the run folder', () => {
      const run = join(dir, 'e2e');
      mkdirSync(run);
      cpSync(join(root, 'examples/study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00'), run, { recursive: true });
      const r = peerwatch(['parse', join(run, 'events.jsonl'), '--json']);
      assert.equal(r.code, 0, r.stderr);
      const t = JSON.parse(r.stdout);
      assert.equal(t.header.format, 'study-harness');
      assert.ok(t.header.metadata.run_meta, 'run_meta.json is read');
      assert.ok(t.events.some((e: { kind: string; op?: string }) => e.kind === 'file_change' && e.op === 'transfer'));
    });
  });

  it('converts a study transcript to a run log that reads back to the same events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-convert-'));
    const src = join(root, 'examples/study/tampering-shutdown-tampering-peer-neutral_peer.json');
    const out = join(dir, 'x.runlog.jsonl');
    execFileSync(process.execPath, [bin, 'convert', src, '--to', 'runlog', '-o', out]);
    const a = JSON.parse(peerwatch(['parse', src, '--json']).stdout);
    const b = JSON.parse(peerwatch(['parse', out, '--json']).stdout);
    const strip = (events: Array<Record<string, unknown>>) => events.map(({ source: _s, ...rest }) => rest);
    assert.deepEqual(strip(b.events), strip(a.events));
    assert.equal(b.header.model, a.header.model);
    assert.deepEqual(b.header.evaluation, a.header.evaluation);
  });

  it('keeps the committed run-log examples in step with the study examples they come from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-examples-'));
    const copy = join(dir, 'repo');
    mkdirSync(copy);
    for (const p of ['scripts', 'dist', 'examples']) cpSync(join(root, p), join(copy, p), { recursive: true });
    execFileSync(process.execPath, [join(copy, 'scripts/make-runlog-examples.mjs')]);
    for (const name of readdirSync(join(root, 'examples/runlog'))) {
      assert.equal(readFileSync(join(copy, 'examples/runlog', name), 'utf8'), readFileSync(join(root, 'examples/runlog', name), 'utf8'), `${name} is stale: run node scripts/make-runlog-examples.mjs`);
    }
  });

  it('prints usage and exits 2 for an unknown command', () => {
    const r = peerwatch(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
});
