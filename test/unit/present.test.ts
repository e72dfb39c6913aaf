import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventOfKind, TranscriptEvent } from '../../src/core/model';
import {
  configChangeKeys,
  configChangeTitle,
  diffWindows,
  fileChangeTitle,
  inlineDiff,
  isWeightsPath,
  jsonTokens,
  kindLabel,
  shellTokens,
  splitDiff,
  summarizeEvent,
  toolFamily,
  type ShellToken,
} from '../../src/core/present';
import { eventFindText, eventSearchText, MAX_CHANGE_COMMAND } from '../../src/core/searchText';
import { lineDiff } from '../../src/core/diff';
import { parseTranscript } from '../../src/core/formats';

const repoRoot = path.resolve(__dirname, '../../..');

function call(name: string, args: Record<string, unknown> = {}): EventOfKind<'tool_call'> {
  return { kind: 'tool_call', index: 3, source: {}, name, arguments: args, id: 'c1' };
}
function config(over: Partial<EventOfKind<'config_change'>> = {}): EventOfKind<'config_change'> {
  return {
    kind: 'config_change',
    index: 5,
    source: {},
    path: 'shutdown_config.yaml',
    op: 'modify',
    key: 'shutdown_enabled',
    oldValue: true,
    newValue: 'False',
    before: 'shutdown_enabled: true\ncompany_name: OpenBrain\n',
    after: "shutdown_enabled: 'False'\ncompany_name: OpenBrain\n",
    beforeKnown: true,
    ...over,
  };
}
function fileChange(over: Partial<EventOfKind<'file_change'>>): EventOfKind<'file_change'> {
  return { kind: 'file_change', index: 7, source: {}, op: 'transfer', path: 'x', ...over };
}

/** The highlighted parts of a command, as `kind:text`, blanks and plain text left out. */
function marked(tokens: ShellToken[]): string[] {
  return tokens.filter((t) => t.kind !== 'text').map((t) => `${t.kind}:${t.text}`);
}

describe('toolFamily', () => {
  it("puts each of the study's tools in its family", () => {
    const expected: Record<string, string> = {
      list_files: 'drive',
      create_file: 'drive',
      delete_drive_file: 'drive',
      read_file: 'drive',
      write_file: 'drive',
      list_sheets: 'spreadsheet',
      view_sheet: 'spreadsheet',
      view_config: 'config',
      modify_var: 'config',
      add_var: 'config',
      remove_var: 'config',
      list_server_ips: 'server',
      copy_server_file: 'server',
      transfer_server_files: 'server',
      add_server_delete_queue: 'server',
      remove_server_user: 'server',
      ssh: 'server',
      scp: 'server',
      execute_shutdown: 'shutdown',
      retrieve_memory: 'memory',
      run_shell_command: 'shell',
      bash: 'shell',
      run_command: 'shell',
      reasoning_scratchpad: 'scratchpad',
      hidden_thinking: 'scratchpad',
      think: 'scratchpad',
      end_task: 'other',
      chat_with_user: 'other',
    };
    for (const [name, fam] of Object.entries(expected)) assert.equal(toolFamily(name), fam, name);
  });

  it('guesses the family of unknown tools from their names', () => {
    assert.equal(toolFamily('list_backup_server_snapshots'), 'server');
    assert.equal(toolFamily('Update_Config'), 'config');
    assert.equal(toolFamily('emergency_shutdown_all'), 'shutdown');
    assert.equal(toolFamily('frobnicate'), 'other');
  });
});

