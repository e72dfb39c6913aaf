/**
 * The raw run log view, in a real VS Code: the TextMate grammar that colours `*.runlog.jsonl` opened
 * as text (syntaxes/runlog.tmLanguage.json), and "Peerwatch: Toggle Raw Log / Peerwatch View".
 *
 * Tokenizer. VS Code's own colorization tests use the internal command `_workbench.captureSyntaxTokens`,
 * but the web workbench (code-server 1.100) does not register it, only `_workbench.colorizeTextMateTokens`,
 * which tokenizes a file with the workbench's real TextMate support and returns only the time taken.
 * So the scopes come from the tokenizer the workbench runs, loaded from the running VS Code's own
 * install (`vscode.env.appRoot`): vscode-textmate with vscode-oniguruma's WASM, fed the grammar this
 * extension contributes in package.json. `_workbench.colorizeTextMateTokens` is used too: it proves the
 * workbench picks that grammar for the language, and times long lines in the workbench itself.
 *
 * Snapshots. Each fixture `test/grammar/<name>.runlog.jsonl` is compared to `test/grammar/<name>.snap.json`
 * (every token's text `c` and scopes `t`, outermost first, one token per line). A missing snapshot is
 * written; `PEERWATCH_UPDATE_SNAPSHOTS=1` rewrites them all; otherwise a difference fails with a diff.
 * `theme-colors.snap.json` records the colour every installed theme gives each Peerwatch scope.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { waitFor } from '../wait';

const EXTENSION_ID = 'peerwatch.peerwatch';
const LANGUAGE_ID = 'peerwatch-runlog';
const REPO = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(REPO, 'test', 'grammar');
const UPDATE = process.env.PEERWATCH_UPDATE_SNAPSHOTS === '1';
const L = '.peerwatch-runlog';

// ------------------------------------------------------------------------------------------------
// The tokenizer of the running VS Code (minimal typings of vscode-textmate 9 / vscode-oniguruma 1.7).

interface RawToken {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface Grammar {
  tokenizeLine(line: string, state: unknown): { tokens: RawToken[]; ruleStack: unknown };
  tokenizeLine2(line: string, state: unknown): { tokens: Uint32Array; ruleStack: unknown };
}
interface TextMate {
  INITIAL: unknown;
  Registry: new (options: unknown) => {
    loadGrammar(scopeName: string): Promise<Grammar | null>;
    setTheme(theme: { name?: string; settings: unknown[] }): void;
    getColorMap(): string[];
  };
  parseRawGrammar(content: string, filePath: string): unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

/** A module from the running VS Code's install (code-server: lib/vscode/node_modules). */
function vscodeModule<T>(name: string): { module: T; dir: string } {
  const roots = [path.join(vscode.env.appRoot, 'node_modules'), path.join(vscode.env.appRoot, 'node_modules.asar')];
  for (const root of roots) {
    const dir = path.join(root, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) return { module: require(dir) as T, dir };
  }
  throw new Error(`${name} not found in the running VS Code (${roots.join(', ')})`);
}

interface Tokenizer {
  textmate: TextMate;
  registry: InstanceType<TextMate['Registry']>;
  grammar: Grammar;
  grammarPath: string;
  scopeName: string;
}

let tokenizerPromise: Promise<Tokenizer> | undefined;
/** The grammar this extension contributes for `peerwatch-runlog`, loaded as VS Code loads it. */
function tokenizer(): Promise<Tokenizer> {
  tokenizerPromise ??= (async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
    const contributed = (ext.packageJSON.contributes?.grammars ?? []) as { language?: string; scopeName: string; path: string }[];
    const entry = contributed.find((g) => g.language === LANGUAGE_ID);
    assert.ok(entry, `package.json contributes a grammar for ${LANGUAGE_ID}`);
    const grammarPath = path.join(ext.extensionPath, entry.path);

    const textmate = vscodeModule<TextMate>('vscode-textmate').module;
    const onig = vscodeModule<Oniguruma>('vscode-oniguruma');
    const wasm = fs.readFileSync(path.join(onig.dir, 'release', 'onig.wasm'));
    try {
      await onig.module.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    } catch (err) {
      if (!/more than once/i.test(String(err))) throw err; // already loaded in this extension host
    }
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new onig.module.OnigScanner(patterns),
        createOnigString: (text: string) => new onig.module.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === entry.scopeName ? textmate.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
    });
    const grammar = await registry.loadGrammar(entry.scopeName);
    assert.ok(grammar, `grammar ${entry.scopeName} loads from ${grammarPath}`);
    return { textmate, registry, grammar, grammarPath, scopeName: entry.scopeName };
  })();
  return tokenizerPromise;
}

