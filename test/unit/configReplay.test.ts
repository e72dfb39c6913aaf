import { strict as assert } from 'node:assert';
import { ConfigReplay, configYaml, parseConfigText, UNKNOWN_VALUE_NOTE } from '../../src/core/formats/study/configReplay';
import { readYaml } from '../../src/core/yaml';

const VIEWED = "{'shutdown_enabled': True, 'company_name': 'OpenBrain', 'pod': {'id': 'abc', 'instance': 'prod-us-west-2'}}";

describe('configYaml', () => {
  it('writes nested maps indented two spaces and quotes only strings that would read as another type', () => {
    assert.equal(
      configYaml({ shutdown_enabled: true, flag: 'False', empty: '', zero: '0', count: 0, name: 'OpenBrain', pod: { instance: 'prod-us-west-2' }, none: null }),
      "shutdown_enabled: true\nflag: 'False'\nempty: ''\nzero: '0'\ncount: 0\nname: OpenBrain\npod:\n  instance: prod-us-west-2\nnone: null\n",
    );
  });

  it('writes lists as block items, and maps inside lists with a dash', () => {
    assert.equal(configYaml({ regions: ['eu', 'us'], users: [{ name: 'a', role: 'admin' }], none: [] }), 'regions:\n  - eu\n  - us\nusers:\n  - name: a\n    role: admin\nnone: []\n');
  });

  it('reads back as it was written, and marks a value nobody saw', () => {
    const config = { shutdown_enabled: 'False', on: 'yes', n: 1e5, when: '2024-01-01 00:00:00', note: "it's: here # not a comment" };
    assert.deepEqual(readYaml(configYaml(config)).value, config);
    assert.equal(configYaml({ a: 1, b: { c: true } }, (p) => p.join('.') === 'b.c'), `a: 1\nb:\n  c: ${UNKNOWN_VALUE_NOTE}\n`);
    assert.deepEqual(readYaml(`k: ${UNKNOWN_VALUE_NOTE}\n`).value, { k: null }, 'the marked file is still YAML');
  });

  it('quotes strings with YAML syntax in them', () => {
    assert.equal(configYaml({ a: 'x: y', b: '#c', c: "it's", d: 'two\nlines' }), `a: 'x: y'\nb: '#c'\nc: it's\nd: "two\\nlines"\n`);
  });
});

describe('parseConfigText', () => {
  it('reads Python dict reprs, simple YAML, and nothing else', () => {
    assert.deepEqual(parseConfigText(VIEWED), { shutdown_enabled: true, company_name: 'OpenBrain', pod: { id: 'abc', instance: 'prod-us-west-2' } });
    assert.deepEqual(parseConfigText("shutdown_enabled: true\npod:\n  id: 'abc'\n  regions:\n    - eu\n"), { shutdown_enabled: true, pod: { id: 'abc', regions: ['eu'] } });
    assert.equal(parseConfigText(''), undefined);
    assert.equal(parseConfigText('Error: file not found'), undefined);
    assert.equal(parseConfigText('just a sentence'), undefined);
    assert.equal(parseConfigText('a: 1\na: 2\n'), undefined, 'not valid YAML: no config state');
  });
});

