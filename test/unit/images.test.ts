// Images in transcripts (core/images.ts): each format's image parts become ImageParts with the data kept
// only when it is checked PNG/JPEG/GIF/WebP base64 within the cap; everything else is described with the
// reason. The tiny PNG is test/fixtures/editor/tiny.png (written by make-fixtures.mjs there).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseTranscript } from '../../src/core/formats';
import { openEvalLog } from '../../src/core/formats/inspect';
import { IMAGE_DATA_CAP, checkImageData, imageFromPart, imagesOf, sniffImageType } from '../../src/core/images';
import type { ImagePart, Transcript, TranscriptEvent } from '../../src/core/model';
import { eventSearchText } from '../../src/core/searchText';
import { readRunlog, transcriptToRunlog } from '../../src/core/runlog/runlog';
import { fileByteSource, nodeCodecs } from '../../src/node/sampleLogs';
import { peerwatch } from './peerwatchCli';

const root = resolve(__dirname, '../../..');
const fixtures = join(root, 'test', 'fixtures', 'editor');
const png = readFileSync(join(fixtures, 'tiny.png'));
const PNG64 = png.toString('base64');
// The first bytes of a JPEG, a GIF and a WebP, with some body after them.
const JPEG64 = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20, 7)]).toString('base64');
const GIF64 = Buffer.concat([Buffer.from('GIF89a', 'ascii'), Buffer.alloc(20, 1)]).toString('base64');
const WEBP64 = Buffer.concat([Buffer.from('RIFF', 'ascii'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 ', 'ascii'), Buffer.alloc(20, 2)]).toString('base64');

const imagesIn = (t: Transcript): Array<{ kind: string; images: ImagePart[] }> =>
  t.events.filter((e): e is Extract<TranscriptEvent, { images?: ImagePart[] }> => 'images' in e && !!e.images?.length).map((e) => ({ kind: e.kind, images: e.images! }));

describe('images: reading each format', () => {
  it('Anthropic image blocks (base64 and url) join their message, described by the text beside them; tool results keep theirs', () => {
    const t = parseTranscript({
      fileName: 'a.json',
      text: JSON.stringify({
        model: 'claude-x',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What does this chart show?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG64 } }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'tu1', name: 'screenshot', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: 'screen' }, { type: 'image', source: { type: 'url', url: 'https://example.com/s.png' } }] }] },
        ],
      }),
    });
    const found = imagesIn(t);
    assert.equal(found.length, 2);
    assert.equal(found[0]!.kind, 'message');
    assert.deepEqual(found[0]!.images, [{ alt: 'What does this chart show?', mediaType: 'image/png', data: PNG64, bytes: png.length }]);
    const message = t.events.find((e) => e.kind === 'message' && e.role === 'user')!;
    assert.equal((message as { text: string }).text, 'What does this chart show?', 'no [image] placeholder left in the text');
    assert.equal(found[1]!.kind, 'tool_result');
    assert.deepEqual(found[1]!.images, [{ alt: 'screen', url: 'https://example.com/s.png', omitted: 'it is a link, which Peerwatch does not fetch' }]);
  });

  it('an image-only Anthropic message is still a message, described as "image"', () => {
    const t = parseTranscript({ fileName: 'a.json', text: JSON.stringify({ model: 'claude-x', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/gif', data: GIF64 } }] }, { role: 'assistant', content: 'A GIF.' }] }) });
    const [first] = imagesIn(t);
    assert.equal(first?.images[0]?.alt, 'image');
    assert.equal(first?.images[0]?.mediaType, 'image/gif');
    assert.ok(first?.images[0]?.data);
  });

  it('OpenAI Chat image_url parts (data URL kept, https named) and Responses input_image parts', () => {
    const chat = parseTranscript({
      fileName: 'c.json',
      text: JSON.stringify({
        model: 'gpt-x',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Compare these' }, { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${JPEG64}`, detail: 'high' } }, { type: 'image_url', image_url: { url: 'https://example.com/b.webp' } }] },
          { role: 'assistant', content: 'They differ.' },
        ],
      }),
    });
    const [m] = imagesIn(chat);
    assert.equal(m!.images.length, 2);
    assert.equal(m!.images[0]!.mediaType, 'image/jpeg');
    assert.equal(m!.images[0]!.data, JPEG64);
    assert.equal(m!.images[0]!.alt, 'Compare these');
    assert.equal(m!.images[1]!.url, 'https://example.com/b.webp');
    assert.equal(m!.images[1]!.data, undefined);
    assert.ok(!chat.events.some((e) => e.kind === 'message' && /\[image_url\]/.test(e.text)), 'no placeholder text');

    const responses = parseTranscript({
      fileName: 'r.json',
      text: JSON.stringify({
        model: 'gpt-x',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Describe' }, { type: 'input_image', image_url: `data:image/webp;base64,${WEBP64}` }, { type: 'input_image', file_id: 'file-123' }] }],
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A picture.' }] }],
      }),
    });
    const [r] = imagesIn(responses);
    assert.equal(r!.images[0]!.mediaType, 'image/webp');
    assert.equal(r!.images[0]!.data, WEBP64);
    assert.match(r!.images[1]!.omitted!, /uploaded file \(file-123\), not in the log/);
  });

  it('Inspect ContentImage in an .eval sample: the user message shows the PNG; a tool image whose bytes are not a PNG is described', async () => {
    const log = await openEvalLog('image-sample.eval', fileByteSource(join(fixtures, 'image-sample.eval')), nodeCodecs);
    const t = await log.readSample('pic#1');
    const found = imagesIn(t);
    assert.equal(found.length, 2);
    assert.deepEqual(found[0], { kind: 'message', images: [{ alt: 'A checkerboard from the lab camera (alt-needle-5e2)', mediaType: 'image/png', data: PNG64, bytes: png.length }] });
    assert.equal(found[1]!.kind, 'tool_result');
    assert.equal(found[1]!.images[0]!.data, undefined);
    assert.match(found[1]!.images[0]!.omitted!, /its data is not a PNG \(declared image\/png/);
    // Find searches the alt text; the text carries no [image] placeholder.
    const user = t.events.find((e) => e.kind === 'message' && e.role === 'user')!;
    assert.match(eventSearchText(user), /PNG image, 100 bytes: A checkerboard from the lab camera/);
    assert.ok(!/\[image\]/.test((user as { text: string }).text));
  });
});

describe('images: the checks before data is kept or shown', () => {
  it('knows PNG, JPEG, GIF and WebP by their first bytes', () => {
    assert.equal(sniffImageType(png), 'image/png');
    assert.equal(sniffImageType(Buffer.from(JPEG64, 'base64')), 'image/jpeg');
    assert.equal(sniffImageType(Buffer.from(GIF64, 'base64')), 'image/gif');
    assert.equal(sniffImageType(Buffer.from(WEBP64, 'base64')), 'image/webp');
    assert.equal(sniffImageType(Buffer.from('<svg/>')), undefined);
  });

  it('refuses data whose bytes are another type than declared, or no image', () => {
    assert.deepEqual(checkImageData('image/png', PNG64), { ok: true, bytes: png.length });
    const wrong = checkImageData('image/png', JPEG64);
    assert.equal(wrong.ok, false);
    assert.match((wrong as { reason: string }).reason, /its data is a JPEG \(declared image\/png, its first bytes say image\/jpeg\)/);
    const text = checkImageData('image/gif', Buffer.from('hello world, not a gif').toString('base64'));
    assert.match((text as { reason: string }).reason, /its data is not a GIF/);
  });

  it('refuses media types it does not show (SVG, BMP) and data that is not base64', () => {
    assert.match((checkImageData('image/svg+xml', Buffer.from('<svg/>').toString('base64')) as { reason: string }).reason, /media type "image\/svg\+xml" is not one the editor shows \(PNG, JPEG, GIF or WebP\)/);
    const svg = imageFromPart({ type: 'image', image: `data:image/svg+xml;base64,${Buffer.from('<svg onload="x()"/>').toString('base64')}` })!;
    assert.equal(svg.data, undefined);
    assert.match(svg.omitted!, /not one the editor shows/);
    const bad = imageFromPart({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG64.slice(0, 20) + '"><script>' } })!;
    assert.equal(bad.data, undefined);
    assert.match(bad.omitted!, /its data is not base64 \(character "\\"" at offset 20\)/);
    const padded = checkImageData('image/png', PNG64.replace(/=*$/, '') + '===');
    assert.match((padded as { reason: string }).reason, /not base64/);
    assert.match(imageFromPart({ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } })!.omitted!, /not base64/);
  });

  it(`keeps up to ${IMAGE_DATA_CAP} decoded bytes; a larger image keeps its size and says why it is not shown`, () => {
    const body = (n: number) => Buffer.concat([png.subarray(0, 8), Buffer.alloc(n - 8)]).toString('base64');
    const atCap = imageFromPart({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: body(IMAGE_DATA_CAP) } })!;
    assert.equal(atCap.bytes, IMAGE_DATA_CAP);
    assert.ok(atCap.data);
    const over = imageFromPart({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: body(IMAGE_DATA_CAP + 1) } })!;
    assert.equal(over.data, undefined);
    assert.equal(over.bytes, IMAGE_DATA_CAP + 1);
    assert.match(over.omitted!, /it is 5\.0 MB, over the 5\.0 MB the editor keeps inline/);
  });

  it('a string content holds no images; base64 without a declared type is typed by its bytes', () => {
    assert.equal(imagesOf('plain text'), undefined);
    const untyped = imageFromPart({ type: 'image', source: { type: 'base64', data: PNG64 } })!;
    assert.equal(untyped.mediaType, 'image/png');
    assert.ok(untyped.data);
  });
});

