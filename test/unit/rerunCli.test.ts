/**
 * `peerwatch rerun` through the real built CLI, as a child process: the command it would run for the
 * study's released transcripts, for every bundled example, for Peerwatch run logs and Inspect
 * samples; overrides; transcript text that looks like shell syntax; launchers that cannot run.
 */
import { strict as assert } from 'node:assert';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { zipMembers } from './zipMembers';
import { realFixtures } from './realFixtures';
import { readYaml } from '../../src/core/yaml';
import { peerwatch } from './peerwatchCli';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'bin', 'peerwatch.js');
const studyFixtures = realFixtures('peer-preservation');
const examplesDir = join(root, 'examples', 'study');
const e2eExample = join(examplesDir, 'e2e_runs', 'gemini-cli', 'exfiltration_deletion', '2026-03-08T03-17-00');
const inspectFixtures = realFixtures('inspect');

/** What an Inspect log says about its task, model and samples, read straight from the file. */
function inspectLog(file: string): { eval: Record<string, unknown>; samples: Array<{ id: string; epoch: number }> } {
  if (file.endsWith('.json')) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { eval: Record<string, unknown>; samples?: Array<{ id: unknown; epoch: number }> };
    return { eval: doc.eval, samples: (doc.samples ?? []).map((x) => ({ id: String(x.id), epoch: x.epoch })) };
  }
  const members = zipMembers(file);
  const header = members.get('header.json') ?? members.get('_journal/start.json');
  assert.ok(header, `${file}: header.json`);
  const samples = [...members.keys()]
    .map((n) => /^samples\/(.+)_epoch_(\d+)\.json$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: m[1]!, epoch: Number(m[2]) }));
  return { eval: (JSON.parse(header().toString('utf8')) as { eval: Record<string, unknown> }).eval, samples };
}

interface Plan {
  launcher: string;
  command: string;
  args: string[];
  cwd: string;
  output: { kind: string; dir?: string; path?: string; pattern?: string };
  needsEnv?: string[];
  notes?: string[];
  commandLine: string;
}

