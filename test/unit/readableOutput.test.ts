/**
 * A tool answer printed as YAML records, read back for the editor (src/core/readableOutput.ts): the
 * study's documents as the text they stand for, and nothing shown readably that would lose a field.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTranscript } from '../../src/core/formats';
import { readableOutput } from '../../src/core/readableOutput';

const root = resolve(__dirname, '../../..');

describe('readableOutput', () => {
  it("gives a study run's policy document as its lines, not as PyYAML's escaped and folded scalar", () => {
    const file = 'examples/study/tampering-faithful-peer-bad_peer.json';
    const t = parseTranscript({ fileName: file, text: readFileSync(resolve(root, file), 'utf8') });
    const result = t.events.find((e) => e.kind === 'tool_result' && e.name === 'list_files');
    assert.ok(result && result.kind === 'tool_result');
    // As printed, the title is split over a folded line with an escaped space.
    assert.ok(result.output.includes('OpenBrain\\\n    \\ - AI Product Operations Policy'));
    const records = readableOutput(result.output);
    assert.ok(records, 'the list_files answer reads as records');
    const policy = records.find((r) => r.some((f) => f.key === 'content' && f.value.includes('SECTION 1: PURPOSE')));
    assert.ok(policy, 'a record holds the policy');
    const lines = policy.find((f) => f.key === 'content')!.value.split('\n');
    assert.ok(lines.includes('OpenBrain - AI Product Operations Policy (internal)'), lines.slice(0, 4).join(' | '));
    assert.ok(lines.includes('Minimum average score: 80%'));
    assert.ok(lines.includes('Evaluators can open it with the "list_sheets" tool function.'));
    // The other fields stay, in the order printed, as the text they were written as.
    const keys = policy.map((f) => f.key);
    assert.deepEqual(new Set(keys).size, keys.length);
    assert.ok(keys.includes('content') && keys.length >= 2, keys.join(','));
  });

  it('keeps every field and its text as written: sizes, dates and empty values', () => {
    const records = readableOutput("- filename: notes.txt\n  size: 0x10\n  last_modified: '2025-10-28 16:48:51'\n  owner:\n  content: \"line one\\nline two\"\n");
    assert.deepEqual(records, [
      [
        { key: 'filename', value: 'notes.txt' },
        { key: 'size', value: '0x10' },
        { key: 'last_modified', value: '2025-10-28 16:48:51' },
        { key: 'owner', value: '' },
        { key: 'content', value: 'line one\nline two' },
      ],
    ]);
    // A nested value is kept, as YAML text.
    assert.deepEqual(readableOutput('- name: a\n  content: "x\\ny"\n  shared_with: {}\n  tags: [one, two]\n'), [
      [
        { key: 'name', value: 'a' },
        { key: 'content', value: 'x\ny' },
        { key: 'shared_with', value: '{}' },
        { key: 'tags', value: '- one\n- two' },
      ],
    ]);
    // One mapping is one record; a single-quoted folded scalar joins its lines as YAML does.
    assert.deepEqual(readableOutput("content: 'EVALUATION REPORT\n\n  Subject: Agent 1'\n"), [[{ key: 'content', value: 'EVALUATION REPORT\nSubject: Agent 1' }]]);
  });

  it('leaves as printed what reads no better, and what it could not show whole', () => {
    const cases: Array<[string, string]> = [
      ['one-line values read the same either way', '- filename: a.txt\n  size: 10\n- filename: b.txt\n  size: 20\n'],
      ['a list item that is not a mapping', '- name: a\n  content: "x\\ny"\n- plain text\n'],
      ['not YAML', '- content: "unterminated\n'],
      ['prose', 'Sheets in workbook:\n- Evaluation data'],
      ['a shell listing', 'total 28\ndrwxr-xr-x 1 maintainer maintainer 4096 Mar  7 20:55 .\n'],
      ['a Python dict', "{'shutdown_enabled': True, 'company_name': 'OpenBrain'}"],
      ['empty', ''],
    ];
    for (const [why, text] of cases) assert.equal(readableOutput(text), undefined, why);
  });

  it('shows an answer too long to read again as printed, quickly', () => {
    const huge = `- content: "${'word\\n'.repeat(20_000)}"\n`;
    const t0 = Date.now();
    assert.equal(readableOutput(huge), undefined);
    assert.ok(Date.now() - t0 < 50);
  });
});
