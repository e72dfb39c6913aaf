/**
 * Argument parsing shared by every `peerwatch` command: `node:util` parseArgs in strict mode, so an
 * unknown option or a missing value is an error (exit 2 with a usage line), never silently ignored.
 * parseArgs' own messages are rewritten to say what Peerwatch expects; values from a fixed list are
 * checked against the list the core defines (the zod enums in src/core/model.ts and friends).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A usage problem: the command prints it with its usage line and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** One option: parseArgs' description plus, for a string, how its value is named in messages. */
export type OptionSpec = Options[string] & { valueName?: string };

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `args` strictly against `options` (names without the leading `--`). Throws UsageError for
 * an unknown option, an option without its value, a boolean given a value, an option given twice,
 * or a positional argument where none is taken.
 */
export function parseCommandArgs(args: readonly string[], options: Record<string, OptionSpec>, allowPositionals: boolean): ParsedArgs {
  const config: Options = {};
  for (const [name, { valueName: _valueName, ...o }] of Object.entries(options)) config[name] = o;
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: config, strict: true, allowPositionals, tokens: true });
  } catch (e) {
    throw new UsageError(rewrite(e, options));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name) && !options[t.name]?.multiple) throw new UsageError(`${t.rawName} is given twice`);
    seen.add(t.name);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** parseArgs' errors, in Peerwatch's words (the option named as the user typed it). */
function rewrite(e: unknown, options: Record<string, OptionSpec>): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  // parseArgs names the option as '--rules', '--rules <value>' or '-o, --out <value>'.
  const quoted = /'(-[^']*?)(?: <value>)?'/.exec(message)?.[1]?.replace(', ', '/');
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']*)'/.exec(message)?.[1];
      return `unexpected argument ${arg !== undefined ? JSON.stringify(arg) : ''} (this command takes options only)`.replace('  ', ' ');
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted ?? '';
      const name = flag.replace(/^.*\//, '').replace(/^-+/, '');
      const spec = options[name] ?? Object.values(options).find((o) => o.short === name);
      if (spec?.type === 'boolean') return `${flag} takes no value`;
      const what = spec?.valueName ?? 'a value';
      // parseArgs refuses a value that starts with '-' (it may be a forgotten value): say how to pass one.
      return /ambiguous/.test(message) ? `${flag} needs ${what} (to pass one that starts with '-', write ${flag}=VALUE)` : `${flag} needs ${what}`;
    }
    default:
      return message;
  }
}

/** `value` when it is one of `allowed`; otherwise a UsageError listing the allowed values. */
export function oneOf<T extends string>(flag: string, value: string | boolean | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} expects one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

/** A string option's value (undefined when not given). */
export function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** True when `--help` or `-h` is among the arguments (help is printed whatever else was given). */
export function wantsHelp(args: readonly string[]): boolean {
  return args.some((a) => a === '--help' || a === '-h');
}

/**
 * A command's checked options, or the exit code when there is nothing more to do: 0 after printing
 * `usage` for `--help`, 2 after printing a UsageError with the usage line (the messages every
 * command gives: `peerwatch NAME: what is wrong`, the usage's first paragraph, where to read more).
 */
export function commandOptions<T>(name: string, usage: string, argv: readonly string[], parse: (argv: readonly string[]) => T, out: (s: string) => void, err: (s: string) => void): T | number {
  if (wantsHelp(argv)) {
    out(usage + '\n');
    return 0;
  }
  try {
    return parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(usageError(name, usage, e.message));
    return 2;
  }
}

/** The text of a usage error of `peerwatch NAME`. */
export function usageError(name: string, usage: string, message: string): string {
  return `peerwatch ${name}: ${message}\n${usage.split('\n\n')[0]}\n(peerwatch ${name} --help says more)\n`;
}

/** The options naming a model and its server (`peerwatch run`, `peerwatch judge`); keys never among them. */
export const MODEL_OPTIONS: Record<string, OptionSpec> = {
  model: { type: 'string', valueName: 'a model id' },
  provider: { type: 'string', valueName: 'openai or anthropic' },
  'base-url': { type: 'string', valueName: 'a URL' },
  'api-key-env': { type: 'string', valueName: 'the name of an environment variable' },
};

/** Refuses an API key given on the command line, before parsing (so the message never repeats the key). */
export function refuseKeyArguments(args: readonly string[]): void {
  if (args.some((a) => /^--(api-key|key)(=|$)/.test(a))) {
    throw new UsageError('API keys are not taken from the command line (other users can read it); put the key in an environment variable: OPENAI_API_KEY, ANTHROPIC_API_KEY, or one named with --api-key-env NAME');
  }
}
