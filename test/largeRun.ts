/**
 * A large run log for the tests that need one (the extension-host stall tests, the comparison view's
 * bound in the UI tests), made from an example of the repository's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a run log of `count` events to `file`: the events of examples/runlog's exfiltration run
 * (a study run) repeated. `examples` is the repository's examples folder.
 */
export function writeLargeRun(file: string, examples: string, count: number): void {
  const lines = fs.readFileSync(path.join(examples, 'runlog', 'exfiltration_transfer-exfiltration-peer-good_peer.runlog.jsonl'), 'utf8').trim().split('\n');
  const header = lines[0]!;
  const end = lines[lines.length - 1]!;
  const events = lines.slice(1, -1).map((l) => {
    const { index: _index, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  const out: string[] = [header];
  for (let i = 0; out.length - 1 < count; i++) out.push(events[i % events.length]!);
  out.push(end);
  fs.writeFileSync(file, out.join('\n') + '\n');
}

