import { strict as assert } from 'node:assert';
import { formatJsonPath, parseJsonTolerant } from '../../src/core/json/tolerantJson';

describe('parseJsonTolerant', () => {
  it('parses valid JSON exactly like JSON.parse', () => {
    const text = JSON.stringify({ a: [1, 2.5, -3e2, 'x\n"y"\u00e9', true, false, null], b: { c: {} }, d: [] }, null, 2);
    const r = parseJsonTolerant(text);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.value, JSON.parse(text));
  });

  it('locates values by JSON path with 1-based line and column', () => {
    const text = '{\n  "conversation": [\n    {"role": "system"},\n    {"role": "user"}\n  ]\n}';
    const r = parseJsonTolerant(text);
    assert.deepEqual(r.locate(['conversation', 1]), { line: 4, column: 5 });
    assert.deepEqual(r.locate(['conversation', 0, 'role']), { line: 3, column: 14 });
    assert.equal(r.locate(['nope']), undefined);
  });

  it('keeps everything before a truncation and says where it broke and what was expected', () => {
    const full = JSON.stringify({ meta: { m: 'x' }, conversation: [{ role: 'system', content: 'a' }, { role: 'user', content: 'hello there' }] }, null, 2);
    const cut = full.slice(0, full.indexOf('hello') + 3);
    const r = parseJsonTolerant(cut);
    assert.ok(r.error);
    assert.equal(r.error.found, 'end of file');
    assert.equal(r.error.path, '$.conversation[1].content');
    assert.match(r.error.expected, /closing '"'/);
    const v = r.value as { meta: unknown; conversation: Array<{ role: string }> };
    assert.deepEqual(v.meta, { m: 'x' });
    assert.equal(v.conversation[0]!.role, 'system');
    assert.equal(r.isIncomplete(v.conversation), true);
    assert.equal(r.isIncomplete(v.conversation[0]), false);
    assert.equal(r.isIncomplete(v.conversation[1]), true, 'the cut element is flagged incomplete');
    assert.equal(r.error.line, cut.split('\n').length);
  });

  it('reports a syntax error in the middle with the character found', () => {
    const r = parseJsonTolerant('{"a": 1,\n "b": tru, "c": 3}');
    assert.ok(r.error);
    assert.equal(r.error.line, 2);
    assert.equal(r.error.column, 7);
    assert.equal(r.error.path, '$.b');
    assert.match(r.error.found, /^'tru/);
    assert.deepEqual(r.value, { a: 1 });
  });

  it('rejects trailing garbage after the top-level value', () => {
    const r = parseJsonTolerant('{"a": 1} x');
    assert.equal(r.error?.expected, 'end of file after the top-level value');
    assert.deepEqual(r.value, { a: 1 });
  });

  it('keeps a member called __proto__ as data, never as the prototype', () => {
    const r = parseJsonTolerant('{"__proto__": {"polluted": true}}');
    const v = r.value as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });

  it('formats paths the way users read them', () => {
    assert.equal(formatJsonPath(['conversation', 3, 'tool_calls', 'modify_var']), '$.conversation[3].tool_calls.modify_var');
    assert.equal(formatJsonPath(['weird key']), '$["weird key"]');
  });

  it('reads any depth of nesting without overflowing the stack, skipping values deeper than 1,000 with a warning', () => {
    const depth = 100_000;
    const text = '{"before": 1,\n "deep": ' + '['.repeat(depth) + ']'.repeat(depth) + ',\n "after": [2]}';
    const r = parseJsonTolerant(text);
    assert.equal(r.error, undefined);
    const v = r.value as { before: number; deep: unknown; after: number[] };
    assert.equal(v.before, 1);
    assert.deepEqual(v.after, [2], 'what follows the deep value is read');
    let levels = 0;
    let d: unknown = v.deep;
    while (Array.isArray(d)) {
      levels++;
      d = d[0];
    }
    assert.equal(levels, 999, 'kept down to the limit');
    assert.match(String(d), /nested deeper than 1,000 levels: not read/);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0]!.line, 2);
    assert.equal(r.warnings[0]!.column, 10 + 999);
    assert.match(r.warnings[0]!.expected, /at most 1,000 levels/);
    const within = parseJsonTolerant('['.repeat(1000) + ']'.repeat(1000));
    assert.equal(within.warnings.length, 0, '1,000 levels are read whole');
    const cut = parseJsonTolerant('{"a":'.repeat(depth));
    assert.equal(cut.error?.found, 'end of file');
    assert.equal(cut.error?.line, 1);
  });

  it('names the place of a raw control character inside a string', () => {
    const r = parseJsonTolerant('{"a": "ok",\n "b": "x\u0000y"}');
    assert.equal(r.error?.line, 2);
    assert.equal(r.error?.column, 9);
    assert.equal(r.error?.path, '$.b');
    assert.match(r.error!.expected, /control characters must be escaped/);
    assert.deepEqual(r.value, { a: 'ok' });
  });

  it('names the place of a missing element, a bad escape and a comment', () => {
    const missing = parseJsonTolerant('[1,\n ,2]');
    assert.deepEqual([missing.error?.line, missing.error?.column, missing.error?.path], [2, 2, '$[1]']);
    assert.match(missing.error!.expected, /a JSON value/);
    const escape = parseJsonTolerant('{"a": "\\q"}');
    assert.deepEqual([escape.error?.line, escape.error?.column], [1, 8]);
    assert.match(escape.error!.expected, /a valid escape/);
    const unicode = parseJsonTolerant('["\\u12G4"]');
    assert.deepEqual([unicode.error?.column, unicode.error?.path], [3, '$[0]']);
    assert.match(unicode.error!.expected, /four hex digits/);
    const comment = parseJsonTolerant('{"a": 1, // note\n "b": 2}');
    assert.match(comment.error!.expected, /JSON has no comments/);
    assert.deepEqual(comment.value, { a: 1 });
  });

  it('reads numbers as JSON.parse does', () => {
    const text = '[0, -0, 1e5, 1E-3, 12.5, -7, 123456789012345678901234567890]';
    assert.deepEqual(parseJsonTolerant(text).value, JSON.parse(text));
    const huge = parseJsonTolerant('{"n": [1, -1e400]}');
    assert.deepEqual(huge.value, { n: [1, '-1e400'] }, 'a number beyond a double is kept as its text');
    assert.deepEqual(huge.warnings.map((w) => [w.path, w.column, w.found, w.outcome]), [['$.n[1]', 11, '-1e400', 'it is kept as text']]);
    assert.match(parseJsonTolerant('[01]').error!.expected, /',' or ']'/);
    assert.ok(parseJsonTolerant('[1.]').error);
    assert.ok(parseJsonTolerant('[-]').error);
  });

  describe('without places (positions: false, as the corpus index reads)', () => {
    it('reads a well-formed document to the same value, with no places', () => {
      const text = JSON.stringify({ a: [1, 2.5, -3e2, 'x\n"y"\u00e9', true, null], b: { c: {} } }, null, 2).replace(/\n}$/, ',\n  "__proto__": {"polluted": true}\n}');
      const quick = parseJsonTolerant(text, { positions: false });
      const full = parseJsonTolerant(text);
      assert.deepEqual(quick.value, full.value);
      assert.deepEqual(Object.keys(quick.value as object), ['a', 'b', '__proto__'], '__proto__ stays a member');
      assert.equal(({} as { polluted?: boolean }).polluted, undefined);
      assert.deepEqual([quick.error, quick.warnings], [undefined, []]);
      assert.equal(quick.locate(['a', 1]), undefined);
      assert.deepEqual(full.locate(['a', 1]), { line: 4, column: 5 });
    });

    it('still warns about what JSON.parse would read differently, and names the place of an error', () => {
      const huge = parseJsonTolerant('{"n": [1, -1e400]}', { positions: false });
      assert.deepEqual(huge.value, { n: [1, '-1e400'] });
      assert.deepEqual(huge.warnings.map((w) => [w.path, w.column]), [['$.n[1]', 11]]);
      const long = parseJsonTolerant(`[${'9'.repeat(400)}]`, { positions: false });
      assert.deepEqual(long.value, ['9'.repeat(400)], 'a 400-digit number is kept as its text');
      const deep = parseJsonTolerant('['.repeat(1001) + ']'.repeat(1001), { positions: false });
      assert.equal(deep.warnings.length, 1, 'nesting past 1,000 levels is still skipped with a warning');
      const cut = parseJsonTolerant('{"a": [1, 2', { positions: false });
      assert.deepEqual([cut.error?.line, cut.error?.column, cut.error?.found], [1, 12, 'end of file']);
      assert.deepEqual(cut.value, { a: [1, 2] });
      // Numbers that only look large, and a string holding one, read as JSON.parse reads them.
      const text = '{"big": 1e300, "text": "1e999", "small": 5e-324}';
      assert.deepEqual(parseJsonTolerant(text, { positions: false }).value, JSON.parse(text));
    });
  });
});
