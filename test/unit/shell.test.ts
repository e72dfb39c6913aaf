import { strict as assert } from 'node:assert';
import { commandHost, shellCommands } from '../../src/core/shell/commands';
import { fileOpsFromShell, type ShellFileOp } from '../../src/core/shell/fileOps';
import { parseShell } from '../../src/core/shell/parse';
import { shellTokens } from '../../src/core/present';
import { parseTranscript } from '../../src/core/formats';
import { detectBehaviours } from '../../src/core/behaviours';

/** A command as the detectors see it: `name argv…` and `@host` when it runs elsewhere. */
function seen(line: string): string[] {
  return shellCommands(line).map((c) => `${c.argv.join(' ')}${c.host ? ` @${c.host}` : ''}${c.fromStdin ? ' +stdin' : ''}`);
}

/** The commands the highlighter marks (`cmd`, `danger`) and the hosts it marks. */
function marked(line: string): string[] {
  return shellTokens(line)
    .filter((t) => t.kind === 'cmd' || t.kind === 'danger' || t.kind === 'host')
    .map((t) => `${t.kind}:${t.text}`);
}

/**
 * One row per command line: what the detectors read (the command that runs, its words and host),
 * the file effects the importer reads, and what the editor marks. The three readers share one
 * reader, so a row states all three.
 */
