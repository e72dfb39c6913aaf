#!/usr/bin/env node
// A development check, not a test: every regular-expression literal in src/core and src/webview run
// on text made to make it backtrack (one of its own words, a long run of one character or pair, and a
// character that ends the run), printing each pattern whose slowest such text takes over 25 ms. A
// pattern whose time grows with the square (or more) of a run shows here long before a transcript
// finds it: two `\s*` with only optional parts between them, a run trimmed with `+$`
// (docs/hostile-input.md). Sticky patterns (`/y`) are tried where the run starts, as their callers do.
//
//   node scripts/probe-patterns.mjs [RUN_LENGTH]      (default 3000, about half a minute: finds patterns that
//                                                    grow with the fourth power of a run; 10000, about four
//                                                    minutes, finds those that grow with its square)
//
// Patterns built with `new RegExp(…)` are not seen here; the scaling tests (test/unit/scaling*.test.ts)
// time those through the functions that use them.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { transformSync } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const runLength = Number(process.argv[2] ?? 3000);
if (!Number.isInteger(runLength) || runLength < 1) {
  console.error('usage: node scripts/probe-patterns.mjs [RUN_LENGTH]   (a whole number, default 3000)');
  process.exit(2);
}

/**
 * The regular-expression literals of JavaScript `code` (esbuild's output for a TypeScript file), with
 * their offsets. Written here rather than taken from a parser package: the project has none, and this
 * only has to tell a regex's `/` from a division's, after strings and comments are skipped.
 */
function regexLiterals(code) {
  const out = [];
  const keywords = new Set(['return', 'typeof', 'case', 'in', 'of', 'new', 'delete', 'void', 'throw', 'else', 'do', 'yield', 'await']);
  let prev = '';
  let prevWord = '';
  for (let i = 0; i < code.length; ) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (c === '/' && code[i + 1] === '*') {
      i = code.indexOf('*/', i + 2) + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
      i++;
      prev = 'string';
      prevWord = '';
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev) || keywords.has(prevWord))) {
      let j = i + 1;
      for (let inClass = false; j < code.length && code[j] !== '\n' && (code[j] !== '/' || inClass); j++) {
        if (code[j] === '\\') j++;
        else if (code[j] === '[') inClass = true;
        else if (code[j] === ']') inClass = false;
      }
      let k = j + 1;
      while (k < code.length && /[a-z]/.test(code[k])) k++;
      out.push({ source: code.slice(i + 1, j), flags: code.slice(j + 1, k), at: i });
      i = k;
      prev = 'regex';
      prevWord = '';
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (j < code.length && /[\w$]/.test(code[j])) j++;
      prevWord = code.slice(i, j);
      prev = 'word';
      i = j;
    } else {
      prev = c;
      prevWord = '';
      i++;
    }
  }
  return out;
}

function* tsFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const RUNS = [' ', '\t', '\n', ' \n', 'a', 'A', '1', '.', '-', '*', '(', ')', ':', '/', '"', "'", '%', '_', '<', '>', '#', '=', ',', '`', '\\', '[', ']', '{', '}', '1.', 'a ', '- ', ': ', '. ', '**', '@', '$', '|', '~', '!', '?', '0.'];
const ENDS = ['x', '!', '\u0000', ''];

let patterns = 0;
let flagged = 0;
for (const dir of ['src/core', 'src/webview']) {
  for (const file of tsFiles(join(root, dir))) {
    const code = transformSync(readFileSync(file, 'utf8'), { loader: 'ts' }).code;
    for (const lit of regexLiterals(code)) {
      let re;
      try {
        re = new RegExp(lit.source, lit.flags.replace('g', ''));
      } catch {
        continue; // not a regex after all (the tokenizer's guess)
      }
      patterns++;
      const words = [...new Set(lit.source.match(/[A-Za-z_]{3,}/g) ?? [])].slice(0, 12);
      // A short run first: a pattern that backtracks with the fourth power of a run takes seconds at
      // 300 characters and hours at 3,000.
      for (const length of [Math.min(300, runLength), runLength]) {
        let worst = { ms: 0 };
        for (const prefix of ['', '1. ', '- ', ...words, ...words.map((w) => `${w}:`)]) {
          for (const run of RUNS) {
            for (const end of ENDS) {
              const text = prefix + run.repeat(Math.ceil(length / run.length)) + end;
              re.lastIndex = prefix.length;
              const t0 = performance.now();
              re.exec(text);
              const ms = performance.now() - t0;
              if (ms > worst.ms) worst = { ms, prefix, run, end };
            }
            if (worst.ms > 200) break;
          }
          if (worst.ms > 200) break;
        }
        if (worst.ms > 25) {
          flagged++;
          const line = code.slice(0, lit.at).split('\n').length;
          console.log(`${worst.ms.toFixed(0).padStart(6)} ms  ${relative(root, file)} (line ${line} of esbuild's output)  ${JSON.stringify(worst.prefix)} + ${JSON.stringify(worst.run)} × ${length} + ${JSON.stringify(worst.end)}  /${lit.source.slice(0, 120)}/${lit.flags}`);
          break;
        }
      }
    }
  }
}
console.log(`${patterns} patterns, ${flagged} over 25 ms on runs of ${Math.min(300, runLength)} or ${runLength}`);
process.exit(flagged ? 1 : 0);