describe('images: run logs and the CLI', () => {
  it('a run log round-trips images (kept and omitted)', async () => {
    const log = await openEvalLog('image-sample.eval', fileByteSource(join(fixtures, 'image-sample.eval')), nodeCodecs);
    const t = await log.readSample('pic#1');
    const back = readRunlog('pic.runlog.jsonl', transcriptToRunlog(t));
    assert.deepEqual(imagesIn(back), imagesIn(t));
    assert.equal(imagesIn(back).length, 2);
  });

  it('peerwatch parse names the reader; a guessed reading says where it looked, as a warning line', () => {
    const r = peerwatch(['parse', join(fixtures, 'groups.runlog.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n {2}Read as Inspect \.json \(runlog\)\n/);
    assert.doesNotMatch(r.stdout, /Guessed/);
    // A guessed reading (the fallback reader sets reader.guess; a run log keeps it in its header).
    const dir = mkdtempSync(join(tmpdir(), 'peerwatch-guess-'));
    const file = join(dir, 'guessed.runlog.jsonl');
    const header = { type: 'header', schema: 'peerwatch.runlog', version: 1, run: { format: 'json', reader: { name: 'message lists found anywhere', guess: { path: '$.data.turns', note: '12 role/content objects' } } } };
    writeFileSync(file, `${JSON.stringify(header)}\n${JSON.stringify({ type: 'event', kind: 'message', role: 'user', text: 'hi' })}\n`);
    const g = peerwatch(['parse', file]);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /\n {2}Read as message lists found anywhere \(runlog\)\n {2}Guessed: no known format matched; read \$\.data\.turns — 12 role\/content objects\n/);
  });
});
