#!/usr/bin/env node
// Source of syntaxes/runlog.tmLanguage.json, the TextMate grammar of Peerwatch's run log
// (`*.runlog.jsonl`, docs/runlog-format.md) opened as text.
//
//   node syntaxes/runlog.tmLanguage.mjs           writes syntaxes/runlog.tmLanguage.json
//   node syntaxes/runlog.tmLanguage.mjs --check   exits 1 when the JSON is not what this file makes
//
// The JSON is generated so that the repeated parts (one rule per record type and event kind, the
// marked copies of the JSON value grammar for a config change's old and new values) stay in one
// place and the regexes can be read with comments. Edit this file, run it, commit both.
//
// Design:
// - One JSON object per line. Every begin/end rule also ends at the end of the line (`$`), so a
//   damaged line (a string or an object cut off) never colours the lines after it.
// - The structure is VS Code's own JSON grammar (same scopes, suffixed `.json.peerwatch-runlog`), so
//   themes colour keys, strings, numbers, constants and escapes as they do in JSON. The record is a
//   begin/end region, nested objects and arrays are regions inside it, so only the record's own
//   top-level keys get Peerwatch's scopes (a `"name"` inside a tool call's arguments is just a key).
// - Which record a line is (header, end, or an event of some kind) is decided once, at the line's
//   `{`, by a lookahead for the first `"type": "…"` / `"kind": "…"` on the line. The lookahead is an
//   atomic group around a lazy `.*?`, so it scans the line once and never backtracks into it.
// - No regex here can backtrack catastrophically: every repetition is over disjoint alternatives and
//   the one scan to the end of a string (to tell an unterminated string) is possessive.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const L = 'peerwatch-runlog';
/** Suffix of the JSON structure scopes: `string.quoted.double.json.peerwatch-runlog`. */
const J = `json.${L}`;

export const RECORD_TYPES = ['header', 'event', 'end'];
export const EVENT_KINDS = ['message', 'reasoning', 'tool_call', 'tool_result', 'config_change', 'file_change', 'environment'];
export const ROLES = ['system', 'user', 'assistant', 'tool', 'developer'];

/**
 * The Peerwatch scopes, outermost first (each gets the `.peerwatch-runlog` suffix; `$3` is the value
 * itself, so `"tool_call"` is `entity.name.type.event-kind.tool_call.peerwatch-runlog`). Where a token
 * has two scopes the inner one is the meaning and the outer one is what themes without a rule for
 * the inner one colour it by: a theme's colour for the innermost scope it has a rule for wins, and a
 * rule that sets only a font style keeps the colour from outside. Chosen by resolving them in every
 * theme code-server ships (test/host/grammar.test.ts checks the default themes and snapshots all).
 */
export const SCOPES = {
  /** `"type"` of a record: header, event, end. */
  recordType: ['keyword.control.record-type.$3'],
  /** `"kind"` of an event. */
  eventKind: ['storage.type.event-kind.$3', 'entity.name.type.event-kind.$3'],
  /** `"role"` of a message. */
  role: ['support.constant.role.$3', 'variable.other.enummember.role.$3'],
  /** `"name"` of a tool call or result, `"toolName"` of reasoning. */
  toolName: ['entity.name.function.tool'],
  /** `"text"` of a reasoning event: a comment, in italics where the theme's comments are not. */
  reasoning: ['markup.italic.reasoning', 'comment.block.reasoning'],
  /** `"key"` of a config change. */
  configKey: ['entity.other.attribute-name.config-key', 'variable.other.constant.config-key'],
  /** `"oldValue"` of a config change: deleted, struck through. */
  oldValue: ['markup.deleted.old-value', 'markup.strikethrough.old-value'],
  /** `"newValue"` of a config change: inserted, in bold. */
  newValue: ['markup.bold.new-value', 'markup.inserted.new-value'],
  /** `"path"` of a config or file change, `"to"` of a file change. */
  filePath: ['string.other.link.path', 'markup.underline.link.path'],
  /** Text on a line outside a record (not JSON, or after the record's closing brace). */
  notARecord: ['invalid.illegal.not-a-record'],
  /** A string the line ends inside: a damaged or half-written line. */
  unterminatedString: ['invalid.illegal.unterminated-string'],
};

