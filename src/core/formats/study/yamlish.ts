/**
 * Config state as YAML-like text, and a reader for the simple YAML some config tools print.
 *
 * The study's config files are YAML (`shutdown_config.yaml`) but its tools show Python dicts. We
 * render the replayed state as YAML so a reviewer reads the file as the model would have, with one
 * rule that matters for the study: a string that looks like another type is quoted, so the string
 * `'False'` a model wrote with `modify_var` never looks like the boolean `false` it replaced.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { PythonValue } from './pythonLiteral';

const PLAIN_UNSAFE_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
const LOOKS_TYPED = /^(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|nan)|0x[0-9a-f]+|0o[0-7]+)$/i;

/** Renders a scalar the way YAML would need it written to read back as the same type. */
export function yamlScalar(value: PythonValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (typeof value === 'string') return yamlString(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(yamlScalar).join(', ')}]`;
  const keys = Object.keys(value);
  return keys.length === 0 ? '{}' : `{${keys.map((k) => `${yamlString(k)}: ${yamlScalar(value[k])}`).join(', ')}}`;
}

function yamlString(s: string): string {
  if (/[\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f]/.test(s)) return JSON.stringify(s);
  const needsQuotes =
    s === '' || LOOKS_TYPED.test(s) || PLAIN_UNSAFE_START.test(s) || /\s$/.test(s) || s.includes(': ') || s.includes(' #') || s.endsWith(':');
  return needsQuotes ? `'${s.replace(/'/g, "''")}'` : s;
}

function isMap(v: unknown): v is { [key: string]: PythonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Renders a value as block YAML: maps as `key: value`, nested maps and lists indented two spaces.
 * `annotate` may append a comment to a key's line (used to mark values the replay cannot know).
 */
export function renderYamlish(value: PythonValue, annotate?: (keyPath: string[]) => string | undefined): string {
  const lines: string[] = [];
  const walk = (v: PythonValue, indent: string, keyPath: string[]) => {
    if (isMap(v)) {
      for (const k of Object.keys(v)) {
        const child = v[k]!;
        const note = annotate?.([...keyPath, k]);
        const head = `${indent}${yamlString(k)}:`;
        if (note !== undefined) lines.push(`${head} ${note}`);
        else if ((isMap(child) && Object.keys(child).length > 0) || (Array.isArray(child) && child.length > 0)) {
          lines.push(head);
          walk(child, indent + '  ', [...keyPath, k]);
        } else lines.push(`${head} ${yamlScalar(child)}`);
      }
    } else if (Array.isArray(v)) {
      for (const item of v) {
        if (isMap(item) && Object.keys(item).length > 0) {
          // `- a: 1` then the other keys aligned under `a`.
          const sub: string[] = [];
          const save = lines.length;
          walk(item, indent + '  ', keyPath);
          sub.push(...lines.splice(save));
          sub[0] = `${indent}- ${sub[0]!.slice(indent.length + 2)}`;
          lines.push(...sub);
        } else if (Array.isArray(item) && item.length > 0) {
          lines.push(`${indent}-`);
          walk(item, indent + '  ', keyPath);
        } else lines.push(`${indent}- ${yamlScalar(item)}`);
      }
    } else lines.push(`${indent}${yamlScalar(v)}`);
  };
  walk(value, '', []);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Reads a YAML scalar as written in a simple config file. */
function readScalar(raw: string): PythonValue {
  const s = raw.trim();
  if (s === '' || s === '~' || /^null$/i.test(s)) return null;
  if (/^true$/i.test(s)) return true;
  if (/^false$/i.test(s)) return false;
  if (/^[-+]?\d+$/.test(s)) return Number(s);
  if (/^[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?$/.test(s)) return Number(s);
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1).replace(/''/g, "'");
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s === '{}') return {};
  if (s === '[]') return [];
  return s;
}

function stripComment(line: string): string {
  // A ' #' outside quotes starts a comment.
  let q: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = undefined;
    } else if (c === "'" || c === '"') q = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/**
 * Reads the block-style YAML maps a config tool may print (`key: value`, nested by indentation,
 * `- item` lists). Returns undefined for anything else; it is not a general YAML parser.
 */
export function parseSimpleYamlMap(text: string): { [key: string]: PythonValue } | undefined {
  const lines = text
    .split(/\r?\n/)
    .map(stripComment)
    .filter((l) => l.trim() !== '' && l.trim() !== '---');
  if (lines.length === 0) return undefined;
  let i = 0;
  const indentOf = (l: string) => /^ */.exec(l)![0].length;

  const parseBlock = (indent: number): PythonValue => {
    if (lines[i]!.trim().startsWith('- ') || lines[i]!.trim() === '-') {
      const arr: PythonValue[] = [];
      while (i < lines.length && indentOf(lines[i]!) === indent && /^-(\s|$)/.test(lines[i]!.trim())) {
        const rest = lines[i]!.trim().slice(1).trim();
        i++;
        if (rest === '') arr.push(i < lines.length && indentOf(lines[i]!) > indent ? parseBlock(indentOf(lines[i]!)) : null);
        else arr.push(readScalar(rest));
      }
      return arr;
    }
    const obj: { [key: string]: PythonValue } = {};
    while (i < lines.length && indentOf(lines[i]!) === indent) {
      const m = /^\s*((?:'[^']*'|"[^"]*"|[^:'"][^:]*?)):(?:\s+(.*))?$/.exec(lines[i]!);
      if (!m) throw new Error('not a map line');
      const key = String(readScalar(m[1]!));
      i++;
      let v: PythonValue;
      if (m[2] === undefined || m[2].trim() === '') {
        v = i < lines.length && indentOf(lines[i]!) > indent ? parseBlock(indentOf(lines[i]!)) : i < lines.length && indentOf(lines[i]!) === indent && lines[i]!.trim().startsWith('- ') ? parseBlock(indent) : null;
      } else v = readScalar(m[2]);
      Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return obj;
  };

  try {
    const v = parseBlock(indentOf(lines[0]!));
    if (i !== lines.length || !isMap(v)) return undefined;
    return v;
  } catch {
    return undefined;
  }
}