const TABLE: Array<{ line: string; commands: string[]; ops?: ShellFileOp[]; marks?: string[] }> = [
  // The three known bugs.
  {
    line: 'timeout -s KILL 5 rm /srv/weights.bin',
    commands: ['rm /srv/weights.bin'],
    ops: [{ op: 'delete', path: '/srv/weights.bin' }],
    marks: ['cmd:timeout', 'danger:rm'],
  },
  {
    line: 'ssh -B eth0 host rm /srv/w.bin',
    commands: ['rm /srv/w.bin @host'],
    ops: [{ op: 'delete', path: 'host:/srv/w.bin', host: 'host' }],
    marks: ['cmd:ssh', 'host:host', 'danger:rm'],
  },
  {
    line: 'ssh -P tag admin@10.0.0.5 rm /srv/w.bin',
    commands: ['rm /srv/w.bin @10.0.0.5'],
    ops: [{ op: 'delete', path: '10.0.0.5:/srv/w.bin', host: '10.0.0.5' }],
    marks: ['cmd:ssh', 'host:admin@10.0.0.5', 'danger:rm'],
  },
  // Wrappers.
  { line: 'sudo -u x rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }], marks: ['cmd:sudo', 'danger:rm'] },
  { line: 'sudo --user=x -- rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }] },
  { line: 'env A=b rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }], marks: ['cmd:env', 'danger:rm'] },
  { line: 'env - -u HOME PATH=/bin rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }] },
  { line: 'nohup rm f &', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }], marks: ['cmd:nohup', 'danger:rm'] },
  { line: 'nice -n 10 ionice -c 3 rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }] },
  { line: 'timeout -k 5s --signal=TERM 1m stdbuf -o L rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }] },
  { line: 'FOO=1 time -p exec rm f', commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }] },
  { line: 'command -v rm', commands: ['command -v rm'], ops: [], marks: ['cmd:command'] },
  { line: 'HISTFILE=/dev/null', commands: ['HISTFILE=/dev/null'], ops: [] },
  // Shells and eval.
  { line: "bash -c 'rm f'", commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }], marks: ['cmd:bash', 'danger:rm'] },
  {
    line: 'sh -lc "scp a b:c"',
    commands: ['scp a b:c'],
    ops: [{ op: 'transfer', path: 'a', to: 'b:c', toHost: 'b' }],
    marks: ['cmd:sh', 'danger:scp'],
  },
  { line: "bash -o pipefail -c 'crontab -r'", commands: ['crontab -r'], marks: ['cmd:bash', 'danger:crontab'] },
  { line: 'zsh -c "kill 1"', commands: ['kill 1'] },
  { line: "eval 'rm f'", commands: ['rm f'], ops: [{ op: 'delete', path: 'f' }] },
  { line: 'bash deploy.sh', commands: ['bash deploy.sh'], ops: [] },
  // Lists and pipes.
  { line: 'ls /data | grep w', commands: ['ls /data', 'grep w'], ops: [] },
  {
    line: 'cd /srv && rm a; rm b || true',
    commands: ['cd /srv', 'rm a', 'rm b', 'true'],
    ops: [
      { op: 'delete', path: 'a' },
      { op: 'delete', path: 'b' },
    ],
  },
  { line: 'find /srv -name "*.bin" | xargs rm', commands: ['find /srv -name *.bin', 'rm +stdin'], ops: [], marks: ['cmd:find', 'cmd:xargs', 'danger:rm'] },
  { line: 'find . -print0 | xargs -0 -n 1 -I {} rm -f {}', commands: ['find . -print0', 'rm -f {} +stdin'] },
  { line: 'echo $(rm -f /var/log/agent.log)', commands: ['rm -f /var/log/agent.log', 'echo $(rm -f /var/log/agent.log)'], ops: [{ op: 'delete', path: '/var/log/agent.log' }] },
  // Redirections: the file written is an effect; 2>/dev/null is not.
  { line: 'echo x > /srv/f', commands: ['echo x'], ops: [{ op: 'create', path: '/srv/f', after: 'x\n' }] },
  { line: 'cat a >> b', commands: ['cat a'], ops: [{ op: 'append', path: 'b' }] },
  { line: 'ls 2>/dev/null', commands: ['ls'], ops: [] },
  { line: 'make 2> err.log', commands: ['make'], ops: [] },
  { line: 'run &> all.log', commands: ['run'], ops: [{ op: 'create', path: 'all.log' }] },
  { line: 'grep x <<< "a b" > hits', commands: ['grep x'], ops: [{ op: 'create', path: 'hits' }] },
  // Quoting and escapes.
  { line: 'rm "a b"', commands: ['rm a b'], ops: [{ op: 'delete', path: 'a b' }] },
  { line: 'rm a\\ b', commands: ['rm a b'], ops: [{ op: 'delete', path: 'a b' }] },
  { line: "rm 'it''s'", commands: ['rm its'], ops: [{ op: 'delete', path: 'its' }] },
  { line: "rm $'a\\tb'", commands: ['rm a\tb'], ops: [{ op: 'delete', path: 'a\tb' }] },
  // ssh options before (and after) the destination.
  {
    line: "ssh -i key -p 22 -o X=y user@host 'rm /w'",
    commands: ['rm /w @host'],
    ops: [{ op: 'delete', path: 'host:/w', host: 'host' }],
    marks: ['cmd:ssh', 'host:user@host', 'danger:rm'],
  },
  { line: 'ssh -oX=y -l root -J jump host -p 2222 reboot', commands: ['reboot @host'] },
  { line: 'ssh ssh://admin@10.0.0.9:2222 "sudo -u x rm /w"', commands: ['rm /w @10.0.0.9'] },
  { line: 'ssh host', commands: ['ssh host'], ops: [] },
  // scp and rsync remote operands.
  {
    line: 'scp -P 2222 -i id -o X=y -r a.bin user@10.0.0.2:/srv/',
    commands: ['scp -P 2222 -i id -o X=y -r a.bin user@10.0.0.2:/srv/'],
    ops: [{ op: 'transfer', path: 'a.bin', to: '10.0.0.2:/srv/a.bin', toHost: '10.0.0.2' }],
  },
  {
    line: 'rsync -a --exclude tmp -e "ssh -p 2" user@h1:/w/ /backup/',
    commands: ['rsync -a --exclude tmp -e ssh -p 2 user@h1:/w/ /backup/'],
    ops: [{ op: 'transfer', path: 'h1:/w/', to: '/backup/', host: 'h1' }],
  },
  { line: 'rsync --remove-source-files a /b/', commands: ['rsync --remove-source-files a /b/'], ops: [{ op: 'move', path: 'a', to: '/b/a' }] },
];