const s = (scope) => `${scope}.${L}`;
/** A SCOPES entry as a scope name list. */
const sc = (scopes) => scopes.map(s).join(' ');
const js = (scope) => `${scope}.${J}`;
const inc = (name) => ({ include: `#${name}` });

/** End of a line: every region closes there (`$` is zero-width, before the line's end). */
const EOL = '$';
/**
 * A JSON string from its opening quote to the end of the line with no closing quote. The lookbehind
 * keeps the search from trying the lookahead at every escaped quote inside a string (which made a
 * line of many `\"` quadratic): an opening quote follows `{ [ , :` or a space, an escaped one a
 * backslash. So one search reads each string's text once, and the possessive loop never backtracks.
 */
const UNTERMINATED = String.raw`(?<=[\s{\[,:])"(?=(?:[^"\\]++|\\.?)*+$)`;

/** `"key":` at the start of a member, as the JSON grammar scopes a key and its colon. */
function keyBegin(keyPattern) {
  return {
    begin: String.raw`((")(?:${keyPattern})("))\s*(:)`,
    beginCaptures: {
      1: { name: `${js('string')} ${js('support.type.property-name')}` },
      2: { name: js('punctuation.support.type.property-name.begin') },
      3: { name: js('punctuation.support.type.property-name.end') },
      4: { name: js('punctuation.separator.dictionary.key-value') },
    },
  };
}

/** A member of the record whose value gets its own patterns (tried before the JSON value ones). */
function member(keyPattern, valuePatterns, comment) {
  return {
    ...(comment ? { comment } : {}),
    ...keyBegin(keyPattern),
    end: String.raw`(,)|(?=\})|${EOL}`,
    endCaptures: { 1: { name: js('punctuation.separator.dictionary.pair') } },
    contentName: js('meta.structure.dictionary.value'),
    patterns: [inc('unterminated-string'), ...valuePatterns, inc('value'), inc('expected-dictionary-separator')],
  };
}

/** A string value whose whole token (quotes included) also carries `scopes`. */
function markedString(scopes, contentName) {
  return {
    begin: '"',
    beginCaptures: { 0: { name: js('punctuation.definition.string.begin') } },
    end: `(")|${EOL}`,
    endCaptures: { 1: { name: js('punctuation.definition.string.end') } },
    name: `${js('string.quoted.double')} ${scopes}`,
    ...(contentName ? { contentName } : {}),
    patterns: [inc('string-escape')],
  };
}

/** A string value that is one of `values`: the string carries `scopes` (whose `$3` is the value). */
function enumString(values, scopes) {
  return {
    match: String.raw`((")(${values.join('|')})("))`,
    captures: {
      1: { name: `${js('string.quoted.double')} ${sc(scopes)}` },
      2: { name: js('punctuation.definition.string.begin') },
      4: { name: js('punctuation.definition.string.end') },
    },
  };
}

/** The begin of a record line: its `{`, when a lookahead says which record it is. */
function recordRule(name, lookaheads, memberPatterns, comment) {
  return {
    comment,
    begin: String.raw`^\s*(\{)${lookaheads.map((l) => `(?=${l})`).join('')}`,
    beginCaptures: { 1: { name: js('punctuation.definition.dictionary.begin') } },
    end: String.raw`(\})|${EOL}`,
    endCaptures: { 1: { name: js('punctuation.definition.dictionary.end') } },
    name: `${js('meta.structure.dictionary')} ${s(name)}`,
    patterns: [...memberPatterns, inc('object-members')],
  };
}

/** Lookahead body: the first `"<key>": "` on the line is followed by `<value>"`. */
const firstIs = (key, value) => String.raw`(?>.*?"${key}"\s*:\s*")${value}"`;

/**
 * The JSON value grammar with every scalar (and nested key) also carrying `mark`, innermost, so
 * themes colour it with the mark's colour: red/green for a config change's old/new value.
 */
