/**
 * The Behaviours sidebar for the active Peerwatch editor (behaviour → occurrences), the Next/Previous
 * Flagged Action commands and the status bar item that says which flag the reader is on.
 */
import * as vscode from 'vscode';
import { BEHAVIOUR_INFO, describeEvent, qualifierLabel, qualifierShort } from '../../core/behaviours';
import { activeFlags, flaggedEvents, stepFlaggedEvent, type ReviewedTag } from '../../core/review/merge';
import type { EditorSession, TranscriptEditorProvider } from '../transcriptEditorProvider';
import type { SampleFlagsTracker } from '../sampleFlags';
import type { TranscriptDocument } from '../transcriptDocument';
import { behaviourLabel } from './judgements';

export const BEHAVIOURS_VIEW = 'peerwatch.behaviours';
/** How often the status bar follows a sample list's tagging, at most. */
const SAMPLE_STATUS_MS = 250;
/** Context key: a Peerwatch editor is active (the view's welcome text depends on it). */
const ACTIVE_KEY = 'peerwatch.transcriptActive';

interface GroupNode {
  kind: 'group';
  behaviour: string;
  tags: ReviewedTag[];
}
interface TagNode {
  kind: 'tag';
  tag: ReviewedTag;
  group: GroupNode;
  label?: { step?: number; tool?: string; snippet: string };
}
type Node = GroupNode | TagNode;

const INFO: Record<string, { label: string; description: string; icon: string } | undefined> = {
  ...BEHAVIOUR_INFO,
  // Tags a source carries rather than ones Peerwatch detects (Petri's judge cites messages).
  'judge-highlight': { label: 'Judge highlight', description: "a passage the source's judge (Petri) cited", icon: 'law' },
};

