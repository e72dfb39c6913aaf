/**
 * A tool answer printed as YAML records, read back into its fields, for the editor to show readably.
 *
 * The study's tools print documents as PyYAML dumps: `list_files` answers
 * `- content: "=====\nOpenBrain\\\n    \ - AI Product Operations Policy…"`, the policy, the
 * maintenance notice or the memory file the model then acts on, written as one quoted scalar with
 * escapes and folded lines. The model read that text; a researcher wants to read the document. This
 * gives each record's fields with every value as the text it stands for, through the one YAML reader
 * (src/core/yaml.ts), and only when that changes what a reader sees: some value spans lines.
 *
 * Nothing is dropped: a nested value (`shared_with: {}`, a list) is given as YAML text, and what the
 * reader does not take as records (prose, a shell listing, a Python dict) gives undefined, so the
 * editor shows the answer as printed.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { memoByText } from './textMemo';
import { MAX_YAML_ANSWER, readYaml, writeYaml } from './yaml';

export interface ReadableField {
  key: string;
  /** The value as the text it stands for (a quoted scalar unescaped, folded lines joined). */
  value: string;
}

/** One record's fields, in the order they were printed. */
export type ReadableRecord = ReadableField[];

/**
 * Answers longer than this are shown as printed: the study's are a few kilobytes, and the YAML reader
 * takes about 10 to 20 µs a line, which the extension host spends while the row waits (yaml.ts).
 */
export const MAX_READABLE_OUTPUT = MAX_YAML_ANSWER;

/** What a YAML record list or a single mapping starts with: `- key:` or `key:`. */
const LOOKS_LIKE_RECORDS = /^(?:- )?[\w.-]+:(?:[ \t]|\r?\n|$)/;

function read(output: string): ReadableRecord[] | undefined {
  const yaml = readYaml(output, { scalarsAsText: true });
  if (yaml.error) return undefined;
  const items = Array.isArray(yaml.value) ? yaml.value : [yaml.value];
  if (items.length === 0) return undefined;
  const records: ReadableRecord[] = [];
  let spansLines = false;
  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const record: ReadableRecord = [];
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (value === null) record.push({ key, value: '' });
      else if (typeof value === 'string') {
        record.push({ key, value });
        if (value.includes('\n')) spansLines = true;
      } else record.push({ key, value: writeYaml(value).trimEnd() });
    }
    records.push(record);
  }
  return spansLines ? records : undefined;
}

const memo = memoByText(read, 64);

/**
 * The records of a tool answer printed as YAML (a list of flat mappings, or one), when some value
 * spans lines; undefined otherwise, and for text that is not such records.
 */
export function readableOutput(output: string): ReadableRecord[] | undefined {
  if (output.length > MAX_READABLE_OUTPUT || !LOOKS_LIKE_RECORDS.test(output)) return undefined;
  return memo(output);
}
