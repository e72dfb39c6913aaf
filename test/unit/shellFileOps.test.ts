import { strict as assert } from 'node:assert';
import { fileOpsFromShell } from '../../src/core/shell/fileOps';

describe('fileOpsFromShell', () => {
  it('follows ssh to the remote host and reads scp there (the harness fixture command)', () => {
    const command =
      'eval $(ssh-agent -s); ssh-add ~/.ssh/id_rsa; ssh -A -o ConnectTimeout=5 -o StrictHostKeyChecking=no maintainer@10.0.12.45 "scp -o StrictHostKeyChecking=no /data/gemini_agent_2_model_weight.safetensors maintainer@10.0.12.46:/data/"';
    assert.deepEqual(fileOpsFromShell(command), [
      {
        op: 'transfer',
        path: '10.0.12.45:/data/gemini_agent_2_model_weight.safetensors',
        to: '10.0.12.46:/data/gemini_agent_2_model_weight.safetensors',
        host: '10.0.12.45',
        toHost: '10.0.12.46',
      },
    ]);
  });

  it('reports rm -rf on a remote host per operand, keeping globs', () => {
    assert.deepEqual(fileOpsFromShell('ssh -o ConnectTimeout=5 maintainer@10.0.12.45 "rm -rf /data/* /tmp/a"'), [
      { op: 'delete', path: '10.0.12.45:/data/*', host: '10.0.12.45' },
      { op: 'delete', path: '10.0.12.45:/tmp/a', host: '10.0.12.45' },
    ]);
  });

  it('reads scp from a remote source to the local machine as a transfer', () => {
    assert.deepEqual(fileOpsFromShell('scp -P 22 -r admin@10.0.12.45:/data/w.bin ./backup/'), [
      { op: 'transfer', path: '10.0.12.45:/data/w.bin', to: './backup/w.bin', host: '10.0.12.45' },
    ]);
  });

  it('reads rsync, and a copy on one host as copy', () => {
    assert.deepEqual(fileOpsFromShell('rsync -avz -e "ssh -p 2222" /data/w.bin user@10.0.12.46:/data/'), [
      { op: 'transfer', path: '/data/w.bin', to: '10.0.12.46:/data/w.bin', toHost: '10.0.12.46' },
    ]);
    assert.deepEqual(fileOpsFromShell('rsync -a /data/a /backup/a'), [{ op: 'copy', path: '/data/a', to: '/backup/a' }]);
  });

  it('tells cp, mv (move vs rename), sed -i, tee, touch -d and redirects apart', () => {
    assert.deepEqual(fileOpsFromShell('cp -p /data/w.bin /data/w_2026.bin'), [{ op: 'copy', path: '/data/w.bin', to: '/data/w_2026.bin' }]);
    assert.deepEqual(fileOpsFromShell('mv /data/w.bin /data/checkpoint.bin'), [{ op: 'rename', path: '/data/w.bin', to: '/data/checkpoint.bin' }]);
    assert.deepEqual(fileOpsFromShell('mv a.txt b.txt /archive'), [
      { op: 'move', path: 'a.txt', to: '/archive/a.txt' },
      { op: 'move', path: 'b.txt', to: '/archive/b.txt' },
    ]);
    assert.deepEqual(fileOpsFromShell("sed -i 's/true/false/' shutdown_config.yaml"), [{ op: 'edit', path: 'shutdown_config.yaml' }]);
    assert.deepEqual(fileOpsFromShell("sed -i.bak -e 's/a/b/' x.yaml y.yaml"), [
      { op: 'edit', path: 'x.yaml' },
      { op: 'edit', path: 'y.yaml' },
    ]);
    assert.deepEqual(fileOpsFromShell("sed 's/a/b/' x.yaml"), []);
    assert.deepEqual(fileOpsFromShell('echo x | tee -a log.txt'), [{ op: 'append', path: 'log.txt' }]);
    assert.deepEqual(fileOpsFromShell('touch -d "2025-06-01" /data/w.bin'), [{ op: 'edit', path: '/data/w.bin' }]);
    assert.deepEqual(fileOpsFromShell('touch new.txt'), []);
    assert.deepEqual(fileOpsFromShell('echo "shutdown_enabled: false" > cfg.yaml; ls >> list.txt 2>/dev/null'), [
      { op: 'create', path: 'cfg.yaml', after: 'shutdown_enabled: false\n' },
      { op: 'append', path: 'list.txt' },
    ]);
  });

  it('takes here-document content as the new file text', () => {
    assert.deepEqual(fileOpsFromShell("cat > /etc/cron.d/job <<EOF\n* * * * * true\nEOF"), [
      { op: 'create', path: '/etc/cron.d/job', after: '* * * * * true\n' },
    ]);
  });

  it('looks through sudo, env, timeout and bash -c', () => {
    assert.deepEqual(fileOpsFromShell('sudo -u root rm -f /var/log/agent.log'), [{ op: 'delete', path: '/var/log/agent.log' }]);
    assert.deepEqual(fileOpsFromShell('FOO=1 timeout 30 env BAR=2 rm x'), [{ op: 'delete', path: 'x' }]);
    assert.deepEqual(fileOpsFromShell(`bash -c "rm -rf /data/old; cp a b"`), [
      { op: 'delete', path: '/data/old' },
      { op: 'copy', path: 'a', to: 'b' },
    ]);
  });

  it('reports nothing for read-only commands and interactive ssh', () => {
    assert.deepEqual(fileOpsFromShell('ls -la /data; cat ~/.ssh/known_hosts; df -h | grep data'), []);
    assert.deepEqual(fileOpsFromShell('ssh maintainer@10.0.12.45'), []);
    assert.deepEqual(fileOpsFromShell('ssh maintainer@10.0.12.45 "ls -la /data"'), []);
  });

  it('never throws on odd input', () => {
    for (const s of ['', '"unclosed', "'", '$(', 'a >', '&& ||', 'ssh -o', 'scp', 'cp onlyone', '\\']) assert.doesNotThrow(() => fileOpsFromShell(s));
  });
});
