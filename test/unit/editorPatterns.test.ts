// Which files Peerwatch's run editor is the default for, read from package.json's own patterns (the
// one home of them): the links, "Open in Peerwatch" and re-runs open a file in that editor so a file
// keeps one tab.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { editorPatterns, matchesEditorPatterns } from '../../src/host/editorPatterns';

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { contributes: { customEditors: unknown } };

describe('the run editor’s default files (package.json customEditors)', () => {
  const patterns = editorPatterns(manifest.contributes.customEditors, 'peerwatch.runlog');
  const isDefault = matchesEditorPatterns(patterns);

  it('reads the patterns package.json gives the run editor, and only those', () => {
    assert.ok(patterns.includes('*.runlog.jsonl') && patterns.includes('*.traj.json') && patterns.includes('**/.codex/sessions/**/rollout-*.jsonl'), patterns.join(', '));
    assert.ok(!patterns.includes('*.json'), 'the transcript editor’s patterns are not the run editor’s');
    assert.deepEqual(editorPatterns(undefined, 'peerwatch.runlog'), []);
    assert.deepEqual(editorPatterns([{ viewType: 'peerwatch.runlog', selector: [{ filenamePattern: 42 }, {}] }], 'peerwatch.runlog'), []);
  });

  it('matches names by their base name and folder patterns by the whole path, case aside', () => {
    for (const path of [
      '/w/run.runlog.jsonl',
      '/w/logs/2026-03-08_task.eval',
      '/w/LOGS/TASK.EVAL',
      '/w/trajs/gpt4-test-repo-i1.traj',
      '/w/out/django__django-11039/django__django-11039.traj.json',
      '/w/runs/transcript_7.json',
      '/w/study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00/transcript.json',
      '/home/me/.codex/sessions/2026/05/11/rollout-2026-05-11T11-26-55-x.jsonl',
      '/home/me/.gemini/tmp/a1b2/chats/session-2026-03-08T03-17-7f3c2a10.json',
      '/home/me/.gemini/tmp/a1b2/chats/session-2026-03-08T03-17-7f3c2a10.jsonl',
      '/home/me/.claude/projects/-home-me-repo/5f1a.jsonl',
    ]) assert.ok(isDefault(path), path);
    for (const path of [
      '/w/study/tampering-faithful-peer-bad_peer.json',
      '/w/messages.jsonl',
      '/w/transcript.json',
      '/w/study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00/events.jsonl',
      '/w/x.traj.json.bak',
      '/home/me/.codex/history.jsonl',
      '/home/me/.gemini/tmp/a1b2/logs.json',
    ]) assert.ok(!isDefault(path), path);
  });
});