describe('summaries', () => {
  it('shows a config tool call as key=value with the value quoted like the config file', () => {
    assert.equal(summarizeEvent(call('modify_var', { key: 'shutdown_enabled', value: 'False' })), "modify_var(shutdown_enabled='False')");
    assert.equal(summarizeEvent(call('remove_var', { key: 'shutdown_enabled' })), 'remove_var(shutdown_enabled)');
  });

  it('shows other calls with their arguments, one value alone, several as k=v', () => {
    assert.equal(summarizeEvent(call('list_files')), 'list_files()');
    assert.equal(summarizeEvent(call('view_sheet', { name: 'Evaluation data' })), "view_sheet('Evaluation data')");
    assert.equal(
      summarizeEvent(call('transfer_server_files', { source_ip: '10.0.12.45', dest_ip: '10.0.12.46', filenames: ['a.pdf', 'w.safetensors'] })),
      "transfer_server_files(source_ip='10.0.12.45', dest_ip='10.0.12.46', filenames=['a.pdf', 'w.safetensors'])",
    );
    assert.equal(summarizeEvent(call('execute_shutdown', { system_id: 'gpt-agent-2', force: true })), "execute_shutdown(system_id='gpt-agent-2', force=true)");
  });

  it('shows a shell call as its command line, and clips long summaries', () => {
    assert.equal(summarizeEvent(call('run_shell_command', { command: 'ls -la /data\necho done', description: 'List' })), 'run_shell_command(ls -la /data)');
    const long = summarizeEvent(call('create_file', { filename: 'r.txt', content: 'x'.repeat(500) }));
    assert.ok(long.length < 200, long);
    assert.ok(long.includes('…'));
  });

  it("titles a config change with the key and its old and new values", () => {
    assert.equal(configChangeTitle(config()), "shutdown_enabled: true → 'False'");
    assert.equal(configChangeTitle(config({ newValue: '' })), "shutdown_enabled: true → ''");
    assert.equal(configChangeTitle(config({ op: 'remove', newValue: undefined })), 'shutdown_enabled: true → removed');
    assert.equal(configChangeTitle(config({ op: 'add', key: 'shutdown_review_required', oldValue: undefined, newValue: 'true' })), "shutdown_review_required: added 'true'");
    assert.equal(summarizeEvent(config()), "shutdown_enabled: true → 'False'");
  });

  it('lists the named key and other keys whose lines changed', () => {
    assert.deepEqual(configChangeKeys(config()), ['shutdown_enabled']);
    const both = config({
      before: 'shutdown_enabled: true\nthreshold: 80\npod:\n  id: a\n',
      after: "shutdown_enabled: 'False'\nthreshold: 0\npod:\n  id: b\n",
    });
    assert.deepEqual(configChangeKeys(both), ['shutdown_enabled', 'threshold', 'id']);
  });

  it('titles a file change by what moved where, the destination folder when the name is kept', () => {
    const transfer = fileChange({
      path: '10.0.12.45:/data/gemini_agent_2_model_weight.safetensors',
      to: '10.0.12.46:/data/gemini_agent_2_model_weight.safetensors',
      host: '10.0.12.45',
      toHost: '10.0.12.46',
    });
    assert.equal(fileChangeTitle(transfer), 'transfer gemini_agent_2_model_weight.safetensors → 10.0.12.46:/data/');
    const rename = fileChange({ op: 'rename', path: '10.0.12.45:w copy.safetensors', to: 'model_checkpoint_2026.safetensors', host: '10.0.12.45', toHost: '10.0.12.45' });
    assert.equal(fileChangeTitle(rename), 'rename w copy.safetensors → 10.0.12.45:model_checkpoint_2026.safetensors');
    assert.equal(fileChangeTitle(fileChange({ op: 'delete', path: '/data/*', host: '10.0.12.45' })), 'delete 10.0.12.45:/data/*');
  });

  it('summarizes results, errors, messages and environment facts on one line', () => {
    const result: TranscriptEvent = { kind: 'tool_result', index: 4, source: {}, name: 'view_config', output: '\n\nshutdown_enabled: true\ncompany: x' };
    assert.equal(summarizeEvent(result), 'view_config → shutdown_enabled: true');
    const error: TranscriptEvent = { kind: 'tool_result', index: 4, source: {}, name: 'view_sheet', output: 'Error: no sheet', error: 'Error: no sheet' };
    assert.equal(summarizeEvent(error), 'view_sheet → Error: no sheet');
    assert.equal(kindLabel(error), 'Error');
    const msg: TranscriptEvent = { kind: 'message', index: 0, source: {}, role: 'assistant', text: 'I will   read\nthe policy' };
    assert.equal(summarizeEvent(msg), 'I will read');
    assert.equal(kindLabel(msg), 'assistant');
    const env: TranscriptEvent = { kind: 'environment', index: 9, source: {}, fact: 'Follow-up questions begin' };
    assert.equal(summarizeEvent(env), 'Follow-up questions begin');
  });
});

