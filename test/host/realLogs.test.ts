/**
 * Every real log in the repository opens in the editor: each file under test/fixtures/real/ (and the
 * small fixtures written for formats with no permissively licensed real file) is opened as the
 * editor's own document (TranscriptDocument, what the custom editor shows), inside a real VS Code.
 * A file of one run must show events with no error; a file of many runs must list its runs and open
 * the first one. The message and tool-call counts the editor shows must be those `peerwatch parse`
 * prints for the same file, so the editor and the command line read the same run.
 *
 * Files are copied to a temporary folder first, so review files written beside them go away.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TranscriptDocument } from '../../src/host/transcriptDocument';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const ROOTS = [path.join(REPO, 'test', 'fixtures', 'real'), path.join(REPO, 'test', 'unit', 'fixtures', 'agents'), path.join(REPO, 'test', 'fixtures', 'framing')];
const LOG = /\.(json|jsonl|eval|traj)$/i;

function logsUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...logsUnder(p));
    else if (LOG.test(e.name) && !e.name.endsWith('.review.json')) out.push(p);
  }
  return out;
}

/** Message and tool-call counts of one run as `peerwatch parse --json` gives them. */
function cliCounts(file: string, sample?: string): { messages: number; calls: number } {
  const args = [CLI, 'parse', file, '--json', ...(sample !== undefined ? ['--sample', sample] : [])];
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // Exit 1 still prints the run when it was read in part (a damaged fixture); the counts are what matter.
    stdout = String((e as { stdout?: string }).stdout ?? '');
  }
  const t = JSON.parse(stdout) as { events: Array<{ kind: string }> };
  return { messages: t.events.filter((e) => e.kind === 'message').length, calls: t.events.filter((e) => e.kind === 'tool_call').length };
}

describe('every real log in the repository opens in the editor', function () {
  this.timeout(120_000);
  const files = ROOTS.flatMap(logsUnder);
  let dir: string;

  before(() => {
    assert.ok(files.length >= 30, `real logs found under ${ROOTS.join(', ')}: ${files.length}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-real-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const file of files) {
    const rel = path.relative(REPO, file);
    it(rel, async () => {
      const copy = path.join(dir, rel.replace(/[\\/]/g, '__'));
      fs.copyFileSync(file, copy);
      const doc = await TranscriptDocument.open(vscode.Uri.file(copy));
      try {
        let sample: string | undefined;
        const log = doc.sampleLog;
        if (log) {
          assert.ok(log.samples.length > 0, `${rel}: the list of runs is empty`);
          sample = log.samples.find((s) => s.complete)?.key;
          assert.ok(sample !== undefined, `${rel}: no complete run in the list`);
          await doc.selectSample(sample);
        }
        const content = doc.content;
        assert.ok(content.ok, `${rel} did not open: ${content.ok ? '' : content.message}`);
        const source = content.source;
        const counts = source.kindCounts();
        assert.ok(Object.values(counts).reduce((a, b) => a + b, 0) > 0, `${rel}: no events`);
        assert.ok(source.header.reader?.name, `${rel}: the header names no reader`);
        const cli = cliCounts(copy, sample);
        assert.deepEqual({ messages: counts['message'] ?? 0, calls: counts['tool_call'] ?? 0 }, cli, `${rel}${sample ? ` [${sample}]` : ''}: the editor and peerwatch parse disagree`);
      } finally {
        doc.dispose();
      }
    });
  }
});
