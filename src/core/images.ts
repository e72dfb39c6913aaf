/**
 * The one reader of images in message content, whatever the format wrote: Inspect's ContentImage
 * (`{type: 'image', image: <data URL or URL>, detail}`), Anthropic image blocks (`{type: 'image',
 * source: {type: 'base64', media_type, data} | {type: 'url', url}}`), OpenAI Chat parts (`{type:
 * 'image_url', image_url: {url, detail}}`) and Responses parts (`{type: 'input_image', image_url,
 * file_id}`). Each becomes an `ImagePart`: base64 data is kept only when it is PNG, JPEG, GIF or
 * WebP (declared *and* found in its first bytes), decodes cleanly and is at most `IMAGE_DATA_CAP`
 * bytes; otherwise `omitted` says why. A URL is named, never fetched.
 *
 * The webview checks the data again (`checkImageData`) before it builds a `data:` URL: a run log or a
 * hand-edited file reaches it without passing through a reader.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { ImagePart } from './model';

/**
 * Largest image (decoded bytes) kept inline in a transcript: 5 MB. Defined here, not in model.ts, so
 * the webview (which checks images again) does not bundle zod through a value import of the model.
 */
export const IMAGE_DATA_CAP = 5 * 1024 * 1024;
import { isRecord } from './json/values';
import { trimEndOf } from './trimEnd';

/** The media types the editor shows, by their names in messages. */
export const SHOWN_IMAGE_TYPES: Readonly<Record<string, string>> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
};

const SHOWN_LIST = 'PNG, JPEG, GIF or WebP';

/** The media type the first bytes of an image say it is (its magic number), or undefined. */
export function sniffImageType(b: Uint8Array): string | undefined {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return undefined;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Decodes the first `max` bytes of base64 text (assumed valid). */
function decodeHead(b64: string, max: number): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < b64.length && out.length < max; i++) {
    const v = B64_VALUE.get(b64[i]!);
    if (v === undefined) break;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return new Uint8Array(out);
}

export type ImageCheck = { ok: true; bytes: number } | { ok: false; reason: string; bytes?: number };

/**
 * Whether `data` is base64 of an image the editor may show as `mediaType`: a shown type, valid
 * base64, within the cap, and its first bytes are that type's magic number.
 */
export function checkImageData(mediaType: string | undefined, data: string): ImageCheck {
  const type = (mediaType ?? '').toLowerCase();
  if (!SHOWN_IMAGE_TYPES[type]) return { ok: false, reason: `its media type ${mediaType ? `"${mediaType}"` : '(none given)'} is not one the editor shows (${SHOWN_LIST})` };
  // Line breaks are allowed inside base64 (MIME wraps it at 76 characters); nothing else is.
  const b64 = /[\r\n]/.test(data) ? data.replace(/[\r\n]+/g, '') : data;
  const bad = /[^A-Za-z0-9+/=]/.exec(b64);
  if (bad) return { ok: false, reason: `its data is not base64 (character ${JSON.stringify(bad[0])} at offset ${bad.index})` };
  const pad = b64.length - trimEndOf(b64, '=').length;
  const eq = b64.indexOf('=');
  if (pad > 2 || (eq >= 0 && eq < b64.length - pad) || (b64.length % 4 !== 0 && pad > 0) || b64.length % 4 === 1) {
    return { ok: false, reason: `its data is not base64 (${b64.length} characters with ${pad} "=" of padding)` };
  }
  const bytes = Math.floor(((b64.length - pad) * 3) / 4);
  if (bytes === 0) return { ok: false, reason: 'its data is empty', bytes };
  if (bytes > IMAGE_DATA_CAP) return { ok: false, reason: `it is ${formatBytes(bytes)}, over the ${formatBytes(IMAGE_DATA_CAP)} the editor keeps inline`, bytes };
  const found = sniffImageType(decodeHead(b64, 16));
  if (found !== type) {
    return { ok: false, reason: `its data is ${found ? `a ${SHOWN_IMAGE_TYPES[found]}` : `not a ${SHOWN_IMAGE_TYPES[type]}`} (declared ${type}, its first bytes say ${found ?? 'otherwise'})`, bytes };
  }
  return { ok: true, bytes };
}

/** "1.2 MB", "820 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Parts of a `data:` URL: its media type and payload, and whether the payload is base64. */
function parseDataUrl(url: string): { mediaType: string; base64: boolean; payload: string } | undefined {
  const m = /^data:([^,;]*)((?:;[^,;]*)*),/i.exec(url.slice(0, 256));
  if (!m) return undefined;
  return { mediaType: m[1]!.trim().toLowerCase(), base64: /;base64\b/i.test(m[2]!), payload: url.slice(m[0].length) };
}

