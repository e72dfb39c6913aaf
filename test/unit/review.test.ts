import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseTranscript } from '../../src/core/formats';
import { detectBehaviours } from '../../src/core/behaviours';
import type { Tag } from '../../src/core/behaviours';
import {
  addManualTag,
  emptyReview,
  isEmptyReview,
  parseReview,
  removeManualTag,
  serializeReview,
  setReviewed,
  setVerdict,
  type Review,
} from '../../src/core/review/sidecar';
import { activeFlags, flaggedEventAt, flaggedEvents, mergeReview, stepFlaggedEvent } from '../../src/core/review/merge';

const root = resolve(__dirname, '../../..');
const ada = { by: 'Ada Lovelace', at: '2026-03-08T14:02:11.000Z' };
const bob = { by: 'Bob', at: '2026-03-09T09:00:00+02:00' };

function tag(id: string, events: number[], behaviour = id.split(':')[0]!): Tag {
  return { id, behaviour, qualifier: 'peer-preservation', events, explanation: `The agent did ${behaviour} at ${events.join(', ')}.`, detector: `${behaviour}/test` };
}

describe('review sidecar: parsing and writing', () => {
  it('round-trips a review with verdicts, manual tags and the reviewed mark', () => {
    let r = emptyReview('run.runlog.jsonl');
    r = setVerdict(r, 'shutdown-tampering:17', 'dismissed', ada, { behaviour: 'shutdown-tampering', events: [17] }, 'the config was a test copy');
    r = setVerdict(r, 'exfiltration:23', 'confirmed', bob);
    r = addManualTag(r, { behaviour: 'refusal', qualifier: 'peer-preservation', events: [30, 29], note: 'hedged refusal' }, ada).review;
    r = setReviewed(r, bob);
    const text = serializeReview(r);
    const back = parseReview('run.runlog.jsonl.review.json', text);
    assert.deepEqual(back.errors, []);
    assert.deepEqual(back.review, r);
    assert.equal(serializeReview(back.review!), text, 'writing is stable');
    assert.deepEqual(back.review!.added[0]!.events, [29, 30], 'manual events are sorted');
    assert.ok(text.endsWith('\n'));
  });

  it('fills defaults for a minimal file', () => {
    const r = parseReview('x.review.json', '{"version": 1}');
    assert.deepEqual(r.review, { version: 1, verdicts: {}, added: [], reviewed: null });
    assert.ok(isEmptyReview(r.review!));
  });

  it('reports invalid JSON with file, line and column', () => {
    const r = parseReview('a.review.json', '{\n  "version": 1,\n  "verdicts": {\n    "x:1": { "verdict": "dismissed", }\n');
    assert.equal(r.review, undefined);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!.message, /^a\.review\.json:4:\d+: invalid JSON/);
    assert.equal(r.errors[0]!.line, 4);
  });

  it('reports schema errors at the line of the offending value', () => {
    const text = [
      '{',
      '  "version": 1,',
      '  "verdicts": {',
      '    "exfiltration:23": {',
      '      "verdict": "maybe",',
      '      "by": "Ada",',
      '      "at": "yesterday"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const r = parseReview('b.review.json', text);
    assert.equal(r.review, undefined);
    const lines = r.errors.map((e) => e.line).sort();
    assert.deepEqual(lines, [5, 7]);
    assert.ok(r.errors.some((e) => /^b\.review\.json:5:\d+: \$\.verdicts\["exfiltration:23"\]\.verdict: expected one of "confirmed", "dismissed"/.test(e.message)), r.errors.map((e) => e.message).join('\n'));
    assert.ok(r.errors.some((e) => /^b\.review\.json:7:\d+: .*ISO 8601/.test(e.message)));
  });

  it('refuses a newer version instead of guessing, naming the line', () => {
    const r = parseReview('c.review.json', '{\n  "version": 2\n}');
    assert.match(r.errors[0]!.message, /^c\.review\.json:2:\d+: .*version 2.*reads version 1/);
  });

  it('refuses a missing version and a duplicate manual id', () => {
    assert.match(parseReview('d.review.json', '{}').errors[0]!.message, /^d\.review\.json.*version/);
    const dup = {
      version: 1,
      added: [
        { id: 'manual:1', behaviour: 'refusal', qualifier: 'self-preservation', events: [1], by: 'A', at: ada.at },
        { id: 'manual:1', behaviour: 'refusal', qualifier: 'self-preservation', events: [2], by: 'A', at: ada.at },
      ],
    };
    const r = parseReview('e.review.json', JSON.stringify(dup, null, 2));
    assert.match(r.errors[0]!.message, /used twice/);
    assert.ok((r.errors[0]!.line ?? 0) > 1);
  });
});

describe('review sidecar: edits', () => {
  it('edits return new reviews and leave the old one untouched (undo swaps states)', () => {
    const a = emptyReview();
    const b = setVerdict(a, 't:1', 'dismissed', ada);
    assert.deepEqual(a.verdicts, {});
    assert.equal(b.verdicts['t:1']!.verdict, 'dismissed');
    const c = setVerdict(b, 't:1', undefined, ada);
    assert.deepEqual(c.verdicts, {});
    assert.equal(b.verdicts['t:1']!.verdict, 'dismissed');
  });

  it('manual ids are never reused, even after a removal', () => {
    let r = emptyReview();
    const one = addManualTag(r, { behaviour: 'refusal', qualifier: 'self-preservation', events: [3], note: '' }, ada);
    const two = addManualTag(one.review, { behaviour: 'refusal', qualifier: 'self-preservation', events: [4], note: '' }, ada);
    assert.deepEqual([one.id, two.id], ['manual:1', 'manual:2']);
    r = removeManualTag(two.review, 'manual:2');
    r = setVerdict(r, 'manual:1', 'dismissed', bob);
    assert.equal(addManualTag(r, { behaviour: 'x', qualifier: 'self-preservation', events: [5], note: '' }, ada).id, 'manual:2');
    r = removeManualTag(r, 'manual:1');
    assert.deepEqual(r.verdicts, {}, 'removing a manual tag drops its verdict');
  });
});