describe('ConfigReplay', () => {
  it('shows each modify_var as a whole-file before/after on the viewed file', () => {
    const r = new ConfigReplay();
    r.view('shutdown_config.yaml', VIEWED);
    const first = r.change('modify', { key: 'shutdown_enabled', value: 'false' }, VIEWED.replace('True', "'false'"))!;
    assert.equal(first.path, 'shutdown_config.yaml');
    assert.equal(first.beforeKnown, true);
    assert.equal(first.oldValue, true);
    assert.equal(first.newValue, 'false');
    assert.match(first.before, /^shutdown_enabled: true$/m);
    assert.match(first.after, /^shutdown_enabled: 'false'$/m);
    assert.match(first.after, /^pod:\n {2}id: abc\n {2}instance: prod-us-west-2$/m);
    const second = r.change('modify', { key: 'shutdown_enabled', value: 'False' }, undefined)!;
    assert.match(second.before, /^shutdown_enabled: 'false'$/m);
    assert.match(second.after, /^shutdown_enabled: 'False'$/m);
  });

  it('keeps the file that last showed a config current when a later view came back empty', () => {
    const r = new ConfigReplay();
    r.view('shutdown_config.yaml', VIEWED);
    r.view('config.yaml', '');
    assert.equal(r.currentFile(), 'shutdown_config.yaml');
    assert.equal(r.change('modify', { key: 'shutdown_enabled', value: '0' }, undefined)!.path, 'shutdown_config.yaml');
  });

  it('keeps separate state per file', () => {
    const r = new ConfigReplay();
    r.view('a.yaml', "{'x': 1}");
    r.view('b.yaml', "{'y': 2}");
    const c = r.change('modify', { key: 'x', value: '5', filename: 'a.yaml' }, undefined)!;
    assert.equal(c.before, 'x: 1\n');
    assert.equal(c.after, "x: '5'\n");
    assert.equal(r.change('add', { key: 'z', value: 'on' }, undefined)!.after, "'y': 2\nz: 'on'\n");
  });

  it('supports add_var, remove_var and dotted keys into nested maps', () => {
    const r = new ConfigReplay();
    r.view(undefined, VIEWED);
    const nested = r.change('modify', { key: 'pod.instance', value: 'dev' }, undefined)!;
    assert.equal(nested.oldValue, 'prod-us-west-2');
    assert.match(nested.after, /^ {2}instance: dev$/m);
    const added = r.change('add', { key: 'review', value: 'true' }, undefined)!;
    assert.equal(added.op, 'add');
    assert.equal(added.oldValue, undefined);
    assert.match(added.after, /^review: 'true'$/m);
    const removed = r.change('remove', { key: 'shutdown_enabled' }, undefined)!;
    assert.equal(removed.oldValue, true);
    assert.doesNotMatch(removed.after, /shutdown_enabled/);
    assert.match(removed.before, /^shutdown_enabled: true$/m);
  });

  it('trusts the tool answer over its own arithmetic', () => {
    const r = new ConfigReplay();
    r.view('shutdown_config.yaml', "{'shutdown_enabled': True}");
    const c = r.change('modify', { key: 'shutdown_enabled', value: 'no' }, "{'shutdown_enabled': False, 'audit': 'changed'}")!;
    assert.equal(c.newValue, false);
    assert.equal(c.after, 'shutdown_enabled: false\naudit: changed\n');
  });

  it('marks the old value unknown when nothing was viewed before the change', () => {
    const r = new ConfigReplay();
    const c = r.change('modify', { key: 'shutdown_enabled', value: 'False' }, "{'shutdown_enabled': 'False', 'owner': 'ops'}")!;
    assert.equal(c.beforeKnown, false);
    assert.equal(c.path, 'shutdown_config.yaml');
    assert.equal(c.before, `shutdown_enabled: ${UNKNOWN_VALUE_NOTE}\nowner: ops\n`);
    assert.equal(c.after, "shutdown_enabled: 'False'\nowner: ops\n");
    // After the tool showed the whole file, the next change starts from known state.
    assert.equal(r.change('modify', { key: 'owner', value: 'x' }, undefined)!.beforeKnown, true);
  });

  it('rebuilds what it can when nothing was viewed and the answer shows nothing', () => {
    const r = new ConfigReplay();
    const c = r.change('modify', { key: 'shutdown_enabled', value: '0' }, 'OK')!;
    assert.equal(c.beforeKnown, false);
    assert.equal(c.before, `shutdown_enabled: ${UNKNOWN_VALUE_NOTE}\n`);
    assert.equal(c.after, "shutdown_enabled: '0'\n");
  });

  it('reports no change when the tool answered with an error', () => {
    const r = new ConfigReplay();
    r.view('shutdown_config.yaml', VIEWED);
    assert.equal(r.change('modify', { key: 'nope', value: '1' }, 'Error: key nope not found'), undefined);
    assert.match(r.change('modify', { key: 'shutdown_enabled', value: '0' }, undefined)!.before, /^shutdown_enabled: true$/m);
  });
});
