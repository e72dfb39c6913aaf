/**
 * How a provider log is laid out: a bare list, a request body, a response body, or a request and its
 * response saved together (`{request, response}` and close variants such as `{req, res}`,
 * `{params, completion}`, `{input: {...}, output: {...}}`).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { JsonPath } from '../../json/tolerantJson';
import { isRecord, rest } from './builder';

export interface Part {
  value: Record<string, unknown>;
  path: JsonPath;
  key?: string;
}

// `responses_create_params`: NeMo Gym's rollout records.
const REQUEST_KEYS = ['request', 'req', 'params', 'request_body', 'body', 'input', 'responses_create_params'];
const RESPONSE_KEYS = ['response', 'res', 'completion', 'result', 'response_body', 'output'];

/** The request and response of a pair document, when `doc` is one. */
export function findPair(doc: unknown): { request?: Part; response?: Part } | undefined {
  if (!isRecord(doc)) return undefined;
  const req = REQUEST_KEYS.find((k) => isRecord(doc[k]));
  const res = RESPONSE_KEYS.find((k) => isRecord(doc[k]));
  if (!req && !res) return undefined;
  // A lone `input`/`output` object is not a pair unless it looks like a request/response body.
  if (!res && (req === 'input' || req === 'body') && !looksLikeRequest(doc[req])) return undefined;
  if (!req && (res === 'output' || res === 'result') && !looksLikeResponse(doc[res])) return undefined;
  const out: { request?: Part; response?: Part } = {};
  if (req) out.request = { value: doc[req] as Record<string, unknown>, path: [req], key: req };
  if (res) out.response = { value: doc[res] as Record<string, unknown>, path: [res], key: res };
  return out;
}

function looksLikeRequest(v: unknown): boolean {
  return isRecord(v) && (Array.isArray(v['messages']) || 'input' in v || 'model' in v);
}

function looksLikeResponse(v: unknown): boolean {
  return isRecord(v) && (Array.isArray(v['choices']) || Array.isArray(v['output']) || (v['type'] === 'message' && Array.isArray(v['content'])));
}

/**
 * The request and response a provider document holds: the document itself when it is one of them
 * (`isRequest`, `isResponse`), else the parts of a pair (findPair), with the pair's other keys for the
 * header's metadata.
 */
export function requestAndResponse(
  doc: Record<string, unknown>,
  isRequest: (v: unknown) => boolean,
  isResponse: (v: unknown) => boolean,
): { request?: Part; response?: Part; metadata: Record<string, unknown> } {
  if (isRequest(doc)) return { request: { value: doc, path: [] }, metadata: {} };
  if (isResponse(doc)) return { response: { value: doc, path: [] }, metadata: {} };
  const pair = findPair(doc);
  return { ...(pair?.request ? { request: pair.request } : {}), ...(pair?.response ? { response: pair.response } : {}), metadata: rest(doc, [pair?.request?.key ?? '', pair?.response?.key ?? '']) };
}

/**
 * True for JSON Lines of typed events, as agent CLIs print them run headless: the first line is a
 * record `first` accepts, every record's `type` is one of `types` (and passes `each`), and most lines
 * are records (a damaged line is reported by the reader). Looks at each record once and copies nothing.
 */
export function isEventLines(doc: unknown, types: ReadonlySet<string>, first: (r: Record<string, unknown>) => boolean, each: (r: Record<string, unknown>) => boolean = () => true): doc is unknown[] {
  if (!Array.isArray(doc) || doc.length === 0 || !isRecord(doc[0]) || !first(doc[0])) return false;
  let records = 0;
  for (const r of doc) {
    if (!isRecord(r)) continue;
    if (typeof r['type'] !== 'string' || !types.has(r['type']) || !each(r)) return false;
    records++;
  }
  return records * 2 >= doc.length;
}
