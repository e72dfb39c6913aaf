/**
 * The sample list as it travels from the host to the webview: 10,000 rows as objects were 3.4 MB of
 * JSON a message (every row repeating its field names, and inputs, targets, scores and flags that most
 * samples share with others), sent again as samples were tagged. Packed, each distinct string (and
 * each distinct scores or flags object, as its JSON) is sent once in a table, and each row is a few
 * numbers: about a fifth of the size, and as quick to unpack.
 *
 * Pure module, free of zod (the webview's bundle stays without it): the message's schema is
 * protocol.ts's PackedSampleRows.
 */
import type { PackedSampleRows, SampleRow } from './protocol';

/** Numbers per row (PackedSampleRows.cells): key, id, epoch, input, target, scores, totalTokens, error, complete, flags, flagsError. */
const WIDTH = 11;
/** A field the row does not have. */
const NONE = -1;

/** Packs the rows (see the module's comment). */
export function packSampleRows(rows: readonly SampleRow[]): PackedSampleRows {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const str = (s: string | undefined): number => {
    if (s === undefined) return NONE;
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const cells = new Array<number>(rows.length * WIDTH);
  rows.forEach((r, k) => {
    const o = k * WIDTH;
    cells[o] = str(r.key);
    cells[o + 1] = str(r.id);
    cells[o + 2] = r.epoch;
    cells[o + 3] = str(r.input);
    cells[o + 4] = str(r.target);
    cells[o + 5] = str(JSON.stringify(r.scores));
    cells[o + 6] = r.totalTokens ?? NONE;
    cells[o + 7] = str(r.error);
    cells[o + 8] = r.complete ? 1 : 0;
    cells[o + 9] = r.flags ? str(JSON.stringify(r.flags)) : NONE;
    cells[o + 10] = str(r.flagsError);
  });
  return { strings, cells };
}

/**
 * The rows back, equal to those packed. Rows that had equal scores (or flags) share one object:
 * readers must not change them.
 */
export function unpackSampleRows(p: PackedSampleRows): SampleRow[] {
  const { strings, cells } = p;
  const parsed = new Map<number, unknown>();
  const json = <T>(i: number): T => {
    let v = parsed.get(i);
    if (v === undefined) {
      v = JSON.parse(strings[i]!) as unknown;
      parsed.set(i, v);
    }
    return v as T;
  };
  const out: SampleRow[] = [];
  for (let o = 0; o + WIDTH <= cells.length; o += WIDTH) {
    const row: SampleRow = { key: strings[cells[o]!]!, id: strings[cells[o + 1]!]!, epoch: cells[o + 2]!, scores: json(cells[o + 5]!), complete: cells[o + 8] === 1 };
    if (cells[o + 3] !== NONE) row.input = strings[cells[o + 3]!]!;
    if (cells[o + 4] !== NONE) row.target = strings[cells[o + 4]!]!;
    if (cells[o + 6] !== NONE) row.totalTokens = cells[o + 6]!;
    if (cells[o + 7] !== NONE) row.error = strings[cells[o + 7]!]!;
    if (cells[o + 9] !== NONE) row.flags = json(cells[o + 9]!);
    if (cells[o + 10] !== NONE) row.flagsError = strings[cells[o + 10]!]!;
    out.push(row);
  }
  return out;
}
