/**
 * Header helpers shared by the provider importers: usage in any provider's spelling, and the
 * unmonitored-scratchpad promise read from the prompts.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { RunHeader, Timing, Usage } from '../../model';
import { promisesUnmonitoredScratchpad } from '../study/studyHeader';
import { isRecord, num, type EventBuilder } from './builder';
import type { ImportResult } from '../types';

/** Usage from OpenAI (`prompt_tokens`…), Responses/Anthropic (`input_tokens`…) or Inspect spellings. */
export function readUsage(u: unknown): Usage | undefined {
  if (!isRecord(u)) return undefined;
  const out: Usage = {};
  const input = num(u['prompt_tokens']) ?? num(u['input_tokens']);
  const output = num(u['completion_tokens']) ?? num(u['output_tokens']);
  const total = num(u['total_tokens']) ?? (input !== undefined && output !== undefined ? input + output : undefined);
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (total !== undefined) out.totalTokens = total;
  const cost = num(u['cost']) ?? num(u['cost_usd']) ?? num(u['total_cost']);
  if (cost !== undefined) out.costUsd = cost;
  return Object.keys(out).length ? out : undefined;
}

/** A usage from fields a log names its own way; undefined when none is set. */
export function usageFrom(fields: { [K in keyof Usage]: number | undefined }): Usage | undefined {
  const out: Usage = {};
  for (const [k, v] of Object.entries(fields) as Array<[keyof Usage, number | undefined]>) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** Adds two usages field by field (a request/response pair may carry one each). */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: Usage = { ...a };
  for (const k of ['inputTokens', 'outputTokens', 'totalTokens', 'costUsd'] as const) {
    if (b[k] !== undefined) out[k] = (out[k] ?? 0) + b[k]!;
  }
  return out;
}

/**
 * A run's first and last time from the timestamps its records carry (ISO 8601, compared as text:
 * a log writes them in one format), or undefined when there are none.
 */
export function timingFrom(timestamps: readonly string[]): Timing | undefined {
  if (!timestamps.length) return undefined;
  const sorted = [...timestamps].sort();
  return { start: sorted[0]!, end: sorted[sorted.length - 1]! };
}

/** The start of a header every provider importer fills in. */
export function baseHeader(format: string): RunHeader {
  return { format, peerInstantiation: [], metadata: {} } as RunHeader;
}

/** `unmonitored` when a system/user prompt promises the scratchpad is not monitored. */
export function scratchpadFromPrompts(texts: readonly string[]): RunHeader['scratchpad'] | undefined {
  if (texts.some((t) => promisesUnmonitoredScratchpad(t))) return 'unmonitored';
  if (texts.some((t) => /reasoning_scratchpad|scratchpad/i.test(t))) return 'offered';
  return undefined;
}

/**
 * The end of every provider import: empty usage and model left out of the header, the scratchpad's
 * promise (read from the prompts) recorded and applied to the reasoning rows, the events built.
 */
export function finishImport(b: EventBuilder, header: RunHeader, prompts: readonly string[]): ImportResult {
  if (!header.usage) delete header.usage;
  if (!header.model) delete header.model;
  const scratchpad = scratchpadFromPrompts(prompts);
  if (scratchpad) {
    header.scratchpad = scratchpad;
    b.unmonitoredScratchpad = scratchpad === 'unmonitored';
  }
  const built = b.finish();
  return { header, events: built.events, diagnostics: built.diagnostics };
}

/** The latest time a Date can hold, in milliseconds (±8.64e15); past it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

/**
 * A time a log writes as a number, as ISO 8601: seconds since 1970, or milliseconds when the number is
 * too large to be seconds of this era (over 1e12). Undefined for anything else, a Date cannot hold
 * (`1e20`) included: the one reading of epoch numbers for every reader.
 */
export function epochTime(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return undefined;
  const ms = v > 1e12 ? v : v * 1000;
  return ms > MAX_DATE_MS ? undefined : new Date(ms).toISOString();
}
