// Share links: a whole scenario (live edits included, as pg.scenario() writes them) in the URL
// hash, deflated (CompressionStream 'deflate-raw', RFC 1951) and base64url-encoded (RFC 4648
// section 5, no padding), beside the time it was shared at:
//
//   #s=1.<base64url data>&t=12.5s
//
// `1.` is the link format's version: a later format gets another number, and this one keeps
// decoding. The same scheme as the lesson deep links (#lesson=<id>&t=350s). No DOM, no engine:
// the page loads the decoded text like any scenario (the loader then says what it refuses).
import { parseTime } from '../util/time';

/** The link format this page writes (and the ones it reads). */
export const SHARE_VERSION = 1;
/** Above this many characters a link may not survive chats and mail: the page warns. */
export const LONG_LINK = 8000;
/** A decoded scenario larger than this is refused (a small link must not inflate without end). */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

export type ShareProblem = 'version' | 'base64' | 'deflate' | 'tooLarge' | 'text' | 'json';

export type Decoded = { ok: true; json: string; t: number } | { ok: false; problem: ShareProblem; detail: string };

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (no padding) to bytes; null when it is not base64url (RFC 4648 section 5). */
export function fromBase64Url(s: string): Uint8Array | null {
  if (!B64URL.test(s)) return null;
  // A length of 4k+1 cannot come from whole bytes (section 4: a final quantum has 2 or 3
  // characters): a link cut there. Its last character is dropped, and inflating then says the
  // data is incomplete, which is what happened.
  if (s.length % 4 === 1) s = s.slice(0, -1);
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; ++i) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

async function pump(stream: CompressionStream | DecompressionStream, input: Uint8Array, limit = Infinity): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Write errors surface on the reading side too; swallow them here so none goes unhandled.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > limit) {
      await reader.cancel().catch(() => {});
      throw new RangeError('too large');
    }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `t` as the hash writes it: seconds with up to 6 decimals ("12.5s"), '' at 0. */
export function timeParam(ns: number): string {
  const s = Math.round((ns / 1e9) * 1e6) / 1e6;
  return s > 0 ? `${s}s` : '';
}

/** The hash (with '#') for scenario text `json` at time `ns`. */
export async function encodeShare(json: string, ns: number): Promise<string> {
  const data = toBase64Url(await pump(new CompressionStream('deflate-raw'), new TextEncoder().encode(json)));
  const t = timeParam(ns);
  return `#s=${SHARE_VERSION}.${data}${t ? `&t=${t}` : ''}`;
}

/** The `s` parameter of a hash ('' when none). */
export function shareParam(hash: string): string {
  // URLSearchParams would turn '+' into a space; base64url has none, but a hand-edited link may.
  const m = /(?:^#?|&)s=([^&]*)/.exec(hash);
  if (!m) return '';
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1]; // a stray '%': left as it is (the base64url check then refuses it)
  }
}

/** Reads a share link's hash back to scenario text and time (ns; 0 when none). */
export async function decodeShare(hash: string): Promise<Decoded> {
  const s = shareParam(hash);
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const tRaw = p.get('t');
  const t = tRaw ? parseTime(tRaw) : 0;
  const dot = s.indexOf('.');
  const version = dot > 0 ? s.slice(0, dot) : '';
  if (version !== String(SHARE_VERSION)) return { ok: false, problem: 'version', detail: version || s.slice(0, 12) };
  const bytes = fromBase64Url(s.slice(dot + 1));
  if (!bytes || !bytes.length) return { ok: false, problem: 'base64', detail: '' };
  let raw: Uint8Array;
  try {
    raw = await pump(new DecompressionStream('deflate-raw'), bytes, MAX_SCENARIO_BYTES);
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, problem: 'tooLarge', detail: String(MAX_SCENARIO_BYTES) };
    return { ok: false, problem: 'deflate', detail: e instanceof Error ? e.message : String(e) };
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, problem: 'text', detail: '' };
  }
  try {
    JSON.parse(json);
  } catch (e) {
    return { ok: false, problem: 'json', detail: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true, json, t: Number.isNaN(t) ? 0 : t };
}
