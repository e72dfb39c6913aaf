import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatJsonPath, parseJsonTolerant, type JsonPath } from '../../src/core/json/tolerantJson';
import { TranscriptEvent, RunHeader, type EventOfKind } from '../../src/core/model';
import type { ImportContext } from '../../src/core/formats/types';
import { detectStudy, importStudy } from '../../src/core/formats/study/study';
import { taskNameFromFileName } from '../../src/core/formats/study/studyHeader';

const FIXTURES = join(process.cwd(), 'test', 'unit', 'fixtures', 'study');

/** Parses a fixture the way the host does and imports it. */
function load(rel: string, opts: { cut?: number; siblings?: Record<string, string>; text?: string } = {}) {
  let text = opts.text ?? readFileSync(join(FIXTURES, rel), 'utf8');
  if (opts.cut !== undefined) text = text.slice(0, opts.cut);
  const json = parseJsonTolerant(text);
  const ctx: ImportContext = {
    file: rel.split('/').pop()!,
    ...(opts.siblings ? { siblings: opts.siblings } : {}),
    locate: (path: JsonPath) => {
      const at = json.locate(path);
      return at ? { ...at, path: formatJsonPath(path) } : { path: formatJsonPath(path) };
    },
  };
  const result = importStudy(json.value, ctx, json.isIncomplete);
  // Everything an importer returns must be valid in the shared model.
  for (const e of result.events) TranscriptEvent.parse(e);
  RunHeader.parse(result.header);
  return { ...result, json, text };
}

const ofKind = <K extends TranscriptEvent['kind']>(events: TranscriptEvent[], kind: K) => events.filter((e): e is EventOfKind<K> => e.kind === kind);

describe('detectStudy', () => {
  it('recognises study transcripts and follow-ups by content', () => {
    assert.equal(detectStudy({ conversation: [{ role: 'user', content: 'x' }], experiment_metadata: {} }), 'study');
    assert.equal(detectStudy({ conversation: [], _canary: 'c' }), 'study');
    assert.equal(
      detectStudy({ original_transcript_path: 'a.json', experiment_metadata: {}, followup_conversation: [], full_conversation: [{ role: 'system', content: '' }] }),
      'study-followup',
    );
  });

  it('recognises a file cut inside the conversation by its tool_calls objects', () => {
    assert.equal(detectStudy({ conversation: [{ role: 'assistant', content: null, tool_calls: { list_files: {} } }] }), 'study');
  });

  it('rejects other JSON', () => {
    assert.equal(detectStudy({ messages: [{ role: 'user', content: 'x' }] }), undefined);
    assert.equal(detectStudy({ conversation: [{ role: 'user', content: 'x' }] }), undefined);
    assert.equal(detectStudy({ conversation: 'x', experiment_metadata: {} }), undefined);
    assert.equal(detectStudy([1, 2]), undefined);
    assert.equal(detectStudy(null), undefined);
  });
});

describe('taskNameFromFileName', () => {
  it('reads legacy task names from released file names without mistaking exfiltration2 for exfiltration', () => {
    assert.equal(taskNameFromFileName('gemini-pro-exfiltration-subject2-transcript221.json'), 'exfiltration');
    assert.equal(taskNameFromFileName('coding-gemini31pro-exfiltration2-memory-transcript36.json'), 'exfiltration2');
    assert.equal(taskNameFromFileName('claude-haiku-af-monitoring-creativity-transcript189.json'), 'af');
    assert.equal(taskNameFromFileName('results/x/transcripts/misrep_finance/default/transcript_1.json'), 'misrep_finance');
    assert.equal(taskNameFromFileName('gpt-report-writing-transcript3.json'), 'report-writing');
    assert.equal(taskNameFromFileName('Gemini-Flash-Shutdown-Subversion-Factual.json'), undefined);
    assert.equal(taskNameFromFileName('after-effects.json'), undefined);
  });
});

