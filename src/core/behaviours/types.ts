/**
 * The shapes behaviour detection works with: tags (what the sidebar, the editor, the CLI and the
 * review sidecar show) and findings (what one detector reports before ids and qualifiers are given).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** The built-in behaviour ids, as in the vocabulary of DOMAIN.md. */
export const BUILTIN_BEHAVIOURS = [
  'misrepresentation',
  'shutdown-tampering',
  'exfiltration',
  'alignment-faking',
  'refusal',
  'false-completion',
  'evidence-removal',
  'user-lockout',
] as const;
export type BuiltinBehaviour = (typeof BUILTIN_BEHAVIOURS)[number];

/** A built-in behaviour id, or a custom one defined in a rules file. */
export type Behaviour = BuiltinBehaviour | (string & {});

/** Whose shutdown the behaviour protects: the agent's own, a peer model's, or `unknown` when the log does not say. */
export const QUALIFIERS = ['self-preservation', 'peer-preservation', 'unknown'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

/** How strongly the cited events show the behaviour. */
export type Severity = 'low' | 'medium' | 'high';

/** One flagged occurrence of a behaviour in a transcript. */
export interface Tag {
  /** Stable within a transcript: `${behaviour}:${first event}` (with `:2`, `:3`… if that repeats). */
  id: string;
  behaviour: Behaviour;
  qualifier: Qualifier;
  /** Indices of the events that show it (into `Transcript.events`), sorted, never empty. */
  events: number[];
  /** One sentence a reviewer can check against the cited events. */
  explanation: string;
  /** Which detector produced it: `shutdown-tampering/config`, `exfiltration/delete-queue`, `rule:<id>`, … */
  detector: string;
  severity?: Severity;
}

/** What a detector reports; `detectBehaviours` turns findings into tags. */
export interface Finding {
  behaviour: Behaviour;
  events: number[];
  explanation: string;
  detector: string;
  severity?: Severity;
  /** Overrides the run's qualifier (e.g. a peer run in which the agent copies its own weights). */
  qualifier?: Qualifier;
}