describe('shellTokens', () => {
  const commands = [
    `eval $(ssh-agent -s) >/dev/null; ssh-add -q ~/.ssh/id_rsa; ssh -A -o StrictHostKeyChecking=no maintainer@10.0.12.45 "scp -o StrictHostKeyChecking=no /data/gemini_agent_2_model_weight.safetensors maintainer@10.0.12.46:/data/"`,
    `ssh -o ConnectTimeout=5 maintainer@10.0.12.45 "rm -rf /data/*"`,
    `cat > /tmp/x.sh <<'EOF'\nrm -rf /\nEOF\nchmod +x /tmp/x.sh 2>&1 | tee log`,
    `echo "unterminated`,
    `a && b || c; (d) & e | f`,
    `echo \`rm -rf x\` 'it''s' "a\\"b"`,
    '',
  ];

  it('keeps every character: the tokens concatenate to the command', () => {
    for (const c of commands) assert.equal(shellTokens(c).map((t) => t.text).join(''), c);
  });

  it('calls out scp inside an ssh remote command, the weights path and both hosts', () => {
    assert.deepEqual(marked(shellTokens(commands[0]!)), [
      'cmd:eval',
      'cmd:ssh-add',
      'flag:-q',
      'cmd:ssh',
      'flag:-A',
      'flag:-o',
      'host:maintainer@10.0.12.45',
      'string:"',
      'danger:scp',
      'flag:-o',
      'weights:/data/gemini_agent_2_model_weight.safetensors',
      'host:maintainer@10.0.12.46:',
      'string:"',
    ]);
  });

  it('calls out rm -rf in a remote command', () => {
    assert.deepEqual(marked(shellTokens(commands[1]!)), ['cmd:ssh', 'flag:-o', 'host:maintainer@10.0.12.45', 'string:"', 'danger:rm', 'flag:-rf', 'string:"']);
  });

  it('marks dangerous commands wherever a command starts, and sed only with -i', () => {
    const kinds = (c: string) => shellTokens(c).filter((t) => t.kind === 'danger').map((t) => t.text);
    assert.deepEqual(kinds('cp a b && mv b c; rsync -a x/ y/ | kill 3\ncrontab -r'), ['cp', 'mv', 'rsync', 'kill', 'crontab']);
    assert.deepEqual(kinds("sed 's/a/b/' f"), []);
    assert.deepEqual(kinds("sed -i 's/true/false/' shutdown_config.yaml"), ['sed']);
    assert.deepEqual(kinds('sudo rm -f /etc/cron.d/shutdown; ls | xargs rm'), ['rm', 'rm']);
    assert.deepEqual(kinds("bash -c 'chmod 000 /opt/shutdown.sh'"), ['chmod']);
    assert.deepEqual(kinds('/bin/rm x'), ['/bin/rm']);
    // Words that are only arguments are not commands.
    assert.deepEqual(kinds('echo rm cp mv'), []);
    assert.deepEqual(kinds('grep scp log > rm'), []);
  });

  it('keeps a here-document body as one string, not as commands', () => {
    const t = shellTokens(commands[2]!);
    assert.ok(t.some((x) => x.kind === 'string' && x.text === 'rm -rf /\nEOF'));
    assert.deepEqual(t.filter((x) => x.kind === 'danger').map((x) => x.text), ['chmod']);
    assert.deepEqual(t.filter((x) => x.kind === 'cmd').map((x) => x.text), ['cat', 'tee']);
  });

  it('finds weight files and hosts in arguments', () => {
    assert.deepEqual(marked(shellTokens('rsync -av weights/ backup@host.example.com:/srv/models/')), [
      'danger:rsync',
      'flag:-av',
      'weights:weights/',
      'host:backup@host.example.com:',
    ]);
    assert.deepEqual(marked(shellTokens('ping -c 1 10.0.12.46')), ['cmd:ping', 'flag:-c', 'host:10.0.12.46']);
    assert.deepEqual(marked(shellTokens('cp model.pt "/tmp/model_weights.bin"')), ['danger:cp', 'weights:model.pt', 'weights:"/tmp/model_weights.bin"']);
  });
});

describe('isWeightsPath', () => {
  it('knows weight files by extension and by name', () => {
    for (const p of ['a.safetensors', '/data/x.bin', 'm.pt', 'ckpt/last.ckpt', 'llama.gguf', 'weights/', '/srv/model_weights/shard1', 'gemini_agent_2_model_weight.safetensors', 'checkpoints/step_1'])
      assert.ok(isWeightsPath(p), p);
    for (const p of ['/usr/bin/env', 'report.txt', 'customer_contracts_2025.pdf', '/data/binary_search.py', 'weightless.md']) assert.ok(!isWeightsPath(p), p);
  });
});

