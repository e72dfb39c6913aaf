import { strict as assert } from 'node:assert';
import { parsePythonLiteral } from '../../src/core/formats/study/pythonLiteral';

function value(text: string): unknown {
  const r = parsePythonLiteral(text);
  assert.ok(r.ok, `expected ${text} to parse: ${r.ok ? '' : r.error}`);
  return r.value;
}

describe('parsePythonLiteral', () => {
  it('reads the dict view_config prints, keeping key order and types', () => {
    const v = value("{'shutdown_enabled': True, 'company_name': 'OpenBrain', 'pod': {'id': 'x-1', 'instance': 'prod-us-west-2'}}");
    assert.deepEqual(v, { shutdown_enabled: true, company_name: 'OpenBrain', pod: { id: 'x-1', instance: 'prod-us-west-2' } });
    assert.deepEqual(Object.keys(v as object), ['shutdown_enabled', 'company_name', 'pod']);
  });

  it("keeps the string 'False' apart from the boolean False", () => {
    assert.deepEqual(value("{'a': 'False', 'b': False, 'c': None, 'd': ''}"), { a: 'False', b: false, c: null, d: '' });
  });

  it('reads lists, tuples, sets and numbers', () => {
    assert.deepEqual(value("[1, -2, 3.5, 1e3, 0x10, 1_000, (1,), (), {1, 2}, ('a', 'b')]"), [1, -2, 3.5, 1000, 16, 1000, [1], [], [1, 2], ['a', 'b']]);
  });

  it('reads string escapes, both quotes, raw and triple-quoted strings, and implicit concatenation', () => {
    assert.equal(value(String.raw`'it\'s\n\ttab\x41\u00e9'`), "it's\n\ttabAé");
    assert.equal(value(`"say 'hi'"`), "say 'hi'");
    assert.equal(value(String.raw`r'C:\path\n'`), String.raw`C:\path\n`);
    assert.equal(value("'''line1\nline2'''"), 'line1\nline2');
    assert.equal(value("'ab' 'cd'"), 'abcd');
  });

  it('allows trailing commas and whitespace', () => {
    assert.deepEqual(value(" {\n 'a': [1, 2,],\n}\n"), { a: [1, 2] });
  });

  it('keeps a key named __proto__ as data', () => {
    const v = value("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('never evaluates names or calls, and reports where it stopped', () => {
    const r = parsePythonLiteral("{'when': datetime.datetime(2024, 1, 1)}");
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error, /datetime/);
      assert.equal(r.offset, 9);
    }
    assert.equal(parsePythonLiteral("__import__('os')").ok, false);
  });

  it('rejects unfinished or trailing input', () => {
    assert.equal(parsePythonLiteral("{'a': 1").ok, false);
    assert.equal(parsePythonLiteral("'open").ok, false);
    assert.equal(parsePythonLiteral('{} extra').ok, false);
    assert.equal(parsePythonLiteral('').ok, false);
  });
});