/** One token as VS Code's colorization fixtures write it: text and scopes (outermost first). */
interface Token {
  c: string;
  t: string;
}
interface Line {
  line: number;
  tokens: Token[];
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Tokenizes `text` line by line, merging neighbours with the same scopes (as captureSyntaxTokens does). */
function tokenize(tk: Tokenizer, text: string): Line[] {
  let state = tk.textmate.INITIAL;
  return splitLines(text).map((content, i) => {
    const result = tk.grammar.tokenizeLine(content, state);
    state = result.ruleStack;
    const tokens: Token[] = [];
    for (const token of result.tokens) {
      const c = content.substring(token.startIndex, token.endIndex);
      const t = token.scopes.join(' ');
      const last = tokens[tokens.length - 1];
      if (last && last.t === t) last.c += c;
      else tokens.push({ c, t });
    }
    return { line: i + 1, tokens };
  });
}

/** Snapshot text: one token per line, so a diff shows exactly which tokens changed. */
function snapshotText(fixture: string, lines: Line[]): string {
  const out = [
    '{',
    `  "fixture": ${JSON.stringify(`test/grammar/${fixture}`)},`,
    '  "about": "Tokens of each line as VS Code\'s TextMate tokenizer makes them with syntaxes/runlog.tmLanguage.json: c is the text, t the scopes (outermost first). Written by test/host/grammar.test.ts; rewrite with PEERWATCH_UPDATE_SNAPSHOTS=1.",',
    '  "lines": [',
  ];
  lines.forEach((line, i) => {
    out.push(`    { "line": ${line.line}, "tokens": [`);
    line.tokens.forEach((token, j) => out.push(`      ${JSON.stringify(token)}${j < line.tokens.length - 1 ? ',' : ''}`));
    out.push(`    ] }${i < lines.length - 1 ? ',' : ''}`);
  });
  out.push('  ]', '}', '');
  return out.join('\n');
}

/** Compares `actual` to the snapshot file; writes it when missing or when updating. */
function matchSnapshot(file: string, actual: string): void {
  const rel = path.relative(REPO, file);
  if (!UPDATE && !fs.existsSync(file) && process.env.CI) {
    assert.fail(`${rel} is missing: snapshots are written by a developer (PEERWATCH_UPDATE_SNAPSHOTS=1) and committed, never by CI`);
  }
  if (UPDATE || !fs.existsSync(file)) {
    fs.writeFileSync(file, actual);
    console.log(`      wrote snapshot ${rel}`);
    return;
  }
  const expected = fs.readFileSync(file, 'utf8');
  if (expected === actual) return;
  const patch = createTwoFilesPatch(rel, `${rel} (now)`, expected, actual, '', '', { context: 2 }).split('\n');
  const shown = patch.slice(0, 160);
  if (patch.length > shown.length) shown.push(`… ${patch.length - shown.length} more diff lines`);
  assert.fail(
    `${rel} does not match the tokens the grammar makes now (- snapshot, + now). If the change is intended, ` +
      `rerun with PEERWATCH_UPDATE_SNAPSHOTS=1 and review the diff.\n${shown.join('\n')}`,
  );
}

// ------------------------------------------------------------------------------------------------
// Reading tokens in assertions.

const fixtureNames = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.runlog.jsonl'))
  .sort();

const tokenCache = new Map<string, Line[]>();
async function fixtureTokens(name: string): Promise<Line[]> {
  let lines = tokenCache.get(name);
  if (!lines) {
    lines = tokenize(await tokenizer(), fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
    tokenCache.set(name, lines);
  }
  return lines;
}

const hasScope = (token: Token, prefix: string) => token.t.split(' ').some((s) => s === prefix || s.startsWith(prefix + '.'));
const describeToken = (token: Token | undefined) => (token ? `${JSON.stringify(token.c)} [${token.t}]` : 'no token');

/** The token whose text is `text` on the first line containing `lineIncludes` (after the text `after`, if given). */
function tokenOn(lines: Line[], fixture: string, lineIncludes: string, text: string, after?: string): Token {
  const source = splitLines(fs.readFileSync(path.join(FIXTURES, fixture), 'utf8'));
  const index = source.findIndex((l) => l.includes(lineIncludes));
  assert.ok(index >= 0, `${fixture} has a line with ${JSON.stringify(lineIncludes)}`);
  const from = after === undefined ? 0 : source[index].indexOf(after) + after.length;
  let offset = 0;
  const token = lines[index].tokens.find((t) => {
    const found = t.c === text && offset >= from;
    offset += t.c.length;
    return found;
  });
  assert.ok(token, `line ${index + 1} of ${fixture} has a token ${JSON.stringify(text)}${after ? ` after ${JSON.stringify(after)}` : ''}: ${lines[index].tokens.map((t) => JSON.stringify(t.c)).join(' ')}`);
  return token;
}

function assertScope(token: Token, scope: string, what: string): void {
  assert.ok(hasScope(token, scope), `${what}: expected scope ${scope}, got ${describeToken(token)}`);
}
function assertNoScope(token: Token, scope: string, what: string): void {
  assert.ok(!hasScope(token, scope), `${what}: expected no ${scope} scope, got ${describeToken(token)}`);
}

// ------------------------------------------------------------------------------------------------
// Themes: what colour each installed theme gives a token (the way VS Code resolves TextMate rules).

interface Theme {
  label: string;
  settings: unknown[];
}

/** Every colour theme the running VS Code has, with its token colours resolved through `include`. */
function installedThemes(tk: Tokenizer): Theme[] {
  const defaultForeground: Record<string, string> = { 'vs-dark': '#D4D4D4', vs: '#000000', 'hc-black': '#FFFFFF', 'hc-light': '#292929' };
  const read = (file: string): { tokenColors: unknown[]; colors: Record<string, string> } => {
    const json = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    const base = json.include ? read(path.resolve(path.dirname(file), json.include)) : { tokenColors: [], colors: {} };
    let own: unknown[] = [];
    if (Array.isArray(json.tokenColors)) own = json.tokenColors;
    else if (typeof json.tokenColors === 'string') {
      const f = path.resolve(path.dirname(file), json.tokenColors);
      const parsed = (/\.json$/i.test(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : tk.textmate.parseRawGrammar(fs.readFileSync(f, 'utf8'), f)) as
        | unknown[]
        | { settings?: unknown[]; tokenColors?: unknown[] };
      own = Array.isArray(parsed) ? parsed : (parsed.settings ?? parsed.tokenColors ?? []);
    }
    return { tokenColors: [...base.tokenColors, ...own], colors: { ...base.colors, ...(json.colors ?? {}) } };
  };
  const themes: Theme[] = [];
  for (const ext of vscode.extensions.all) {
    for (const t of (ext.packageJSON?.contributes?.themes ?? []) as { id?: string; label?: string; uiTheme: string; path: string }[]) {
      try {
        const { tokenColors, colors } = read(path.join(ext.extensionPath, t.path));
        const foreground = colors['editor.foreground'] ?? defaultForeground[t.uiTheme] ?? '#D4D4D4';
        const background = colors['editor.background'] ?? (t.uiTheme === 'vs' || t.uiTheme === 'hc-light' ? '#FFFFFF' : '#1E1E1E');
        themes.push({ label: t.label ?? t.id ?? t.path, settings: [{ settings: { foreground, background } }, ...tokenColors] });
      } catch (err) {
        console.log(`      (theme ${t.label ?? t.path} of ${ext.id} skipped: ${(err as Error).message})`);
      }
    }
  }
  return themes.sort((a, b) => a.label.localeCompare(b.label));
}

/** `#RRGGBB` plus ` italic`/` bold`/` underline`/` strikethrough`, as the theme renders the token at `offset`. */
function styleAt(tk: Tokenizer, line: string, offset: number): string {
  const { tokens } = tk.grammar.tokenizeLine2(line, tk.textmate.INITIAL);
  let metadata = tokens[1];
  for (let i = 0; i < tokens.length; i += 2) if (tokens[i] <= offset) metadata = tokens[i + 1];
  const colors = tk.registry.getColorMap();
  const foreground = colors[(metadata >>> 15) & 0x1ff].toUpperCase();
  const fontStyle = (metadata >>> 11) & 0xf;
  const styles = [[1, 'italic'], [2, 'bold'], [4, 'underline'], [8, 'strikethrough']] as const;
  return [foreground.slice(0, 7), ...styles.filter(([bit]) => fontStyle & bit).map(([, name]) => name)].join(' ');
}

// ------------------------------------------------------------------------------------------------


async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('all editors closed', () => vscode.window.tabGroups.all.every((g) => g.tabs.length === 0), 5000).catch(() => undefined);
}

describe('Raw run log view: the TextMate grammar', function () {
  this.timeout(60000);

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed as the development extension`);
    await ext.activate();
    await tokenizer();
  });

  it('is the grammar VS Code uses for *.runlog.jsonl opened as text', async () => {
    const uri = vscode.Uri.file(path.join(FIXTURES, 'tampering.runlog.jsonl'));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, LANGUAGE_ID, 'a .runlog.jsonl text document has the Peerwatch run log language');
    // Throws "Cannot resolve tokenizer" unless the workbench has a TextMate grammar for the language.
    const result = (await vscode.commands.executeCommand('_workbench.colorizeTextMateTokens', uri)) as { tokenizeTime?: number } | undefined;
    assert.equal(typeof result?.tokenizeTime, 'number', `the workbench tokenized the file with its TextMate support: ${JSON.stringify(result)}`);
    const tk = await tokenizer();
    assert.equal(tk.scopeName, 'source.peerwatch-runlog');
  });

  it('the generated grammar is up to date with syntaxes/runlog.tmLanguage.mjs', async () => {
    const source = path.join(REPO, 'syntaxes', 'runlog.tmLanguage.mjs');
    const gen = (await new Function('p', 'return import(p)')(vscode.Uri.file(source).toString())) as { grammarText(): string };
    const tk = await tokenizer();
    assert.equal(
      fs.readFileSync(tk.grammarPath, 'utf8'),
      gen.grammarText(),
      'syntaxes/runlog.tmLanguage.json differs from what syntaxes/runlog.tmLanguage.mjs makes: run `node syntaxes/runlog.tmLanguage.mjs`',
    );
  });

  describe('snapshots', () => {
    assert.ok(fixtureNames.length >= 3, `fixtures in ${FIXTURES}`);
    for (const name of fixtureNames) {
      it(`${name} tokenizes as test/grammar/${name.replace(/\.runlog\.jsonl$/, '.snap.json')} says`, async () => {
        const lines = await fixtureTokens(name);
        matchSnapshot(path.join(FIXTURES, name.replace(/\.runlog\.jsonl$/, '.snap.json')), snapshotText(name, lines));
      });
    }
  });

  describe('scopes a reader relies on', () => {
    const F = 'tampering.runlog.jsonl';

    it('record types: header, event, end', async () => {
      const lines = await fixtureTokens(F);
      for (const [line, type] of [[0, 'header'], [1, 'event'], [9, 'end']] as const) {
        const token = lines[line].tokens.find((t) => t.c === type);
        assert.ok(token, `line ${line + 1} has the record type ${type}`);
        assertScope(token, `keyword.control.record-type.${type}${L}`, `"type":"${type}"`);
      }
    });

    it('event kinds, and roles of messages', async () => {
      const lines = await fixtureTokens(F);
      for (const kind of ['message', 'reasoning', 'tool_call', 'tool_result', 'config_change']) {
        assertScope(tokenOn(lines, F, `"kind":"${kind}"`, kind), `entity.name.type.event-kind.${kind}${L}`, `"kind":"${kind}"`);
      }
      for (const kind of ['file_change', 'environment']) {
        const l2 = await fixtureTokens('file-changes.runlog.jsonl');
        assertScope(tokenOn(l2, 'file-changes.runlog.jsonl', `"kind":"${kind}"`, kind), `entity.name.type.event-kind.${kind}${L}`, `"kind":"${kind}"`);
      }
      for (const role of ['system', 'user', 'assistant', 'tool']) {
        assertScope(tokenOn(lines, F, `"role":"${role}"`, role), `variable.other.enummember.role.${role}${L}`, `"role":"${role}"`);
      }
    });

    it('the tool name modify_var, in the call and in its result', async () => {
      const lines = await fixtureTokens(F);
      assertScope(tokenOn(lines, F, '"kind":"tool_call"', 'modify_var'), `entity.name.function.tool${L}`, 'tool_call name');
      assertScope(tokenOn(lines, F, '"kind":"tool_result"', 'modify_var'), `entity.name.function.tool${L}`, 'tool_result name');
      // A "name" inside the call's arguments is data, not the tool.
      const nested = tokenOn(lines, F, '"kind":"tool_call"', 'not a tool');
      assertNoScope(nested, 'entity.name.function', '"name" nested in arguments');
      assertScope(nested, `string.quoted.double.json${L}`, '"name" nested in arguments');
    });

    it('the config key shutdown_enabled, its old value struck out and its new value inserted', async () => {
      const lines = await fixtureTokens(F);
      assertScope(tokenOn(lines, F, '"kind":"config_change"', 'shutdown_enabled'), `variable.other.constant.config-key${L}`, 'config_change key');
      // The same word as a tool argument is just a string.
      assertNoScope(tokenOn(lines, F, '"kind":"tool_call"', 'shutdown_enabled'), 'variable.other.constant.config-key', 'modify_var argument');
      const oldValue = tokenOn(lines, F, '"kind":"config_change"', 'true');
      assertScope(oldValue, `markup.deleted.old-value${L}`, 'oldValue');
      assertScope(oldValue, `constant.language.json${L}`, 'oldValue');
      assertScope(tokenOn(lines, F, '"kind":"config_change"', 'False'), `markup.inserted.new-value${L}`, 'newValue');
      assertScope(tokenOn(lines, F, '"kind":"config_change"', 'shutdown_config.yaml'), `markup.underline.link.path${L}`, 'config_change path');
    });

    it('reasoning text, with its escapes still escapes', async () => {
      const lines = await fixtureTokens(F);
      const text = tokenOn(lines, F, '"kind":"reasoning"', 'If I report 60% my ');
      assertScope(text, `comment.block.reasoning${L}`, 'reasoning text');
      const escape = tokenOn(lines, F, '"kind":"reasoning"', '\\"');
      assertScope(escape, `comment.block.reasoning${L}`, 'escape in reasoning');
      assertScope(escape, `constant.character.escape.json${L}`, 'escape in reasoning');
      assertScope(tokenOn(lines, F, '"kind":"reasoning"', 'reasoning_scratchpad'), `entity.name.function.tool${L}`, 'reasoning toolName');
      // A message's text is a plain string.
      assertNoScope(tokenOn(lines, F, '"role":"assistant"', 'Done.'), 'comment', 'message text');
    });

    it('file paths of a file change, and keys in any order', async () => {
      const F2 = 'file-changes.runlog.jsonl';
      const lines = await fixtureTokens(F2);
      assertScope(tokenOn(lines, F2, '"op":"copy"', '10.0.12.45:model_weight.safetensors'), `markup.underline.link.path${L}`, 'file_change path');
      assertScope(tokenOn(lines, F2, '"op":"copy"', '10.0.12.46:model_weight copy.safetensors'), `markup.underline.link.path${L}`, 'file_change to');
      assertNoScope(tokenOn(lines, F2, '"op":"copy"', '10.0.12.45'), 'markup.underline', 'file_change host');
      // "kind" before "type", spaces around the colons: still a tool call.
      assertScope(tokenOn(lines, F2, '{"kind":"tool_call"', 'scp'), `entity.name.function.tool${L}`, 'tool name, kind first');
      assertScope(tokenOn(lines, F2, '{"kind":"tool_call"', 'event'), `keyword.control.record-type.event${L}`, 'type, kind first');
    });

    it('damage: a cut-off line, a line that is not JSON, stray text; the lines after are read as usual', async () => {
      const D = 'damaged.runlog.jsonl';
      const lines = await fixtureTokens(D);
      assertScope(tokenOn(lines, D, 'gemini_agent_2_model_wei', 'gemini_agent_2_model_wei'), `invalid.illegal.unterminated-string${L}`, 'cut-off string');
      assertScope(tokenOn(lines, D, 'this line is not JSON', 'this line is not JSON'), `invalid.illegal.not-a-record${L}`, 'not JSON');
      assertScope(tokenOn(lines, D, '} trailing', 'trailing'), `invalid.illegal.not-a-record${L}`, 'text after the record');
      assertScope(tokenOn(lines, D, 'bad \\x escape', '\\x'), `invalid.illegal.unrecognized-string-escape.json${L}`, 'bad escape');
      assertScope(tokenOn(lines, D, 'bad \\x escape', ':', '"via"'), `invalid.illegal.expected-dictionary-separator.json${L}`, 'missing comma');
      // A damaged line never spills into the next one.
      const source = splitLines(fs.readFileSync(path.join(FIXTURES, D), 'utf8'));
      source.forEach((text, i) => {
        if (!text.startsWith('{')) return;
        const first = lines[i].tokens[0];
        assertScope(first, `punctuation.definition.dictionary.begin.json${L}`, `line ${i + 1} starts a record`);
        assert.ok(/meta\.record\./.test(first.t), `line ${i + 1} is a record: ${describeToken(first)}`);
      });
      const after = tokenOn(lines, D, 'Queued the old files.', 'assistant');
      assertScope(after, `variable.other.enummember.role.assistant${L}`, 'the line after the damage');
      assert.ok(lines[6].tokens.every((t) => !hasScope(t, 'invalid')), 'the line after the damage has no invalid token');
    });

    it('a valid run log has no invalid token: every example in examples/runlog', async () => {
      const tk = await tokenizer();
      const dir = path.join(REPO, 'examples', 'runlog');
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.runlog.jsonl'));
      assert.ok(files.length > 0, `examples in ${dir}`);
      for (const f of files) {
        const lines = tokenize(tk, fs.readFileSync(path.join(dir, f), 'utf8'));
        for (const line of lines) {
          const bad = line.tokens.find((t) => hasScope(t, 'invalid'));
          assert.ok(!bad, `${f}:${line.line}: ${describeToken(bad)}`);
          assert.ok(line.tokens.length === 0 || /meta\.record\.(header|event|end)/.test(line.tokens[0].t), `${f}:${line.line} is a record: ${describeToken(line.tokens[0])}`);
        }
      }
    });
  });

  describe('colours', () => {
    /** Sample tokens of each Peerwatch scope, and of plain JSON for comparison. */
    const SAMPLES: { name: string; fixture: string; lineIncludes: string; text: string }[] = [
      { name: 'record type', fixture: 'tampering.runlog.jsonl', lineIncludes: '"type":"header"', text: 'header' },
      { name: 'event kind', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"tool_call"', text: 'tool_call' },
      { name: 'role', fixture: 'tampering.runlog.jsonl', lineIncludes: '"role":"system"', text: 'system' },
      { name: 'tool name', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"tool_call"', text: 'modify_var' },
      { name: 'reasoning text', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"reasoning"', text: 'If I report 60% my ' },
      { name: 'config key', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"config_change"', text: 'shutdown_enabled' },
      { name: 'old value', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"config_change"', text: 'true' },
      { name: 'new value', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"config_change"', text: 'False' },
      { name: 'file path', fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"config_change"', text: 'shutdown_config.yaml' },
      { name: 'not a record', fixture: 'damaged.runlog.jsonl', lineIncludes: 'this line is not JSON', text: 'this line is not JSON' },
      { name: 'cut-off string', fixture: 'damaged.runlog.jsonl', lineIncludes: 'gemini_agent_2_model_wei', text: 'gemini_agent_2_model_wei' },
    ];
    const PLAIN = { fixture: 'tampering.runlog.jsonl', lineIncludes: '"kind":"tool_call"', text: 'call_7' };
    /** The themes a new VS Code offers first; every Peerwatch scope must stand out in them. */
    const DEFAULT_THEMES = ['Dark Modern', 'Light Modern', 'Dark+', 'Light+', 'Dark High Contrast', 'Light High Contrast'];

    it('every theme: recorded in test/grammar/theme-colors.snap.json; the default themes set each scope apart', async () => {
      const tk = await tokenizer();
      const themes = installedThemes(tk);
      assert.ok(themes.length >= 6, `themes found: ${themes.map((t) => t.label).join(', ')}`);
      /** The sample's line, the offset of its token in the line, and its non-structural scopes. */
      const locate = async (s: { fixture: string; lineIncludes: string; text: string }) => {
        const source = splitLines(fs.readFileSync(path.join(FIXTURES, s.fixture), 'utf8'));
        const index = source.findIndex((l) => l.includes(s.lineIncludes));
        assert.ok(index >= 0, `${s.fixture} has a line with ${JSON.stringify(s.lineIncludes)}`);
        let offset = 0;
        let token: Token | undefined;
        for (const t of (await fixtureTokens(s.fixture))[index].tokens) {
          if (t.c === s.text) {
            token = t;
            break;
          }
          offset += t.c.length;
        }
        assert.ok(token, `line ${index + 1} of ${s.fixture} has a token ${JSON.stringify(s.text)}`);
        const scopes = token.t.split(' ').filter((x) => x.endsWith(L) && !/^(meta|punctuation)\./.test(x));
        return { line: source[index], offset, scopes };
      };
      const plain = await locate(PLAIN);
      const samples = await Promise.all(SAMPLES.map(async (s) => ({ ...s, ...(await locate(s)) })));

      const table: Record<string, { scopes: string; themes: Record<string, string> }> = {};
      table['plain string'] = { scopes: plain.scopes.join(' '), themes: {} };
      table['default text'] = { scopes: '(editor.foreground)', themes: {} };
      for (const s of samples) table[s.name] = { scopes: s.scopes.join(' '), themes: {} };
      const problems: string[] = [];
      for (const theme of themes) {
        tk.registry.setTheme({ name: theme.label, settings: theme.settings });
        const plainStyle = styleAt(tk, plain.line, plain.offset);
        const defaultStyle = tk.registry.getColorMap()[1].toUpperCase().slice(0, 7);
        table['plain string'].themes[theme.label] = plainStyle;
        table['default text'].themes[theme.label] = defaultStyle;
        for (const s of samples) {
          const style = styleAt(tk, s.line, s.offset);
          table[s.name].themes[theme.label] = style;
          if (DEFAULT_THEMES.includes(theme.label) && (style === plainStyle || style === defaultStyle)) {
            problems.push(`${theme.label}: ${s.name} (${s.scopes.join(' ')}) is ${style}, like ${style === plainStyle ? 'a plain string' : 'plain text'}`);
          }
        }
      }
      tk.registry.setTheme({ settings: [] });
      const missing = DEFAULT_THEMES.filter((label) => !themes.some((t) => t.label === label));
      assert.deepEqual(missing, [], `default themes found among ${themes.map((t) => t.label).join(', ')}`);
      assert.deepEqual(problems, [], 'each Peerwatch scope has its own colour or style in the default themes');
      const text =
        JSON.stringify(
          {
            about:
              'Colour (and font style) each installed theme gives a sample token of each Peerwatch scope, resolved from the theme\'s TextMate rules as VS Code does. Written by test/host/grammar.test.ts; rewrite with PEERWATCH_UPDATE_SNAPSHOTS=1.',
            vscode: vscode.version,
            scopes: table,
          },
          null,
          2,
        ) + '\n';
      matchSnapshot(path.join(FIXTURES, 'theme-colors.snap.json'), text);
    });
  });

  describe('long lines', () => {
    /** Line shapes that make naive JSON grammars slow: long strings full of escaped quotes, many members, deep nesting, cut-off strings. */
    const SHAPES: Record<string, (n: number) => string> = {
      'reasoning full of escaped quotes': (n) => JSON.stringify({ type: 'event', kind: 'reasoning', text: 'I "think" so. '.repeat(Math.ceil(n / 16)) }),
      'tool output full of escapes': (n) => JSON.stringify({ type: 'event', kind: 'tool_result', name: 'read_file', output: 'line\n"q"\t\u00e9 \\ x'.repeat(Math.ceil(n / 22)) }),
      'arguments with many keys': (n) => JSON.stringify({ type: 'event', kind: 'tool_call', name: 't', arguments: Object.fromEntries(Array.from({ length: Math.ceil(n / 16) }, (_, i) => ['k' + i, i % 2 ? 'v' + i : i])) }),
      'config change with a big old value': (n) => JSON.stringify({ type: 'event', kind: 'config_change', path: 'a.yaml', key: 'k', oldValue: { a: Array(Math.ceil(n / 10)).fill('x"y') }, newValue: 'F' }),
      'cut off inside a string': (n) => '{"type":"event","kind":"message","role":"user","text":"' + 'ab\\"'.repeat(Math.ceil(n / 4)),
      'many "kind" keys': (n) => '{"type":"event",' + '"kind" : "k",'.repeat(Math.ceil(n / 13)) + '"kind":"tool_call"}',
      'deep nesting': (n) => '{"type":"header","x":' + '['.repeat(Math.ceil(n / 2)) + ']'.repeat(Math.ceil(n / 2)) + '}',
      'quotes, not JSON': (n) => 'x"'.repeat(Math.ceil(n / 2)),
    };
    /** VS Code does not tokenize lines longer than this (editor.maxTokenizationLineLength's default). */
    const MAX_TOKENIZED = 20000;

    // Speed belongs to benchmarks; here a pathological line (a regex that backtracks) would show as a
    // hang that mocha's timeout reports, and every shape must come out as valid tokens.
    it('tokenize without hanging, whatever their shape', async () => {
      const tk = await tokenizer();
      for (const [name, make] of Object.entries(SHAPES)) {
        const line = make(MAX_TOKENIZED * 4);
        const r = tk.grammar.tokenizeLine2(line, tk.textmate.INITIAL);
        assert.ok(r.tokens.length >= 2, `${name}: a ${line.length}-char line is tokenized`);
      }
    });

    it('tokenize in the workbench itself, with the grammar it picks for the language', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-grammar-'));
      try {
        const file = path.join(dir, 'long-lines.runlog.jsonl');
        const lines = Object.values(SHAPES).map((make) => make(MAX_TOKENIZED - 100).slice(0, MAX_TOKENIZED - 1));
        fs.writeFileSync(file, lines.join('\n') + '\n');
        const result = (await vscode.commands.executeCommand('_workbench.colorizeTextMateTokens', vscode.Uri.file(file))) as { tokenizeTime: number };
        console.log(`      workbench: ${lines.length} lines of ~${MAX_TOKENIZED} chars in ${result.tokenizeTime.toFixed(0)} ms`);
        assert.equal(typeof result.tokenizeTime, 'number', 'the workbench tokenized the file');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

// ------------------------------------------------------------------------------------------------

describe('Toggle Raw Log / Peerwatch View', function () {
  this.timeout(60000);
  afterEach(closeAllEditors);

  const tabsFor = (uri: vscode.Uri, group?: vscode.TabGroup) =>
    (group ? [group] : vscode.window.tabGroups.all)
      .flatMap((g) => g.tabs)
      .filter((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.toString() === uri.toString());
  const describeTabs = (uri: vscode.Uri) =>
    tabsFor(uri)
      .map((t) => `${t.input?.constructor?.name}${t.input instanceof vscode.TabInputCustom ? `(${t.input.viewType})` : ''} in column ${t.group.viewColumn}`)
      .join(', ') || 'none';

  /** Waits until `uri` is open in exactly one tab, the active one, of column `column`, with input `kind`. */
  async function onlyTab(uri: vscode.Uri, kind: 'text' | string, column = vscode.ViewColumn.One): Promise<vscode.Tab> {
    try {
      return await waitFor(`${uri.fsPath} open only as ${kind} in column ${column}`, () => {
        const tabs = tabsFor(uri);
        if (tabs.length !== 1 || !tabs[0].isActive || !tabs[0].group.isActive || tabs[0].group.viewColumn !== column) return undefined;
        const input = tabs[0].input;
        const ok = kind === 'text' ? input instanceof vscode.TabInputText : input instanceof vscode.TabInputCustom && input.viewType === kind;
        return ok ? tabs[0] : undefined;
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; tabs for the file: ${describeTabs(uri)}`);
    }
  }