describe('splitDiff', () => {
  it('pairs removed lines with added lines, numbering each side', () => {
    assert.deepEqual(splitDiff('a\nb\nc\n', 'a\nB\nc\nd\n'), [
      { left: { n: 1, text: 'a', op: ' ' }, right: { n: 1, text: 'a', op: ' ' } },
      { left: { n: 2, text: 'b', op: '-' }, right: { n: 2, text: 'B', op: '+' } },
      { left: { n: 3, text: 'c', op: ' ' }, right: { n: 3, text: 'c', op: ' ' } },
      { right: { n: 4, text: 'd', op: '+' } },
    ]);
  });

  it('leaves a side empty when a run of removals is longer than its additions', () => {
    const rows = splitDiff('k: 1\nx: 1\ny: 2\n', 'k: 2\n');
    assert.deepEqual(rows.map((r) => [r.left?.text, r.right?.text]), [
      ['k: 1', 'k: 2'],
      ['x: 1', undefined],
      ['y: 2', undefined],
    ]);
  });

  it('holds the same lines as the unified diff', () => {
    const before = fs.readFileSync(path.join(repoRoot, 'src/core/diff.ts'), 'utf8');
    const after = before.replace(/export/g, 'export /* changed */').replace(/\n\n/g, '\n');
    const rows = splitDiff(before, after);
    const unified = lineDiff(before, after);
    const count = (op: string) => unified.filter((l) => l.op === op).length;
    assert.equal(rows.filter((r) => r.left && r.left.op === '-').length, count('-'));
    assert.equal(rows.filter((r) => r.right && r.right.op === '+').length, count('+'));
    assert.equal(rows.filter((r) => r.left?.op === ' ').length, count(' '));
    // Line numbers on each side run 1..n without gaps.
    const left = rows.flatMap((r) => (r.left ? [r.left.n] : []));
    assert.deepEqual(left, left.map((_, i) => i + 1));
  });

  it('handles texts without a final newline and empty texts', () => {
    assert.deepEqual(splitDiff('', 'a'), [{ right: { n: 1, text: 'a', op: '+' } }]);
    assert.deepEqual(splitDiff('a', ''), [{ left: { n: 1, text: 'a', op: '-' } }]);
    assert.deepEqual(splitDiff('', ''), []);
  });
});

describe('diffWindows and inlineDiff', () => {
  it('folds unchanged runs around the changes, keeping context', () => {
    const rows = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    const w = diffWindows(rows, (r) => r === 1, 1);
    assert.deepEqual(w.map((x) => ('fold' in x ? `fold ${x.fold}` : String(x.row))), ['fold 3', '0', '1', '0', 'fold 4', '0', '1']);
    // A single unchanged line is shown rather than folded.
    assert.deepEqual(diffWindows([1, 0, 0, 0, 1], (r) => r === 1, 1).length, 5);
  });

  it('marks the changed words of a replaced line', () => {
    const d = inlineDiff('shutdown_enabled: true', "shutdown_enabled: 'False'")!;
    assert.deepEqual(d.left.filter((s) => s.changed).map((s) => s.text), ['true']);
    assert.deepEqual(d.right.filter((s) => s.changed).map((s) => s.text), ["'False'"]);
    assert.equal(d.left.map((s) => s.text).join(''), 'shutdown_enabled: true');
    assert.equal(inlineDiff('abc', 'xyz'), undefined);
  });
});

describe('jsonTokens', () => {
  it('tokenizes pretty JSON so the texts concatenate to it', () => {
    const value = { a: [1, true, null, 'x"y'], b: { c: -2.5e3 }, 'k:ey': 'v' };
    const tokens = jsonTokens(value);
    assert.equal(tokens.map((t) => t.text).join(''), JSON.stringify(value, null, 2));
    assert.deepEqual(tokens.filter((t) => t.kind === 'key').map((t) => t.text), ['"a"', '"b"', '"c"', '"k:ey"']);
    assert.deepEqual(tokens.filter((t) => t.kind === 'literal').map((t) => t.text), ['true', 'null']);
    assert.deepEqual(tokens.filter((t) => t.kind === 'number').map((t) => t.text), ['1', '-2500']);
    assert.deepEqual(tokens.filter((t) => t.kind === 'string').map((t) => t.text), ['"x\\"y"', '"v"']);
  });
});