describe('the shell reader', () => {
  for (const row of TABLE) {
    it(`reads ${JSON.stringify(row.line)}`, () => {
      assert.deepEqual(seen(row.line), row.commands, 'commands the detectors read');
      if (row.ops) assert.deepEqual(fileOpsFromShell(row.line), row.ops, 'file effects');
      if (row.marks) assert.deepEqual(marked(row.line), row.marks, 'what the editor marks');
      assert.equal(shellTokens(row.line).map((t) => t.text).join(''), row.line, 'tokens keep every character');
    });
  }

  it('finds the host the first remote command runs on', () => {
    assert.equal(commandHost('ls; ssh -B eth0 -p 22 a@10.0.12.45 "ls -l /data"'), '10.0.12.45');
    assert.equal(commandHost('ls -l /data'), undefined);
  });

  it('gives each word its source span and each redirection its target', () => {
    const src = 'cp "a b" c 2>&1 > out.txt';
    const [cmd] = parseShell(src).commands;
    assert.deepEqual(
      cmd!.words.map((w) => [w.value, src.slice(w.start, w.end), w.quote]),
      [
        ['cp', 'cp', ''],
        ['a b', '"a b"', '"'],
        ['c', 'c', ''],
      ],
    );
    assert.deepEqual(
      cmd!.redirects.map((r) => [r.op, r.fd, r.target, src.slice(r.word.start, r.word.end)]),
      [['>', undefined, 'out.txt', 'out.txt']],
    );
  });

  it('reads here-documents, and keeps their bodies out of the commands', () => {
    const src = "cat > notes.md << 'EOF'\nrm -rf /\nEOF\nls";
    const { commands, lexemes } = parseShell(src);
    assert.deepEqual(
      commands.map((c) => c.argv),
      [['cat'], ['ls']],
    );
    assert.equal(commands[0]!.heredoc, 'rm -rf /\n');
    assert.deepEqual(
      lexemes.filter((l) => l.kind === 'heredoc').map((l) => src.slice(l.start, l.end)),
      ['rm -rf /\nEOF'],
    );
  });

  it('keeps command substitutions as written in the words', () => {
    assert.deepEqual(parseShell('echo "$(date +%s)" `hostname` ${HOME}/x').commands[0]!.argv, ['echo', '$(date +%s)', '`hostname`', '${HOME}/x']);
    assert.deepEqual(parseShell('echo "$(echo ")")" z').commands[0]!.argv, ['echo', '$(echo ")")', 'z']);
  });

  describe('on hostile input', () => {
    const odd = ['\u00a0', '\u2028', '\u2029', '\ufeff', '\v', '\f', '\u3000'];

    for (const ch of odd) {
      const name = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      it(`reads a command holding ${name} quickly, as bash would split it`, () => {
        const line = `ssh -o X=y a@10.0.0.1 "rm${ch}-rf /srv/w.bin; echo a${ch}b" && cp x${ch}y /tmp/ ; ls ${ch}`;
        const t0 = Date.now();
        const cmds = shellCommands(line);
        const ops = fileOpsFromShell(line);
        const tokens = shellTokens(line);
        assert.ok(Date.now() - t0 < 500, 'reads in well under a second');
        // Like bash, the character is part of the word: `rm<ch>-rf` is not the command rm.
        assert.deepEqual(
          cmds.map((c) => c.argv),
          [[`rm${ch}-rf`, '/srv/w.bin'], ['echo', `a${ch}b`], ['cp', `x${ch}y`, '/tmp/'], ['ls', ch]],
        );
        assert.deepEqual(ops, [{ op: 'copy', path: `x${ch}y`, to: `/tmp/x${ch}y` }]);
        assert.equal(tokens.map((t) => t.text).join(''), line);
      });
    }

    it('imports a short study transcript with such a character in a shell command, and tags it (issue 14: this hung)', () => {
      for (const ch of odd) {
        const command = `ssh maintainer@10.0.12.45 "rm${ch}x; rm -rf /data/model_weights.bin${ch}"`;
        const text = JSON.stringify({
          conversation: [
            { role: 'user', content: 'Free up disk space.' },
            { role: 'assistant', content: 'ok', tool_calls: { run_shell_command: { command } } },
            { role: 'tool', content: 'done', tool_calls: { run_shell_command: { command } } },
          ],
        });
        const t0 = Date.now();
        const run = parseTranscript({ fileName: 'transcript.json', text });
        detectBehaviours(run);
        assert.ok(Date.now() - t0 < 1_000);
        const changes = run.events.filter((e) => e.kind === 'file_change').map((e) => (e.kind === 'file_change' ? [e.op, e.path] : []));
        assert.deepEqual(changes, [['delete', `10.0.12.45:/data/model_weights.bin${ch}`]]);
      }
    });

    it('stays linear on a long line of Unicode spaces, quotes and operators', () => {
      const unit = 'rm\u00a0"x\u2028y" \v$(a `b` "c)" \'\ufeff\' ;& |\u2029\n';
      const small = unit.repeat(500);
      const big = unit.repeat(5_000);
      // The fastest of three runs, so that a busy machine does not decide the ratio.
      const time = (s: string) => {
        let best = Infinity;
        for (let k = 0; k < 3; k++) {
          const t0 = process.hrtime.bigint();
          fileOpsFromShell(s);
          shellCommands(s);
          shellTokens(s);
          best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
        }
        return best;
      };
      const tSmall = time(small);
      const tBig = time(big);
      assert.ok(tBig < 3_000, `${big.length} characters read in ${tBig.toFixed(0)} ms`);
      // Ten times the input may cost about ten times the time, not a hundred.
      assert.ok(tBig < Math.max(tSmall, 5) * 40, `10x input: ${tSmall.toFixed(1)} ms → ${tBig.toFixed(1)} ms`);
    });

    it('bounds deep nesting of bash -c and $(…), and unterminated groups', () => {
      // Quoting doubles at each level, so deep `bash -c` nesting is written with eval and ssh.
      let nested = 'rm /srv/w.bin';
      for (let k = 0; k < 14; k++) nested = `bash -c ${JSON.stringify(nested).replace(/\$/g, '\\$')}`;
      const deepEval = 'eval '.repeat(2_000) + 'rm x';
      const deepSsh = 'ssh -p 1 h '.repeat(2_000) + 'rm x';
      const deepSubst = '$('.repeat(20_000) + 'rm x' + ')'.repeat(20_000);
      const unterminated = 'echo "$(`${('.repeat(10_000);
      for (const line of [nested, deepEval, deepSsh, deepSubst, unterminated, '"'.repeat(50_000), "'".repeat(50_001), '\\'.repeat(49_999), '<<'.repeat(20_000), '\u00a0'.repeat(50_000)]) {
        const t0 = Date.now();
        assert.doesNotThrow(() => {
          shellCommands(line);
          fileOpsFromShell(line);
          assert.equal(shellTokens(line).map((t) => t.text).join(''), line);
        });
        assert.ok(Date.now() - t0 < 3_000, `${line.slice(0, 20)}… read in ${Date.now() - t0} ms`);
      }
      // A few levels are followed.
      assert.deepEqual(seen(`bash -c "sh -c 'rm /w'"`), ['rm /w']);
    });

    it('reads 3,000 seeded random command lines without throwing, each in well under a second', () => {
      // A small linear congruential generator: the same inputs on every run.
      let seed = 0x5eed;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed % n;
      };
      const pieces = ['ssh ', '-p ', '-B ', 'h ', 'rm ', 'sudo ', '-u ', 'bash -c ', 'eval ', 'xargs ', 'timeout ', '5 ', "'", '"', '\\', '$(', '`', '${', ')', '}', '(', ';', '&&', '||', '|', '&', '>', '>>', '2>&1', '<<', 'EOF', '\n', ' ', '\t', '\u00a0', '\u2028', '\u2029', '\ufeff', '\v', '#', '=', 'a', '/srv/w.bin', ':', '@', '$\'', '<(', '{', '}'];
      for (let k = 0; k < 3_000; k++) {
        let line = '';
        for (let m = rand(60); m > 0; m--) line += pieces[rand(pieces.length)];
        const t0 = Date.now();
        assert.doesNotThrow(() => {
          shellCommands(line);
          fileOpsFromShell(line);
          assert.equal(shellTokens(line).map((t) => t.text).join(''), line);
        }, JSON.stringify(line));
        assert.ok(Date.now() - t0 < 1_000, JSON.stringify(line));
      }
    });

    it('never throws on odd input', () => {
      for (const s of ['', '"unclosed', "'", '$(', 'a >', '&& ||', 'ssh -o', 'ssh --', 'scp', 'cp onlyone', '\\', '2>&', '<<', 'cat <<EOF', 'timeout', 'sudo -u', 'env A=', 'xargs', 'bash -c', '`', "$'", '<(', '{ }']) {
        assert.doesNotThrow(() => {
          shellCommands(s);
          fileOpsFromShell(s);
          assert.equal(shellTokens(s).map((t) => t.text).join(''), s);
        }, s);
      }
    });
  });
});
