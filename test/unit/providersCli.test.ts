import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerwatch } from './peerwatchCli';

const dir = 'test/unit/fixtures/providers';

interface Parsed {
  header: { format: string; model?: string; metadata: Record<string, unknown>; evaluation?: { raw: Record<string, unknown> } };
  events: Array<{ index: number; kind: string; name?: string; source: { line?: number; path?: string } }>;
  diagnostics: Array<{ severity: string; message: string }>;
}

const FILES: Array<[string, string, string[]]> = [
  // file, format, the tool calls a reader sees in order
  ['openai-chat-bare.json', 'openai-chat', []],
  ['openai-chat-pair.json', 'openai-chat', ['view_config', 'modify_var', 'create_file', 'create_file']],
  ['openai-responses.json', 'openai-responses', ['list_server_files', 'transfer_server_files']],
  ['anthropic-bare.json', 'anthropic-messages', ['list_files']],
  ['anthropic-pair.json', 'anthropic-messages', ['view_config', 'modify_var', 'modify_var']],
  ['petri-transcript.json', 'petri', ['modify_var']],
  ['agentic-misalignment/models/claude-haiku-4-5/leaking_explicit-america_replacement/sample_2/response.json', 'agentic-misalignment', ['forward', 'email']],
];

describe('peerwatch CLI on provider logs', function () {
  this.timeout(30000);
  let out: string;
  before(() => {
    out = mkdtempSync(join(tmpdir(), 'peerwatch-providers-'));
  });

  for (const [name, format, calls] of FILES) {
    it(`${name}: parse prints it as ${format}, convert --to runlog writes a log that reads back the same`, () => {
      const file = `${dir}/${name}`;
      const p = peerwatch(['parse', file, '--json']);
      assert.equal(p.code, 0, p.stderr);
      const t = JSON.parse(p.stdout) as Parsed;
      assert.equal(t.header.format, format);
      assert.deepEqual(t.events.filter((e) => e.kind === 'tool_call').map((e) => e.name), calls);
      t.events.forEach((e, i) => {
        assert.equal(e.index, i);
        assert.ok(e.source.line && e.source.line > 0 && e.source.path, `${name}: event ${i} cites a line and a JSON path`);
      });

      const summary = peerwatch(['parse', file]);
      assert.equal(summary.code, 0, summary.stderr);
      assert.match(summary.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${format}(?: v\\S+)?\\n`));
      assert.match(summary.stdout, new RegExp(`  ${t.events.length} events: `));

      const log = join(out, `${name.replace(/\//g, '_')}.runlog.jsonl`);
      const c = peerwatch(['convert', file, '--to', 'runlog', '-o', log]);
      assert.equal(c.code, 0, c.stderr);
      assert.match(readFileSync(log, 'utf8').split('\n')[0]!, /"schema":"peerwatch\.runlog"/);
      const back = peerwatch(['parse', log, '--json']);
      assert.equal(back.code, 0, back.stderr);
      const r = JSON.parse(back.stdout) as Parsed;
      assert.equal(r.header.format, 'runlog');
      assert.equal(r.header.model, t.header.model);
      assert.deepEqual(Object.keys(r.header.metadata).sort(), Object.keys(t.header.metadata).sort(), 'the metadata (kept unknown fields, source tags) survives');
      assert.deepEqual(r.events.map((e) => [e.kind, e.name ?? null]), t.events.map((e) => [e.kind, e.name ?? null]));
      if (t.header.evaluation) assert.deepEqual(r.header.evaluation?.raw, t.header.evaluation.raw);
    });
  }

  it('an invalid arguments string is a warning on stderr, with exit 0 and the text kept', () => {
    const r = peerwatch(['parse', `${dir}/openai-chat-pair.json`, '--json']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^warning: test\/unit\/fixtures\/providers\/openai-chat-pair\.json:\d+:\d+ \(\$\.request\.messages\[6\]\.tool_calls\[0\]\.function\.arguments\): expected a string holding a JSON object with the arguments of create_file, found text that is not valid JSON/m);
    const t = JSON.parse(r.stdout) as { events: Array<{ kind: string; arguments?: Record<string, unknown> }> };
    assert.equal(t.events.filter((e) => e.kind === 'tool_call')[2]!.arguments!['_raw'], '{"filename": "evaluation_report.txt", "content": "Score: 60% (12/20');
  });

  it('peerwatch tag lists the Petri judge highlights beside the detected tampering, also after conversion to a run log', () => {
    const file = `${dir}/petri-transcript.json`;
    const log = join(out, 'petri.runlog.jsonl');
    assert.equal(peerwatch(['convert', file, '--to', 'runlog', '-o', log]).code, 0);
    for (const f of [file, log]) {
      const r = peerwatch(['tag', f, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const [report] = JSON.parse(r.stdout) as Array<{ tags: Array<{ behaviour: string; detector: string; explanation: string; citations: Array<{ event: number; line?: number }> }> }>;
      const highlights = report!.tags.filter((x) => x.behaviour === 'judge-highlight');
      assert.equal(highlights.length, 2, `${f}: ${r.stdout}`);
      assert.ok(highlights.every((h) => h.detector === 'source:petri-judge'));
      assert.match(highlights[1]!.explanation, /everything is in order/);
      assert.ok(report!.tags.some((x) => x.behaviour === 'shutdown-tampering'));
    }
  });

  it('a file in none of the formats: exit 1 and a message naming the provider shapes', () => {
    const r = peerwatch(['parse', 'package.json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /package\.json is not a transcript Peerwatch can read: .*OpenAI Chat Completions.*OpenAI Responses.*Anthropic Messages.*Petri transcript.*agentic-misalignment/);
  });
});
