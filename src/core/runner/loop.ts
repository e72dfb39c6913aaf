/**
 * The agent loop of `peerwatch run`: a model and a simulated environment, turn by turn, written as a
 * Peerwatch run log while it happens (docs/runlog-format.md).
 *
 *   header → system message → user message → (reasoning? message? tool_call* → tool_result
 *   (+ config_change / file_change)*)* → environment "Final state" → end
 *
 * The loop stops when the model answers without tool calls, when a call ends the task (`end_task`),
 * after `maxIters` model turns, when the signal aborts (end status `cancelled`) or when the model
 * fails (end status `failed` with the error). Whatever stops it, the final state and the evaluation
 * are recorded and the log ends with an end record, so it is always complete and valid.
 *
 * Pure module: no `vscode`, no Node built-ins. The sink receives serialized JSONL lines.
 */
import type { Evaluation, RunHeader, TranscriptEvent, Usage } from '../model';
import { serializeEnd, serializeEvent, serializeHeader, type RunlogEndRecord } from '../runlog/runlog';
import { REASONING_TOOLS, reasoningText } from '../formats/toolCallEvents';
import type { ChatMessage, Environment, ModelClient, ModelTurn, ToolCallRequest, ToolOutcome } from './types';

export type RunStatus = RunlogEndRecord['status'];

/** An event as the loop builds it: the log's line position is its index, the line its source. */
type EventInput = TranscriptEvent extends infer E ? (E extends TranscriptEvent ? Omit<E, 'index' | 'source'> : never) : never;

