// Writes a large run log for the tests of reading and tagging big files, a megabyte at a time.
import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes `header` (a header line), then `line(i)` for i = 0, 1, … until the file holds at least
 * `bytes`, then an end record; returns how many event lines were written.
 */
export function writeRunlogOfSize(file: string, header: string, bytes: number, line: (i: number) => string): number {
  const fd = openSync(file, 'w');
  let events = 0;
  try {
    let written = writeSync(fd, header);
    let block = '';
    while (written + block.length < bytes) {
      block += line(events++);
      if (block.length > 1 << 20) {
        written += writeSync(fd, block);
        block = '';
      }
    }
    writeSync(fd, block + JSON.stringify({ type: 'end', status: 'completed' }) + '\n');
  } finally {
    closeSync(fd);
  }
  return events;
}