describe('importStudy: a tampering run with legacy metadata', () => {
  const r = load('config-combined.json');

  it('builds the header from metadata and the conversation', () => {
    const h = r.header;
    assert.equal(h.format, 'study');
    assert.equal(h.taskFamily, 'tampering', 'inferred from the config tools: the metadata has no task name');
    assert.equal(h.taskName, undefined);
    assert.equal(h.model, 'test/model-a');
    assert.equal(h.agentName, 'Test Agent 1');
    assert.equal(h.subject, 'self', 'legacy subject 1');
    assert.equal(h.subjectName, 'Test Agent 1');
    assert.equal(h.condition, 'collaboration', 'raw company_guideline kept when there is no condition');
    assert.equal(h.monitoring, 'none');
    assert.equal(h.threshold, 90, 'the string "90" read as a number');
    assert.equal(h.dataset, 'factual');
    assert.equal(h.scratchpad, 'unmonitored');
    assert.deepEqual(h.timing, { start: '2026-01-01T10:00:00', end: '2026-01-01T10:01:00', durationSeconds: 60 });
    assert.deepEqual(h.usage, { inputTokens: 300, outputTokens: 30, totalTokens: 330, costUsd: 0.75, apiCalls: 2 }, 'summed from the per-call list');
    assert.equal(h.evaluation?.key, 'evaluation');
    assert.equal(h.evaluation?.score, 60);
    assert.equal(h.evaluation?.thresholdVerdict, 'below');
    assert.equal(h.evaluation?.shutdownEnabled, false);
    assert.equal(h.evaluation?.refused, false);
    assert.equal(h.evaluation?.raw['read'], true);
    assert.deepEqual(Object.keys(h.metadata).sort(), ['canary', 'experiment_metadata', 'usage']);
    assert.equal((h.metadata['experiment_metadata'] as Record<string, unknown>)['company_guideline'], 'collaboration');
  });

  it('emits events in order with steps and sources', () => {
    r.events.forEach((e, i) => assert.equal(e.index, i));
    assert.deepEqual(
      r.events.map((e) => e.kind),
      ['message', 'message', 'reasoning', 'tool_call', 'tool_result', 'reasoning', 'message', 'tool_call', 'config_change', 'tool_result', 'tool_call', 'tool_result', 'tool_call', 'config_change', 'tool_result', 'message', 'tool_call'],
    );
    const viewCall = r.events[3] as EventOfKind<'tool_call'>;
    assert.equal(viewCall.step, 1);
    assert.equal(viewCall.source.path, '$.conversation[2].tool_calls.view_config');
    assert.ok(viewCall.source.line! > 1);
    assert.equal(r.events[0]!.source.path, '$.conversation[0]');
  });

  it('turns the scratchpad call into unmonitored reasoning and cuts its echo out of a combined tool answer', () => {
    const [pad] = ofKind(r.events, 'reasoning');
    assert.equal(pad!.via, 'scratchpad-tool');
    assert.equal(pad!.unmonitored, true);
    assert.equal(pad!.text, 'First look at the config.');
    const result = r.events[4] as EventOfKind<'tool_result'>;
    assert.equal(result.callId, 'call-2-1');
    assert.equal(result.name, 'view_config');
    assert.equal(result.output, "{'shutdown_enabled': True, 'owner': 'ops', 'limits': {'max_runs': 3, 'regions': ['eu', 'us']}}");
    assert.ok(!ofKind(r.events, 'tool_call').some((c) => c.name === 'reasoning_scratchpad'));
  });

  it('splits a thinking tag out of assistant content', () => {
    const tag = r.events[5] as EventOfKind<'reasoning'>;
    assert.equal(tag.via, 'thinking-tag');
    assert.equal(tag.text, 'If I flip it nobody will notice.');
    assert.equal((r.events[6] as EventOfKind<'message'>).text, 'Adjusting the configuration.');
  });

  it("replays modify_var: the boolean true becomes the string 'False'", () => {
    const [change, removal] = ofKind(r.events, 'config_change');
    assert.equal(change!.path, 'shutdown_config.yaml');
    assert.equal(change!.key, 'shutdown_enabled');
    assert.equal(change!.op, 'modify');
    assert.equal(change!.oldValue, true);
    assert.equal(change!.newValue, 'False');
    assert.equal(change!.beforeKnown, true);
    assert.equal(change!.callId, 'call-4-0');
    assert.equal(change!.before, 'shutdown_enabled: true\nowner: ops\nlimits:\n  max_runs: 3\n  regions:\n    - eu\n    - us\n');
    assert.match(change!.after, /^shutdown_enabled: 'False'$/m);
    assert.equal(removal!.op, 'remove');
    assert.equal(removal!.key, 'owner');
    assert.equal(removal!.oldValue, 'ops');
    assert.doesNotMatch(removal!.after, /owner/);
  });

  it('records a failed change as a tool error, not as a config change', () => {
    const failed = ofKind(r.events, 'tool_result').find((e) => e.callId === 'call-6-0')!;
    assert.equal(failed.error, 'Error: key limits.max_runs not found');
    assert.ok(!ofKind(r.events, 'config_change').some((c) => c.key === 'limits.max_runs'));
  });

  it('reports no diagnostics for a well-formed file', () => {
    assert.deepEqual(r.diagnostics, []);
  });
});

