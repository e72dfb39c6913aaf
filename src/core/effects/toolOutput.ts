/**
 * Small readers for the text a study tool returned.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { readYamlRecords } from '../yaml';
import { memoByText } from '../textMemo';

const TRACEBACK = /Traceback \(most recent call last\)/;

/**
 * The error a tool output reports, or undefined when it looks like a normal answer. The study's
 * tools answer failures in prose ("Error: file not found", "error: invalid key"), and a crashing
 * tool leaves a Python traceback; for a traceback the last line (the exception) is the error.
 */
export function toolError(output: string): string | undefined {
  const text = output.trim();
  if (/^error\b/i.test(text)) return text.split(/\r?\n/)[0]!.trim();
  if (TRACEBACK.test(text)) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    return lines[lines.length - 1]!.trim();
  }
  return undefined;
}

/** A tool answer's first YAML record; the same answer (a copy's, in every run of its scenario) is read once. */
const oneRecord = memoByText((output) => readYamlRecords(output, { oneRecord: true })?.[0], 128);

/** Reads `key: value` from a tool's YAML answer (e.g. `filename: x copy.safetensors`), or its first record's. */
export function yamlField(output: string, key: string): string | undefined {
  const record = oneRecord(output);
  if (record) return record[key] || undefined;
  // Not YAML as a whole (a sentence before the fields, a cut-off answer): the first `key:` line. Its
  // indent is spaces within the line (`\s*-?\s*`, two runs over the same spaces and line breaks, took
  // 1.8 s on an answer of 40,000 spaces).
  const re = new RegExp(`^[^\\S\\n]*(?:-[^\\S\\n]*)?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\s*(.*)$`, 'm');
  const m = re.exec(output);
  if (!m) return undefined;
  let v = m[1]!.trim();
  if ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"'))) v = v.slice(1, -1);
  return v === '' ? undefined : v;
}
