/**
 * The typed message protocol between the extension host and the Peerwatch editor's webview.
 * Every message is a zod schema; the host validates everything that arrives from the webview
 * (it runs transcript-derived UI, so its messages are treated as untrusted input).
 *
 * Pure module: imported by both the host bundle and the webview bundle.
 */
import { z } from 'zod';
import { Diagnostic, RunHeader, TranscriptEvent } from './model';

// ---- host → webview -------------------------------------------------------------------------

/** The whole document, sent in answer to `ready` and whenever the file is replaced on disk. */
export const InitMessage = z.object({
  type: z.literal('init'),
  fileName: z.string(),
  header: RunHeader,
  events: z.array(TranscriptEvent),
  diagnostics: z.array(Diagnostic),
  live: z.boolean(),
});

/** Events appended to a growing log (a run in progress). */
export const AppendMessage = z.object({
  type: z.literal('append'),
  events: z.array(TranscriptEvent),
  diagnostics: z.array(Diagnostic),
  header: RunHeader,
  live: z.boolean(),
});

/** The file could not be read as a transcript at all (not a transcript, unreadable). */
export const FatalMessage = z.object({
  type: z.literal('fatal'),
  fileName: z.string(),
  message: z.string(),
});

/** Scroll to and highlight one event. */
export const RevealMessage = z.object({
  type: z.literal('reveal'),
  index: z.number().int().nonnegative(),
});

export const ToWebview = z.discriminatedUnion('type', [InitMessage, AppendMessage, FatalMessage, RevealMessage]);
export type ToWebview = z.infer<typeof ToWebview>;

// ---- webview → host -------------------------------------------------------------------------

/** The webview has loaded its script and can receive `init`. */
export const ReadyMessage = z.object({ type: z.literal('ready') });

/** Open the log as text at the event's line or JSON path. */
export const OpenSourceMessage = z.object({
  type: z.literal('openSource'),
  index: z.number().int().nonnegative(),
});

/** The event the user focused (keeps commands such as Show Log Source in step). */
export const FocusMessage = z.object({
  type: z.literal('focus'),
  index: z.number().int().nonnegative(),
});

export const FromWebview = z.discriminatedUnion('type', [ReadyMessage, OpenSourceMessage, FocusMessage]);
export type FromWebview = z.infer<typeof FromWebview>;

/** Validates a message from the webview; `undefined` when it is not one the protocol knows. */
export function parseFromWebview(data: unknown): FromWebview | undefined {
  const r = FromWebview.safeParse(data);
  return r.success ? r.data : undefined;
}