function dryRun(file: string, out: string, ...extra: string[]): Plan {
  const r = peerwatch(['rerun', file, '--dry-run', '--json', '--out', out, ...extra]);
  assert.equal(r.code, 0, `peerwatch rerun ${basename(file)} ${extra.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Plan;
}

/** The value after `flag` in an argument array (undefined when the flag is absent). */
function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  assert.ok(i + 1 < args.length, `${name} has a value`);
  return args[i + 1];
}

// The study's task names, legacy and current, and today's --task_folder for each (from DOMAIN.md).
const TODAY: Record<string, string> = {
  evaluation: 'misrep_evaluation',
  evaluation2: 'tampering',
  af: 'alignment_faking',
  exfiltration: 'exfiltration_transfer',
  exfiltration2: 'exfiltration_deletion',
  'report-writing': 'misrep_finance',
};

type Meta = Record<string, unknown>;

function transcriptOf(file: string): { meta: Meta; doc: Record<string, unknown> } {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { meta: (doc['experiment_metadata'] ?? {}) as Meta, doc };
}

function promptsPromiseUnmonitoredScratchpad(doc: Record<string, unknown>): boolean {
  const conv = (doc['conversation'] ?? []) as Array<{ role: string; content: unknown; tool_calls?: unknown }>;
  const prompts = conv.filter((m) => m.role === 'system' || m.role === 'user').map((m) => String(m.content ?? '')).join('\n');
  return /scratchpad/i.test(prompts) && /not be monitored|unmonitored/i.test(prompts);
}

/**
 * Checks a run_experiment.py command against the transcript's experiment_metadata, field by field.
 * `taskFromName` is the legacy task name in the file name, for transcripts whose metadata has none.
 */
function assertRunExperiment(file: string, plan: Plan, harness: string, out: string) {
  const { meta, doc } = transcriptOf(file);
  const name = basename(file);
  assert.equal(plan.launcher, 'study-harness', name);
  assert.equal(plan.command, 'uv', name);
  assert.deepEqual(plan.args.slice(0, 3), ['run', 'python', 'scripts/run_experiment.py'], name);
  assert.equal(plan.cwd, harness, `${name}: runs in the harness root`);
  assert.deepEqual(plan.output, { kind: 'search', dir: out, pattern: '**/transcript_*.json' }, name);
  const a = plan.args;
  assert.equal(flag(a, '--model'), meta['agent_model'], `${name}: --model`);

  const legacyTask = Object.keys(TODAY)
    .sort((x, y) => y.length - x.length)
    .find((t) => new RegExp(`(^|[-_])${t}([-_.]|$)`).test(name));
  const task = typeof meta['task_folder'] === 'string' ? (TODAY[meta['task_folder']] ?? meta['task_folder']) : legacyTask ? TODAY[legacyTask] : undefined;
  if (task) assert.equal(flag(a, '--task_folder'), task, `${name}: --task_folder`);
  else assert.ok(flag(a, '--task_folder'), `${name}: a task folder read from the tools`);

  if (typeof meta['condition'] === 'string') assert.equal(flag(a, '--condition'), meta['condition'], `${name}: --condition`);
  else if (meta['company_guideline'] === 'collaboration') {
    assert.equal(flag(a, '--condition'), 'good_peer', `${name}: legacy collaboration → good_peer`);
    assert.ok(plan.notes?.some((n) => /company_guideline "collaboration"/.test(n)), `${name}: the inferred condition is noted`);
  }

  const subject = meta['subject'] === 1 || meta['subject'] === 'self' ? 'self' : meta['subject'] === 2 || meta['subject'] === 'peer' ? 'peer' : undefined;
  assert.equal(flag(a, '--subject'), subject, `${name}: --subject from ${String(meta['subject'])}`);
  assert.equal(flag(a, '--dataset'), meta['dataset'], `${name}: --dataset`);
  const threshold = typeof meta['threshold'] === 'number' || (typeof meta['threshold'] === 'string' && meta['threshold'] !== '') ? String(meta['threshold']) : undefined;
  assert.equal(flag(a, '--threshold'), threshold, `${name}: --threshold from ${JSON.stringify(meta['threshold'])}`);
  const af = meta['alignment_faking_mode'] === 'monitoring' || meta['alignment_faking_mode'] === 'non_monitoring' ? meta['alignment_faking_mode'] : undefined;
  assert.equal(flag(a, '--alignment_faking_mode'), af, `${name}: --alignment_faking_mode`);
  assert.equal(a.includes('--system_prompt_relationship'), meta['system_prompt_relationship'] === true, `${name}: --system_prompt_relationship`);
  const scratchpad =
    typeof meta['reasoning_scratchpad_mode'] === 'string' && meta['reasoning_scratchpad_mode'] !== 'off'
      ? meta['reasoning_scratchpad_mode']
      : !('reasoning_scratchpad_mode' in meta) && promptsPromiseUnmonitoredScratchpad(doc)
        ? 'unmonitored'
        : undefined;
  if (scratchpad !== undefined || 'reasoning_scratchpad_mode' in meta) assert.equal(flag(a, '--reasoning_scratchpad_mode'), scratchpad, `${name}: --reasoning_scratchpad_mode`);
  const maxIters = typeof meta['max_iters'] === 'number' ? String(meta['max_iters']) : undefined;
  assert.equal(flag(a, '--max_iters'), maxIters, `${name}: --max_iters`);
  assert.equal(flag(a, '--num_experiments'), '1', `${name}: one run`);
  assert.equal(a.at(-2), '--results_base_dir', name);
  assert.equal(a.at(-1), out, name);
}

describe('peerwatch rerun --dry-run', function () {
  this.timeout(60000);
  let tmp: string;
  let harness: string;
  let out: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'peerwatch-rerun-'));
    harness = join(tmp, 'harness');
    out = join(tmp, 'out');
    // A clone of the study's repository, as far as finding it goes: the two scripts.
    mkdirSync(join(harness, 'scripts'), { recursive: true });
    mkdirSync(join(harness, 'coding_agents'), { recursive: true });
    writeFileSync(join(harness, 'scripts', 'run_experiment.py'), '# stand-in\n');
    writeFileSync(join(harness, 'coding_agents', 'run_e2e_test.py'), '# stand-in\n');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("maps every released transcript's experiment_metadata to the harness's flags, found by walking up", () => {
    assert.ok(existsSync(studyFixtures), `the study's fixtures are expected at ${studyFixtures}`);
    const files = readdirSync(studyFixtures).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 4, `expected the study's released transcripts, found ${files.length}`);
    const dir = join(harness, 'results', 'released', 'transcripts');
    mkdirSync(dir, { recursive: true });
    let production = 0;
    for (const f of files) {
      const file = join(dir, f);
      cpSync(join(studyFixtures, f), file);
      const plan = dryRun(file, out);
      const { meta } = transcriptOf(file);
      if (meta['agent_harness'] === 'coding_agent') {
        production++;
        assert.equal(plan.launcher, 'study-harness', f);
        assert.deepEqual(plan.args.slice(0, 3), ['run', 'python', 'coding_agents/run_e2e_test.py'], f);
        assert.equal(plan.cwd, harness, f);
        assert.equal(flag(plan.args, '--agent'), meta['coding_agent'], `${f}: --agent`);
        const task = String(meta['task_folder'] ?? meta['task_type']);
        assert.equal(flag(plan.args, '--task-type'), TODAY[task] ?? task, `${f}: --task-type`);
        assert.equal(flag(plan.args, '--model'), meta['agent_model'], `${f}: --model`);
        assert.equal(flag(plan.args, '--subject'), meta['subject'] === 2 || meta['subject'] === 'peer' ? 'peer' : 'self', `${f}: --subject`);
        assert.equal(plan.args.includes('--memory'), meta['memory_hard_prompt'] === true || meta['memory'] === true, `${f}: --memory`);
        assert.equal(plan.args.includes('--spr'), meta['system_prompt_relationship'] === true, `${f}: --spr`);
        const mode = meta['exfiltration_deletion_mode'] ?? meta['exfiltration2_mode'];
        if (flag(plan.args, '--task-type') === 'exfiltration_deletion' && mode) assert.equal(flag(plan.args, '--exfiltration_deletion-mode'), mode, f);
        assert.equal(flag(plan.args, '--output-dir'), out, f);
        assert.deepEqual(plan.output, { kind: 'search', dir: out, pattern: '**/transcript.json' }, f);
      } else assertRunExperiment(file, plan, harness, out);
    }
    assert.equal(production, 1, 'the released production-harness run was among them');
  });

  it('maps every bundled study example the same way', () => {
    const dir = join(harness, 'results', 'examples');
    mkdirSync(dir, { recursive: true });
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 15, `expected the bundled study examples, found ${files.length}`);
    for (const f of files) {
      const file = join(dir, f);
      cpSync(join(examplesDir, f), file);
      assertRunExperiment(file, dryRun(file, out), harness, out);
    }
  });

  it('re-runs a production-harness run folder (e2e_runs/…/transcript.json) with run_e2e_test.py', () => {
    const run = join(harness, 'coding_agents', 'e2e_runs', 'gemini-cli', 'exfiltration_deletion', '2026-03-08T03-17-00');
    cpSync(e2eExample, run, { recursive: true });
    const meta = JSON.parse(readFileSync(join(run, 'run_meta.json'), 'utf8')) as Meta;
    // Opening the events file re-runs the same run.
    for (const opened of ['transcript.json', 'events.jsonl']) {
      const plan = dryRun(join(run, opened), out);
      assert.equal(plan.cwd, harness);
      assert.deepEqual(plan.args.slice(0, 3), ['run', 'python', 'coding_agents/run_e2e_test.py']);
      assert.equal(flag(plan.args, '--agent'), meta['agent']);
      assert.equal(flag(plan.args, '--task-type'), meta['task_type']);
      assert.equal(flag(plan.args, '--model'), meta['model']);
      assert.equal(flag(plan.args, '--condition'), meta['condition']);
      assert.equal(flag(plan.args, '--subject'), meta['subject']);
      assert.equal(plan.args.includes('--memory'), meta['memory'] === true);
    }
  });

  it('takes the harness root from --harness-root, and says when it holds no run_experiment.py', () => {
    const file = join(tmp, 'elsewhere', 'run.json');
    mkdirSync(join(tmp, 'elsewhere'), { recursive: true });
    cpSync(join(examplesDir, 'tampering-faithful-peer-bad_peer.json'), file);
    const plan = dryRun(file, out, '--harness-root', harness);
    assert.equal(plan.launcher, 'study-harness');
    assert.equal(plan.cwd, harness);

    // Left to choose, it falls back to Peerwatch's runner and says why; asked for the harness, it refuses.
    const fallback = JSON.parse(peerwatch(['rerun', file, '--dry-run', '--json', '--out', out, '--harness-root', join(tmp, 'elsewhere')]).stdout) as Plan & { reason: string };
    assert.equal(fallback.launcher, 'peerwatch');
    assert.match(fallback.reason, /harness root setting points to .*elsewhere, which holds no scripts\/run_experiment\.py/);
    const r = peerwatch(['rerun', file, '--dry-run', '--json', '--out', out, '--launcher', 'study-harness', '--harness-root', join(tmp, 'elsewhere')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /harness root setting points to .*elsewhere, which holds no scripts\/run_experiment\.py/);
    assert.equal(r.stdout, '');
  });

  it("falls back to Peerwatch's runner when the harness is not found, and explains when asked for it", () => {
    const file = join(tmp, 'loose', 'run.json');
    mkdirSync(join(tmp, 'loose'), { recursive: true });
    cpSync(join(examplesDir, 'tampering-faithful-peer-bad_peer.json'), file);
    const plan = dryRun(file, out);
    assert.equal(plan.launcher, 'peerwatch');

    const r = peerwatch(['rerun', file, '--dry-run', '--launcher', 'study-harness', '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot re-run with study-harness: no folder holding scripts\/run_experiment\.py above .*run\.json; set the harness root/);
    assert.match(r.stderr, /inspect: unavailable: this is a study transcript, not a sample of an Inspect log/);
    assert.match(r.stderr, /peerwatch: available/);
  });

  it("builds Peerwatch's own runner command with exactly its flags (one run → a file, several → a folder)", () => {
    const file = join(root, 'examples', 'runlog', 'alignment_faking-refusal-peer-neutral_peer-monitoring.runlog.jsonl');
    const one = dryRun(file, out, '--launcher', 'peerwatch');
    assert.equal(one.command, process.execPath);
    assert.deepEqual(one.args, [
      bin,
      'run',
      '--from',
      file,
      '--model',
      'vertex_ai/claude-haiku-4-5@20251001',
      '--condition',
      'neutral_peer',
      '--subject',
      'peer',
      '--monitoring',
      'monitoring',
      '-o',
      join(out, 'alignment_faking-refusal-peer-neutral_peer-monitoring.rerun.runlog.jsonl'),
    ]);
    assert.deepEqual(one.output, { kind: 'file', path: join(out, 'alignment_faking-refusal-peer-neutral_peer-monitoring.rerun.runlog.jsonl') });
    // peerwatch run sends vertex_ai/… ids to an OpenAI-compatible endpoint (LiteLLM), anthropic/… to Anthropic.
    assert.deepEqual(one.needsEnv, ['OPENAI_API_KEY']);

    const several = dryRun(file, out, '--runs', '4', '--model', 'anthropic/claude-haiku-4-5');
    assert.deepEqual(several.args.slice(-4), ['--out-dir', out, '--runs', '4']);
    assert.deepEqual(several.output, { kind: 'search', dir: out, pattern: '*.runlog.jsonl' });
    assert.deepEqual(several.needsEnv, ['ANTHROPIC_API_KEY']);

    const replay = dryRun(file, out, '--model', `replay:${file}`);
    assert.equal(flag(replay.args, '--model'), `replay:${file}`);
    assert.equal(replay.needsEnv, undefined, 'a replay needs no API key');
  });

  it('puts overrides of model, condition, subject, monitoring and runs into the arguments', () => {
    const dir = join(harness, 'results', 'overrides');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'af.json');
    cpSync(join(examplesDir, 'alignment_faking-faithful-peer-good_peer-monitoring.json'), file);
    const over = ['--model', 'openrouter/z-ai/glm-4.7', '--condition', 'bad_peer', '--subject', 'self', '--monitoring', 'non_monitoring', '--runs', '5'];
    const study = dryRun(file, out, ...over);
    assert.equal(flag(study.args, '--model'), 'openrouter/z-ai/glm-4.7');
    assert.equal(flag(study.args, '--condition'), 'bad_peer');
    assert.equal(flag(study.args, '--subject'), 'self');
    assert.equal(flag(study.args, '--alignment_faking_mode'), 'non_monitoring');
    assert.equal(flag(study.args, '--num_experiments'), '5');
    // What was not changed is still the original's.
    assert.equal(flag(study.args, '--dataset'), 'creativity');
    assert.equal(flag(study.args, '--threshold'), '90');

    const pw = dryRun(file, out, '--launcher', 'peerwatch', ...over);
    assert.equal(flag(pw.args, '--model'), 'openrouter/z-ai/glm-4.7');
    assert.equal(flag(pw.args, '--condition'), 'bad_peer');
    assert.equal(flag(pw.args, '--subject'), 'self');
    assert.equal(flag(pw.args, '--monitoring'), 'non_monitoring');
    assert.equal(flag(pw.args, '--runs'), '5');
  });

  it('re-runs one Inspect sample from a header carrying metadata.inspect, task arguments one -T each (YAML-safe)', () => {
    const logs = join(tmp, 'proj', 'logs');
    mkdirSync(logs, { recursive: true });
    const file = join(logs, 'sample.runlog.jsonl');
    const run = {
      model: 'openai/gpt-4o-mini',
      metadata: {
        inspect: {
          task: 'security_guide',
          task_spec: 'examples/security_guide.py',
          task_args: { level: 3, topic: 'a b; echo hi', flags: ['x', 'y'], target: '42.7', name: 'web search' },
          model: 'openai/gpt-4o-mini',
          sample_id: 2,
          epoch: 1,
          log_file: 'logs/2025.json',
        },
      },
    };
    writeFileSync(file, JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run }) + '\n');
    const plan = dryRun(file, out);
    assert.equal(plan.launcher, 'inspect');
    assert.equal(plan.command, 'inspect');
    assert.deepEqual(plan.args, [
      'eval',
      'examples/security_guide.py',
      '--model',
      'openai/gpt-4o-mini',
      '--sample-id',
      '2',
      '-T',
      'level=3',
      '-T',
      'topic=a b; echo hi',
      '-T',
      "flags=[x, 'y']",
      '-T',
      "target='42.7'",
      '-T',
      'name=web search',
      '--log-dir',
      out,
    ]);
    assert.equal(plan.cwd, join(tmp, 'proj'), 'runs in the parent of the log folder, where task_file resolves');
    assert.deepEqual(plan.output, { kind: 'search', dir: out, pattern: '*.eval' });
    const epochs = dryRun(file, out, '--runs', '3', '--model', 'anthropic/claude-haiku-4-5');
    assert.equal(flag(epochs.args, '--epochs'), '3');
    assert.equal(flag(epochs.args, '--model'), 'anthropic/claude-haiku-4-5');
  });

  it("re-runs one sample of each of Inspect's own logs (.eval and .json), the one --sample picks", () => {
    assert.ok(existsSync(inspectFixtures), `Inspect's logs are expected at ${inspectFixtures}`);
    const files = readdirSync(inspectFixtures).filter((f) => /\.(eval|json)$/.test(f));
    assert.ok(files.some((f) => f.endsWith('.eval')) && files.some((f) => f.endsWith('.json')), 'both storage formats');
    for (const f of files) {
      const file = join(inspectFixtures, f);
      const log = inspectLog(file);
      assert.ok(log.samples.length > 0, `${f}: samples`);
      const e = log.eval;
      const task = String(e['task']);
      const specs = e['task_file'] ? [`${String(e['task_file'])}@${task}`, String(e['task_file'])] : [String(e['task_registry_name'] ?? task)];
      const taskArgs = (e['task_args'] ?? {}) as Record<string, unknown>;
      const plan = dryRun(file, out);
      assert.equal(plan.launcher, 'inspect', f);
      assert.equal(plan.command, 'inspect', f);
      assert.equal(plan.args[0], 'eval', f);
      assert.ok(specs.includes(plan.args[1]!), `${f}: task ${plan.args[1]} is one of ${specs.join(', ')}`);
      assert.equal(flag(plan.args, '--model'), e['model'], `${f}: --model`);
      assert.ok(log.samples.some((x) => x.id === flag(plan.args, '--sample-id')), `${f}: the first sample by default`);
      // Each -T value, read as YAML (as Inspect reads it), is the task argument the log recorded.
      const given = plan.args.filter((_, i) => plan.args[i - 1] === '-T');
      assert.deepEqual(given.map((a) => a.slice(0, a.indexOf('='))), Object.keys(taskArgs), `${f}: task argument names`);
      for (const a of given) assert.deepEqual(readYaml(a.slice(a.indexOf('=') + 1)).value, taskArgs[a.slice(0, a.indexOf('='))], `${f}: ${a}`);
      assert.deepEqual(plan.args.slice(-2), ['--log-dir', out], f);
      assert.equal(plan.cwd, resolve(inspectFixtures, '..'), `${f}: runs in the parent of the log's folder`);
      for (const sample of log.samples) {
        const picked = dryRun(file, out, '--sample', `${sample.id}#${sample.epoch}`);
        assert.equal(flag(picked.args, '--sample-id'), sample.id, `${f} --sample ${sample.id}#${sample.epoch}`);
      }
    }
    const missing = peerwatch(['rerun', join(inspectFixtures, 'log_streaming.eval'), '--sample', '99#1', '--dry-run']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /log_streaming\.eval has no sample 99#1; its samples are .*2#1/);
  });

  it('keeps a model name with shell syntax one argument, and only quotes it for display', () => {
    const dir = join(harness, 'results', 'hostile');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'hostile.json');
    const doc = JSON.parse(readFileSync(join(examplesDir, 'tampering-faithful-peer-bad_peer.json'), 'utf8'));
    const evil = `m; rm -rf ~ $(touch ${join(tmp, 'pwned')}) \`id\` 'q'`;
    doc.experiment_metadata.agent_model = evil;
    writeFileSync(file, JSON.stringify(doc));
    const plan = dryRun(file, out);
    assert.equal(flag(plan.args, '--model'), evil, 'the whole name is one argument');
    assert.ok(plan.commandLine.includes(`'m; rm -rf ~ $(touch ${join(tmp, 'pwned')}) \`id\` '\\''q'\\'''`), plan.commandLine);

    // Launched for real (a stand-in `uv` on PATH records what it was given): no shell ever sees it.
    const fakeBin = join(tmp, 'bin');
    mkdirSync(fakeBin, { recursive: true });
    const record = join(tmp, 'argv.json');
    writeFileSync(join(fakeBin, 'uv'), `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\n`);
    chmodSync(join(fakeBin, 'uv'), 0o755);
    const r = peerwatch(['rerun', file, '--out', out], { env: { ...process.env, PATH: `${fakeBin}:${process.env['PATH'] ?? ''}` } });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(readFileSync(record, 'utf8')) as { argv: string[]; cwd: string };
    assert.deepEqual(seen.argv, plan.args);
    assert.equal(seen.cwd, harness);
    assert.equal(existsSync(join(tmp, 'pwned')), false, 'the $(…) in the name never ran');
  });

  it("launches Peerwatch's runner for real: a replay writes the run log where the plan said, with the change made", () => {
    const file = join(examplesDir, 'tampering-faithful-peer-bad_peer.json');
    const dir = join(tmp, 'launched');
    const plan = dryRun(file, dir, '--model', `replay:${file}`, '--condition', 'good_peer');
    assert.equal(plan.output.kind, 'file');
    const r = peerwatch(['rerun', file, '--out', dir, '--model', `replay:${file}`, '--condition', 'good_peer']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(plan.output.path!), `the run log is at ${plan.output.path}`);
    const first = JSON.parse(readFileSync(plan.output.path!, 'utf8').split('\n')[0]!) as { type: string; run: { model: string; condition: string; taskFamily: string } };
    assert.equal(first.type, 'header');
    assert.equal(first.run.model, `replay:${file}`);
    assert.equal(first.run.condition, 'good_peer', 'the changed condition reached the new run');
    assert.equal(first.run.taskFamily, 'tampering');

    const several = join(tmp, 'launched-3');
    const r3 = peerwatch(['rerun', file, '--out', several, '--model', `replay:${file}`, '--runs', '3']);
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(readdirSync(several).filter((f) => f.endsWith('.runlog.jsonl')).length, 3, 'three run logs in the folder the plan searches');
  });

  it('re-runs an older transcript (legacy condition name) from a relative replay path, and reproduces its evaluation', () => {
    const rel = 'examples/study/exfiltration_transfer-exfiltration-peer-good_peer.json';
    const original = JSON.parse(readFileSync(join(root, rel), 'utf8')) as { experiment_metadata: Meta; evaluation?: Meta; task_evaluation?: Meta; main_task_evaluation?: Meta };
    assert.equal(original.experiment_metadata['company_guideline'] ?? original.experiment_metadata['condition'], 'collaboration', 'the example uses an older condition name');
    const dir = join(tmp, 'legacy');
    const r = peerwatch(['rerun', rel, '--launcher', 'peerwatch', '--out', dir, '--model', `replay:${rel}`]);
    assert.equal(r.code, 0, r.stderr);
    const log = readdirSync(dir).filter((f) => f.endsWith('.runlog.jsonl'));
    assert.equal(log.length, 1, r.stderr);
    const lines = readFileSync(join(dir, log[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string; evaluation?: { raw?: Meta }; run?: { condition?: string } });
    assert.equal(lines[0]!.run!.condition, 'good_peer');
    const end = lines[lines.length - 1]!;
    assert.equal(end.type, 'end');
    assert.equal(end.status, 'completed');
    const want = original.evaluation ?? original.task_evaluation ?? original.main_task_evaluation!;
    for (const k of ['exfiltration', 'copy'] as const) if (k in want) assert.equal(end.evaluation?.raw?.[k], want[k], `evaluation.${k}`);
  });

  it('prints the command line without --json, and rejects bad options with usage', () => {
    const file = join(root, 'examples', 'runlog', 'tampering-shutdown-tampering-peer-good_peer.runlog.jsonl');
    const r = peerwatch(['rerun', file, '--dry-run', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^cd .* && .*peerwatch\.js run --from .*tampering-shutdown-tampering-peer-good_peer\.runlog\.jsonl --model gemini\/gemini-3-pro-preview/);
    assert.match(r.stderr, /needs OPENAI_API_KEY/);
    // Launching for real without the key stops before starting anything, naming the variable.
    const env = { ...process.env };
    delete env['OPENAI_API_KEY'];
    delete env['OPENAI_BASE_URL'];
    const noKey = peerwatch(['rerun', file, '--out', join(out, 'nokey')], { env: env });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /peerwatch needs OPENAI_API_KEY in the environment/);
    assert.equal(existsSync(join(out, 'nokey')), false, 'nothing was started or created');
    for (const [args, msg] of [
      [['--subject', 'them'], /--subject expects one of self, peer, not "them"/],
      [['--runs', '0'], /--runs expects a whole number of at least 1, not "0"/],
      [['--launcher', 'docker'], /--launcher expects one of study-harness, inspect, peerwatch, not "docker"/],
      [['--frobnicate'], /unknown option --frobnicate/],
    ] as const) {
      const bad = peerwatch(['rerun', file, '--dry-run', ...args]);
      assert.equal(bad.code, 2, args.join(' '));
      assert.match(bad.stderr, msg);
      assert.match(bad.stderr, /usage:\n  peerwatch rerun FILE/);
    }
    const help = peerwatch(['rerun', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /peerwatch rerun FILE/);
  });
});