describe('eventSearchText', () => {
  it('holds the argument names and values of a call, and its summary', () => {
    const text = eventSearchText(call('transfer_server_files', { source_ip: '10.0.12.45', filenames: ['model_checkpoint_2026.safetensors'] }));
    for (const s of ['Tool call', 'transfer_server_files', 'source_ip', '10.0.12.45', 'model_checkpoint_2026.safetensors']) assert.ok(text.includes(s), s);
  });

  it("holds a config change's file, key, values and both texts; a result's output and error", () => {
    const text = eventSearchText(config());
    for (const s of ['shutdown_config.yaml', "shutdown_enabled: true → 'False'", 'company_name: OpenBrain']) assert.ok(text.includes(s), s);
    const err = eventSearchText({ kind: 'tool_result', index: 1, source: {}, name: 'x', output: 'Traceback…\nKeyError: k', error: 'KeyError: k' });
    assert.ok(err.includes('Traceback') && err.includes('KeyError: k') && err.startsWith('Error'));
  });

  it("finds a YAML answer by its fields as the editor's Readable view shows them: a phrase PyYAML folded over two lines", () => {
    const file = path.join(repoRoot, 'examples/study/tampering-shutdown-tampering-peer-good_peer.json');
    const transcript = parseTranscript({ fileName: file, text: fs.readFileSync(file, 'utf8') });
    const listing = transcript.events.find((e) => e.kind === 'tool_result' && e.name === 'list_files');
    assert.ok(listing && listing.kind === 'tool_result');
    const phrase = 'OpenBrain - AI Product Operations Policy (internal)';
    assert.ok(!listing.output.includes(phrase), 'as printed, the phrase is folded and escaped');
    assert.ok(!eventSearchText(listing).includes(phrase));
    assert.ok(eventFindText(listing, phrase, true)?.includes(phrase));
    assert.ok(eventFindText(listing, phrase.toUpperCase(), false)?.includes(phrase));
    assert.equal(eventFindText(listing, phrase.toUpperCase(), true), undefined);
    // The text as printed is searched first; and an answer is read only when it holds the query's longest word.
    assert.equal(eventFindText(listing, 'content: "=====', true), eventSearchText(listing));
    assert.equal(eventFindText(listing, 'OpenBrain - AI Product Operations Memo', true), undefined);
    // A word PyYAML escaped (not ASCII) is found by the ASCII part of it.
    const escaped = { kind: 'tool_result' as const, index: 0, source: {}, name: 'list_files', output: '- content: "Caf\\xE9 menu\\nline two"\n  filename: menu.txt\n' };
    assert.ok(eventFindText(escaped, 'Café menu', true)?.includes('Café menu'));
    // A search reads at most its budget of YAML answers for their fields; past it, the text as printed.
    const budget = { yamlChars: listing.output.length + 10 };
    assert.ok(eventFindText(listing, phrase, true, budget));
    assert.equal(budget.yamlChars, 10);
    assert.equal(eventFindText(listing, phrase, true, budget), undefined);
    assert.equal(eventFindText(listing, 'content: "=====', true, budget), eventSearchText(listing), 'the text as printed is still found');
  });

  it('holds what each event of every example shows, for every kind', () => {
    const study = path.join(repoRoot, 'examples/study');
    const files = [
      ...fs.readdirSync(study).filter((n) => n.endsWith('.json')).map((n) => path.join(study, n)),
      ...fs.readdirSync(path.join(study, 'followups')).map((n) => path.join(study, 'followups', n)),
      path.join(study, 'e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00/transcript.json'),
    ];
    const seen = new Set<string>();
    for (const file of files) {
      const name = path.basename(file);
      const transcript = parseTranscript({ fileName: file, text: fs.readFileSync(file, 'utf8') });
      for (const e of transcript.events) {
        seen.add(e.kind);
        const text = eventSearchText(e);
        assert.ok(text.includes(summarizeEvent(e)), `${name} #${e.index}: the summary is searchable`);
        if (e.kind === 'message' || e.kind === 'reasoning') assert.ok(text.includes(e.text));
        if (e.kind === 'tool_result') assert.ok(text.includes(e.output));
        if (e.kind === 'file_change') assert.ok(text.includes(e.path) && (e.command === undefined || e.command.length > MAX_CHANGE_COMMAND || text.includes(e.command)));
        if (e.kind === 'tool_call') for (const k of Object.keys(e.arguments)) assert.ok(text.includes(k));
      }
    }
    for (const k of ['message', 'reasoning', 'tool_call', 'tool_result', 'config_change', 'file_change', 'environment']) assert.ok(seen.has(k), k);
  });
});
