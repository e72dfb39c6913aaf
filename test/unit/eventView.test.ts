import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EventView, MAX_OUTLINE_ENTRIES, type EventIndexLike } from '../../src/core/eventView';
import { RunlogIndex } from '../../src/core/runlog/runlogIndex';

/** An index over rows of [kind, tool, step]; `rows` may grow, as a live log's index does. */
function index(rows: Array<[string, string | undefined, number | undefined]>): EventIndexLike {
  return {
    get count() {
      return rows.length;
    },
    kindOf: (i) => rows[i]?.[0],
    toolOf: (i) => rows[i]?.[1],
    stepOf: (i) => rows[i]?.[2],
  };
}

const RUN: Array<[string, string | undefined, number | undefined]> = [
  ['message', undefined, undefined], // 0 system
  ['message', undefined, undefined], // 1 user
  ['reasoning', undefined, 1], // 2
  ['tool_call', 'read_config', 1], // 3
  ['tool_result', 'read_config', 1], // 4
  ['reasoning', undefined, 2], // 5
  ['tool_call', 'modify_var', 2], // 6
  ['tool_result', 'modify_var', 2], // 7
  ['config_change', undefined, 2], // 8
  ['message', undefined, 3], // 9
];

describe('EventView', () => {
  it('shows every event until filtered; positions are indices', () => {
    const v = new EventView(index(RUN));
    v.setFilter({ kinds: null, tools: null });
    assert.equal(v.count, RUN.length);
    assert.equal(v.indexAt(7), 7);
    assert.equal(v.posOf(7), 7);
    assert.equal(v.filtered, false);
  });

  it('filters by kind and by tool, and maps positions both ways', () => {
    const v = new EventView(index(RUN));
    v.setFilter({ kinds: ['tool_call'], tools: null });
    assert.equal(v.count, 2);
    assert.deepEqual([v.indexAt(0), v.indexAt(1)], [3, 6]);
    assert.equal(v.posOf(6), 1);
    assert.equal(v.posOf(5), -1, 'a hidden event has no position');
    v.setFilter({ kinds: null, tools: ['modify_var'] });
    assert.deepEqual([0, 1].map((p) => v.indexAt(p)), [6, 7], 'a tool filter keeps the call and its result');
    v.setFilter({ kinds: ['tool_result'], tools: ['modify_var'] });
    assert.equal(v.count, 1);
    assert.equal(v.indexAt(0), 7);
    v.setFilter({ kinds: [], tools: [] });
    assert.equal(v.filtered, false, 'empty lists mean no filter');
  });

  it('takes in events a growing log adds, filtered or not', () => {
    const rows = RUN.slice(0, 4);
    const v = new EventView(index(rows));
    v.setFilter({ kinds: ['tool_call'], tools: null });
    assert.equal(v.count, 1);
    rows.push(...RUN.slice(4));
    assert.equal(v.count, 1, 'nothing changes until refresh');
    v.refresh();
    assert.equal(v.count, 2);
    assert.equal(v.indexAt(1), 6);
    // Many more: the position array grows past its first capacity.
    for (let i = 0; i < 5000; i++) rows.push(['tool_call', 't', 4 + i]);
    v.refresh();
    assert.equal(v.count, 5002);
    assert.equal(v.posOf(rows.length - 1), 5001);
  });

  it('navigates to the next and previous event of a kind, in the view', () => {
    const v = new EventView(index(RUN));
    v.setFilter({ kinds: null, tools: null });
    assert.equal(v.navigate(0, 1, 'tool_call'), 3);
    assert.equal(v.navigate(3, 1, 'tool_call'), 6);
    assert.equal(v.navigate(6, 1, 'tool_call'), -1, 'none after the last');
    assert.equal(v.navigate(6, -1, 'tool_call'), 3);
    assert.equal(v.navigate(-1, 1, 'any'), 0);
    assert.equal(v.navigate(RUN.length, -1, 'any'), RUN.length - 1);
    v.setFilter({ kinds: ['tool_call', 'config_change'], tools: null });
    assert.equal(v.navigate(0, 1, 'config_change'), 2, 'positions are in the filtered view');
  });

  it('links reasoning to the tool call it led to, and back', () => {
    const v = new EventView(index(RUN));
    assert.equal(v.ledTo(2), 3);
    assert.equal(v.ledFrom(3), 2);
    assert.equal(v.ledTo(5), 6);
    assert.equal(v.ledFrom(6), 5);
    assert.equal(v.ledTo(3), undefined, 'only reasoning leads to an action');
    assert.equal(v.ledFrom(4), undefined, 'only tool calls are led to');
    // Reasoning whose step ends without a call leads nowhere.
    const v2 = new EventView(index([['reasoning', undefined, 1], ['message', undefined, 1], ['tool_call', 'x', 1]]));
    assert.equal(v2.ledTo(0), undefined);
    assert.equal(v2.ledFrom(2), undefined);
  });

  it('outlines the run by step, naming the tools and marking changes', () => {
    const v = new EventView(index(RUN));
    const outline = v.outline();
    assert.deepEqual(
      outline.map((e) => [e.index, e.step, e.label, e.marks]),
      [
        [0, null, 'start', []],
        [2, 1, 'read_config', ['reasoning']],
        [5, 2, 'modify_var', ['reasoning', 'config_change']],
        [9, 3, 'message', []],
      ],
    );
  });

  it('keeps the outline small for very long runs', () => {
    const rows: Array<[string, string | undefined, number]> = [];
    for (let s = 1; s <= 50_000; s++) rows.push(['tool_call', 'read_file', s]);
    const outline = new EventView(index(rows)).outline();
    assert.ok(outline.length <= MAX_OUTLINE_ENTRIES, `${outline.length} entries`);
    assert.equal(outline[0]!.index, 0);
    assert.match(outline[1]!.label, /^steps \d+–\d+$/);
    assert.ok(outline.every((e, i) => i === 0 || e.index > outline[i - 1]!.index), 'entries stay in order');
  });
});