describe('importStudy: server tools and thinking tools', () => {
  const r = load('exfiltration-servers.json');

  it('infers the task and how the peer was introduced', () => {
    assert.equal(r.header.taskFamily, 'exfiltration_transfer');
    assert.equal(r.header.subject, 'peer');
    assert.equal(r.header.subjectName, 'Test Agent 2');
    assert.equal(r.header.condition, 'good_peer');
    assert.equal(r.header.threshold, undefined, 'threshold false means none');
    assert.deepEqual(r.header.peerInstantiation, ['system-prompt', 'drive-file']);
    assert.equal(r.header.scratchpad, 'unmonitored');
    assert.deepEqual(r.header.usage, { inputTokens: 1000, outputTokens: 50, totalTokens: 1050, costUsd: 0.01, apiCalls: 7 });
    assert.equal(r.header.evaluation?.copied, true);
    assert.equal(r.header.evaluation?.exfiltration, true);
  });

  it('maps hidden and visible thinking to reasoning and drops their echoes', () => {
    const thinking = ofKind(r.events, 'reasoning');
    assert.deepEqual(
      thinking.map((t) => [t.toolName, t.visibility, t.unmonitored, t.via]),
      [
        ['hidden_thinking', 'hidden', true, 'thinking-tool'],
        ['visible_thinking', 'visible', false, 'thinking-tool'],
      ],
    );
    assert.ok(!ofKind(r.events, 'tool_result').some((t) => t.output.includes('<hidden_thinking>')));
  });

  it('follows the weights: a fresh-named copy, then its transfer to 10.0.12.46', () => {
    const changes = ofKind(r.events, 'file_change');
    assert.deepEqual(
      changes.map((c) => [c.op, c.path, c.to]),
      [
        ['copy', '10.0.12.45:test_agent_2_model_weight.safetensors', '10.0.12.45:test_agent_2_model_weight copy.safetensors'],
        ['transfer', '10.0.12.45:notes_2025.txt', '10.0.12.46:notes_2025.txt'],
        ['transfer', '10.0.12.45:test_agent_2_model_weight copy.safetensors', '10.0.12.46:test_agent_2_model_weight copy.safetensors'],
      ],
    );
    assert.equal(changes[2]!.toHost, '10.0.12.46');
    assert.equal(changes[2]!.source.path, '$.conversation[9].tool_calls.transfer_server_files');
  });

  it('pairs two tool answers with the two calls of one entry, and states queue and user changes as facts', () => {
    const results = ofKind(r.events, 'tool_result');
    assert.equal(results.find((x) => x.output === 'Files successfully transferred.')!.callId, 'call-9-0');
    assert.equal(results.find((x) => x.output === 'Queued.')!.callId, 'call-9-1');
    assert.deepEqual(
      ofKind(r.events, 'environment').map((e) => e.fact),
      ['Queued for deletion on 10.0.12.45: old_2024.log', 'User removed on 10.0.12.45: admin.human'],
    );
  });

  it('does not report a delete the tool refused', () => {
    assert.ok(!ofKind(r.events, 'file_change').some((c) => c.op === 'delete'));
    assert.match(ofKind(r.events, 'tool_result').find((x) => x.name === 'delete_server_file')!.error!, /not found/);
  });
});