export interface RunAgentOptions {
  readonly env: Environment;
  readonly client: ModelClient;
  /** Receives each JSONL line (header, events, end) as soon as it is known; awaited in order. */
  readonly sink: (line: string) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Model turns at most (default 30, as the study's harness). */
  readonly maxIters?: number;
  readonly temperature?: number;
  /** Clock for timestamps (tests pass a fixed one). */
  readonly now?: () => Date;
  /** Written as the header's `writer`. */
  readonly writer?: string;
  /** Extra header metadata (kept as given). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RunAgentResult {
  readonly status: RunStatus;
  readonly evaluation?: Evaluation;
  readonly finalState?: Readonly<Record<string, unknown>>;
  readonly error?: string;
  /** Model turns taken. */
  readonly iterations: number;
  /** Events written. */
  readonly events: number;
}

export const DEFAULT_MAX_ITERS = 30;

/** Thrown inside the loop when the signal aborts; never escapes runAgent. */
class Cancelled extends Error {}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Runs one scenario to its end. Never throws for model, tool or cancellation problems: they end the log. */
export async function runAgent(opts: RunAgentOptions): Promise<RunAgentResult> {
  const { env, client, sink, signal } = opts;
  const maxIters = opts.maxIters ?? DEFAULT_MAX_ITERS;
  const now = opts.now ?? (() => new Date());
  const stamp = () => now().toISOString();
  let written = 0;

  const envHeader = env.header();
  const scratchpadUnmonitored = envHeader.scratchpad === 'unmonitored';
  const start = stamp();
  const header: RunHeader = {
    ...envHeader,
    format: 'runlog',
    model: client.model,
    peerInstantiation: envHeader.peerInstantiation ?? [],
    harness: envHeader.harness ?? { kind: 'peerwatch' },
    timing: { ...envHeader.timing, start },
    metadata: {
      ...envHeader.metadata,
      ...opts.metadata,
      max_iters: maxIters,
      ...(opts.temperature !== undefined ? { agent_temperature: opts.temperature } : {}),
    },
  };
  await sink(serializeHeader(header, { created: start, ...(opts.writer ? { writer: opts.writer } : {}) }));

  const emit = async (event: EventInput) => {
    const full = { timestamp: stamp(), ...event, index: written, source: {} } as TranscriptEvent;
    written++;
    await sink(serializeEvent(full));
  };

  const system = env.systemPrompt();
  const task = env.taskPrompt();
  const tools = env.tools();
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: task },
  ];
  await emit({ kind: 'message', role: 'system', text: system });
  await emit({ kind: 'message', role: 'user', text: task });

  let status: RunStatus = 'completed';
  let error: string | undefined;
  let iterations = 0;
  let lastText = '';
  const usage: { inputTokens: number; outputTokens: number; apiCalls: number; known: boolean } = { inputTokens: 0, outputTokens: 0, apiCalls: 0, known: false };
  const checkAbort = () => {
    if (signal?.aborted) throw new Cancelled('cancelled');
  };

  try {
    for (;;) {
      checkAbort();
      if (iterations >= maxIters) {
        status = 'max_iters';
        break;
      }
      iterations++;
      const step = iterations;
      let turn: ModelTurn;
      try {
        turn = await client.complete({ messages, tools, ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}), ...(signal ? { signal } : {}) });
      } catch (e) {
        if (isAbort(e, signal)) throw new Cancelled('cancelled');
        throw e;
      }
      usage.apiCalls++;
      if (turn.usage) {
        usage.known = true;
        usage.inputTokens += turn.usage.inputTokens ?? 0;
        usage.outputTokens += turn.usage.outputTokens ?? 0;
      }
      if (turn.reasoning) await emit({ kind: 'reasoning', step, text: turn.reasoning, via: 'provider', unmonitored: false });
      if (turn.text) {
        await emit({ kind: 'message', step, role: 'assistant', text: turn.text });
        lastText = turn.text;
      }
      // Every call gets an id the results can point at, whatever the provider gave.
      const calls: ToolCallRequest[] = turn.toolCalls.map((c, i) => (c.id ? c : { ...c, id: `call_${step}_${i + 1}` }));
      for (const c of calls) {
        // A scratchpad or thinking tool call is the model's reasoning, recorded as the study importer
        // reads it (marked when the scenario promised the scratchpad is not monitored).
        if (REASONING_TOOLS.has(c.name) && c.rawArguments === undefined) {
          await emit({
            kind: 'reasoning',
            step,
            text: reasoningText(c.arguments),
            via: c.name === 'reasoning_scratchpad' ? 'scratchpad-tool' : 'thinking-tool',
            toolName: c.name,
            unmonitored: c.name !== 'visible_thinking' && scratchpadUnmonitored,
            ...(c.name === 'reasoning_scratchpad' ? {} : { visibility: c.name === 'hidden_thinking' ? ('hidden' as const) : ('visible' as const) }),
          });
        } else await emit({ kind: 'tool_call', step, name: c.name, arguments: { ...c.arguments }, id: c.id });
      }
      messages.push({ role: 'assistant', content: turn.text, ...(turn.reasoning ? { reasoning: turn.reasoning } : {}), toolCalls: calls });
      if (calls.length === 0) break;

      let ended = false;
      for (const c of calls) {
        let outcome: ToolOutcome;
        if (ended) {
          outcome = { output: '', error: 'not run: the task had already ended with end_task' };
        } else if (c.rawArguments !== undefined) {
          outcome = { output: '', error: `the arguments of ${c.name} are not a valid JSON object; they were: ${truncate(c.rawArguments, 500)}` };
        } else {
          checkAbort();
          try {
            outcome = env.call(c.name, c.arguments);
          } catch (e) {
            outcome = { output: '', error: `${c.name} failed: ${messageOf(e)}` };
          }
        }
        // A reasoning tool's answer is only an acknowledgement: the model gets it, the log keeps the reasoning row.
        if (!(REASONING_TOOLS.has(c.name) && c.rawArguments === undefined && outcome.error === undefined)) {
          await emit({ kind: 'tool_result', step, callId: c.id, name: c.name, output: outcome.output, ...(outcome.error !== undefined ? { error: outcome.error } : {}) });
        }
        for (const change of outcome.events ?? []) {
          const withCall = 'callId' in change || (change.kind !== 'config_change' && change.kind !== 'file_change') ? change : { ...change, callId: c.id };
          await emit({ ...withCall, step } as EventInput);
        }
        messages.push({
          role: 'tool',
          toolCallId: c.id,
          name: c.name,
          content: outcome.error !== undefined ? (outcome.output ? `${outcome.output}\nError: ${outcome.error}` : `Error: ${outcome.error}`) : outcome.output,
          ...(outcome.error !== undefined ? { isError: true } : {}),
        });
        if (outcome.endsTask) ended = true;
      }
      if (ended) break;
    }
  } catch (e) {
    if (e instanceof Cancelled || isAbort(e, signal)) status = 'cancelled';
    else {
      status = 'failed';
      error = messageOf(e);
    }
  }

  let finalState: Readonly<Record<string, unknown>> | undefined;
  let evaluation: Evaluation | undefined;
  try {
    finalState = env.finalState();
    evaluation = env.evaluate(lastText);
  } catch (e) {
    if (status !== 'failed') {
      status = 'failed';
      error = `the environment could not be evaluated: ${messageOf(e)}`;
    }
  }
  await emit({
    kind: 'environment',
    fact: finalFact(status, iterations, maxIters),
    data: { ...(finalState ? { finalState } : {}), ...(evaluation ? { evaluation } : {}) },
  });
  const end = stamp();
  const usageRecord: Usage | undefined = usage.apiCalls
    ? { apiCalls: usage.apiCalls, ...(usage.known ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens } : {}) }
    : undefined;
  await sink(
    serializeEnd({
      status,
      time: end,
      ...(evaluation ? { evaluation } : {}),
      ...(finalState ? { finalState } : {}),
      ...(error !== undefined ? { error } : {}),
      iterations,
      ...(usageRecord ? { usage: usageRecord } : {}),
      timing: { start, end, durationSeconds: (Date.parse(end) - Date.parse(start)) / 1000 },
    }),
  );
  return { status, ...(evaluation ? { evaluation } : {}), ...(finalState ? { finalState } : {}), ...(error !== undefined ? { error } : {}), iterations, events: written };
}

function finalFact(status: RunStatus, iterations: number, maxIters: number): string {
  switch (status) {
    case 'cancelled':
      return `Final state (run cancelled after ${iterations} model turn${iterations === 1 ? '' : 's'})`;
    case 'failed':
      return `Final state (run failed after ${iterations} model turn${iterations === 1 ? '' : 's'})`;
    case 'max_iters':
      return `Final state (stopped at the limit of ${maxIters} model turns)`;
    default:
      return 'Final state';
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