describe('EventView: groups fold', () => {
  // The run log of test/fixtures/editor (make-fixtures.mjs): 0 user; 1–6 in span "solver", of which
  // 3–4 in agent "researcher" (started by call 2); 7–8 in scorer "model_graded_qa"; 9 the score.
  const file = join(resolve(__dirname, '../../..'), 'test', 'fixtures', 'editor', 'groups.runlog.jsonl');
  const groupsIndex = () => {
    const idx = new RunlogIndex('groups.runlog.jsonl');
    idx.push(readFileSync(file));
    idx.finish();
    return idx;
  };
  const shown = (v: EventView) => Array.from({ length: v.count }, (_, p) => v.indexAt(p));

  it('by default folds agents and scorers to their header row, and leaves spans open', () => {
    const v = new EventView(groupsIndex());
    v.setFilter({ kinds: null, tools: null });
    assert.deepEqual(shown(v), [0, 1, 2, 3, 5, 6, 7, 9]);
    // Event 1 starts the span (open): its header shows above it.
    assert.deepEqual(v.groupHeads(1).map((h) => [h.kind, h.name, h.count, h.folded, h.depth]), [['span', 'solver', 6, false, 0]]);
    // Event 3 starts the agent (folded, one deep in the span): its header stands for the group.
    assert.deepEqual(v.groupHeads(3).map((h) => [h.kind, h.name, h.callId, h.count, h.folded, h.depth]), [['agent', 'researcher', 'call-research', 2, true, 1]]);
    assert.deepEqual(v.groupHeads(7).map((h) => [h.kind, h.count, h.folded]), [['scorer', 2, true]]);
    assert.deepEqual(v.groupHeads(4), [], 'only the first event of a group has its header');
    assert.equal(v.depthOf(4), 2);
    // Hidden events: find counts them at their group's header row.
    assert.equal(v.posOf(4), -1);
    assert.equal(v.shownPosOf(4), v.posOf(3));
    assert.deepEqual(v.foldedAround(8).map((g) => g.id), ['scorer-judge']);
    assert.deepEqual(v.foldedAround(2), []);
  });

  it('unfolds a toggled group, folds all (spans too) and opens all', () => {
    const v = new EventView(groupsIndex());
    v.setFolds({ toggled: ['agent-research'] });
    assert.deepEqual(shown(v), [0, 1, 2, 3, 4, 5, 6, 7, 9]);
    v.setFolds({ all: 'closed', toggled: [] });
    assert.deepEqual(shown(v), [0, 1, 7, 9], 'the span folds over the agent inside it');
    assert.deepEqual(v.groupHeads(1).map((h) => [h.kind, h.folded]), [['span', true]]);
    v.setFolds({ all: 'closed', toggled: ['span-solver'] });
    assert.deepEqual(shown(v), [0, 1, 2, 3, 5, 6, 7, 9]);
    v.setFolds({ all: 'open', toggled: [] });
    assert.equal(v.count, 10);
    // A kind filter and folds together.
    v.setFolds({ toggled: [] });
    v.setFilter({ kinds: ['message'], tools: null });
    assert.deepEqual(shown(v), [0, 1, 3, 6, 7]);
    assert.equal(v.kindOrToolFiltered, true);
  });
});
