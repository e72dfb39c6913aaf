import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { detectFormat, harnessRunFiles, NotATranscriptError, parseTranscript } from '../../src/core/formats';
import { parseFromWebview } from '../../src/core/protocol';

const root = resolve(__dirname, '../../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('format detection', () => {
  const study = read('examples/study/tampering-shutdown-tampering-peer-good_peer.json');
  const runlog = read('examples/runlog/tampering-shutdown-tampering-peer-good_peer.runlog.jsonl');
  const followup = read('examples/study/followups/tampering-shutdown-tampering-peer-good_peer.followup.json');

  it('recognizes formats by content, whatever the file is called', () => {
    assert.equal(detectFormat('notes.txt', study), 'study');
    assert.equal(detectFormat('run.json', runlog), 'runlog');
    assert.equal(detectFormat('log.jsonl', runlog), 'runlog');
    assert.equal(detectFormat('x.json', followup), 'study-followup');
    assert.equal(parseTranscript({ fileName: 'renamed.txt', text: runlog }).events.length, readRunlogEventCount(runlog));
  });

  it('says clearly what a non-transcript file is and what was expected', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['empty.json', '   \n', /empty\.json is not a transcript Peerwatch can read: the file is empty; expected a Peerwatch run log/],
      ['list.json', '[1, 2, 3]', /list\.json is not a transcript Peerwatch can read: it is a JSON array; expected/],
      ['tsconfig.json', '{"compilerOptions": {}}', /it is a JSON object with keys "compilerOptions"; expected/],
      ['notes.md', '# Notes\nhello', /notes\.md is not a transcript Peerwatch can read: it is not JSON \(notes\.md:1:1: expected a JSON value/],
    ];
    for (const [name, text, re] of cases) {
      assert.throws(
        () => parseTranscript({ fileName: name, text }),
        (e: unknown) => e instanceof NotATranscriptError && re.test(e.message),
        name,
      );
    }
  });

  it('finds the files of a production-harness run from any of them', () => {
    assert.deepEqual(harnessRunFiles('/r/e2e_runs/gemini-cli/x/events.jsonl'), {
      transcript: '/r/e2e_runs/gemini-cli/x/transcript.json',
      siblings: ['/r/e2e_runs/gemini-cli/x/run_meta.json', '/r/e2e_runs/gemini-cli/x/events.jsonl'],
    });
    assert.equal(harnessRunFiles('/r/transcript_12.json'), undefined);
  });
});

describe('webview protocol', () => {
  it('accepts the messages the webview may send and rejects everything else', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'openSource', index: 3 }), { type: 'openSource', index: 3 });
    assert.equal(parseFromWebview({ type: 'openSource', index: -1 }), undefined);
    assert.equal(parseFromWebview({ type: 'openSource', index: '3; rm -rf /' }), undefined);
    assert.equal(parseFromWebview({ type: 'runCommand', command: 'workbench.action.terminal.new' }), undefined);
    assert.equal(parseFromWebview('ready'), undefined);
  });
});

function readRunlogEventCount(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('{"type":"event"')).length;
}