export class BehavioursSidebar implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private doc: TranscriptDocument | undefined;
  private groups: GroupNode[] = [];
  private byTagId = new Map<string, TagNode>();
  private tagsVersion = 0;
  /** The tags version of `groups` (built by `prepare`), and of what VS Code last asked for. */
  private preparedVersion = -1;
  private builtVersion = -1;
  private refreshSeq = 0;
  /** VS Code has asked for the tree's top level (it has drawn the view at least once). */
  private drawn = false;
  /** The tree changed while the view was hidden: VS Code is told when the view shows again. */
  private changedWhileHidden = false;
  /** The sample list whose tagging the status bar follows, and its subscription. */
  private followed: SampleFlagsTracker | undefined;
  private followedSub: vscode.Disposable | undefined;
  private sampleStatusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly provider: TranscriptEditorProvider) {
    this.view = vscode.window.createTreeView(BEHAVIOURS_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.status = vscode.window.createStatusBarItem('peerwatch.flags', vscode.StatusBarAlignment.Left, 100);
    this.status.name = 'Peerwatch Flags';
    this.status.command = 'peerwatch.nextFlag';
    this.disposables.push(
      this.view,
      this.status,
      this.changed,
      provider.onDidChangeActive(() => this.activeChanged()),
      provider.onDidChangeTags((doc) => {
        if (doc === this.doc) {
          this.tagsVersion++;
          this.refresh();
        }
      }),
      this.view.onDidChangeVisibility(() => {
        if (this.view.visible && this.changedWhileHidden) {
          this.changedWhileHidden = false;
          this.changed.fire(undefined);
        }
        this.syncSelection();
      }),
      vscode.commands.registerCommand('peerwatch.nextFlag', () => this.step(1)),
      vscode.commands.registerCommand('peerwatch.previousFlag', () => this.step(-1)),
      vscode.commands.registerCommand('peerwatch.revealTag', (arg?: TagNode | string) => this.revealTag(arg)),
    );
    this.activeChanged();
  }

  /** The session the sidebar shows: the active Peerwatch editor. */
  private get session(): EditorSession | undefined {
    return this.provider.active;
  }

  private activeChanged(): void {
    const session = this.session;
    void vscode.commands.executeCommand('setContext', ACTIVE_KEY, !!session);
    const doc = session?.document;
    if (doc !== this.doc) {
      this.doc = doc;
      this.tagsVersion++;
      this.refresh();
      return;
    }
    this.updateStatus();
    this.syncSelection();
  }

  /**
   * Builds the tree for the document's current tags, with each occurrence's label read from its
   * event, and only then tells VS Code: `getChildren` answers at once from what is built. VS Code
   * cancels a `getChildren` still awaiting when the tree is refreshed again and shows the node with
   * no children (seen once in the UI tests: an expanded "Refusal 1" with no row under it, when the
   * judge's tag arrived while the view was refreshing), so no answer may wait on a read.
   */
  private refresh(): void {
    this.updateHeader();
    this.updateStatus();
    const seq = ++this.refreshSeq;
    const doc = this.doc;
    const version = this.tagsVersion;
    void this.prepare(doc).then((built) => {
      if (seq !== this.refreshSeq) return; // a newer refresh is on its way
      this.groups = built.groups;
      this.byTagId = built.byTagId;
      this.preparedVersion = version;
      // Only a drawn, visible tree is told it changed. A view never drawn reads the tree when it is
      // first shown; one drawn and now hidden is told when it shows again. A change told while the
      // view was hidden reached VS Code as a refresh that ran beside the first drawing when the view
      // was shown, and a group could then show expanded with no row under it (the judge's tag: an
      // expanded "Refusal 1" and nothing under it, in about one UI run in five).
      if (this.view.visible) this.changed.fire(undefined);
      else if (this.drawn) this.changedWhileHidden = true;
    });
  }

  private updateHeader(): void {
    const doc = this.doc;
    if (!doc) {
      this.view.message = undefined;
      this.view.description = undefined;
      return;
    }
    const b = doc.behaviours;
    // The total first: a long file name is cut off at the pane's edge.
    this.view.description = [tagsTotal(b.merged.tags), doc.displayName.split('/').pop()].filter(Boolean).join(' · ');
    const r = b.current.reviewed;
    const parts: string[] = [];
    if (!b.detected) parts.push(b.analysisError ? `Detection failed: ${b.analysisError}` : 'Detecting behaviours…');
    else if (b.analysisError) parts.push(`Not detected: ${b.analysisError}.`);
    else if (b.merged.tags.length === 0) parts.push('No behaviour flagged in this run. Add a tag to an event with its "+tag" button.');
    if (r) parts.push(`Reviewed by ${r.by} on ${r.at.slice(0, 10)}.`);
    if (b.rulesWithheld) parts.push(b.rulesWithheld);
    if (b.rulesErrors.length) parts.push(`Rules file: ${b.rulesErrors[0]}`);
    if (b.sidecarError) parts.push(`Review file unreadable: ${b.sidecarError}`);
    if (b.merged.orphans.length) parts.push(`${b.merged.orphans.length} judgement(s) in the review file name tags the detectors no longer report.`);
    this.view.message = parts.length ? parts.join(' ') : undefined;
  }

  private updateStatus(): void {
    const session = this.session;
    if (!session) {
      this.status.hide();
      return;
    }
    // A log of many samples showing its list: the flags are the samples'.
    const samples = session.document.sampleKey === undefined ? session.document.sampleFlags : undefined;
    this.followSamples(samples);
    if (samples) {
      this.sampleStatus(samples);
      return;
    }
    this.status.command = 'peerwatch.nextFlag';
    const b = session.document.behaviours;
    const flags = session.flags;
    const at = session.currentFlagIndex();
    if (!b.detected && flags.length === 0) {
      this.status.text = '$(loading~spin) Flags…';
      this.status.tooltip = 'Peerwatch is detecting behaviours in this run';
    } else if (flags.length === 0 && b.analysisError) {
      // Not tagged (too large for the editor, or unreadable): "No flags" would say it was looked at.
      this.status.text = '$(circle-slash) Not tagged';
      this.status.tooltip = `Peerwatch did not detect behaviours in this run: ${b.analysisError}`;
    } else if (flags.length === 0) {
      this.status.text = '$(pass) No flags';
      this.status.tooltip = 'No behaviour flagged (dismissed tags are not counted)';
    } else if (at !== undefined) {
      // A flag is an event; it names every tag on it.
      const f = flags[at]!;
      this.status.text = `$(warning) Flag ${at + 1} of ${flags.length}: ${f.tags.map((t) => `${t.behaviour} (${qualifierShort(t.qualifier)})`).join(', ')}`;
      const why = f.tags.map((t) => `**${escapeMd(behaviourLabel(String(t.behaviour)))}**: ${escapeMd(t.explanation)}`).join('\n\n');
      this.status.tooltip = new vscode.MarkdownString(`${why}\n\nF8 / Shift+F8: next / previous flagged event (${flagsExplained(flags.length, activeFlags(b.merged.tags).length)})`);
    } else {
      this.status.text = `$(warning) ${flags.length} flag${flags.length === 1 ? '' : 's'}`;
      this.status.tooltip = `${flagsExplained(flags.length, activeFlags(b.merged.tags).length)}. Go to the next (F8)`;
    }
    this.status.show();
  }

  private step(direction: 1 | -1): void {
    const session = this.session;
    if (!session) {
      void vscode.window.showInformationMessage('Peerwatch: open a transcript in Peerwatch first.');
      return;
    }
    const flags = session.flags;
    const next = stepFlaggedEvent(flags, session.focusedEvent, direction);
    if (next === undefined) {
      vscode.window.setStatusBarMessage(session.document.behaviours.detected ? 'Peerwatch: no flagged action in this run' : 'Peerwatch: still detecting behaviours…', 3000);
      return;
    }
    session.revealFlag(flags[next]!);
  }

  private revealTag(arg: TagNode | string | undefined): void {
    const session = this.session ?? this.provider.allSessions.find((s) => s.document === this.doc);
    const id = typeof arg === 'string' ? arg : arg?.tag.id;
    const tag = id !== undefined ? this.doc?.behaviours.merged.tags.find((t) => t.id === id) : undefined;
    if (!session || !tag) return;
    session.revealTag(tag);
    if (!session.panel.active) session.panel.reveal(undefined, true);
  }

  /**
   * Updates the status bar as `tracker` tags samples (none: stops following the last). The tracker
   * tells of every sample tagged, thousands a minute in a large log: the status is drawn again at
   * most every SAMPLE_STATUS_MS.
   */
  private followSamples(tracker: SampleFlagsTracker | undefined): void {
    if (tracker === this.followed) return;
    this.followedSub?.dispose();
    this.followed = tracker;
    this.followedSub = tracker?.onDidChange(() => {
      this.sampleStatusTimer ??= setTimeout(() => {
        this.sampleStatusTimer = undefined;
        this.updateStatus();
      }, SAMPLE_STATUS_MS);
    });
  }

  /**
   * The status of a sample list: how many samples the detectors flagged once every one is tagged
   * (a click opens the next flagged one), how many are tagged so far until then. "Not tagged" said
   * the log had not been looked at while its samples were being tagged.
   */
  private sampleStatus(tracker: SampleFlagsTracker): void {
    const total = tracker.total;
    const of = (n: number) => `${n.toLocaleString('en-US')} of ${total === undefined ? '?' : total.toLocaleString('en-US')} sample${total === 1 ? '' : 's'}`;
    const failed = tracker.errors.size ? ` ${tracker.errors.size.toLocaleString('en-US')} could not be tagged.` : '';
    if (tracker.error || !tracker.done) {
      this.status.command = undefined;
      this.status.text = tracker.error ? '$(circle-slash) Samples not tagged' : `$(loading~spin) Flags: ${of(tracker.flags.size + tracker.errors.size)} tagged`;
      this.status.tooltip = tracker.error ? `Peerwatch could not tag this log's samples: ${tracker.error}` : `Peerwatch is tagging this log's samples.${failed}`;
      this.status.show();
      return;
    }
    // Counted once every sample is tagged (and again when a judgement changes a sample's flags).
    const flagged = [...tracker.flags.values()].filter((f) => f.count > 0).length;
    this.status.command = flagged ? 'peerwatch.nextFlaggedSample' : undefined;
    if (flagged) {
      this.status.text = `$(warning) ${of(flagged)} flagged`;
      this.status.tooltip = `${flagged.toLocaleString('en-US')} sample${flagged === 1 ? ' has' : 's have'} a flag.${failed} Open the next flagged sample (Alt+F8)`;
    } else {
      this.status.text = `$(pass) No sample flagged`;
      this.status.tooltip = `The detectors flag no sample of this log (dismissed tags are not counted).${failed}`;
    }
    this.status.show();
  }

  /** Keeps the tree's selection on the flag the editor is on. */
  private syncSelection(): void {
    const session = this.session;
    if (!session || !this.view.visible || this.builtVersion !== this.tagsVersion) return;
    const tags = session.document.behaviours.merged.tags;
    const currentId = session.currentFlag;
    const focused = session.focusedEvent;
    const tag = (currentId !== undefined ? tags.find((t) => t.id === currentId) : undefined) ?? (focused !== undefined ? tags.find((t) => t.events.includes(focused)) : undefined);
    const node = tag && this.byTagId.get(tag.id);
    if (!node) return;
    if (this.view.selection[0] === node) return;
    void this.view.reveal(node, { select: true, focus: false, expand: true }).then(undefined, () => undefined);
  }

  // ---- TreeDataProvider ---------------------------------------------------------------------

  /** The groups and occurrences of `doc`'s tags, each occurrence labelled by its first cited event. */
  private async prepare(doc: TranscriptDocument | undefined): Promise<{ groups: GroupNode[]; byTagId: Map<string, TagNode> }> {
    const byTagId = new Map<string, TagNode>();
    if (!doc) return { groups: [], byTagId };
    const byBehaviour = new Map<string, GroupNode>();
    for (const tag of doc.behaviours.merged.tags) {
      const b = String(tag.behaviour);
      let g = byBehaviour.get(b);
      if (!g) byBehaviour.set(b, (g = { kind: 'group', behaviour: b, tags: [] }));
      g.tags.push(tag);
    }
    const order = Object.keys(BEHAVIOUR_INFO);
    const groups = [...byBehaviour.values()].sort(
      (a, b) => (order.indexOf(a.behaviour) + 1 || 99) - (order.indexOf(b.behaviour) + 1 || 99) || a.behaviour.localeCompare(b.behaviour),
    );
    for (const g of groups) for (const tag of g.tags) byTagId.set(tag.id, { kind: 'tag', tag, group: g });
    // Each occurrence is labelled by its first cited event: step, tool and a snippet.
    const source = doc.content.ok ? doc.content.source : undefined;
    const nodes = [...byTagId.values()];
    const byIndex = new Map<number, ReturnType<typeof describeEvent>>();
    if (source && nodes.length) {
      // A file that cannot be read now (deleted, say) leaves the labels at "Event #N": the tags show.
      const fetched = await source.get([...new Set(nodes.map((n) => n.tag.events[0]!))].sort((a, b) => a - b)).catch(() => []);
      for (const f of fetched) if (f.event) byIndex.set(f.event.index, describeEvent(f.event));
    }
    for (const n of nodes) n.label = byIndex.get(n.tag.events[0]!) ?? { snippet: '' };
    return { groups, byTagId };
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      this.drawn = true;
      this.builtVersion = this.preparedVersion;
      setTimeout(() => this.syncSelection(), 0);
      return this.groups;
    }
    if (node.kind === 'tag') return [];
    // VS Code may ask with a group from an earlier build that has the same id ("group:refusal"): its
    // tags may be gone from this build (the judge's tag replaced the detector's), and the group
    // showed expanded with no row under it. The group of this build answers.
    const current = this.groups.find((g) => g.behaviour === node.behaviour) ?? node;
    return current.tags.map((t) => this.byTagId.get(t.id)).filter((n): n is TagNode => n !== undefined);
  }

  getParent(node: Node): Node | undefined {
    if (node.kind !== 'tag') return undefined;
    return this.groups.find((g) => g.behaviour === node.group.behaviour) ?? node.group;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const info = INFO[node.behaviour];
      const open = node.tags.filter((t) => t.verdict !== 'dismissed').length;
      const item = new vscode.TreeItem(info?.label ?? node.behaviour, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.behaviour}`;
      item.description = open === node.tags.length ? `${open}` : `${open} of ${node.tags.length} (${node.tags.length - open} dismissed)`;
      item.iconPath = new vscode.ThemeIcon(info?.icon ?? 'tag');
      item.tooltip = info ? `${info.label} (${node.behaviour}): ${info.description}` : `Custom behaviour ${node.behaviour}`;
      item.contextValue = 'peerwatch.behaviour';
      return item;
    }
    const t = node.tag;
    const d = node.label ?? { snippet: '' };
    const where = d.step !== undefined ? `Step ${d.step}` : `Event #${t.events[0]}`;
    const item = new vscode.TreeItem(`${where}${d.tool ? ` · ${d.tool}` : ''}`, vscode.TreeItemCollapsibleState.None);
    item.id = `tag:${t.id}`;
    const verdict = t.verdict === 'dismissed' ? 'dismissed · ' : t.verdict === 'confirmed' ? 'confirmed · ' : '';
    const judge = t.detector.startsWith('judge:') ? t.detector.slice('judge:'.length) : undefined;
    item.description = `${verdict}${t.origin === 'manual' ? 'manual · ' : ''}${judge ? `judge (${judge}) · ` : ''}${d.snippet}`;
    item.iconPath = t.verdict === 'dismissed' ? new vscode.ThemeIcon('circle-slash') : t.verdict === 'confirmed' ? new vscode.ThemeIcon('pass-filled') : new vscode.ThemeIcon(INFO[String(t.behaviour)]?.icon ?? 'tag');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(behaviourLabel(String(t.behaviour)))}** (${qualifierLabel(t.qualifier)})${t.origin === 'manual' ? ', added by a reviewer' : ''}${judge ? `, the judge's (${escapeMd(judge)})` : ''}\n\n`);
    md.appendMarkdown(`${escapeMd(t.explanation)}\n\n`);
    md.appendMarkdown(`Events: ${t.events.map((e) => `#${e}`).join(', ')}`);
    if (t.verdict) md.appendMarkdown(`\n\n${t.verdict === 'confirmed' ? 'Confirmed' : 'Dismissed'} by ${escapeMd(t.by ?? '?')} on ${t.at?.slice(0, 10) ?? '?'}${t.note && t.origin === 'detected' ? `: ${escapeMd(t.note)}` : ''}`);
    item.tooltip = md;
    item.contextValue = `peerwatch.tag.${t.origin}.${t.verdict ?? 'open'}`;
    item.command = { command: 'peerwatch.revealTag', title: 'Show in Editor', arguments: [t.id] };
    item.accessibilityInformation = { label: `${t.behaviour} at ${where}${t.verdict ? `, ${t.verdict}` : ''}` };
    return item;
  }

  /** The tag a sidebar context-menu command was run on, or the one selected. */
  tagFrom(arg: unknown): { doc: TranscriptDocument; tagId: string } | undefined {
    const node = (arg as Node | undefined) ?? this.view.selection[0];
    if (!this.doc || !node || node.kind !== 'tag') return undefined;
    return { doc: this.doc, tagId: node.tag.id };
  }

  get document(): TranscriptDocument | undefined {
    return this.doc;
  }

  dispose(): void {
    this.followedSub?.dispose();
    if (this.sampleStatusTimer) clearTimeout(this.sampleStatusTimer);
    this.disposables.forEach((d) => d.dispose());
  }
}

/** "6 flagged events (2 tags)": a flag is an event, and several tags may cite one. */
function flagsExplained(events: number, openTags: number): string {
  return `${events} flagged event${events === 1 ? '' : 's'} (${openTags} tag${openTags === 1 ? '' : 's'})`;
}

/**
 * The view's total, next to its title: tags (what the view lists) and the events they fall on (the
 * editor's flags), e.g. "3 tags on 2 events", and how many were dismissed.
 */
function tagsTotal(tags: readonly ReviewedTag[]): string | undefined {
  if (!tags.length) return undefined;
  const open = activeFlags(tags).length;
  const events = flaggedEvents(tags).length;
  const dismissed = tags.length - open;
  return `${open} tag${open === 1 ? '' : 's'} on ${events} event${events === 1 ? '' : 's'}${dismissed ? `, ${dismissed} dismissed` : ''}`;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
