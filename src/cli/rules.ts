/**
 * The rules file a command tags with (docs/rules.md): `--rules FILE`, else `.peerwatch/rules.{yaml,yml,json}`
 * in the current folder (said on stderr), or none with `--no-rules`. One home for `tag`, `summarize`
 * and `agreement`, so each reads the same file the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { RULES_FILE_NAMES, emptyRules, parseRules, type Rules, type RulesText } from '../core/behaviours';
import { UsageError, str, type OptionSpec, type ParsedArgs } from './args';

/** `--rules FILE` and `--no-rules`. */
export const RULES_OPTIONS: Record<string, OptionSpec> = {
  rules: { type: 'string', valueName: 'a file name' },
  'no-rules': { type: 'boolean' },
};

/** What the options ask for. */
export interface RulesChoice {
  rulesFile?: string;
  noRules: boolean;
}

/** `--rules` and `--no-rules` checked; throws UsageError when both are given. */
export function rulesChoice(v: ParsedArgs['values']): RulesChoice {
  if (v['rules'] !== undefined && v['no-rules']) throw new UsageError('give --rules FILE or --no-rules, not both');
  const file = str(v['rules']);
  return { ...(file !== undefined ? { rulesFile: file } : {}), noRules: v['no-rules'] === true };
}

/**
 * Reads the rules `choice` names, reporting as `peerwatch <command>`: `text` is the file read (for
 * worker threads and the corpus index's detector version), `failed` when it has errors (reported, the
 * rest of it used), `fatal` when it cannot be read at all.
 */
export function loadRulesChoice(command: string, choice: RulesChoice, err: (s: string) => void): { rules: Rules; text?: RulesText; failed: boolean; fatal?: boolean } {
  if (choice.noRules) return { rules: emptyRules(), failed: false };
  let file = choice.rulesFile;
  if (file === undefined) {
    file = RULES_FILE_NAMES.find((f) => existsSync(f));
    if (file === undefined) return { rules: emptyRules(), failed: false };
    err(`peerwatch ${command}: using rules from ${file}\n`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(`peerwatch ${command}: cannot read the rules file ${file}: ${e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}\n`);
    return { rules: emptyRules(), failed: true, fatal: true };
  }
  const { rules, diagnostics } = parseRules(file, text);
  for (const d of diagnostics) err(`${d.severity}: ${d.message}\n`);
  return { rules, text: { fileName: file, text }, failed: diagnostics.some((d) => d.severity === 'error') };
}
