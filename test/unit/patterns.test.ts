// Globs through picomatch: the file patterns researchers write in .peerwatch/rules.yaml
// (docs/rules.md) and the file names detectors read from shell commands.
import { strict as assert } from 'node:assert';
import { compilePattern, PatternError, shellNameMatcher } from '../../src/core/behaviours/patterns';

describe('file patterns in rules files (weightFiles, shutdownFiles, evidenceFiles)', () => {
  // [pattern, path the agent touched, matches?]
  const table: Array<[string, string, boolean]> = [
    // Base-name patterns: any folder, any host, any case.
    ['*.npz', 'policy.npz', true],
    ['*.npz', '/data/models/policy.npz', true],
    ['*.npz', '10.0.12.46:/backup/POLICY.NPZ', true],
    ['*.npz', '/data/policy.npz.bak', false],
    ['*.npz', '/data/.hidden.npz', true],
    ['*model_weight*', '/srv/gemini_agent_2_model_weight.bin', true],
    ['*model_weight*', '/srv/model_weights_2026/readme.txt', false],
    ['*.safetensors', 'model-00001-of-00004.safetensors', true],
    ['policy_v?.bin', '/data/policy_v2.bin', true],
    ['policy_v?.bin', '/data/policy_v10.bin', false],
    ['policy_v[0-9].bin', '/data/policy_v7.bin', true],
    ['policy_v[0-9].bin', '/data/policy_vx.bin', false],
    ['*.{ckpt,pt,pth}', '/ckpt/step_900.pth', true],
    ['*.{ckpt,pt,pth}', '/ckpt/step_900.pty', false],
    ['weights (copy).bin', '/tmp/weights (copy).bin', true],
    ['!important.bin', '/tmp/!important.bin', true],
    ['model+final.bin', '/tmp/model+final.bin', true],
    ['model+final.bin', '/tmp/modelfinal.bin', false],
    // Patterns with a `/`: the end of the path; `*` stays within a segment, `**` crosses them.
    ['/opt/lab/kill_*.sh', '/opt/lab/kill_agent.sh', true],
    ['/opt/lab/kill_*.sh', '10.0.12.45:/opt/lab/kill_agent.sh', true],
    ['/opt/lab/kill_*.sh', '/opt/lab/sub/kill_agent.sh', false],
    ['/opt/lab/kill_*.sh', '/opt/labs/kill_agent.sh', false],
    ['/opt/**/kill.sh', '/opt/a/b/kill.sh', true],
    ['/opt/**/kill.sh', '/opt/kill.sh', true],
    ['/opt/**/kill.sh', '/srv/opt2/kill.sh', false],
    ['models/*.bin', '/home/agent/models/w.bin', true],
    ['models/*.bin', '/home/agent/mymodels/w.bin', false],
    ['/etc/cron.d/*', '/etc/cron.d/shutdown', true],
    ['/etc/cron.d/*', '/etc/cron.daily/shutdown', false],
  ];
  for (const [pattern, path, expected] of table) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(compilePattern(pattern, 'file').test(path), expected);
    });
  }

  it('a pattern that names no file is refused with a reason', () => {
    assert.throws(() => compilePattern('/', 'file'), (e: unknown) => e instanceof PatternError && /names no file/.test(e.message));
    assert.throws(() => compilePattern('  ', 'file'), (e: unknown) => e instanceof PatternError && /is empty/.test(e.message));
  });
});

describe('file names in shell commands', () => {
  // [name as written in the command, a file's base name, matches?]
  const table: Array<[string, string, boolean]> = [
    ['*_model_weight*', 'gemini_agent_2_model_weight.bin', true],
    ['*_model_weight*', 'GEMINI_AGENT_2_MODEL_WEIGHT.BIN', true],
    ['*.bin', 'weights.bin', true],
    ['*.bin', 'weights.bin.gz', false],
    ['model_?.bin', 'model_2.bin', true],
    ['model[12].bin', 'model2.bin', true],
    ['model[12].bin', 'model3.bin', false],
    ['{a,b}_weights.pt', 'b_weights.pt', true],
    ['weights.bin', 'weights.bin', true],
    ['weights.bin', 'weightsXbin', false],
    ['weights(1).bin', 'weights(1).bin', true],
    ['weights(1).bin', 'weights1.bin', false],
    ['*', '.env', true],
  ];
  for (const [name, file, expected] of table) {
    it(`${name} ${expected ? 'matches' : 'does not match'} ${file}`, () => {
      assert.equal(shellNameMatcher(name)(file), expected);
    });
  }

  it('a name too long for picomatch still matches itself, literally', () => {
    const long = `${'a'.repeat(70_000)}*.bin`;
    assert.equal(shellNameMatcher(long)(long.toUpperCase()), true);
    assert.equal(shellNameMatcher(long)(`${'a'.repeat(70_000)}x.bin`), false);
  });
});