/** An image from base64 data (or a `data:` URL, or a link), kept or omitted as the module comment says. */
export function imagePart(src: { data?: string; url?: string; mediaType?: string; alt: string }): ImagePart {
  const alt = src.alt;
  let data = src.data;
  let mediaType = src.mediaType?.toLowerCase();
  const url = src.url;
  if (data === undefined && url !== undefined) {
    const parsed = /^data:/i.test(url) ? parseDataUrl(url) : undefined;
    if (/^data:/i.test(url)) {
      if (!parsed) return { alt, omitted: 'its data: URL is malformed (expected data:<type>;base64,<data>)' };
      mediaType = parsed.mediaType || mediaType;
      if (!parsed.base64) return { alt, ...(mediaType ? { mediaType } : {}), omitted: 'its data: URL is not base64' };
      data = parsed.payload;
    } else {
      return { alt, url: url.length > 2048 ? url.slice(0, 2047) + '…' : url, ...(mediaType ? { mediaType } : {}), omitted: 'it is a link, which Peerwatch does not fetch' };
    }
  }
  if (data === undefined) return { alt, ...(mediaType ? { mediaType } : {}), omitted: 'it holds no image data' };
  if (!mediaType) {
    // No declared type: take what the first bytes say, and check that like any other.
    const head = /^[A-Za-z0-9+/]{16}/.test(data) ? sniffImageType(decodeHead(data, 16)) : undefined;
    if (head) mediaType = head;
  }
  const check = checkImageData(mediaType, data);
  if (!check.ok) return { alt, ...(mediaType ? { mediaType } : {}), ...(check.bytes !== undefined ? { bytes: check.bytes } : {}), omitted: check.reason };
  return { alt, mediaType: mediaType!, data: /[\r\n]/.test(data) ? data.replace(/[\r\n]+/g, '') : data, bytes: check.bytes };
}

/** True for a content part that holds an image (any of the shapes in the module comment). */
export function isImagePart(part: unknown): boolean {
  if (!isRecord(part)) return false;
  const t = part['type'];
  return t === 'image' || t === 'image_url' || t === 'input_image';
}

/** The image in one content part, or undefined when the part is not an image. `alt`: what describes it. */
export function imageFromPart(part: unknown, alt = 'image'): ImagePart | undefined {
  if (!isImagePart(part)) return undefined;
  const p = part as Record<string, unknown>;
  const own = typeof p['alt'] === 'string' && p['alt'].trim() ? p['alt'].trim() : alt;
  if (p['type'] === 'image') {
    const source = p['source'];
    if (isRecord(source)) {
      // Anthropic: {type: 'base64', media_type, data} or {type: 'url', url}.
      const mediaType = typeof source['media_type'] === 'string' ? source['media_type'] : undefined;
      if (typeof source['data'] === 'string') return imagePart({ data: source['data'], ...(mediaType ? { mediaType } : {}), alt: own });
      if (typeof source['url'] === 'string') return imagePart({ url: source['url'], alt: own });
      if (typeof source['file_id'] === 'string') return { alt: own, omitted: `it is an uploaded file (${source['file_id']}), not in the log` };
      return { alt: own, omitted: `its source is of type ${JSON.stringify(source['type'] ?? null)}, which holds no image data` };
    }
    // Inspect ContentImage: `image` is a data URL or a URL.
    if (typeof p['image'] === 'string') return imagePart({ url: p['image'], alt: own });
    return { alt: own, omitted: 'it holds no image data' };
  }
  const ref = p['image_url'];
  const url = typeof ref === 'string' ? ref : isRecord(ref) && typeof ref['url'] === 'string' ? ref['url'] : undefined;
  if (url !== undefined) return imagePart({ url, alt: own });
  if (typeof p['file_id'] === 'string') return { alt: own, omitted: `it is an uploaded file (${p['file_id']}), not in the log` };
  return { alt: own, omitted: 'it holds no image data' };
}

/**
 * The images in message content (a list of parts; a string holds none), each described by the text
 * beside it when there is some (the first line of the content's text, which no format ties to the
 * image otherwise), else "image".
 */
export function imagesOf(content: unknown): ImagePart[] | undefined {
  if (!Array.isArray(content) || !content.some(isImagePart)) return undefined;
  const text = content
    .map((c) => (typeof c === 'string' ? c : isRecord(c) && typeof c['text'] === 'string' ? c['text'] : ''))
    .join('\n')
    .trim();
  const line = text.split('\n')[0]!.trim();
  const alt = line ? (line.length > 120 ? line.slice(0, 119) + '…' : line) : 'image';
  const out: ImagePart[] = [];
  for (const c of content) {
    const img = imageFromPart(c, alt);
    if (img) out.push(img);
  }
  return out;
}

/** `{images}` to spread into an event, or nothing when there are none. */
export function withImages(images: ImagePart[] | undefined): { images?: ImagePart[] } {
  return images && images.length ? { images } : {};
}

/** One line naming an image for text output and search: its alt text and, when not shown, why. */
export function imageLabel(img: ImagePart): string {
  const what = img.mediaType && SHOWN_IMAGE_TYPES[img.mediaType] ? `${SHOWN_IMAGE_TYPES[img.mediaType]} image` : 'image';
  const size = img.bytes !== undefined ? `, ${formatBytes(img.bytes)}` : '';
  const where = img.url ? ` at ${img.url}` : '';
  return `[${what}${size}: ${img.alt ?? 'image'}${where}${img.omitted ? ` (not shown: ${img.omitted})` : ''}]`;
}
