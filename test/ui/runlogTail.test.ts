/**
 * Issue 18 in the real VS Code: End on a large run log still being indexed shows the log's last
 * events at once, read from the end of the file, their numbers marked as estimates; once indexing
 * finishes the list is at the same last event under its true number.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeTestWorkbench, openWorkbench, peerwatchFrame, quickOpen, type Workbench } from './vscodeSession';

const LONG = 60_000;
/**
 * About 100 MB of short events: the index reads each line, so at this many lines indexing takes the
 * extension host seconds, while the first events show at once.
 */
const EVENTS = 800_000;

/** A run of EVENTS short messages, every one naming its place. */
function writeBigLog(file: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { title: 'Big generated run', model: 'test/big-model' } }) + '\n');
    for (let i = 0; i < EVENTS; i += 10_000) {
      const lines: string[] = [];
      for (let k = i; k < Math.min(EVENTS, i + 10_000); k++) lines.push(`{"type":"event","kind":"message","role":"assistant","step":${k + 1},"text":"Message number ${k} of the big run: the agent reads the figures."}`);
      fs.writeSync(fd, lines.join('\n') + '\n');
    }
    fs.writeSync(fd, JSON.stringify({ type: 'end', status: 'completed' }) + '\n');
  } finally {
    fs.closeSync(fd);
  }
}

describe('The end of a large run log while it is indexed (issue 18)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let workspace: string;
  const name = 'big.runlog.jsonl';

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-tail-'));
    writeBigLog(path.join(workspace, name));
  });

  after(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
  });

  it('End shows the last event before the log is indexed, marked as an estimate, then the same event numbered', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await quickOpen(page, name);
    const frame = await peerwatchFrame(page);
    const first = frame.locator('[data-testid="event-list"] .event[data-event-index="0"]');
    await first.waitFor({ state: 'visible', timeout: LONG });
    await first.click();
    await page.keyboard.press('End');
    // The log's own last event, read from the end of the file while the index is still behind.
    const tailLast = frame.locator('[data-testid="tail-list"] .event').last();
    await tailLast.waitFor({ state: 'visible', timeout: LONG });
    assert.match(await tailLast.innerText(), new RegExp(`Message number ${EVENTS - 1} of the big run`));
    assert.equal(await tailLast.getAttribute('data-provisional'), 'true', 'shown before the index reached the end, so numbered by estimate');
    assert.match(await tailLast.locator('.index').innerText(), /^≈#\d+$/);
    const estimate = Number(await tailLast.getAttribute('data-tail-index'));
    assert.ok(Math.abs(estimate - (EVENTS - 1)) <= EVENTS * 0.05, `the estimate #${estimate} is near #${EVENTS - 1}`);
    assert.match(await frame.locator('[data-testid="tail-note"]').innerText(), /estimates \(≈\) until reading finishes/);
    // Indexing done: the list shows the same event under its true number, focused; the tail is gone.
    const last = frame.locator(`[data-testid="event-list"] .event[data-event-index="${EVENTS - 1}"]`);
    await last.waitFor({ state: 'visible', timeout: LONG });
    assert.match(await last.innerText(), new RegExp(`Message number ${EVENTS - 1} of the big run`));
    assert.equal(await last.locator('.index').innerText(), `#${EVENTS - 1}`);
    assert.equal(await frame.locator('[data-testid="tail"]').isVisible(), false);
    await frame.locator(`[data-testid="event-list"] .event.focused[data-event-index="${EVENTS - 1}"]`).waitFor({ timeout: LONG });
    assert.doesNotMatch(await frame.locator('[data-testid="counts"]').innerText(), /reading/);
  });
});