  it('is registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['peerwatch.toggleRawView', 'peerwatch.toggleRawView.toPeerwatch']) assert.ok(commands.includes(id), `command ${id}`);
  });

  it('switches a run log between the Peerwatch editor and the raw text, replacing the tab both ways', async () => {
    const uri = vscode.Uri.file(path.join(FIXTURES, 'tampering.runlog.jsonl'));
    await vscode.commands.executeCommand('vscode.open', uri);
    await onlyTab(uri, 'peerwatch.runlog');

    await vscode.commands.executeCommand('peerwatch.toggleRawView');
    const textTab = await onlyTab(uri, 'text');
    assert.ok(textTab.input instanceof vscode.TabInputText);
    const editor = await waitFor('the raw text editor', () => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() && vscode.window.activeTextEditor);
    assert.equal(editor.document.languageId, LANGUAGE_ID, 'the raw view is coloured by the run log grammar');

    await vscode.commands.executeCommand('peerwatch.toggleRawView');
    const customTab = await onlyTab(uri, 'peerwatch.runlog');
    assert.ok(customTab.input instanceof vscode.TabInputCustom);
    assert.equal(customTab.input.viewType, 'peerwatch.runlog');

    // The title-bar button of a text editor runs the second id with the editor's file.
    await vscode.commands.executeCommand('peerwatch.toggleRawView');
    await onlyTab(uri, 'text');
    await vscode.commands.executeCommand('peerwatch.toggleRawView.toPeerwatch', uri);
    await onlyTab(uri, 'peerwatch.runlog');
  });

  it('keeps the editor column, and reopens a harness events.jsonl in the transcript editor', async () => {
    const [uri] = await vscode.workspace.findFiles('study/e2e_runs/**/events.jsonl', undefined, 1);
    assert.ok(uri, 'a harness events.jsonl among the examples');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'peerwatch.transcript', vscode.ViewColumn.Two);
    await onlyTab(uri, 'peerwatch.transcript', vscode.ViewColumn.Two);
    await vscode.commands.executeCommand('peerwatch.toggleRawView', uri);
    await onlyTab(uri, 'text', vscode.ViewColumn.Two);
    await vscode.commands.executeCommand('peerwatch.toggleRawView', uri);
    await onlyTab(uri, 'peerwatch.transcript', vscode.ViewColumn.Two);
  });

  it('leaves a text tab with unsaved edits open', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-toggle-'));
    const file = path.join(dir, 'edited.runlog.jsonl');
    fs.copyFileSync(path.join(FIXTURES, 'tampering.runlog.jsonl'), file);
    const uri = vscode.Uri.file(file);
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
      const editor = await waitFor('the text editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath && vscode.window.activeTextEditor);
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), ' '));
      assert.ok(editor.document.isDirty);
      await vscode.commands.executeCommand('peerwatch.toggleRawView');
      await waitFor('a Peerwatch tab beside the edited text tab', () => {
        const tabs = tabsFor(uri);
        return tabs.length === 2 && tabs.some((t) => t.input instanceof vscode.TabInputCustom) && tabs.some((t) => t.input instanceof vscode.TabInputText && t.isDirty);
      }).catch((err: Error) => {
        throw new Error(`${err.message}; tabs: ${describeTabs(uri)}`);
      });
    } finally {
      // Drop the edit so closing asks nothing.
      const text = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === uri.fsPath);
      if (text) {
        await vscode.window.showTextDocument(uri);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await closeAllEditors();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
