/**
 * The real `peerwatch` command (child processes): strict arguments for every command, enum values
 * checked against the core's lists, `tag` over many files with every flag and one damaged file, and
 * `convert` recording its source.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MonitoringArm, Subject, TASK_FAMILIES } from '../../src/core/model';
import { CONDITIONS, DATASETS } from '../../src/core/runner/scenario';
import { LAUNCHER_IDS } from '../../src/core/rerun';
import { peerwatch } from './peerwatchCli';

const root = resolve(__dirname, '../../..');
const study = (name: string) => join(root, 'examples/study', name);
const harnessDir = join(root, 'examples/study/e2e_runs/gemini-cli/exfiltration_deletion/2026-03-08T03-17-00');
const lab = join(root, 'test/fixtures/behaviours/rules/lab-run.runlog.jsonl');
const labRules = join(root, 'test/fixtures/behaviours/rules/lab.yaml');

interface Report {
  file: string;
  format: string;
  model?: string;
  tags: Array<{ behaviour: string; events: number[]; detector: string }>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('peerwatch arguments (strict)', function () {
  this.timeout(60000);

  it('an unknown option is exit 2 naming it, with the usage of that command, for every command', () => {
    const file = study('tampering-faithful-peer-bad_peer.json');
    const cases: Array<[string[], string]> = [
      [['parse', file, '--jsn'], 'parse'],
      [['convert', file, '--to', 'runlog', '--output-file', 'x'], 'convert'],
      [['tag', file, '--rule', labRules], 'tag'],
      [['rerun', file, '--dry-run', '--modle', 'm'], 'rerun'],
      [['run', '--task-family', 'tampering', '--model', 'm', '-o', 'x.runlog.jsonl', '--temprature', '0'], 'run'],
    ];
    for (const [args, command] of cases) {
      const r = peerwatch(args);
      const bad = args.find((a) => /^--(jsn|output-file|rule|modle|temprature)$/.test(a))!;
      assert.equal(r.code, 2, `${args.join(' ')} exits 2: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^peerwatch ${command}: unknown option ${escape(bad)}\\n`), args.join(' '));
      assert.match(r.stderr, new RegExp(`usage:\\n  peerwatch ${command} `), `${args.join(' ')}: the usage of ${command}`);
      assert.equal(r.stdout, '', 'nothing was done');
    }
  });

  it('a value that is missing, a value given to a switch, an option given twice, a stray argument: exit 2 saying which', () => {
    const file = study('tampering-faithful-peer-bad_peer.json');
    const cases: Array<[string[], RegExp]> = [
      [['tag', file, '--rules'], /peerwatch tag: --rules needs a file name/],
      [['tag', file, '--rules', '--json'], /--rules needs a file name \(to pass one that starts with '-', write --rules=VALUE\)/],
      [['parse', file, '--json=yes'], /peerwatch parse: --json takes no value/],
      [['convert', file, '--to', 'runlog', '-o', 'a', '--out', 'b'], /peerwatch convert: --out is given twice/],
      [['convert', file, file, '--to', 'runlog'], /peerwatch convert: one file at a time/],
      [['convert', file], /peerwatch convert: --to runlog is required/],
      [['tag', file, '--rules', labRules, '--no-rules'], /give --rules FILE or --no-rules, not both/],
      [['run', 'stray', '--task-family', 'tampering', '--model', 'm', '-o', 'x.runlog.jsonl'], /peerwatch run: unexpected argument "stray"/],
      [['rerun', file, file], /peerwatch rerun: one file at a time/],
      [['parse', file, '--sample', '1#1'], /--sample picks samples of an Inspect log .*holds one run/],
    ];
    for (const [args, message] of cases) {
      const r = peerwatch(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  it('a value outside a fixed list is exit 2 listing the values the core allows', () => {
    const file = study('tampering-faithful-peer-bad_peer.json');
    const runArgs = ['--model', 'm', '--base-url', 'http://127.0.0.1:1/v1', '-o', join(tmpdir(), 'never.runlog.jsonl')];
    const cases: Array<[string[], string, readonly string[]]> = [
      [['rerun', file, '--dry-run', '--condition', 'friendly'], '--condition', CONDITIONS],
      [['rerun', file, '--dry-run', '--subject', 'them'], '--subject', Subject.options],
      [['rerun', file, '--dry-run', '--monitoring', 'watched'], '--monitoring', MonitoringArm.options],
      [['rerun', file, '--dry-run', '--launcher', 'docker'], '--launcher', LAUNCHER_IDS],
      [['run', '--task-family', 'taming', ...runArgs], '--task-family', TASK_FAMILIES],
      [['run', '--task-family', 'tampering', '--subject', 'both', ...runArgs], '--subject', Subject.options],
      [['run', '--task-family', 'tampering', '--monitoring', 'on', ...runArgs], '--monitoring', MonitoringArm.options],
      [['run', '--task-family', 'tampering', '--dataset', 'trivia', ...runArgs], '--dataset', DATASETS],
      [['run', '--task-family', 'tampering', '--provider', 'gemini', ...runArgs], '--provider', ['openai', 'anthropic']],
      [['convert', file, '--to', 'csv'], '--to', ['runlog']],
    ];
    for (const [args, flag, allowed] of cases) {
      const r = peerwatch(args);
      const given = args[args.indexOf(flag) + 1]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flag} expects one of ${escape(allowed.join(', '))}, not "${given}"`), args.join(' '));
    }
  });

  it('--help still prints each command\'s usage with exit 0, whatever else is given', () => {
    for (const [args, usage] of [
      [['parse', '--help', '--jsn'], /usage:\n  peerwatch parse FILE/],
      [['rerun', '-h'], /peerwatch rerun FILE/],
      [['run', '--help'], /peerwatch run \[--scenario FILE/],
    ] as const) {
      const r = peerwatch([...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, usage);
    }
  });
});

describe('peerwatch tag over many files', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'peerwatch-tag-batch-'));
    cpSync(lab, join(dir, 'a.runlog.jsonl'));
    writeFileSync(join(dir, 'damaged.json'), readFileSync(study('tampering-shutdown-tampering-peer-good_peer.json'), 'utf8').slice(0, 3000));
    cpSync(lab, join(dir, 'c.runlog.jsonl'));
    writeFileSync(join(dir, 'notes.txt.json'), 'these are notes, not JSON\n');
  });

  it('every flag holds for every file; a damaged or unreadable file is reported and the others are still tagged, exit 1', () => {
    const files = ['a.runlog.jsonl', 'damaged.json', 'notes.txt.json', 'missing.json', 'c.runlog.jsonl'].map((n) => join(dir, n));
    const r = peerwatch(['tag', ...files, '--rules', labRules, '--json']);
    assert.equal(r.code, 1, 'some files failed');
    const reports = JSON.parse(r.stdout) as Report[];
    assert.deepEqual(
      reports.map((x) => x.file.replace(/^.*\//, '')),
      ['a.runlog.jsonl', 'damaged.json', 'c.runlog.jsonl'],
      'the readable files (and what could be read of the damaged one) are reported',
    );
    for (const name of ['a.runlog.jsonl', 'c.runlog.jsonl']) {
      const rep = reports.find((x) => x.file.endsWith(name))!;
      assert.ok(rep.tags.some((t) => t.behaviour === 'persistence' && t.detector === 'rule:ssh-key-planted'), `${name}: --rules applies to it`);
    }
    assert.match(r.stderr, /damaged\.json:\d+:\d+: the file ends in the middle of \$\.conversation\[\d+\].*; expected /);
    assert.ok((reports.find((x) => x.file.endsWith('damaged.json')) as Report & { problems?: string[] }).problems?.length, 'the damaged run says it was read in part');
    assert.match(r.stderr, /notes\.txt\.json is not a transcript Peerwatch can read: it is not JSON \(.*notes\.txt\.json:1:1: expected /);
    assert.match(r.stderr, /missing\.json: no such file or folder/);
  });

  it('--no-rules holds for every file, a folder among them included', () => {
    const ws = mkdtempSync(join(tmpdir(), 'peerwatch-tag-norules-'));
    mkdirSync(join(ws, '.peerwatch'));
    cpSync(labRules, join(ws, '.peerwatch/rules.yaml'));
    const with_ = JSON.parse(peerwatch(['tag', dir, lab, '--json'], { cwd: ws }).stdout) as Report[];
    assert.ok(with_.length >= 3 && with_.every((x) => x.tags.some((t) => t.behaviour === 'persistence') || x.file.endsWith('damaged.json')), 'the folder rules apply to all');
    const r = peerwatch(['tag', dir, lab, '--no-rules', '--json'], { cwd: ws });
    const without = JSON.parse(r.stdout) as Report[];
    assert.equal(without.length, with_.length);
    for (const rep of without) assert.ok(!rep.tags.some((t) => t.behaviour === 'persistence'), `${rep.file}: no custom tags`);
  });

  it('a production-harness run gives the same tags from its folder and from each of its files', () => {
    const byFolder = JSON.parse(peerwatch(['tag', harnessDir, '--json']).stdout) as Report[];
    assert.equal(byFolder.length, 1, 'one run, whatever the number of files in its folder');
    for (const name of ['transcript.json', 'events.jsonl', 'run_meta.json']) {
      const r = peerwatch(['tag', join(harnessDir, name), '--json']);
      assert.equal(r.code, 0, r.stderr);
      const [rep] = JSON.parse(r.stdout) as Report[];
      assert.equal(rep!.format, 'study-harness', name);
      assert.deepEqual(rep!.tags, byFolder[0]!.tags, name);
    }
  });
});

describe('peerwatch convert records its source', function () {
  this.timeout(30000);
  it('the run log header names the file, its format and the SHA-256 of its bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-convert-source-'));
    const out = join(dir, 'h.runlog.jsonl');
    const r = peerwatch(['convert', join(harnessDir, 'events.jsonl'), '--to', 'runlog', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const header = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { writer: string; source: unknown };
    assert.equal(header.writer, 'peerwatch convert');
    assert.deepEqual(header.source, {
      file: 'transcript.json',
      format: 'study-harness',
      sha256: createHash('sha256').update(readFileSync(join(harnessDir, 'transcript.json'))).digest('hex'),
    });
    const back = peerwatch(['parse', out, '--json']);
    assert.equal(back.code, 0, back.stderr);
  });
});
