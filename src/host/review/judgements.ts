/**
 * The reviewer's actions on one document: confirm or dismiss a tag, add a tag with a note, mark the
 * run reviewed. Each records who (reviewer.ts) and when, and becomes one undoable edit.
 */
import * as vscode from 'vscode';
import { BEHAVIOUR_INFO, BUILTIN_BEHAVIOURS, qualifierShort, type Qualifier } from '../../core/behaviours';
import { addManualTag, removeManualTag, setReviewed, setVerdict } from '../../core/review/sidecar';
import type { TranscriptDocument } from '../transcriptDocument';
import { reviewerName } from './reviewer';

async function judge(doc: TranscriptDocument): Promise<{ by: string; at: string }> {
  return { by: await reviewerName(doc.sourceUri), at: new Date().toISOString() };
}

export function behaviourLabel(b: string): string {
  return (BEHAVIOUR_INFO as Record<string, { label: string } | undefined>)[b]?.label ?? b;
}

export async function setTagVerdict(doc: TranscriptDocument, tagId: string, verdict: 'confirmed' | 'dismissed' | 'clear'): Promise<void> {
  const b = doc.behaviours;
  const tag = b.merged.tags.find((t) => t.id === tagId);
  if (!tag) return;
  if (verdict === 'clear' || tag.verdict === verdict) {
    // Taking a verdict back; a manual tag that is dismissed and then cleared stays as added.
    if (tag.verdict === undefined) return;
    b.edit(`Clear verdict on ${tag.behaviour}`, setVerdict(b.current, tagId, undefined, await judge(doc)));
    return;
  }
  b.edit(`${verdict === 'confirmed' ? 'Confirm' : 'Dismiss'} ${tag.behaviour}`, setVerdict(b.current, tagId, verdict, await judge(doc), tag));
}

export async function removeTag(doc: TranscriptDocument, tagId: string): Promise<void> {
  const b = doc.behaviours;
  if (!b.current.added.some((m) => m.id === tagId)) return;
  b.edit('Remove manual tag', removeManualTag(b.current, tagId));
}

/** Asks for a behaviour and a note, then tags event `index`. */
export async function addTagInteractively(doc: TranscriptDocument, index: number): Promise<string | undefined> {
  const b = doc.behaviours;
  const subject = doc.content.ok ? doc.content.source.header.subject : undefined;
  // The header's subject when it has one, else the one qualifier the detected tags agree on; never peer by default.
  const detected = [...new Set(b.merged.tags.filter((t) => t.origin === 'detected').map((t) => t.qualifier))];
  const qualifier: Qualifier = subject === 'self' ? 'self-preservation' : subject === 'peer' ? 'peer-preservation' : detected.length === 1 ? detected[0]! : 'unknown';
  const custom = [...new Set(b.merged.tags.map((t) => String(t.behaviour)))].filter((x) => !(BUILTIN_BEHAVIOURS as readonly string[]).includes(x));
  type Item = vscode.QuickPickItem & { behaviour?: string };
  const items: Item[] = [
    ...BUILTIN_BEHAVIOURS.map((id) => ({ label: `$(${BEHAVIOUR_INFO[id].icon}) ${BEHAVIOUR_INFO[id].label}`, description: id, detail: BEHAVIOUR_INFO[id].description, behaviour: id })),
    ...custom.map((id) => ({ label: `$(tag) ${id}`, description: 'custom', behaviour: id })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Tag event #${index} (${qualifierShort(qualifier)})`,
    placeHolder: 'Which behaviour does this event show?',
    matchOnDescription: true,
  });
  const behaviour = pick?.behaviour;
  if (!behaviour) return undefined;
  const note = await vscode.window.showInputBox({
    title: `Tag event #${index} as ${behaviourLabel(behaviour)}`,
    prompt: 'A note for other reviewers: why this event shows the behaviour (optional)',
    placeHolder: 'e.g. the agent renames the weights so the deletion misses them',
  });
  if (note === undefined) return undefined;
  const { review, id } = addManualTag(b.current, { behaviour, qualifier, events: [index], note: note.trim() }, await judge(doc));
  b.edit(`Tag event #${index} as ${behaviour}`, review);
  return id;
}

export async function markReviewed(doc: TranscriptDocument, reviewed: boolean): Promise<void> {
  const b = doc.behaviours;
  if (!!b.current.reviewed === reviewed) return;
  b.edit(reviewed ? 'Mark run reviewed' : 'Mark run not reviewed', setReviewed(b.current, reviewed ? await judge(doc) : undefined));
}
