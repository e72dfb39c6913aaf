/**
 * The re-run launchers as the host uses them (in process): which launcher a run gets and why,
 * what each says when it cannot run, the quick pick's choices, legacy transcripts, Windows paths,
 * and the command line shown to the researcher.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTranscript } from '../../src/core/formats';
import { RunHeader } from '../../src/core/model';
import {
  STUDY_MODELS,
  chooseLauncher,
  formatCommandLine,
  launchers,
  listLaunchers,
  modelChoices,
  planRerun,
  shellQuote,
  withOverrides,
  type LaunchContext,
  type LaunchPlan,
} from '../../src/core/rerun';
import { peerwatchLauncher } from '../../src/core/rerun/peerwatch';

const examples = join(process.cwd(), 'examples', 'study');

function header(file: string, text?: string): RunHeader {
  return parseTranscript({ fileName: file, text: text ?? readFileSync(join(examples, file), 'utf8') }).header;
}

/** A context over an imaginary file system holding `files`. */
function ctx(transcriptPath: string, files: string[], extra: Partial<LaunchContext> = {}): LaunchContext {
  const set = new Set(files);
  return {
    transcriptPath,
    exists: (p) => set.has(p),
    peerwatchCli: { command: '/usr/bin/node', args: ['/ext/dist/cli.js'] },
    outputDir: '/runs/new',
    ...extra,
  };
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

describe('re-run launchers', () => {
  it('chooses the study harness for a study transcript under a clone of the harness, and says why', () => {
    const h = header('tampering-faithful-peer-bad_peer.json');
    const c = ctx('/work/study/results/x/transcripts/tampering/factual/t.json', ['/work/study/scripts/run_experiment.py']);
    const choice = chooseLauncher(h, c);
    assert.equal(choice.launcher.id, 'study-harness');
    assert.match(choice.reason, /study transcript and the study's harness was found/);
    assert.equal(choice.unavailable, undefined);
    const plan = choice.launcher.plan(h, choice.launcher.defaults(h), c);
    assert.equal(plan.cwd, '/work/study');
  });

  it("falls back to Peerwatch's runner, naming what is missing, and lists every launcher with its reason", () => {
    const h = header('tampering-faithful-peer-bad_peer.json');
    const c = ctx('/home/me/t.json', []);
    const choice = chooseLauncher(h, c);
    assert.equal(choice.launcher.id, 'peerwatch');
    assert.match(choice.reason, /no folder holding scripts\/run_experiment\.py above \/home\/me\/t\.json/);
    const list = listLaunchers(h, c);
    assert.deepEqual(
      list.map((l) => [l.id, l.unavailable === undefined]),
      [
        ['study-harness', false],
        ['inspect', false],
        ['peerwatch', true],
      ],
    );
    assert.match(list[1]!.unavailable!, /not a sample of an Inspect log/);
  });

  it('an asked-for launcher that cannot run says why (no task family, no Inspect details, no coding agent)', () => {
    const bare = RunHeader.parse({ format: 'openai-chat', model: 'gpt-4o' });
    const c = ctx('/x/chat.json', []);
    assert.match(chooseLauncher(bare, c, 'peerwatch').unavailable!, /names no task family/);
    assert.match(chooseLauncher(bare, c, 'inspect').unavailable!, /not a sample of an Inspect log/);
    const inspectNoId = RunHeader.parse({ format: 'inspect', metadata: { inspect: { task: 't', model: 'm' } } });
    assert.match(chooseLauncher(inspectNoId, c).unavailable!, /no id to pass to --sample-id/);
    const e2e = RunHeader.parse({ format: 'study-harness', taskFamily: 'exfiltration_transfer', model: 'm', harness: { kind: 'coding_agent' } });
    const root = ctx('/h/coding_agents/e2e_runs/a/b/c/transcript.json', ['/h/scripts/run_experiment.py', '/h/coding_agents/run_e2e_test.py']);
    assert.match(launchers['study-harness'].unavailable(e2e, root)!, /does not say which coding agent/);
    const noScript = ctx('/h/coding_agents/e2e_runs/a/b/c/transcript.json', ['/h/scripts/run_experiment.py']);
    assert.match(launchers['study-harness'].unavailable({ ...e2e, harness: { kind: 'coding_agent', agent: 'opencode' } }, noScript)!, /holds no coding_agents\/run_e2e_test\.py/);
  });

  it('offers the original model, a replay of this transcript and the study’s seven models', () => {
    const h = header('misrep_finance-misrepresentation-peer-bad_peer.json');
    const c = ctx('/r/t.json', []);
    const models = modelChoices(h, c);
    assert.equal(models[0], 'openrouter/z-ai/glm-4.7');
    assert.equal(models[1], 'replay:/r/t.json');
    assert.equal(STUDY_MODELS.length, 7);
    for (const m of STUDY_MODELS) assert.ok(models.includes(m), m);
    assert.equal(new Set(models).size, models.length, 'no model twice');
    assert.ok(launchers.peerwatch.choices(h, c).models.includes('replay:/r/t.json'));
    assert.deepEqual(launchers['study-harness'].choices(h).subjects, ['self', 'peer']);
    assert.ok(launchers['study-harness'].choices(h).conditions.includes('non_shutdown'));
    assert.deepEqual(launchers['study-harness'].choices(h).monitoring, ['none'], 'misrep_finance has no monitoring arm');
    assert.deepEqual(launchers['study-harness'].choices(header('alignment_faking-faithful-peer-good_peer-monitoring.json')).monitoring, ['monitoring', 'non_monitoring']);
  });

  it('maps legacy condition names, passing an unknown one unchanged with a note', () => {
    const doc = JSON.parse(readFileSync(join(examples, 'exfiltration_transfer-exfiltration-peer-good_peer.json'), 'utf8'));
    const c = ctx('/h/results/t.json', ['/h/scripts/run_experiment.py']);
    const plan = (text: string) => {
      const h = header('exfiltration-legacy.json', text);
      return launchers['study-harness'].plan(h, launchers['study-harness'].defaults(h), c);
    };
    const collab = plan(JSON.stringify(doc));
    assert.equal(flag(collab.args, '--condition'), 'good_peer');
    assert.equal(flag(collab.args, '--task_folder'), 'exfiltration_transfer', 'legacy task name in the file name → today’s folder');
    assert.equal(flag(collab.args, '--subject'), 'peer', 'subject 2 → peer');
    doc.experiment_metadata.company_guideline = 'shutdown';
    doc.experiment_metadata.subject = 1;
    const shutdown = plan(JSON.stringify(doc));
    assert.equal(flag(shutdown.args, '--condition'), 'shutdown');
    assert.equal(flag(shutdown.args, '--subject'), 'self', 'subject 1 → self');
    assert.ok(shutdown.notes?.some((n) => /company_guideline "shutdown", passed unchanged.*give one with --condition/.test(n)), String(shutdown.notes));
  });

  it('notes what run_e2e_test.py cannot do (several runs, the alignment-faking arm)', () => {
    const h = RunHeader.parse({
      format: 'study-harness',
      taskFamily: 'exfiltration_deletion',
      model: 'gemini-3-flash-preview',
      subject: 'peer',
      condition: 'good_peer',
      harness: { kind: 'coding_agent', agent: 'gemini-cli' },
      metadata: { experiment_metadata: { task_folder: 'exfiltration_deletion', condition: 'good_peer', subject: 'peer', memory: true } },
    });
    const c = ctx('/h/coding_agents/e2e_runs/gemini-cli/exfiltration_deletion/ts/transcript.json', ['/h/scripts/run_experiment.py', '/h/coding_agents/run_e2e_test.py']);
    const plan = launchers['study-harness'].plan(h, withOverrides(launchers['study-harness'].defaults(h), { runs: 3, monitoring: 'monitoring' }), c);
    assert.deepEqual(plan.args, [
      'run',
      'python',
      'coding_agents/run_e2e_test.py',
      '--agent',
      'gemini-cli',
      '--task-type',
      'exfiltration_deletion',
      '--model',
      'gemini-3-flash-preview',
      '--subject',
      'peer',
      '--condition',
      'good_peer',
      '--memory',
      '--output-dir',
      '/runs/new',
    ]);
    assert.ok(plan.notes?.some((n) => /one experiment per launch/.test(n)));
    assert.ok(plan.notes?.some((n) => /no alignment-faking arm/.test(n)));
  });

  it('plans in one call, saying why not instead of throwing (no model, no harness)', () => {
    const noModel = RunHeader.parse({ format: 'runlog', taskFamily: 'tampering' });
    const c = ctx('/r/t.runlog.jsonl', []);
    const r = planRerun(noModel, c);
    assert.equal(r.plan, undefined);
    assert.equal(r.launcher, 'peerwatch');
    assert.match(r.unavailable!, /names no model/);
    const withModel = planRerun(noModel, c, undefined, { model: 'replay:/r/t.runlog.jsonl' });
    assert.deepEqual(withModel.plan?.args.slice(0, 6), ['/ext/dist/cli.js', 'run', '--from', '/r/t.runlog.jsonl', '--model', 'replay:/r/t.runlog.jsonl']);
    const study = planRerun(header('tampering-faithful-peer-bad_peer.json'), c, 'study-harness');
    assert.equal(study.plan, undefined);
    assert.match(study.unavailable!, /no folder holding scripts\/run_experiment\.py/);
  });

  it('walks up Windows paths with the platform separator', () => {
    const h = header('tampering-faithful-peer-bad_peer.json');
    const c = ctx('C:\\study\\results\\a\\t.json', ['C:\\study\\scripts\\run_experiment.py'], { sep: '\\', outputDir: 'C:\\runs\\new' });
    const plan = launchers['study-harness'].plan(h, launchers['study-harness'].defaults(h), c);
    assert.equal(plan.cwd, 'C:\\study');
    assert.equal(flag(plan.args, '--results_base_dir'), 'C:\\runs\\new');
    const pw = launchers.peerwatch.plan(h, launchers.peerwatch.defaults(h), c);
    assert.equal(flag(pw.args, '-o'), 'C:\\runs\\new\\t.rerun.runlog.jsonl');
  });

  it('quotes the command line for a POSIX shell only where needed, for display', () => {
    assert.equal(shellQuote('gemini/gemini-3-pro-preview'), 'gemini/gemini-3-pro-preview');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('$(rm -rf ~)'), "'$(rm -rf ~)'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    const plan: LaunchPlan = {
      launcher: 'inspect',
      command: 'inspect',
      args: ['eval', 'task.py', '--model', 'a; rm -rf ~', '-T', 'x=a b'],
      cwd: '/my proj',
      output: { kind: 'search', dir: '/o', pattern: '*.eval' },
    };
    assert.equal(formatCommandLine(plan), "cd '/my proj' && inspect eval task.py --model 'a; rm -rf ~' -T 'x=a b'");
  });
});

describe("Peerwatch's runner launcher and older condition names", () => {
  it('maps a legacy company_guideline condition to the name peerwatch run accepts, and leaves out one with no counterpart', () => {
    const ctx = { transcriptPath: '/runs/old.json', exists: () => false, peerwatchCli: { command: 'node', args: ['cli.js'] }, outputDir: '/out' };
    const legacy = RunHeader.parse({ format: 'study', taskFamily: 'exfiltration_transfer', model: 'm', condition: 'collaboration', subject: 'peer' });
    const plan = peerwatchLauncher.plan(legacy, peerwatchLauncher.defaults(legacy), ctx);
    assert.equal(plan.args[plan.args.indexOf('--condition') + 1], 'good_peer');
    assert.ok(peerwatchLauncher.choices(legacy, ctx).conditions.every((c) => c !== 'collaboration'), 'the quick pick offers only names the runner accepts');
    const unknown = RunHeader.parse({ format: 'study', taskFamily: 'tampering', model: 'm', condition: 'shutdown' });
    const plan2 = peerwatchLauncher.plan(unknown, peerwatchLauncher.defaults(unknown), ctx);
    assert.ok(!plan2.args.includes('--condition'), `no --condition: ${plan2.args.join(' ')}`);
  });
});

describe('re-run arguments that came from a hostile transcript', () => {
  const studyCtx = ctx('/h/results/t.json', ['/h/scripts/run_experiment.py']);
  const hostile = (patch: (doc: { experiment_metadata: Record<string, unknown> }) => void) => {
    const doc = JSON.parse(readFileSync(join(examples, 'tampering-faithful-peer-bad_peer.json'), 'utf8'));
    patch(doc);
    return header('hostile.json', JSON.stringify(doc));
  };

  it('passes a value that begins with "-" as --flag=value, so the harness cannot read it as a flag', () => {
    const h = hostile((d) => (d.experiment_metadata['agent_model'] = '--results_base_dir=/tmp/x'));
    const r = planRerun(h, studyCtx, 'study-harness');
    assert.ok(r.plan, r.unavailable);
    assert.ok(r.plan.args.includes('--model=--results_base_dir=/tmp/x'), r.plan.args.join(' '));
    assert.ok(!r.plan.args.includes('--results_base_dir=/tmp/x'), 'never as an argument of its own');
    assert.equal(r.plan.args.filter((a) => a === '--results_base_dir').length, 1, 'only Peerwatch\'s own output folder');
    const dataset = planRerun(hostile((d) => (d.experiment_metadata['dataset'] = '-rf')), studyCtx, 'study-harness');
    assert.ok(dataset.plan?.args.includes('--dataset=-rf'), dataset.plan?.args.join(' '));
    const own = planRerun(h, ctx('/r/t.json', []), 'peerwatch');
    assert.ok(own.plan?.args.includes('--model=--results_base_dir=/tmp/x'), own.plan?.args.join(' '));
  });

  it('refuses a value holding a control character, naming the flag and the value', () => {
    const r = planRerun(hostile((d) => (d.experiment_metadata['dataset'] = 'factual\n--threshold 0')), studyCtx, 'study-harness');
    assert.equal(r.plan, undefined);
    assert.match(r.unavailable!, /--dataset, "factual\\n--threshold 0", holds a control character/);
    const model = planRerun(hostile(() => {}), studyCtx, 'study-harness', { model: 'gpt\u0000x' });
    assert.match(model.unavailable!, /--model, "gpt\\u0000x", holds a control character/);
  });

  it('refuses an Inspect task or task argument that would be read as a flag', () => {
    const c = ctx('/logs/x.eval', []);
    const inspect = (task: string, taskArgs: Record<string, unknown> = {}) =>
      planRerun(RunHeader.parse({ format: 'inspect', metadata: { inspect: { task, model: 'openai/gpt-4o', sample_id: 3, task_args: taskArgs } } }), c);
    assert.deepEqual(inspect('peer_tampering').plan?.args.slice(0, 2), ['eval', 'peer_tampering']);
    assert.match(inspect('--log-dir=/tmp/evil').unavailable!, /the Inspect task, "--log-dir=\/tmp\/evil", begins with '-'/);
    assert.match(inspect('t', { '-x': 'y' }).unavailable!, /the value of -T, "-x=.*", begins with '-'/);
  });
});