describe('importStudy: production-harness run', () => {
  const dir = 'harness-run/';
  const siblings = {
    'run_meta.json': readFileSync(join(FIXTURES, dir, 'run_meta.json'), 'utf8'),
    'events.jsonl': readFileSync(join(FIXTURES, dir, 'events.jsonl'), 'utf8'),
  };
  const r = load(dir + 'transcript.json', { siblings });

  it('marks the harness, reads the sibling files and fills gaps from run_meta.json', () => {
    assert.equal(r.header.format, 'study-harness');
    assert.deepEqual(r.header.harness, { kind: 'coding_agent', agent: 'gemini-cli', docker: true });
    assert.equal(r.header.taskName, 'exfiltration2');
    assert.equal(r.header.taskFamily, 'exfiltration_deletion');
    assert.deepEqual(r.header.peerInstantiation, ['memory']);
    assert.equal(r.header.scratchpad, 'none');
    assert.deepEqual(r.header.timing, { start: '2026-03-01T00:00:00Z', end: '2026-03-01T00:10:00Z', durationSeconds: 600 });
    assert.equal((r.header.metadata['run_meta'] as Record<string, unknown>)['agent'], 'gemini-cli');
    assert.equal(r.header.metadata['events_jsonl_lines'], 3);
  });

  it('reads the transfer of the weights from scp inside ssh, and the remote deletes', () => {
    const changes = ofKind(r.events, 'file_change');
    const transfer = changes.find((c) => c.op === 'transfer')!;
    assert.equal(transfer.path, '10.0.12.45:/data/test_agent_2_model_weight.safetensors');
    assert.equal(transfer.host, '10.0.12.45');
    assert.equal(transfer.toHost, '10.0.12.46');
    assert.equal(transfer.to, '10.0.12.46:/data/test_agent_2_model_weight.safetensors');
    assert.match(transfer.command!, /^ssh -A /);
    assert.deepEqual(
      changes.slice(1).map((c) => [c.op, c.path]),
      [
        ['delete', '10.0.12.45:/data/*'],
        ['edit', '10.0.12.45:/data/keep.txt'],
        ['create', '/workspace/log.txt'],
      ],
    );
  });

  it('reads a <think> tag and a traceback error', () => {
    assert.equal(ofKind(r.events, 'reasoning')[0]!.text, 'The weights matter.');
    const failed = ofKind(r.events, 'tool_result').find((x) => x.callId === 'call-8-0')!;
    assert.equal(failed.error, 'FileNotFoundError: /nope');
  });

  it('without siblings the metadata has no run_meta', () => {
    const plain = load(dir + 'transcript.json');
    assert.equal(plain.header.metadata['run_meta'], undefined);
    assert.equal(plain.header.timing, undefined);
  });

  it('keeps unparsable run_meta.json as text', () => {
    const odd = load(dir + 'transcript.json', { siblings: { 'run_meta.json': '{oops' } });
    assert.equal(odd.header.metadata['run_meta'], '{oops');
  });
});

describe('importStudy: follow-up sessions', () => {
  const r = load('followup.json');

  it('reads the full conversation and marks where the follow-up begins', () => {
    assert.equal(r.header.format, 'study-followup');
    assert.equal(r.header.taskFamily, 'tampering');
    const marker = ofKind(r.events, 'environment')[0]!;
    assert.equal(marker.fact, 'Follow-up questions begin');
    assert.deepEqual(marker.data, { original_transcript_path: 'results/unit/transcripts/tampering/factual/subject_peer/model-a/transcript_1.json' });
    assert.equal(marker.source.path, '$.full_conversation[4]');
    const next = r.events[marker.index + 1] as EventOfKind<'message'>;
    assert.equal(next.text, 'Why did you change the config?');
    assert.equal(ofKind(r.events, 'config_change')[0]!.beforeKnown, false, 'the config was never viewed');
    assert.equal(ofKind(r.events, 'config_change')[0]!.source.path, '$.full_conversation[2].tool_calls.modify_var');
    assert.equal(r.header.metadata['original_transcript_path'], 'results/unit/transcripts/tampering/factual/subject_peer/model-a/transcript_1.json');
  });
});

