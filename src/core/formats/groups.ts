/**
 * The groups an event sits in (spans, agents, subagents, scorers), found from the thing it sits in
 * and that thing's parents: Inspect's spans, LangSmith's chain runs. Each one's list is found once
 * and shared by everything inside it, and holds at most MAX_GROUP_DEPTH groups, the outermost: an
 * Inspect sample of spans nested 4,000 deep (1.3 MB) took 6 s and 1 GB to read while each event
 * walked and copied its whole chain of spans; a LangSmith trace of 4,000 nested chains, 6 s.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { EventGroup } from '../model';

/** The most groups an event is shown in; a deeper nesting is shown within the outermost ones. */
export const MAX_GROUP_DEPTH = 64;

export class GroupChains<K> {
  private memo = new Map<K, readonly EventGroup[]>();
  /** Some chain was deeper than MAX_GROUP_DEPTH (its innermost groups are left out). */
  capped = false;

  /**
   * @param parentOf the parent of a key, undefined at the top
   * @param groupOf the group a key makes, undefined for one that makes none (its parents still count)
   */
  constructor(
    private readonly parentOf: (key: K) => K | undefined,
    private readonly groupOf: (key: K) => EventGroup | undefined,
  ) {}

  /** The groups of `key` and its parents, outermost first (at most MAX_GROUP_DEPTH). Do not change it. */
  of(key: K): readonly EventGroup[] {
    const known = this.memo.get(key);
    if (known) return known;
    // Up to the first key whose list is known, or the top (a loop of parents ends where it closes).
    const path: K[] = [];
    const seen = new Set<K>();
    let groups: readonly EventGroup[] = [];
    for (let k: K | undefined = key; k !== undefined && !seen.has(k); k = this.parentOf(k)) {
      const memo = this.memo.get(k);
      if (memo) {
        groups = memo;
        break;
      }
      seen.add(k);
      path.push(k);
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const g = this.groupOf(path[i]!);
      if (g) {
        if (groups.length < MAX_GROUP_DEPTH) groups = [...groups, g];
        else this.capped = true;
      }
      this.memo.set(path[i]!, groups);
    }
    return groups;
  }

  /** Forgets every list (a group changed, or a key was defined again). */
  clear(): void {
    this.memo.clear();
  }
}

/** `outer` then `inner`, at most MAX_GROUP_DEPTH of them (the outermost). */
export function nestGroups(outer: readonly EventGroup[], inner: readonly EventGroup[]): EventGroup[] {
  return [...outer, ...inner].slice(0, MAX_GROUP_DEPTH);
}