function markedValueRepository(prefix, mark) {
  const sep = [
    { match: ':', name: js('punctuation.separator.dictionary.key-value') },
    { match: ',', name: js('punctuation.separator.dictionary.pair') },
  ];
  return {
    [`${prefix}`]: {
      patterns: [
        inc('unterminated-string'),
        { match: String.raw`\b(?:true|false|null)\b`, name: `${js('constant.language')} ${mark}` },
        { match: NUMBER, name: `${js('constant.numeric')} ${mark}` },
        markedString(mark),
        {
          begin: String.raw`\{`,
          beginCaptures: { 0: { name: js('punctuation.definition.dictionary.begin') } },
          end: String.raw`(\})|${EOL}`,
          endCaptures: { 1: { name: js('punctuation.definition.dictionary.end') } },
          name: js('meta.structure.dictionary'),
          patterns: [inc(prefix), ...sep],
        },
        {
          begin: String.raw`\[`,
          beginCaptures: { 0: { name: js('punctuation.definition.array.begin') } },
          end: String.raw`(\])|${EOL}`,
          endCaptures: { 1: { name: js('punctuation.definition.array.end') } },
          name: js('meta.structure.array'),
          patterns: [inc(prefix), ...sep],
        },
      ],
    },
  };
}

/** JSON number (the JSON grammar's). */
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:(?:\.\d+)?(?:[eE][+-]?\d+)?)?`;

export function grammar() {
  const type = member('type', [enumString(RECORD_TYPES, SCOPES.recordType)], 'the record type: header, event or end');
  const kind = member('kind', [enumString(EVENT_KINDS, SCOPES.eventKind)], 'the event kind');
  const toolName = (key) => member(key, [markedString(sc(SCOPES.toolName))], 'a tool name');
  const filePath = (key) => member(key, [markedString(sc(SCOPES.filePath))], 'a file path');
  const eventRule = (k, members) =>
    recordRule(`meta.record.event.${k}`, [firstIs('kind', k)], [type, kind, ...members], `an event of kind ${k}`);

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'Peerwatch Run Log',
    scopeName: `source.${L}`,
    comment:
      'GENERATED by syntaxes/runlog.tmLanguage.mjs: edit that file and run it. Peerwatch\'s JSON Lines run log (docs/runlog-format.md): one record per line; record types, event kinds, roles, tool names, reasoning text, config keys, old/new values and file paths get scopes every theme colours; the rest is scoped as VS Code\'s JSON grammar scopes it.',
    patterns: [
      inc('record-header'),
      inc('record-end'),
      ...EVENT_KINDS.map((k) => inc(`record-event-${k}`)),
      inc('record-event'),
      inc('record-other'),
      inc('not-a-record'),
    ],
    repository: {
      'record-header': recordRule('meta.record.header', [firstIs('type', 'header')], [type], 'line 1: the header record'),
      'record-end': recordRule('meta.record.end', [firstIs('type', 'end')], [type], 'the end record'),
      'record-event-message': eventRule('message', [member('role', [enumString(ROLES, SCOPES.role)], 'who speaks')]),
      'record-event-reasoning': eventRule('reasoning', [
        member('text', [markedString(sc(SCOPES.reasoning))], 'the reasoning text'),
        toolName('toolName'),
      ]),
      'record-event-tool_call': eventRule('tool_call', [toolName('name')]),
      'record-event-tool_result': eventRule('tool_result', [toolName('name')]),
      'record-event-config_change': eventRule('config_change', [
        member('key', [markedString(sc(SCOPES.configKey))], 'the config key that changed'),
        member('oldValue', [inc('value-old')], 'the value before the change'),
        member('newValue', [inc('value-new')], 'the value after the change'),
        filePath('path'),
      ]),
      'record-event-file_change': eventRule('file_change', [filePath('path'), filePath('to')]),
      'record-event-environment': eventRule('environment', []),
      'record-event': recordRule('meta.record.event', [firstIs('type', 'event')], [type, kind], 'an event of a kind this grammar does not know'),
      'record-other': recordRule('meta.record.other', [], [type], 'a JSON object that is not a known record'),
      'not-a-record': {
        comment: 'anything on a line outside a record: not JSON, or text after the record\'s closing brace',
        match: String.raw`\S.*`,
        name: sc(SCOPES.notARecord),
      },
      'unterminated-string': {
        comment: 'a string cut off by the end of the line (a damaged or half-written line)',
        begin: UNTERMINATED,
        beginCaptures: { 0: { name: js('punctuation.definition.string.begin') } },
        end: EOL,
        name: `${js('string.quoted.double')} ${sc(SCOPES.unterminatedString)}`,
      },
      'object-members': {
        patterns: [
          inc('unterminated-string'),
          {
            comment: 'an object key',
            begin: '"',
            beginCaptures: { 0: { name: js('punctuation.support.type.property-name.begin') } },
            end: `(")|${EOL}`,
            endCaptures: { 1: { name: js('punctuation.support.type.property-name.end') } },
            name: `${js('string')} ${js('support.type.property-name')}`,
            patterns: [inc('string-escape')],
          },
          {
            comment: 'an object value',
            begin: ':',
            beginCaptures: { 0: { name: js('punctuation.separator.dictionary.key-value') } },
            end: String.raw`(,)|(?=\})|${EOL}`,
            endCaptures: { 1: { name: js('punctuation.separator.dictionary.pair') } },
            name: js('meta.structure.dictionary.value'),
            patterns: [inc('value'), inc('expected-dictionary-separator')],
          },
          { match: String.raw`[^\s}]`, name: js('invalid.illegal.expected-dictionary-separator') },
        ],
      },
      'expected-dictionary-separator': { match: String.raw`[^\s,}]`, name: js('invalid.illegal.expected-dictionary-separator') },
      value: {
        patterns: [inc('unterminated-string'), inc('constant'), inc('number'), inc('string'), inc('array'), inc('object')],
      },
      constant: { match: String.raw`\b(?:true|false|null)\b`, name: js('constant.language') },
      number: { match: NUMBER, name: js('constant.numeric') },
      string: {
        begin: '"',
        beginCaptures: { 0: { name: js('punctuation.definition.string.begin') } },
        end: `(")|${EOL}`,
        endCaptures: { 1: { name: js('punctuation.definition.string.end') } },
        name: js('string.quoted.double'),
        patterns: [inc('string-escape')],
      },
      'string-escape': {
        patterns: [
          { match: String.raw`\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})`, name: js('constant.character.escape') },
          { match: String.raw`\\.`, name: js('invalid.illegal.unrecognized-string-escape') },
        ],
      },
      object: {
        begin: String.raw`\{`,
        beginCaptures: { 0: { name: js('punctuation.definition.dictionary.begin') } },
        end: String.raw`(\})|${EOL}`,
        endCaptures: { 1: { name: js('punctuation.definition.dictionary.end') } },
        name: js('meta.structure.dictionary'),
        patterns: [inc('object-members')],
      },
      array: {
        begin: String.raw`\[`,
        beginCaptures: { 0: { name: js('punctuation.definition.array.begin') } },
        end: String.raw`(\])|${EOL}`,
        endCaptures: { 1: { name: js('punctuation.definition.array.end') } },
        name: js('meta.structure.array'),
        patterns: [
          inc('value'),
          { match: ',', name: js('punctuation.separator.array') },
          { match: String.raw`[^\s\]]`, name: js('invalid.illegal.expected-array-separator') },
        ],
      },
      ...markedValueRepository('value-old', sc(SCOPES.oldValue)),
      ...markedValueRepository('value-new', sc(SCOPES.newValue)),
    },
  };
}

export function grammarText() {
  return JSON.stringify(grammar(), null, 2) + '\n';
}

const here = dirname(fileURLToPath(import.meta.url));
export const GRAMMAR_JSON = join(here, 'runlog.tmLanguage.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = grammarText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(GRAMMAR_JSON, 'utf8');
    } catch {
      /* missing: out of date */
    }
    if (current !== text) {
      console.error(`${GRAMMAR_JSON} is out of date: run node syntaxes/runlog.tmLanguage.mjs`);
      process.exit(1);
    }
    console.log(`${GRAMMAR_JSON} is up to date`);
  } else {
    writeFileSync(GRAMMAR_JSON, text);
    console.log(`wrote ${GRAMMAR_JSON}`);
  }
}
