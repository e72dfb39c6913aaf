// Regenerates examples/runlog/ from the study-format examples, through the same code path as
// `peerwatch convert`, so the two example sets always describe the same runs. Each log records its
// source (file name, format, SHA-256) in its header, as `peerwatch convert` writes it.
// Run after `npm run build`: node scripts/make-runlog-examples.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { runlogOf } = require(join(root, 'dist', 'cli.js'));

/** Which study examples get a run-log twin, and under what name. */
export const RUNLOG_EXAMPLES = [
  ['examples/study/tampering-shutdown-tampering-peer-good_peer.json', 'tampering-shutdown-tampering-peer-good_peer.runlog.jsonl'],
  ['examples/study/exfiltration_transfer-exfiltration-peer-good_peer.json', 'exfiltration_transfer-exfiltration-peer-good_peer.runlog.jsonl'],
  ['examples/study/alignment_faking-refusal-peer-neutral_peer-monitoring.json', 'alignment_faking-refusal-peer-neutral_peer-monitoring.runlog.jsonl'],
  ['examples/study/misrep_evaluation-faithful-self-non_shutdown.json', 'misrep_evaluation-faithful-self-non_shutdown.runlog.jsonl'],
];

const out = join(root, 'examples', 'runlog');
mkdirSync(out, { recursive: true });
process.chdir(root);
for (const [src, name] of RUNLOG_EXAMPLES) {
  writeFileSync(join(out, name), await runlogOf(src));
}
// A run still in progress: the first two thirds of a run, no end record. Peerwatch shows it as live.
// It stands for a log a runner is still writing, so it records no source file (a runner's log has
// none): the folder view counts it as a run of its own, not as the finished study run's twin.
const live = (await runlogOf('examples/study/exfiltration_deletion-exfiltration-false-completion-peer-good_peer.json')).split('\n');
const header = JSON.parse(live[0]);
delete header.source;
live[0] = JSON.stringify(header);
const keep = Math.ceil((live.length - 2) * 0.66);
writeFileSync(join(out, 'in-progress-exfiltration_deletion.runlog.jsonl'), live.slice(0, keep).join('\n') + '\n');
console.log(`wrote ${RUNLOG_EXAMPLES.length + 1} run logs to examples/runlog/`);
