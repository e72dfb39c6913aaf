/**
 * Issue 18: the end of a large run log is reachable while it is still being indexed. The source reads
 * the log's last events from the end of the file before the index gets there; their numbers are
 * estimates then, and the same events carry the index's numbers once it has read the whole file.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunlogFileSource } from '../../src/host/sources';
import { waitFor } from '../wait';

/** A run log of about `mb` MB: the example run's events repeated, then its end record. */
function writeLog(file: string, examples: string, mb: number): number {
  const lines = fs.readFileSync(path.join(examples, 'runlog', 'exfiltration_transfer-exfiltration-peer-good_peer.runlog.jsonl'), 'utf8').trim().split('\n');
  const events = lines.slice(1, -1).map((l) => {
    const { index: _index, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
  const fd = fs.openSync(file, 'w');
  let count = 0;
  let bytes = 0;
  try {
    fs.writeSync(fd, lines[0]! + '\n');
    while (bytes < mb * 1e6) {
      // Each event says its own place (in its timestamp), so the test can tell which one it sees.
      const chunk = events.map((e) => JSON.stringify({ ...e, timestamp: `written ${count++}` })).join('\n') + '\n';
      fs.writeSync(fd, chunk);
      bytes += chunk.length;
    }
    fs.writeSync(fd, lines[lines.length - 1]! + '\n');
  } finally {
    fs.closeSync(fd);
  }
  return count;
}

describe('The end of a large run log before it is indexed (issue 18)', function () {
  this.timeout(120_000);
  const examples = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-tail-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shows the last events of a 40 MB log while it is indexed, numbered by estimate, and the index numbers the same events', async () => {
    const file = path.join(dir, 'long.runlog.jsonl');
    const written = writeLog(file, examples, 40);
    // No editor shows it, so after its first 4 MB the source waits (up to 1.5 s) before indexing on.
    const source = await RunlogFileSource.open(file, path.basename(file));
    try {
      const tail = await source.tail(60);
      assert.ok(source.indexing, 'the tail was read before the index reached the end');
      assert.equal(tail.exact, false);
      assert.ok(tail.indexed < 0.5, `only part of the file was indexed (${tail.indexed})`);
      assert.equal(tail.rows.length, 60);
      const last = tail.rows[tail.rows.length - 1]!;
      assert.equal(last.event?.timestamp, `written ${written - 1}`, 'the last row is the last event written');
      // Consecutive numbers, as the events follow one another in the file.
      tail.rows.forEach((r, k) => assert.equal(r.index, last.index - (tail.rows.length - 1 - k)));
      source.shown();
      await waitFor('the log indexed', () => !source.indexing, 90_000);
      assert.equal(source.count, written);
      // The estimate was close; once indexed, the same events under their true numbers.
      assert.ok(Math.abs(last.index - (written - 1)) <= written * 0.02, `estimated #${last.index} for #${written - 1}`);
      const again = await source.tail(60);
      assert.equal(again.exact, true);
      assert.deepEqual(
        again.rows.map((r) => r.index),
        tail.rows.map((_, k) => written - 60 + k),
      );
      const indexed = await source.get(again.rows.map((r) => r.index));
      assert.deepEqual(
        indexed.map((f) => f.event?.timestamp),
        tail.rows.map((r) => r.event?.timestamp),
      );
      assert.deepEqual(indexed.map((f) => f.event), again.rows.map((r) => r.event));
    } finally {
      source.dispose();
    }
  });
});