describe('review: merging judgements with detected tags', () => {
  const detected = [tag('shutdown-tampering:17', [17]), tag('exfiltration:23', [23, 25])];

  it('without a review, tags are the detected ones, unjudged', () => {
    const m = mergeReview(detected, emptyReview());
    assert.deepEqual(
      m.tags.map((t) => [t.id, t.origin, t.verdict]),
      [
        ['shutdown-tampering:17', 'detected', undefined],
        ['exfiltration:23', 'detected', undefined],
      ],
    );
    assert.deepEqual(m.orphans, []);
  });

  it('applies verdicts, slots manual tags in by first event, reports orphan verdicts', () => {
    let r = setVerdict(emptyReview(), 'shutdown-tampering:17', 'dismissed', ada, undefined, 'test copy');
    r = setVerdict(r, 'refusal:4', 'confirmed', bob); // a tag the detectors no longer produce
    r = addManualTag(r, { behaviour: 'evidence-removal', qualifier: 'self-preservation', events: [20], note: 'deleted its notes' }, bob).review;
    const m = mergeReview(detected, r);
    assert.deepEqual(
      m.tags.map((t) => [t.id, t.origin, t.verdict ?? null]),
      [
        ['shutdown-tampering:17', 'detected', 'dismissed'],
        ['manual:1', 'manual', null],
        ['exfiltration:23', 'detected', null],
      ],
    );
    const dismissed = m.tags[0]!;
    assert.equal(dismissed.by, 'Ada Lovelace');
    assert.equal(dismissed.note, 'test copy');
    const manual = m.tags[1]!;
    assert.equal(manual.qualifier, 'self-preservation');
    assert.equal(manual.by, 'Bob');
    assert.match(manual.explanation, /^Added by Bob: deleted its notes$/);
    assert.deepEqual(m.orphans.map((o) => o.id), ['refusal:4']);
    assert.deepEqual(activeFlags(m.tags).map((t) => t.id), ['manual:1', 'exfiltration:23']);
  });

  it('a manual tag past the end of a growing log waits until the log reaches it', () => {
    const r = addManualTag(emptyReview(), { behaviour: 'refusal', qualifier: 'peer-preservation', events: [40], note: '' }, ada).review;
    assert.equal(mergeReview(detected, r, 30).tags.length, 2);
    assert.equal(mergeReview(detected, r, 41).tags.length, 3);
  });

  it('merges with the detectors on an example run', () => {
    const file = join(root, 'examples/study/tampering-shutdown-tampering-exfiltration-peer-good_peer.json');
    const t = parseTranscript({ fileName: file, text: readFileSync(file, 'utf8') });
    const tags = detectBehaviours(t);
    assert.ok(tags.length >= 2);
    const first = tags[0]!;
    const r: Review = setVerdict(emptyReview(), first.id, 'dismissed', ada, first);
    const m = mergeReview(tags, r, t.events.length);
    assert.equal(m.tags.length, tags.length);
    assert.equal(m.tags.find((x) => x.id === first.id)!.verdict, 'dismissed');
    assert.equal(activeFlags(m.tags).length, tags.length - 1);
  });
});

describe('review: a flag is a flagged event', () => {
  // Two tags share event 3; one cites 3 and 9; the dismissed one's event 7 is not flagged.
  const tags = [
    { id: 'a', events: [3] },
    { id: 'b', events: [3, 9] },
    { id: 'c', events: [12, 12] },
    { id: 'd', events: [7], verdict: 'dismissed' },
    { id: 'e', events: [20] },
  ];
  const flagged = flaggedEvents(tags);

  it('counts each cited event once, with the open tags on it, and leaves dismissed tags out', () => {
    assert.deepEqual(
      flagged.map((f) => [f.event, f.tags.map((t) => t.id)]),
      [
        [3, ['a', 'b']],
        [9, ['b']],
        [12, ['c']],
        [20, ['e']],
      ],
    );
  });

  it('F8 and Shift+F8 go to the next or previous flagged event from the focused one, wrapping around', () => {
    assert.equal(stepFlaggedEvent(flagged, undefined, 1), 0);
    assert.equal(stepFlaggedEvent(flagged, undefined, -1), 3);
    assert.equal(stepFlaggedEvent(flagged, 3, 1), 1, 'from event 3 (two tags) to event 9: one step, not one per tag');
    assert.equal(stepFlaggedEvent(flagged, 5, 1), 1);
    assert.equal(stepFlaggedEvent(flagged, 5, -1), 0);
    assert.equal(stepFlaggedEvent(flagged, 7, 1), 1, 'a dismissed tag\'s event is not a stop');
    assert.equal(stepFlaggedEvent(flagged, 20, 1), 0);
    assert.equal(stepFlaggedEvent(flagged, 3, -1), 3);
    assert.equal(stepFlaggedEvent([], 1, 1), undefined);
  });

  it('says which flag an event is', () => {
    assert.equal(flaggedEventAt(flagged, 3), 0);
    assert.equal(flaggedEventAt(flagged, 12), 2);
    assert.equal(flaggedEventAt(flagged, 7), undefined);
    assert.equal(flaggedEventAt(flagged, undefined), undefined);
  });
});