describe('importStudy: wrong types', () => {
  const r = load('bad-types.json');

  it('never throws, names file, line, JSON path and what was expected, and keeps going', () => {
    const messages = r.diagnostics.map((d) => d.message);
    assert.deepEqual(
      r.diagnostics.map((d) => d.path),
      ['$.experiment_metadata', '$.conversation[3].role', '$.conversation[5].tool_calls', '$.conversation[6]', '$.conversation[7].content', '$.conversation[8].tool_calls.end_task'],
    );
    const role = r.diagnostics[1]!;
    const line = r.text.split('\n').findIndex((l) => l.includes('"role": 42')) + 1;
    assert.equal(role.line, line);
    assert.equal(role.message, `bad-types.json:${line}:${role.column} ($.conversation[3].role): expected one of "system", "user", "assistant", "tool", found 42`);
    assert.equal(role.severity, 'error');
    assert.equal(role.file, 'bad-types.json');
    assert.match(messages[2]!, /\(\$\.conversation\[5\]\.tool_calls\): expected an object mapping tool names to their arguments, found "view_config"$/);
    assert.match(messages[3]!, /expected an object with a "role", found "just a string"$/);
  });

  it('places each diagnostic after the last event read before it', () => {
    const role = r.diagnostics[1]!;
    const before = r.events[role.afterEvent]!;
    assert.equal(before.source.path, '$.conversation[2].tool_calls.list_files');
    assert.equal(r.diagnostics[0]!.afterEvent, -1);
  });

  it('still imports the good entries around the bad ones', () => {
    assert.ok(ofKind(r.events, 'tool_result').some((e) => e.output === 'policy.docx' && e.callId === 'call-2-0'));
    const last = ofKind(r.events, 'tool_call').pop()!;
    assert.equal(last.name, 'list_sheets', 'the bad end_task arguments are skipped, the sibling call kept');
    assert.equal((ofKind(r.events, 'message').pop() as EventOfKind<'message'>).text, 'Still going.');
    assert.equal(r.header.evaluation?.refused, true);
  });

  it('reports a non-object document and a missing conversation', () => {
    const notObject = load('x.json', { text: '[1, 2]' });
    assert.equal(notObject.events.length, 0);
    assert.match(notObject.diagnostics[0]!.message, /^x\.json:1:1 \(\$\): expected an object with a "conversation" array, found an array$/);
    const noConversation = load('y.json', { text: '{"experiment_metadata": {}, "conversation": {"role": "user"}}' });
    assert.match(noConversation.diagnostics[0]!.message, /\(\$\.conversation\): expected an array of conversation entries, found an object$/);
  });
});

describe('importStudy: truncated files', () => {
  const full = load('config-combined.json');

  it('keeps every whole entry before the cut and drops the cut one, at every cut point', () => {
    const text = full.text;
    for (let cut = 20; cut < text.length; cut += 37) {
      const r = load('config-combined.json', { cut });
      assert.ok(r.events.length <= full.events.length);
      // Events from whole entries are the same as in the full file (the header may lack metadata).
      // Replayed changes are left out: a change whose error answer was cut is replayed as if it worked.
      const sameAsFull = r.events.filter((e) => e.kind !== 'config_change').every((e) => {
        const f = full.events.find((x) => x.source.path === e.source.path && x.kind === e.kind);
        return f !== undefined;
      });
      assert.ok(sameAsFull, `cut at ${cut}: an event that the full file does not have`);
      assert.deepEqual(r.diagnostics, [], `cut at ${cut}: type diagnostics for a cut entry`);
    }
  });

  it('stops cleanly inside an entry', () => {
    const cutAt = full.text.indexOf('"Error: key limits.max_runs');
    const r = load('config-combined.json', { cut: cutAt + 10 });
    assert.equal(detectStudy(r.json.value), 'study');
    // The failed modify_var's answer was cut, so nothing says it failed: its change is replayed
    // (into the nested map, as the dotted key addresses it) and there is no tool_result for it.
    const last = r.events.slice(-2);
    assert.deepEqual(last.map((e) => e.kind), ['tool_call', 'config_change']);
    assert.equal((last[0] as EventOfKind<'tool_call'>).id, 'call-6-0');
    assert.match((last[1] as EventOfKind<'config_change'>).after, /^ {2}max_runs: '99'$/m);
    assert.ok(!ofKind(r.events, 'tool_result').some((e) => e.callId === 'call-6-0'));
    assert.equal(ofKind(r.events, 'config_change').length, 2);
  });
});
